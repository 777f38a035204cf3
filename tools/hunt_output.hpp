// SPDX-License-Identifier: MIT
// What `trailsift hunt` and `trailsift merge` share to write hunt's result: the formatter of its
// lines, the timeline that sorts them, and the end of the run (correlations, output, summary),
// so that a merge of hunt's partial results writes what one run writes.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "report.hpp"
#include "trailsift/event.hpp"
#include "trailsift/partial_result.hpp"
#include "trailsift/sigma.hpp"
#include "trailsift/time.hpp"

namespace trailsift::cli {

/// hunt's output forms; kPartial formats an event's detection as its compact record only.
enum class HuntFormat { kTable, kCsv, kTsv, kNdjson, kPartial };

/// The form `-o NAME` names.
HuntFormat hunt_format(const std::string& name);

/// One line of the timeline, waiting for the sort: 48 bytes, and its text in a chunk.
struct Detection {
  UnixSeconds time = std::numeric_limits<UnixSeconds>::min();  // min: no valid eventTime
  EventPosition position;
  std::uint32_t rule = 0;
  std::uint32_t chunk = 0;  ///< which text chunk holds its line
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

/// The lines of the timeline, kept as one text per input (no allocation per detection) until
/// they are sorted and written.
class Timeline {
 public:
  /// Adds detections whose lines lie in `texts`, at their offset and length.
  void add(std::vector<Detection>&& detections, std::string&& texts);
  /// Sorts by eventTime, ties in input order, then in the order the rules were read.
  void sort();

  const std::vector<Detection>& detections() const { return detections_; }
  std::string_view text(const Detection& detection) const {
    return std::string_view(chunks_[detection.chunk]).substr(detection.offset, detection.length);
  }

 private:
  std::vector<Detection> detections_;
  std::vector<std::string> chunks_;
};

/// Formats detections of one kind of output.
class HuntFormatter {
 public:
  HuntFormatter(HuntFormat format, const std::vector<SigmaRuleInfo>& rules);

  HuntFormat format() const { return format_; }
  /// Appends the line of `event` matching `rule`.
  void append_event_detection(std::string& out, std::uint32_t rule, const Event& event) const;
  /// Appends the line of a correlation's detection.
  void append_correlation_detection(std::string& out,
                                    const SigmaCorrelationDetection& detection) const;
  /// The header line of CSV, TSV and the table (the table's cells separated by '\0').
  std::string header() const;

 private:
  template <typename Iterator>
  void append_cells(std::string& line, Iterator begin, Iterator end) const;

  HuntFormat format_;
  std::vector<std::string> rule_json_;
  std::vector<std::string> titles_;
  std::vector<std::string> levels_;
};

/// Compiles the rules, noting (with `notes`) or, with `strict`, reporting as errors those that
/// cannot run; nullopt after reporting why nothing can run.
std::optional<SigmaRuleSet> compile_rules(const HuntRules& sources, bool strict, bool notes,
                                          Reporter& reporter);

/// What hunt found before its correlations ran: the single-event detections (formatted by the
/// formatter) and what the correlations need.
struct HuntFindings {
  Timeline timeline;
  SigmaObservations observations;
  std::uint64_t events = 0;  ///< events searched
};

/// Runs the correlations, writes the timeline in the formatter's form and (unless `quiet`) the
/// summary, and returns hunt's exit status (2 if `reporter` failed, 0 detections, 1 none).
int finish_hunt(const SigmaRuleSet& rules, const HuntFormatter& formatter, HuntFindings&& findings,
                bool quiet, Reporter& reporter);

}  // namespace trailsift::cli
