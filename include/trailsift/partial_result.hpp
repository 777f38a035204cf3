// SPDX-License-Identifier: MIT
// Partial results (`-o partial`): the counts of `stats` and `diff --by` over a shard of the
// inputs, written as versioned JSON, read back and merged, so that `trailsift merge` renders
// exactly what one run over every shard would. The format is in trailsift-merge(1).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "trailsift/event_stats.hpp"
#include "trailsift/result.hpp"

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
  std::string command;         ///< "stats" or "diff"
  StatsSpec spec;              ///< --by and --interval
  std::uint64_t top = 0;       ///< stats: the limit of the listings (0: none)
  double threshold = 0;        ///< diff: --threshold (0: none)
  std::string selection_json;  ///< see append_selection_json
  bool matches_everything = true;  ///< no selection narrowed the events (diff's warning says so)
  bool failed = false;         ///< the shard reported an error (its exit status would be 2)
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

/// An input the side names more than once (once merged: read by two shards, so counted twice),
/// or empty when there is none. Standard input (`-`) is not a name and is left out.
std::string repeated_input(const std::vector<std::string>& inputs);

}  // namespace trailsift
