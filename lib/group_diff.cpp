// SPDX-License-Identifier: MIT
// Behaviour mode of diff: the groups stats counts (EventStats, so that `--by` means exactly what
// it means for `stats`), sorted by key on each side and walked together.
#include "trailsift/group_diff.hpp"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>

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

std::string format_group_changes_table(const std::vector<EventField>& fields,
                                       const std::vector<GroupChange>& changes) {
  if (changes.empty()) return {};
  std::vector<std::vector<std::string>> rows(1);
  rows[0].emplace_back("change");
  for (const EventField& field : fields) rows[0].push_back(field.name());
  rows[0].insert(rows[0].end(), {"left", "right"});
  for (const GroupChange& change : changes) {
    std::vector<std::string>& row = rows.emplace_back();
    row.emplace_back(group_change_name(change.kind));
    row.insert(row.end(), change.values.begin(), change.values.end());
    row.push_back(std::to_string(change.left_count));
    row.push_back(std::to_string(change.right_count));
  }
  return format_table(std::move(rows));
}

void append_group_changes_csv(std::string& out, const std::vector<EventField>& fields,
                              const std::vector<GroupChange>& changes) {
  out += "change";
  for (const EventField& field : fields) {
    out += ',';
    append_csv_field(out, field.name());
  }
  out += ",left_count,right_count\n";
  for (const GroupChange& change : changes) {
    out += group_change_name(change.kind);
    for (const std::string& value : change.values) {
      out += ',';
      append_csv_field(out, value);
    }
    fmt::format_to(std::back_inserter(out), ",{},{}\n", change.left_count, change.right_count);
  }
}

void append_group_changes_json(std::string& out, const EventStats& left, const EventStats& right,
                               double threshold, const GroupComparison& comparison) {
  auto append_strings = [&](auto begin, auto end, auto text) {
    out += '[';
    for (auto it = begin; it != end; ++it) {
      if (it != begin) out += ',';
      append_json_string(out, text(*it));
    }
    out += ']';
  };
  std::uint64_t counts[3] = {0, 0, 0};
  for (const GroupChange& change : comparison.changes) ++counts[static_cast<int>(change.kind)];

  out += "{\"by\":";
  append_strings(left.spec().by.begin(), left.spec().by.end(),
                 [](const EventField& field) -> std::string_view { return field.name(); });
  out += threshold > 0 ? fmt::format(",\"threshold\":{}", threshold) : ",\"threshold\":null";
  fmt::format_to(std::back_inserter(out),
                 ",\"left\":{{\"events\":{},\"combinations\":{}}},"
                 "\"right\":{{\"events\":{},\"combinations\":{}}},"
                 "\"new\":{},\"gone\":{},\"changed\":{},\"both\":{},\"changes\":[",
                 left.totals().events.count, left.group_count(), right.totals().events.count,
                 right.group_count(), counts[0], counts[1], counts[2], comparison.both);
  for (std::size_t i = 0; i < comparison.changes.size(); ++i) {
    const GroupChange& change = comparison.changes[i];
    out += i == 0 ? "\n" : ",\n";
    out += "{\"change\":\"";
    out += group_change_name(change.kind);
    out += "\",\"values\":";
    append_strings(change.values.begin(), change.values.end(),
                   [](const std::string& value) -> std::string_view { return value; });
    fmt::format_to(std::back_inserter(out), ",\"left_count\":{},\"right_count\":{}}}",
                   change.left_count, change.right_count);
  }
  out += comparison.changes.empty() ? "]}\n" : "\n]}\n";
}

}  // namespace trailsift
