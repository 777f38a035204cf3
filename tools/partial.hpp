// SPDX-License-Identifier: MIT
// What `trailsift merge` shares with the commands whose partial results it merges: the one code
// that writes each command's result and end-of-run notes, so that a merge writes what a single
// run writes.
#pragma once

#include <string>
#include <vector>

#include "report.hpp"
#include "trailsift/event_stats.hpp"
#include "trailsift/validation.hpp"

namespace trailsift::cli {

/// Writes `stats`' result as `format_name` asks (table, json or csv); `chart`: --chart was given.
void write_stats_result(const EventStats& stats, StatsContext& context,
                        const std::string& format_name, bool chart);

/// Compares the sides of `diff --by`, writes the changes as `format_name` asks (text, csv or
/// json) and the summary note, and returns the exit status (0 same, 1 changes, 2 failed).
int write_group_diff_result(const std::vector<EventField>& fields, double threshold,
                            const EventStats& left, const EventStats& right,
                            bool matches_everything, const std::string& format_name,
                            Reporter& reporter);

/// How to write a validation report: what validate's options and merge's say alike.
struct ValidationOutput {
  std::string format = "table";  ///< table or json
  bool verbose = false;          ///< table: list valid files too
  bool quiet = false;            ///< no notes (the no-digest warning and recheck note stay)
};

/// Writes `validate`'s report (table: problems on stderr, valid files with `verbose` and the
/// summary on stdout; or JSON), its notes and its errors, and returns its exit status.
int write_validation_result(const ValidationRun& run, const ValidationOutput& output,
                            Reporter& reporter);

}  // namespace trailsift::cli
