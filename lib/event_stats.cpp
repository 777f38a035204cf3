// SPDX-License-Identifier: MIT
// Counting for `trailsift stats` (the rendering is in event_stats_format.cpp). A group's key is
// one string, so that counting an event costs one hash lookup per combination of values: the
// value itself for one field, else each value preceded by its 4-byte length. Keys are decoded
// only for the groups printed.
#include "trailsift/event_stats.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>
#include <map>

#include <fmt/format.h>

#include "string_table.hpp"
#include "trailsift/event_format.hpp"

namespace trailsift {
namespace {

constexpr std::int64_t kDay = 86400;
/// The bucket of the events without a time: after every other.
constexpr UnixSeconds kTimelessBucket = std::numeric_limits<UnixSeconds>::max();

struct Group {
  Counts counts;
  std::map<UnixSeconds, Counts> buckets;  // with an interval only
};

using Tally = detail::StringTable<Group>;
using Entry = Tally::Entry;

Group& group_for(Tally& tally, std::string_view key) { return tally.find_or_add(key); }

void append_key_part(std::string& key, std::string_view value) {
  const auto length = static_cast<std::uint32_t>(value.size());
  char bytes[sizeof length];
  std::memcpy(bytes, &length, sizeof length);
  key.append(bytes, sizeof length).append(value);
}

/// Takes the next value off a key of several fields.
std::string_view next_key_part(std::string_view& key) {
  std::uint32_t length = 0;
  std::memcpy(&length, key.data(), sizeof length);
  const std::string_view part = key.substr(sizeof length, length);
  key.remove_prefix(sizeof length + length);
  return part;
}

/// Tuple order of the values, field by field.
bool key_less(std::string_view a, std::string_view b, std::size_t fields) {
  if (fields == 1) return a < b;
  while (!a.empty() && !b.empty()) {
    const std::string_view part_a = next_key_part(a);
    const std::string_view part_b = next_key_part(b);
    if (part_a != part_b) return part_a < part_b;
  }
  return false;
}

/// The first `top` entries (0: all) by count descending, then key.
std::vector<const Entry*> sorted_entries(const Tally& tally, std::size_t fields, std::size_t top) {
  std::vector<const Entry*> entries;
  entries.reserve(tally.size());
  for (const Entry& entry : tally) entries.push_back(&entry);
  const std::size_t shown = top == 0 ? entries.size() : std::min(top, entries.size());
  std::partial_sort(entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(shown),
                    entries.end(), [fields](const Entry* a, const Entry* b) {
                      if (a->second.counts.count != b->second.counts.count) {
                        return a->second.counts.count > b->second.counts.count;
                      }
                      return key_less(a->first, b->first, fields);
                    });
  entries.resize(shown);
  return entries;
}

StatsGroup make_group(const Entry& entry, std::size_t fields) {
  StatsGroup group;
  if (fields == 1) {
    group.key.emplace_back(entry.first);
  } else {
    for (std::string_view key = entry.first; !key.empty();) {
      group.key.emplace_back(next_key_part(key));
    }
  }
  group.counts = entry.second.counts;
  for (const auto& [start, counts] : entry.second.buckets) {
    group.buckets.push_back(
        {start == kTimelessBucket ? std::nullopt : std::optional(start), counts});
  }
  return group;
}

}  // namespace

Result<std::int64_t> parse_interval(std::string_view text) {
  std::int64_t number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  std::int64_t unit_seconds = 0;
  if (unit == "m") unit_seconds = 60;
  if (unit == "h") unit_seconds = 3600;
  if (unit == "d") unit_seconds = kDay;
  // The upper bound only keeps the arithmetic far from overflow.
  if (error != std::errc() || end == text.data() || unit_seconds == 0 || number < 1 ||
      number > 1'000'000) {
    return make_error("", fmt::format("invalid interval '{}': expected a number and m, h or d, "
                                      "e.g. 5m, 1h or 1d",
                                      text));
  }
  return number * unit_seconds;
}

std::string format_interval(std::int64_t seconds) {
  if (seconds % kDay == 0) return fmt::format("{}d", seconds / kDay);
  if (seconds % 3600 == 0) return fmt::format("{}h", seconds / 3600);
  if (seconds % 60 == 0) return fmt::format("{}m", seconds / 60);
  return fmt::format("{}s", seconds);
}

UnixSeconds bucket_start(UnixSeconds time, std::int64_t interval) {
  return time - ((time % interval) + interval) % interval;  // floor, also before 1970
}

const std::vector<std::string_view>& overview_field_names() {
  static const std::vector<std::string_view> kNames = {
      "account",   "region",     "event-name", "event-source",  "username", "principal-arn",
      "source-ip", "user-agent", "error-code", "access-key-id", "insight"};
  return kNames;
}

void Counts::add(std::optional<UnixSeconds> time) {
  ++count;
  if (!time) return;
  if (!first || *time < *first) first = time;
  if (!last || *time > *last) last = time;
}

void Counts::merge(const Counts& other) {
  count += other.count;
  if (other.first && (!first || *other.first < *first)) first = other.first;
  if (other.last && (!last || *other.last > *last)) last = other.last;
}

struct EventStats::Impl {
  StatsSpec spec;
  std::vector<EventField> fields;  // spec.by, or the overview's fields
  std::vector<Tally> tallies;      // by: one, of combined keys; overview: one per field
  struct OverviewKey {
    std::string_view value;
    std::size_t hash = 0;
    bool counted = false;
  };
  std::vector<OverviewKey> overview_keys;  // overview: this event's, one per field
  std::size_t error_code_list = std::numeric_limits<std::size_t>::max();
  std::size_t insight_list = std::numeric_limits<std::size_t>::max();
  std::map<UnixSeconds, std::uint64_t> timeline;
  StatsTotals totals;

