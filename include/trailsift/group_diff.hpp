// SPDX-License-Identifier: MIT
// Comparing two sets of events by behaviour (`diff --by`): the groups `stats --by` counts on each
// side, and which combinations of values are new, gone or changed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "trailsift/event_field.hpp"
#include "trailsift/event_format.hpp"
#include "trailsift/event_stats.hpp"

namespace trailsift {

/// How a combination of values differs between the sides.
enum class GroupChangeKind { kNew, kGone, kChanged };

/// One combination of values that differs.
struct GroupChange {
  GroupChangeKind kind = GroupChangeKind::kNew;
  std::vector<std::string> values;  ///< one per field, in the order the fields were given
  std::uint64_t left_count = 0;
  std::uint64_t right_count = 0;
};

/// What compare_groups found.
struct GroupComparison {
  /// New, then gone, then changed; within each, by the larger count (descending), then values.
  std::vector<GroupChange> changes;
  std::uint64_t both = 0;  ///< combinations on both sides that are not reported as changed
};

/// Compares the groups of two EventStats counted with the same `by` fields (and no interval).
/// A combination only on the right is new, only on the left gone. With `threshold` > 0, one on
/// both sides is changed when its count on one side is more than `threshold` times its count
/// on the other.
GroupComparison compare_groups(const EventStats& left, const EventStats& right, double threshold);

/// "new", "gone" or "changed".
std::string_view group_change_name(GroupChangeKind kind);

/// A table: CHANGE, the fields, LEFT COUNT, RIGHT COUNT (column_title); one row per change.
/// Nothing when there are no changes.
std::string format_group_changes_table(const std::vector<EventField>& fields,
                                       const std::vector<GroupChange>& changes);

/// CSV or TSV: a header `change,<fields' column_key>,left_count,right_count`, then one row per
/// change.
void append_group_changes_delimited(std::string& out, const std::vector<EventField>& fields,
                                    const std::vector<GroupChange>& changes, Delimited format);

/// One JSON document: the fields, the threshold, each side's events and combinations, the
/// number of each kind of change, and the changes, one per line.
void append_group_changes_json(std::string& out, const EventStats& left, const EventStats& right,
                               double threshold, const GroupComparison& comparison);

}  // namespace trailsift
