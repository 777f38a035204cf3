// SPDX-License-Identifier: MIT
// Counting for `trailsift insights`: the events Insights analyses, per series and minute.
#include <algorithm>
#include <limits>
#include <utility>

#include <fmt/format.h>

#include "insights_internal.hpp"

namespace trailsift {

using insights_detail::Attribute;
using insights_detail::Cell;
using insights_detail::Entry;
using insights_detail::SeriesKey;

namespace insights_detail {

void Cell::note(Attribute attribute, std::uint32_t id, std::uint32_t weight, StringPool& strings) {
  if (id > kIdMask) {  // a billion distinct values: the value is lost, and the loss is known
    overflowed |= static_cast<std::uint8_t>(1U << attribute);
    return;
  }
  const std::uint32_t tagged = (static_cast<std::uint32_t>(attribute) << kIdBits) | id;
  Entry* least = nullptr;
  std::size_t kept = 0;
  const auto look = [&](Entry& entry) {
    if (entry.tagged >> kIdBits != attribute) return false;
    if (entry.tagged == tagged) {
      entry.count += weight;
      return true;
    }
    ++kept;
    if (least == nullptr || entry.count < least->count) least = &entry;
    return false;
  };
  for (std::uint8_t i = 0; i < held_; ++i) {
    if (look(first_[i])) return;
  }
  for (Entry& entry : more_) {
    if (look(entry)) return;
  }
  strings.acquire(id);
  if (kept < kKeptValues) {
    if (held_ < first_.size()) {
      first_[held_++] = {tagged, weight};
    } else {
      more_.push_back({tagged, weight});
    }
    return;
  }
  // Space-Saving: the newcomer takes the least counted place and its count, an overestimate.
  strings.release(least->tagged & kIdMask);
  least->tagged = tagged;
  least->count += weight;
  overflowed |= static_cast<std::uint8_t>(1U << attribute);
}

Cell& CellTable::at(std::uint64_t key) {
  if (2 * (cells_.size() + 1) > slots_.size()) rehash(std::max<std::size_t>(64, 2 * slots_.size()));
  const std::size_t mask = slots_.size() - 1;
  // splitmix64's finalizer: keys differ mostly in their low bits.
  std::uint64_t hash = key;
  hash = (hash ^ (hash >> 30)) * 0xbf58476d1ce4e5b9ULL;
  hash = (hash ^ (hash >> 27)) * 0x94d049bb133111ebULL;
  for (std::size_t slot = (hash ^ (hash >> 31)) & mask;; slot = (slot + 1) & mask) {
    if (slots_[slot] == 0) {
      keys_.push_back(key);
      cells_.emplace_back();
      slots_[slot] = static_cast<std::uint32_t>(cells_.size());
      return cells_.back();
    }
    if (keys_[slots_[slot] - 1] == key) return cells_[slots_[slot] - 1];
  }
}

void CellTable::rehash(std::size_t slots) {
  slots_.assign(slots, 0);
  std::vector<std::uint64_t> keys = std::move(keys_);
  std::vector<Cell> cells = std::move(cells_);
  keys_.clear();
  cells_.clear();
  keys_.reserve(keys.size());
  cells_.reserve(cells.size());
  for (std::size_t i = 0; i < keys.size(); ++i) at(keys[i]) = std::move(cells[i]);
}

void CellTable::clear() {
  keys_.clear();
  cells_.clear();
  std::fill(slots_.begin(), slots_.end(), 0);
}

std::uint32_t StringPool::acquire(std::string_view text) {
  if (const auto found = ids_.find(text); found != ids_.end()) {
    ++references_[found->second];
    return found->second;
  }
  std::uint32_t id = static_cast<std::uint32_t>(strings_.size());
  if (!free_.empty()) {
    id = free_.back();
    free_.pop_back();
  } else {
    strings_.push_back(nullptr);
    references_.push_back(0);
  }
  strings_[id] = &ids_.emplace(std::string(text), id).first->first;
  references_[id] = 1;
  return id;
}

void StringPool::release(std::uint32_t id) {
  if (--references_[id] > 0) return;
  ids_.erase(ids_.find(std::string_view(*strings_[id])));
  strings_[id] = nullptr;
  free_.push_back(id);
}

void StringPool::clear() {
  ids_.clear();
  strings_.clear();
  references_.clear();
  free_.clear();
}

}  // namespace insights_detail

namespace {

using insights_detail::kNoValue;
using insights_detail::Observation;

/// Whether CloudTrail Insights would analyse the event: a management API call (not a data,
/// network activity, service or Insights event), a write unless reads are asked for too.
bool analysed(const Event& event, bool read_events) {
  if (event.event_type == "AwsServiceEvent" || event.event_type == "AwsCloudTrailInsight" ||
      event.event_type == "AwsVpceEvent") {
    return false;
  }
  // eventCategory came with 1.07 and managementEvent with 1.06; older records are management.
  const bool management = event.event_category.empty() ? event.management_event != "false"
                                                       : event.event_category == "Management";
  return management && (read_events || event.read_only != "true");
}

}  // namespace

void InsightsCounter::Impl::count(const Observation& seen) {
  Cell& target = cell(seen.series, seen.minute);
  ++target.count;
  if (seen.who != kNoValue) target.note(insights_detail::kIdentityArn, seen.who, 1, strings);
  if (seen.agent != kNoValue) target.note(insights_detail::kUserAgent, seen.agent, 1, strings);
  if (seen.code != kNoValue) target.note(insights_detail::kErrorCode, seen.code, 1, strings);
}

void InsightsCounter::Impl::settle() {
  for (const Observation& seen : pending) {
    count(seen);
    for (const std::uint32_t id : {seen.who, seen.agent, seen.code}) {
      if (id != kNoValue) strings.release(id);
    }
  }
  pending.clear();
}

std::uint32_t InsightsCounter::Impl::series_id(std::string_view lookup, const SeriesKey& key) {
  if (const auto found = series_ids.find(lookup); found != series_ids.end()) return found->second;
  const auto id = static_cast<std::uint32_t>(series.size());
  const auto [position, inserted] = series_ids.emplace(std::string(lookup), id);
  series.push_back(key);
  series_lookup.push_back(&position->first);
  return id;
}

InsightsCounter::InsightsCounter(bool read_events) : impl_(std::make_unique<Impl>(read_events)) {}
InsightsCounter::~InsightsCounter() = default;
InsightsCounter::InsightsCounter(InsightsCounter&&) noexcept = default;
InsightsCounter& InsightsCounter::operator=(InsightsCounter&&) noexcept = default;

std::uint64_t InsightsCounter::events() const { return impl_->events; }
std::uint64_t InsightsCounter::without_time() const { return impl_->without_time; }

bool InsightsCounter::add(const Event& event) {
  Impl& s = *impl_;
  if (!analysed(event, s.read_events)) return false;
  const std::optional<UnixSeconds> time = parse_iso8601(event.event_time);
  const std::int64_t minute = time ? (*time - ((*time % 60) + 60) % 60) / 60 : 0;
  if (!time || minute < std::numeric_limits<std::int32_t>::min() ||
      minute > std::numeric_limits<std::int32_t>::max()) {
    ++s.without_time;
    return false;
  }
  // The series' lookup key is built in a reused buffer, each part after its length so that no
  // text can make two series one; a SeriesKey is made only for a new series.
  const std::string_view account = event.recipient_account_id.empty()
                                       ? event.user_identity.account_id
                                       : event.recipient_account_id;
  const auto series_of = [&](InsightType type, std::string_view error_code) {
    std::string& key = s.key_buffer;
    key.clear();
    key += type == InsightType::kCallRate ? 'C' : 'E';
    for (const std::string_view part :
         {account, event.aws_region, event.event_source, event.event_name, error_code}) {
      const auto length = static_cast<std::uint32_t>(part.size());
      key.append(reinterpret_cast<const char*>(&length), sizeof length);
      key += part;
    }
    if (const auto found = s.series_ids.find(key); found != s.series_ids.end()) {
      return found->second;
    }
    return s.series_id(
        key, SeriesKey{std::string(account), std::string(event.aws_region),
                       std::string(event.event_source), std::string(event.event_name), type,
                       std::string(error_code)});
  };
  // Services calling for themselves have no ARN: they are known by invokedBy.
  const std::string_view who =
      event.user_identity.arn.empty() ? event.user_identity.invoked_by : event.user_identity.arn;
  Observation seen;
  seen.minute = static_cast<std::int32_t>(minute);
  seen.who = who.empty() ? kNoValue : s.strings.acquire(who);
  seen.agent = event.user_agent.empty() ? kNoValue : s.strings.acquire(event.user_agent);
  // A success is counted under the empty code, which CloudTrail lists as "null".
  seen.code = s.strings.acquire(event.error_code);
  seen.series = series_of(InsightType::kCallRate, {});
  s.pending.push_back(seen);
  if (!event.error_code.empty()) {
    seen.series = series_of(InsightType::kErrorRate, event.error_code);
    seen.code = kNoValue;  // an error series is one code
    for (const std::uint32_t id : {seen.who, seen.agent}) {
      if (id != kNoValue) s.strings.acquire(id);
    }
    s.pending.push_back(seen);
  }
  if (s.pending.size() >= Impl::kMaxPending) s.settle();  // one huge input stays bounded
  ++s.events;
  return true;
}

void InsightsCounter::merge(InsightsCounter&& other) {
  Impl& s = *impl_;
  Impl& o = *other.impl_;
  s.settle();
  std::vector<std::uint32_t> series(o.series.size());
  for (std::size_t i = 0; i < o.series.size(); ++i) {
    series[i] = s.series_id(*o.series_lookup[i], o.series[i]);
  }
  // Their strings by our ids, each holding a reference until the merge is done.
  std::vector<std::uint32_t> strings(o.strings.capacity(), kNoValue);
  const auto string_id = [&](std::uint32_t theirs) {
    if (theirs == kNoValue) return kNoValue;
    std::uint32_t& id = strings[theirs];
    if (id == kNoValue) id = s.strings.acquire(o.strings.get(theirs));
    return id;
  };
  // Their cells (an input that outgrew kMaxPending), then their pending calls, in order.
  for (std::size_t i = 0; i < o.cells.size(); ++i) {
    const std::uint64_t key = o.cells.key(i);
    const Cell& theirs = o.cells.cell(i);
    Cell& mine = s.cell(series[key >> 32], static_cast<std::int32_t>(key & 0xFFFFFFFFU));
    mine.count += theirs.count;
    mine.overflowed |= theirs.overflowed;
    theirs.for_each_entry([&](const Entry& entry) {
      mine.note(static_cast<Attribute>(entry.tagged >> insights_detail::kIdBits),
                string_id(entry.tagged & insights_detail::kIdMask), entry.count, s.strings);
    });
  }
  for (const Observation& seen : o.pending) {
    s.count({series[seen.series], seen.minute, string_id(seen.who), string_id(seen.agent),
             string_id(seen.code)});
  }
  for (const std::uint32_t id : strings) {
    if (id != kNoValue) s.strings.release(id);
  }
  s.events += o.events;
  s.without_time += o.without_time;
  // Emptied, but keeping its buffers for the next input.
  o.strings.clear();
  o.series.clear();
  o.series_lookup.clear();
  o.series_ids.clear();
  o.cells.clear();
  o.pending.clear();
  o.events = 0;
  o.without_time = 0;
}

Result<InsightSensitivity> parse_sensitivity(std::string_view text) {
  if (text == "low") return InsightSensitivity::kLow;
  if (text == "medium") return InsightSensitivity::kMedium;
  if (text == "high") return InsightSensitivity::kHigh;
  return make_error("",
                    fmt::format("invalid sensitivity '{}': expected low, medium or high", text));
}

std::string_view insight_type_name(InsightType type) {
  return type == InsightType::kCallRate ? "ApiCallRateInsight" : "ApiErrorRateInsight";
}

}  // namespace trailsift