  // Reused from event to event.
  std::vector<std::vector<std::string_view>> values;
  std::vector<std::vector<std::string>> owned;
  std::vector<std::size_t> position;
  std::string key;
  // Neighbouring events mostly share a bucket: skip the timeline lookup for them.
  UnixSeconds last_bucket = kTimelessBucket;
  std::uint64_t* last_bucket_count = nullptr;

  void add_overview(const Event& event, std::optional<UnixSeconds> time);
  /// Reads the values of the --by fields into `values` (views into the event or `owned`).
  Status read_values(const Event& event);
  /// Counts the combinations of `values`.
  void add_groups(std::optional<UnixSeconds> time);
};

EventStats::EventStats(StatsSpec spec) : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.spec = std::move(spec);
  if (s.spec.by.empty()) {
    for (std::string_view name : overview_field_names()) {
      if (name == "error-code") s.error_code_list = s.fields.size();
      if (name == "insight") s.insight_list = s.fields.size();
      s.fields.push_back(*EventField::parse(name));
    }
    s.tallies.resize(s.fields.size());
    s.overview_keys.resize(s.fields.size());
  } else {
    s.fields = s.spec.by;
    s.tallies.resize(1);
  }
  s.values.resize(s.fields.size());
  s.owned.resize(s.fields.size());
}

EventStats::~EventStats() = default;
EventStats::EventStats(EventStats&&) noexcept = default;
EventStats& EventStats::operator=(EventStats&&) noexcept = default;

const StatsSpec& EventStats::spec() const { return impl_->spec; }
const StatsTotals& EventStats::totals() const { return impl_->totals; }

Status EventStats::add(const Event& event) {
  Impl& s = *impl_;
  const std::optional<UnixSeconds> time = parse_iso8601(event.event_time);
  if (!s.spec.by.empty()) {
    if (Status read = s.read_values(event); !read) return read;
  }
  StatsTotals& totals = s.totals;
  totals.events.add(time);
  if (!time) ++totals.without_time;
  if (event.read_only == "true") {
    ++totals.read_only;
  } else if (event.read_only == "false") {
    ++totals.write;
  } else {
    ++totals.read_only_unknown;
  }
  if (!event.failure().empty()) ++totals.errors;
  if (s.spec.by.empty()) {
    s.add_overview(event, time);
  } else {
    s.add_groups(time);
  }
  return {};
}

void EventStats::Impl::add_overview(const Event& event, std::optional<UnixSeconds> time) {
  // Every list's value and slot first, then the counts: the lookups' cache misses overlap.
  for (std::size_t i = 0; i < fields.size(); ++i) {
    std::string_view value;
    if (i == insight_list) {  // the list is of the Insights events, the only ones with a value
      owned[i].clear();
      (void)fields[i].values(event, owned[i]);  // the insight field parses nothing: it cannot fail
      value = owned[i].front();
    } else {
      value = fields[i].value(event);
    }
    // The lists of errors and of Insights leave out the events without one.
    const bool counted = !value.empty() || (i != insight_list && i != error_code_list);
    overview_keys[i] = {value, counted ? Tally::hash(value) : 0, counted};
    if (counted) tallies[i].prefetch(overview_keys[i].hash);
  }
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const OverviewKey& looked_up = overview_keys[i];
    if (looked_up.counted) tallies[i].find_or_add(looked_up.value, looked_up.hash).counts.add(time);
  }
  if (!time || spec.interval <= 0) return;
  const UnixSeconds bucket = bucket_start(*time, spec.interval);
  if (bucket != last_bucket) {
    last_bucket_count = &timeline[bucket];
    last_bucket = bucket;
  }
  ++*last_bucket_count;
}

Status EventStats::Impl::read_values(const Event& event) {
  for (std::size_t f = 0; f < fields.size(); ++f) {
    std::vector<std::string_view>& views = values[f];
    views.clear();
    if (fields[f].single_valued()) {
      views.push_back(fields[f].value(event));
      continue;
    }
    owned[f].clear();
    if (Status read = fields[f].values(event, owned[f]); !read) return read;
    views.assign(owned[f].begin(), owned[f].end());
    std::sort(views.begin(), views.end());
    views.erase(std::unique(views.begin(), views.end()), views.end());
  }
  return {};
}

