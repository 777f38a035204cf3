// SPDX-License-Identifier: MIT
// Sorting output of any size by event time (`filter --sort time`): pieces of output are kept in
// memory up to a budget, then spilled as sorted runs to temporary files and merged, as sort(1)
// does.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "trailsift/result.hpp"
#include "trailsift/time.hpp"

namespace trailsift {

/// Where an event goes in a timeline: its eventTime to the nanosecond, or none (an absent or
/// unreadable eventTime), which sorts after every time.
struct SortTime {
  bool known = false;
  UnixSeconds seconds = 0;
  std::uint32_t nanoseconds = 0;

  friend bool operator<(const SortTime& a, const SortTime& b) {
    if (a.known != b.known) return a.known;
    if (a.seconds != b.seconds) return a.seconds < b.seconds;
    return a.nanoseconds < b.nanoseconds;
  }
};

/// The SortTime of an eventTime: parse_iso8601 (offsets converted to UTC) plus the fraction of
/// a second, to nanoseconds (digits beyond the ninth are ignored). Unknown when it does not parse.
SortTime sort_time(std::string_view event_time);

/// How much an EventSorter may hold, and where it spills the rest.
struct SortLimits {
  /// Bytes of pieces plus their index held in memory before a run is spilled.
  std::uint64_t memory_bytes = std::uint64_t{256} << 20;
  /// Folder for the spilled runs. The files have no name (O_TMPFILE, else unlinked as soon as
  /// made), so nothing is left behind however the process ends.
  std::string temp_dir = "/tmp";
};

/// A stable sort of pieces of output (opaque bytes) by SortTime: pieces of equal time keep the
/// order they were added in. Memory is the budget plus a few kilobytes per spilled run; a merge
/// of many runs is done in levels of at most kMergeWidth runs.
class EventSorter {
 public:
  /// Runs merged at a time, and so the most files open at once per level.
  static constexpr std::size_t kMergeWidth = 16;

  explicit EventSorter(SortLimits limits);
  EventSorter(EventSorter&&) noexcept;
  EventSorter& operator=(EventSorter&&) noexcept;
  ~EventSorter();

  /// Adds one piece. Fails when a run cannot be spilled (the temporary folder is missing, not
  /// writable or full); the error names the folder.
  Status add(SortTime time, std::string_view piece);

  /// Calls `visit` with every piece in order, until it returns false. Can be called again (the
  /// table is laid out in two passes). Fails when a spilled run cannot be read back.
  Status for_each(const std::function<bool(std::string_view piece)>& visit);

  /// Pieces added so far.
  std::uint64_t size() const;
  /// Runs written to temporary files so far (0: everything fits in memory).
  std::uint64_t runs_spilled() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace trailsift
