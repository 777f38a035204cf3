// SPDX-License-Identifier: MIT
// Behaviour mode of diff: the groups stats counts (EventStats, so that `--by` means exactly what
// it means for `stats`), sorted by key on each side and walked together.
#include "trailsift/group_diff.hpp"

#include <algorithm>
#include <tuple>
#include <utility>

#include <fmt/format.h>

#include "json_writer.hpp"
#include "trailsift/event_format.hpp"

namespace trailsift {

GroupComparison compare_groups(const EventStats& left, const EventStats& right, double threshold) {
  auto by_key = [](const EventStats& stats) {
    std::vector<StatsGroup> groups = stats.groups(0);
    std::sort(groups.begin(), groups.end(),
              [](const StatsGroup& a, const StatsGroup& b) { return a.key < b.key; });
    return groups;
  };
  const std::vector<StatsGroup> a = by_key(left);
  const std::vector<StatsGroup> b = by_key(right);
  auto changed = [&](std::uint64_t x, std::uint64_t y) {
    return threshold > 0 && (static_cast<double>(x) > threshold * static_cast<double>(y) ||
                             static_cast<double>(y) > threshold * static_cast<double>(x));
  };
  GroupComparison comparison;
  for (std::size_t i = 0, j = 0; i < a.size() || j < b.size();) {
    if (j == b.size() || (i < a.size() && a[i].key < b[j].key)) {
      comparison.changes.push_back({GroupChangeKind::kGone, a[i].key, a[i].counts.count, 0});
      ++i;
    } else if (i == a.size() || b[j].key < a[i].key) {
      comparison.changes.push_back({GroupChangeKind::kNew, b[j].key, 0, b[j].counts.count});
      ++j;
    } else {
      if (changed(a[i].counts.count, b[j].counts.count)) {
        comparison.changes.push_back(
            {GroupChangeKind::kChanged, a[i].key, a[i].counts.count, b[j].counts.count});
      } else {
        ++comparison.both;
      }
      ++i;
      ++j;
    }
  }
  std::sort(comparison.changes.begin(), comparison.changes.end(),
            [](const GroupChange& x, const GroupChange& y) {
              const std::uint64_t x_count = std::max(x.left_count, x.right_count);
              const std::uint64_t y_count = std::max(y.left_count, y.right_count);
              return std::tie(x.kind, y_count, x.values) < std::tie(y.kind, x_count, y.values);
            });
  return comparison;
}

std::string_view group_change_name(GroupChangeKind kind) {
  constexpr std::string_view kNames[] = {"new", "gone", "changed"};
  return kNames[static_cast<int>(kind)];
}

namespace {

/// `change`, the fields, `left_count`, `right_count`: the columns as column_key names them.
std::vector<std::string> group_change_columns(const std::vector<EventField>& fields) {
  std::vector<std::string> columns = {"change"};
  for (const EventField& field : fields) columns.push_back(column_key(field.name()));
  columns.insert(columns.end(), {"left_count", "right_count"});
  return columns;
}

std::vector<std::string> group_change_cells(const GroupChange& change) {
  std::vector<std::string> cells = {std::string(group_change_name(change.kind))};
  cells.insert(cells.end(), change.values.begin(), change.values.end());
  cells.push_back(std::to_string(change.left_count));
  cells.push_back(std::to_string(change.right_count));
  return cells;
}

}  // namespace

std::string format_group_changes_table(const std::vector<EventField>& fields,
                                       const std::vector<GroupChange>& changes) {
  if (changes.empty()) return {};
  std::vector<std::vector<std::string>> rows(1);
  for (const std::string& column : group_change_columns(fields)) {
    rows[0].push_back(column_title(column));
  }
  for (const GroupChange& change : changes) rows.push_back(group_change_cells(change));
  return format_table(std::move(rows));
}

void append_group_changes_delimited(std::string& out, const std::vector<EventField>& fields,
                                    const std::vector<GroupChange>& changes, Delimited format) {
  append_delimited_line(out, format, group_change_columns(fields));
  for (const GroupChange& change : changes) {
    append_delimited_line(out, format, group_change_cells(change));
  }
}

void append_group_changes_json(std::string& out, const EventStats& left, const EventStats& right,
                               double threshold, const GroupComparison& comparison) {
  std::uint64_t counts[3] = {0, 0, 0};
  for (const GroupChange& change : comparison.changes) ++counts[static_cast<int>(change.kind)];
  detail::JsonWriter json(out);
  json.begin_object().begin_array("by");
  for (const EventField& field : left.spec().by) json.string(field.name());
  json.end_array();
  if (threshold > 0) {
    json.raw("threshold", fmt::format("{}", threshold));
  } else {
    json.null("threshold");
  }
  for (const auto& [name, side] : {std::pair{"left", &left}, std::pair{"right", &right}}) {
    json.begin_object(name).num("events", side->totals().events.count);
    json.num("combinations", side->group_count()).end_object();
  }
  json.num("new", counts[0]).num("gone", counts[1]).num("changed", counts[2]);
  json.num("both", comparison.both).begin_array("changes");
  for (const GroupChange& change : comparison.changes) {
    json.line_break().begin_object().str("change", group_change_name(change.kind));
    json.begin_array("values");
    for (const std::string& value : change.values) json.string(value);
    json.end_array().num("left_count", change.left_count);
    json.num("right_count", change.right_count).end_object();
  }
  if (!comparison.changes.empty()) json.line_break();
  json.end_array().end_object();
  out += '\n';
}

}  // namespace trailsift