void EventStats::Impl::add_groups(std::optional<UnixSeconds> time) {
  const std::size_t count = fields.size();
  // Every combination of the fields' values, counted once.
  position.assign(count, 0);
  while (true) {
    std::string_view group_key = values[0][position[0]];
    if (count > 1) {
      key.clear();
      for (std::size_t f = 0; f < count; ++f) append_key_part(key, values[f][position[f]]);
      group_key = key;
    }
    Group& group = group_for(tallies[0], group_key);
    group.counts.add(time);
    if (spec.interval > 0) {
      group.buckets[time ? bucket_start(*time, spec.interval) : kTimelessBucket].add(time);
    }
    std::size_t f = count;
    while (f > 0 && ++position[f - 1] == values[f - 1].size()) position[--f] = 0;
    if (f == 0) return;
  }
}

void EventStats::merge(EventStats&& other) {
  Impl& s = *impl_;
  Impl& o = *other.impl_;
  s.totals.events.merge(o.totals.events);
  s.totals.without_time += o.totals.without_time;
  s.totals.read_only += o.totals.read_only;
  s.totals.write += o.totals.write;
  s.totals.read_only_unknown += o.totals.read_only_unknown;
  s.totals.errors += o.totals.errors;
  for (std::size_t i = 0; i < s.tallies.size(); ++i) {
    // Groups this one lacks move over whole (one group per event stays one group in memory);
    // only those both have are added up.
    for (auto& [key, group] : o.tallies[i]) {
      Group& mine = s.tallies[i].find_or_add(key);
      if (mine.counts.count == 0) {
        mine = std::move(group);
        continue;
      }
      mine.counts.merge(group.counts);
      for (const auto& [start, counts] : group.buckets) mine.buckets[start].merge(counts);
    }
    o.tallies[i].clear();
  }
  for (const auto& [start, count] : o.timeline) s.timeline[start] += count;
  o.timeline.clear();
  o.last_bucket = kTimelessBucket;
  o.totals = {};
}

void EventStats::add_totals(const StatsTotals& totals) {
  StatsTotals& mine = impl_->totals;
  mine.events.merge(totals.events);
  mine.without_time += totals.without_time;
  mine.read_only += totals.read_only;
  mine.write += totals.write;
  mine.read_only_unknown += totals.read_only_unknown;
  mine.errors += totals.errors;
}

Status EventStats::add_group(std::size_t list, const StatsGroup& group) {
  Impl& s = *impl_;
  const std::size_t values = s.spec.by.empty() ? 1 : s.fields.size();
  if (list >= s.tallies.size() || group.key.size() != values) {
    return make_error(
        "", fmt::format("a group of {} values where {} are counted", group.key.size(), values));
  }
  std::string key;
  if (values == 1) {
    key = group.key[0];
  } else {
    for (const std::string& value : group.key) append_key_part(key, value);
  }
  Group& mine = group_for(s.tallies[list], key);
  mine.counts.merge(group.counts);
  for (const StatsBucket& bucket : group.buckets) {
    mine.buckets[bucket.start.value_or(kTimelessBucket)].merge(bucket.counts);
  }
  return {};
}

void EventStats::add_timeline(UnixSeconds start, std::uint64_t count) {
  impl_->timeline[start] += count;
}

std::size_t EventStats::group_count() const {
  return impl_->spec.by.empty() ? 0 : impl_->tallies[0].size();
}

void EventStats::for_each_group(std::size_t top,
                                const std::function<void(const StatsGroup&)>& visit) const {
  if (impl_->spec.by.empty()) return;
  const std::size_t fields = impl_->fields.size();
  for (const Entry* entry : sorted_entries(impl_->tallies[0], fields, top)) {
    visit(make_group(*entry, fields));
  }
}

std::vector<StatsGroup> EventStats::groups(std::size_t top) const {
  std::vector<StatsGroup> groups;
  for_each_group(top, [&](const StatsGroup& group) { groups.push_back(group); });
  return groups;
}

std::vector<StatsTopList> EventStats::top_lists(std::size_t top) const {
  std::vector<StatsTopList> lists;
  if (!impl_->spec.by.empty()) return lists;
  for (std::size_t i = 0; i < impl_->tallies.size(); ++i) {
    const Tally& tally = impl_->tallies[i];
    StatsTopList& list = lists.emplace_back();
    list.field = overview_field_names()[i];
    list.distinct = tally.size();
    for (const Entry& entry : tally) list.total += entry.second.counts.count;
    for (const Entry* entry : sorted_entries(tally, 1, top)) {
      list.top.push_back(make_group(*entry, 1));
    }
  }
  return lists;
}

std::vector<std::pair<UnixSeconds, std::uint64_t>> EventStats::timeline() const {
  return {impl_->timeline.begin(), impl_->timeline.end()};
}

}  // namespace trailsift
