// SPDX-License-Identifier: MIT
// Behaviour mode of diff: counts per combination of field values, in a hash map per thread that
// is merged at the end, then compared side against side.
#include "trailsift/group_diff.hpp"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>

#include "trailsift/event_format.hpp"

namespace trailsift {
namespace {

// A combination's key: each value as a 4-byte length (little-endian) and its bytes.
void append_key_part(std::string& key, std::string_view value) {
  const auto length = static_cast<std::uint32_t>(value.size());
  for (int shift = 0; shift < 32; shift += 8) key += static_cast<char>((length >> shift) & 0xFF);
  key.append(value);
}

std::vector<std::string> split_key(std::string_view key) {
  std::vector<std::string> values;
  while (key.size() >= 4) {
    std::size_t length = 0;
    for (int i = 0; i < 4; ++i) {
      length |= std::size_t{static_cast<unsigned char>(key[static_cast<std::size_t>(i)])} << (8 * i);
    }
    key.remove_prefix(4);
    values.emplace_back(key.substr(0, length));
    key.remove_prefix(std::min(length, key.size()));
  }
  return values;
}

}  // namespace

GroupCounter::GroupCounter(std::vector<EventField> fields)
    : fields_(std::move(fields)), values_(fields_.size()) {}

void GroupCounter::add(const Event& event) {
  ++events_;
  for (std::size_t f = 0; f < fields_.size(); ++f) {
    values_[f].clear();
    fields_[f].values(event, values_[f]);  // at least one value, maybe empty
  }
  // Every combination: an odometer over the fields' values.
  keys_.clear();
  std::vector<std::size_t> position(fields_.size(), 0);
  while (true) {
    std::string key;
    for (std::size_t f = 0; f < fields_.size(); ++f) append_key_part(key, values_[f][position[f]]);
    keys_.push_back(std::move(key));
    std::size_t f = fields_.size();
    while (f > 0 && ++position[f - 1] == values_[f - 1].size()) position[--f] = 0;
    if (f == 0) break;
  }
  // An event that names the same value twice counts once in that combination.
  if (keys_.size() > 1) {
    std::sort(keys_.begin(), keys_.end());
    keys_.erase(std::unique(keys_.begin(), keys_.end()), keys_.end());
  }
  for (std::string& key : keys_) ++counts_[std::move(key)];
}

void GroupCounter::merge(const GroupCounter& other) {
  events_ += other.events_;
  for (const auto& [key, count] : other.counts_) counts_[key] += count;
}

GroupComparison compare_groups(const GroupCounter& left, const GroupCounter& right,
                               double threshold) {
  GroupComparison comparison;
  auto changed = [&](std::uint64_t a, std::uint64_t b) {
    return threshold > 0 && (static_cast<double>(a) > threshold * static_cast<double>(b) ||
                             static_cast<double>(b) > threshold * static_cast<double>(a));
  };
  for (const auto& [key, count] : left.counts_) {
    const auto it = right.counts_.find(key);
    if (it == right.counts_.end()) {
      comparison.changes.push_back({GroupChangeKind::kGone, split_key(key), count, 0});
    } else if (changed(count, it->second)) {
      comparison.changes.push_back({GroupChangeKind::kChanged, split_key(key), count, it->second});
    } else {
      ++comparison.both;
    }
  }
  for (const auto& [key, count] : right.counts_) {
    if (!left.counts_.contains(key)) {
      comparison.changes.push_back({GroupChangeKind::kNew, split_key(key), 0, count});
    }
  }
  std::sort(comparison.changes.begin(), comparison.changes.end(),
            [](const GroupChange& a, const GroupChange& b) {
              const std::uint64_t a_count = std::max(a.left_count, a.right_count);
              const std::uint64_t b_count = std::max(b.left_count, b.right_count);
              return std::tie(a.kind, b_count, a.values) < std::tie(b.kind, a_count, b.values);
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

void append_group_changes_json(std::string& out, const GroupCounter& left,
                               const GroupCounter& right, double threshold,
                               const GroupComparison& comparison) {
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
  append_strings(left.fields().begin(), left.fields().end(),
                 [](const EventField& field) -> std::string_view { return field.name(); });
  out += threshold > 0 ? fmt::format(",\"threshold\":{}", threshold) : ",\"threshold\":null";
  fmt::format_to(std::back_inserter(out),
                 ",\"left\":{{\"events\":{},\"combinations\":{}}},"
                 "\"right\":{{\"events\":{},\"combinations\":{}}},"
                 "\"new\":{},\"gone\":{},\"changed\":{},\"both\":{},\"changes\":[",
                 left.events(), left.combinations(), right.events(), right.combinations(),
                 counts[0], counts[1], counts[2], comparison.both);
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
