// SPDX-License-Identifier: MIT
// Partial results (`-o partial`): the counts of `stats` and `diff --by`, and the detections and
// correlation observations of `hunt`, over a shard of the inputs, written as versioned JSON,
// read back and merged, so that `trailsift merge` renders exactly what one run over every shard
// would. The format is in trailsift-merge(1).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "trailsift/event_stats.hpp"
#include "trailsift/result.hpp"
#include "trailsift/sigma.hpp"

namespace trailsift {

/// The version this build writes and the only one it reads.
inline constexpr std::uint64_t kPartialVersion = 1;

/// Which command wrote a partial result (`"stats"`, `"diff"`, `"hunt"`, ...), or the error when
/// `text` is not a partial result of this version.
Result<std::string> partial_command(std::string_view text);

/// The inputs one side of a shard read, and what they counted.
struct PartialSide {
  std::vector<std::string> inputs;          ///< as the shard named them; a file in two is an error
  std::uint64_t files = 0;                  ///< inputs read, failed ones included
  std::uint64_t files_failed = 0;           ///< inputs that could not be read in full
  std::uint64_t left_out_without_time = 0;  ///< events without eventTime a time range left out
  EventStats stats{StatsSpec{}};
};

/// A `stats` (one side) or `diff --by` (left and right) partial result.
struct StatsPartial {
  std::string command;             ///< "stats" or "diff"
  StatsSpec spec;                  ///< --by and --interval
  std::uint64_t top = 0;           ///< stats: the limit of the listings (0: none)
  double threshold = 0;            ///< diff: --threshold (0: none)
  std::string selection_json;      ///< see append_selection_json
  bool matches_everything = true;  ///< no selection narrowed the events (diff's warning says so)
  bool failed = false;             ///< the shard reported an error (its exit status would be 2)
  std::vector<PartialSide> sides;
};

/// The partial result as one JSON document (ending in a newline).
std::string format_stats_partial(const StatsPartial& partial);

/// Reads a partial result of `stats` or `diff`. Errors name what is wrong, not the file.
Result<StatsPartial> parse_stats_partial(std::string_view text);

/// Adds `other` to `into`. Fails, changing nothing, when they were made by different commands
/// or with options that shape the result differently (fields, interval, top, threshold,
/// selection): merging them would give a wrong answer.
Status merge_stats_partial(StatsPartial& into, StatsPartial&& other);

/// The rules a hunt ran, as read, and the options that chose and compiled them: what a merge
/// compiles again, so that it correlates and renders with the very rules of the shards.
struct HuntRules {
  std::vector<SigmaSource> sources;
  SigmaOptions options;
};

/// A single-event detection of a hunt shard.
struct HuntPartialDetection {
  EventPosition position;  ///< input: index into HuntPartial::inputs
  std::uint32_t rule = 0;  ///< index into the compiled rules' rules()
  std::string event_json;  ///< the record, compact (kept as text: it comes back byte for byte)
};

/// A `hunt` partial result: everything its timeline and summary need, correlations included,
/// since the observations (not the windows) are kept and correlated once, at the merge.
struct HuntPartial {
  HuntRules rules;
  std::string selection_json;       ///< see append_selection_json
  bool failed = false;              ///< the shard reported an error (its exit status would be 2)
  std::uint64_t events = 0;         ///< events the selection let through (the summary's "searched")
  std::vector<std::string> inputs;  ///< as the shard named them, in its reading order
  std::vector<HuntPartialDetection> detections;
  SigmaObservations observations;  ///< position.input and first_position.input index inputs
};

/// The rules part of a hunt partial result, as JSON: equal texts mean the same rules.
std::string format_hunt_rules(const HuntRules& rules);

/// The partial result as one JSON document (ending in a newline).
std::string format_hunt_partial(const HuntPartial& partial);

/// Reads a partial result of `hunt`. Errors name what is wrong, not the file.
Result<HuntPartial> parse_hunt_partial(std::string_view text);

/// Adds `other` to `into`, its inputs after those of `into`. Fails, changing nothing, when they
/// ran other rules or another selection: merging them would give a wrong answer.
Status merge_hunt_partial(HuntPartial& into, HuntPartial&& other);

/// Renumbers the inputs in byte order of their names (the order in which one run reads a
/// folder, or a sorted list of files; equal names keep their order), so that the merged
/// timeline breaks ties of eventTime as that run does, whatever the order of the shards.
void sort_hunt_inputs(HuntPartial& partial);

/// An input the side names more than once (once merged: read by two shards, so counted twice),
/// or empty when there is none. Standard input (`-`) is not a name and is left out.
std::string repeated_input(const std::vector<std::string>& inputs);

}  // namespace trailsift
