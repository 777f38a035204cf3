// SPDX-License-Identifier: MIT
// Counting events for `trailsift stats`: the overview an investigator reads first, or counts per
// group of fields, optionally per time bucket; and the table, JSON, CSV and chart made of them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "trailsift/event.hpp"
#include "trailsift/event_field.hpp"
#include "trailsift/event_format.hpp"
#include "trailsift/result.hpp"
#include "trailsift/time.hpp"

namespace trailsift {

/// Parses an interval: a positive whole number and `m`, `h` or `d` (`5m`, `1h`, `1d`), in seconds.
Result<std::int64_t> parse_interval(std::string_view text);

/// Spells an interval in the largest unit that divides it: 300 is `5m`, 86400 is `1d`.
std::string format_interval(std::int64_t seconds);

/// Start of the bucket of `interval` seconds that holds `time`. Buckets start at multiples of
/// the interval since 1970-01-01T00:00:00Z, so `1d` buckets are UTC days.
UnixSeconds bucket_start(UnixSeconds time, std::int64_t interval);

/// The fields the overview lists the top values of, in the order it shows them (named as
/// `--by` names them).
const std::vector<std::string_view>& overview_field_names();

/// What to count: the overview (no fields), or the groups of a `--by`.
struct StatsSpec {
  std::vector<EventField> by;  ///< empty: the overview
  /// Bucket length in seconds: the overview's timeline, or per-group buckets with `by`; 0: none.
  std::int64_t interval = 0;
};

/// A number of events, and the first and last eventTime among them (unset when none had one).
struct Counts {
  std::uint64_t count = 0;           ///< events
  std::optional<UnixSeconds> first;  ///< earliest eventTime
  std::optional<UnixSeconds> last;   ///< latest eventTime

  /// Counts one event, of that time (nullopt: it had none).
  void add(std::optional<UnixSeconds> time);
  /// Adds the events of `other`.
  void merge(const Counts& other);
};

/// The events of one group in one time bucket; `start` is unset for events without a time.
struct StatsBucket {
  std::optional<UnixSeconds> start;
  Counts counts;
};

/// One group (a combination of `--by` values) or one value of an overview list.
struct StatsGroup {
  std::vector<std::string> key;  ///< one value per field; empty when the event had none
  Counts counts;
  std::vector<StatsBucket> buckets;  ///< with an interval: oldest first, no-time last
};

/// The most frequent values of one overview field.
struct StatsTopList {
  std::string_view field;       ///< as overview_field_names() names it
  std::uint64_t distinct = 0;   ///< different values seen
  std::uint64_t total = 0;      ///< events in the list (for error-code: events with an error)
  std::vector<StatsGroup> top;  ///< count descending, then value ascending
};

/// Totals over every event counted.
struct StatsTotals {
  Counts events;
  std::uint64_t without_time = 0;       ///< no eventTime, or not ISO 8601
  std::uint64_t read_only = 0;          ///< readOnly true
  std::uint64_t write = 0;              ///< readOnly false
  std::uint64_t read_only_unknown = 0;  ///< no readOnly
  std::uint64_t errors = 0;             ///< a non-empty errorCode
};

/// Counts events into the overview or the groups of a StatsSpec. Memory grows with the number
/// of distinct values, not of events. Not thread-safe: give each worker its own and merge them;
/// the result does not depend on the order of merging, and every listing is sorted.
class EventStats {
 public:
  /// An empty count of what `spec` asks for.
  explicit EventStats(StatsSpec spec);
  ~EventStats();
  EventStats(EventStats&&) noexcept;
  EventStats& operator=(EventStats&&) noexcept;

  /// Counts one event. A field missing from it counts under an empty value; an event naming
  /// several values of a field (resources, arrays) counts once under each distinct one. Fails,
  /// counting nothing, when a field cannot be read from the record (nested too deeply, say).
  Status add(const Event& event);

  /// Adds the counts of `other`, which must have been made with the same spec, moving its
  /// groups rather than copying them; `other` is left empty.
  void merge(EventStats&& other);

  /// What is counted.
  const StatsSpec& spec() const;
  /// Totals over every event added.
  const StatsTotals& totals() const;

  /// With `by`: the number of groups.
  std::size_t group_count() const;
  /// With `by`: calls `visit` for each of the first `top` groups (0: all), sorted by count
  /// descending, then by key (field by field, bytewise), building one group at a time.
  void for_each_group(std::size_t top, const std::function<void(const StatsGroup&)>& visit) const;
  /// The same groups, in a vector.
  std::vector<StatsGroup> groups(std::size_t top) const;

  /// Without `by`: the first `top` values (0: all) of each overview field.
  std::vector<StatsTopList> top_lists(std::size_t top) const;

  /// Without `by`: events per bucket of spec().interval, oldest first; empty buckets left out.
  std::vector<std::pair<UnixSeconds, std::uint64_t>> timeline() const;

  /// Adds counts read back from a partial result (`partial_result.hpp`): totals as they are.
  void add_totals(const StatsTotals& totals);
  /// Adds one group's counts (and buckets) to a list: with `by`, list 0 and one value per
  /// field; else the overview field of that index in overview_field_names() and one value.
  /// Fails, adding nothing, when the list or the number of values does not fit the spec.
  Status add_group(std::size_t list, const StatsGroup& group);
  /// Adds `count` events to the overview's timeline bucket that starts at `start`.
  void add_timeline(UnixSeconds start, std::uint64_t count);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// What a rendering shows besides the counts.
struct StatsContext {
  std::string selection_json = "{}";  ///< see append_selection_json (event_filter.hpp)
  std::size_t top = 0;                ///< the limit the counts were listed with; 0: none
  std::uint64_t files = 0;            ///< inputs read, failed ones included
  std::uint64_t files_failed = 0;     ///< inputs that could not be read in full
  /// Events the time range left out because they have no eventTime (shown when not 0).
  std::uint64_t left_out_without_time = 0;
  bool chart = false;  ///< table: draw the overview's timeline as a chart
  CellPainter paint;   ///< table: marks the cells of tables with a header
};

/// Aligned text: the overview's totals, chart and top lists, or one row per group (and bucket).
std::string format_stats_table(const EventStats& stats, const StatsContext& context);

/// One JSON document: the selection, the totals, and the top lists and timeline, or the groups.
std::string format_stats_json(const EventStats& stats, const StatsContext& context);

/// With `by`: a header (the fields' column_key, [`bucket_start`,] `count`, `first_seen`,
/// `last_seen`) and one row per group (and bucket), comma- or tab-separated. Without `by`: empty.
std::string format_stats_csv(const EventStats& stats, const StatsContext& context,
                             Delimited format = Delimited::kCsv);

/// A small chart of events per bucket for a terminal: one character per bucket (or per longer,
/// round step when there would be over 1,000), lines starting at round times of day when the
/// step allows, blocks scaled to the busiest step, each line's total. Empty without buckets.
std::string format_timeline_chart(
    const std::vector<std::pair<UnixSeconds, std::uint64_t>>& timeline, std::int64_t interval);

}  // namespace trailsift
