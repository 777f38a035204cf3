// SPDX-License-Identifier: MIT
// Counting for `trailsift insights`: the events Insights analyses, per series and minute.
#include <fmt/format.h>

#include <limits>
#include <utility>

#include "insights_internal.hpp"

namespace trailsift {

using insights_detail::Attribute;
using insights_detail::Cell;
using insights_detail::Entry;
using insights_detail::SeriesKey;

namespace insights_detail {

void Cell::note(Attribute attribute, std::uint32_t id, std::uint32_t weight) {
  if (id > kIdMask) {  // a billion distinct values: the value is lost, and the loss is known
    overflowed |= static_cast<std::uint8_t>(1U << attribute);
    return;
  }
  const std::uint32_t tagged = (static_cast<std::uint32_t>(attribute) << kIdBits) | id;
  Entry* least = nullptr;
  std::size_t kept = 0;
  for (Entry& entry : entries) {
    if (entry.tagged == tagged) {
      entry.count += weight;
      return;
    }
    if (entry.tagged >> kIdBits == attribute) {
      ++kept;
      if (least == nullptr || entry.count < least->count) least = &entry;
    }
  }
  if (kept < kKeptValues) {
    entries.push_back({tagged, weight});
    return;
  }
  // Space-Saving: the newcomer takes the least counted place and its count, an overestimate.
  least->tagged = tagged;
  least->count += weight;
  overflowed |= static_cast<std::uint8_t>(1U << attribute);
}

std::uint32_t StringPool::intern(std::string_view text) {
  if (const auto found = ids_.find(text); found != ids_.end()) return found->second;
  const auto id = static_cast<std::uint32_t>(strings_.size());
  const auto [position, inserted] = ids_.emplace(std::string(text), id);
  strings_.push_back(&position->first);
  return id;
}

}  // namespace insights_detail

namespace {

constexpr std::uint32_t kNoString = std::numeric_limits<std::uint32_t>::max();

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
  // The series key is built in a reused buffer; a SeriesKey is made only for a new series.
  const std::string_view account = event.recipient_account_id.empty()
                                       ? event.user_identity.account_id
                                       : event.recipient_account_id;
  const auto series_of = [&](InsightType type, std::string_view error_code) {
    std::string& key = s.key_buffer;
    key.clear();
    for (const std::string_view part :
         {account, event.aws_region, event.event_source, event.event_name}) {
      key += part;
      key += '\x1f';
    }
    key += type == InsightType::kCallRate ? 'C' : 'E';
    key += error_code;
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
  const std::uint32_t who_id = who.empty() ? kNoString : s.strings.intern(who);
  const std::uint32_t agent_id =
      event.user_agent.empty() ? kNoString : s.strings.intern(event.user_agent);
  const auto note_caller = [&](Cell& cell) {
    ++cell.count;
    if (who_id != kNoString) cell.note(insights_detail::kIdentityArn, who_id, 1);
    if (agent_id != kNoString) cell.note(insights_detail::kUserAgent, agent_id, 1);
  };

  Cell& calls = s.cell(series_of(InsightType::kCallRate, {}), minute);
  note_caller(calls);
  // A success is counted under the empty code, which CloudTrail lists as "null".
  calls.note(insights_detail::kErrorCode, s.strings.intern(event.error_code), 1);
  if (!event.error_code.empty()) {
    note_caller(s.cell(series_of(InsightType::kErrorRate, event.error_code), minute));
  }
  ++s.events;
  return true;
}

void InsightsCounter::merge(InsightsCounter&& other) {
  Impl& s = *impl_;
  Impl& o = *other.impl_;
  std::vector<std::uint32_t> series(o.series.size());
  for (std::size_t i = 0; i < o.series.size(); ++i) {
    series[i] = s.series_id(*o.series_lookup[i], o.series[i]);
  }
  std::vector<std::uint32_t> strings(o.strings.size(), kNoString);
  for (const auto& [key, theirs] : o.cells) {
    Cell& mine = s.cell(series[key >> 32], static_cast<std::int32_t>(key & 0xFFFFFFFFU));
    mine.count += theirs.count;
    mine.overflowed |= theirs.overflowed;
    for (const Entry& entry : theirs.entries) {
      std::uint32_t& id = strings[entry.tagged & insights_detail::kIdMask];
      if (id == kNoString)
        id = s.strings.intern(o.strings.get(entry.tagged & insights_detail::kIdMask));
      mine.note(static_cast<Attribute>(entry.tagged >> insights_detail::kIdBits), id, entry.count);
    }
  }
  s.events += o.events;
  s.without_time += o.without_time;
  other.impl_ = std::make_unique<Impl>(o.read_events);
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
