// SPDX-License-Identifier: MIT
// Comparing two sets of events by behaviour (`diff --by`): how many events each combination of
// field values has on each side, and which combinations are new, gone or changed.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "trailsift/event.hpp"
#include "trailsift/event_field.hpp"

namespace trailsift {

class GroupCounter;

/// How a combination differs between the sides.
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

/// Compares the counts of two sides. A combination only on the right is new, only on the left
/// gone. With `threshold` > 0, one on both sides is changed when its count on one side is more
/// than `threshold` times its count on the other.
GroupComparison compare_groups(const GroupCounter& left, const GroupCounter& right,
                               double threshold);

/// Counts events per combination of field values. Memory follows the number of combinations,
/// not of events. One per thread; merge them at the end.
class GroupCounter {
 public:
  explicit GroupCounter(std::vector<EventField> fields);

  /// Counts `event` once in each combination of its values: a field with several values
  /// (`resource-name`, a path through an array) gives one combination per value, and a field
  /// the event lacks has the empty value (see EventField::values).
  void add(const Event& event);

  /// Adds the counts of `other`, which counts the same fields.
  void merge(const GroupCounter& other);

  const std::vector<EventField>& fields() const { return fields_; }
  std::uint64_t events() const { return events_; }
  std::size_t combinations() const { return counts_.size(); }

 private:
  friend GroupComparison compare_groups(const GroupCounter&, const GroupCounter&, double);

  std::vector<EventField> fields_;
  // Key: each value as a 4-byte length and its bytes, in field order.
  std::unordered_map<std::string, std::uint64_t> counts_;
  std::uint64_t events_ = 0;
  std::vector<std::vector<std::string>> values_;  // scratch: the values of each field
  std::vector<std::string> keys_;                 // scratch: the combinations of one event
};

/// A table: `change`, the fields by the names given, `left`, `right`; one row per change.
/// Nothing when there are no changes.
std::string format_group_changes_table(const std::vector<EventField>& fields,
                                       const std::vector<GroupChange>& changes);

/// CSV: a header `change,<fields as given>,left_count,right_count`, then one row per change.
void append_group_changes_csv(std::string& out, const std::vector<EventField>& fields,
                              const std::vector<GroupChange>& changes);

/// One JSON document: the fields, the threshold, each side's events and combinations, the
/// number of each kind of change, and the changes.
void append_group_changes_json(std::string& out, const GroupCounter& left,
                               const GroupCounter& right, double threshold,
                               const GroupComparison& comparison);

/// "new", "gone" or "changed".
std::string_view group_change_name(GroupChangeKind kind);

}  // namespace trailsift
