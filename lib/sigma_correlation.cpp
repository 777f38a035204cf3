// SPDX-License-Identifier: MIT
// Correlation windows. For each group, in eventTime order, a window starts at an event and
// holds every event of the group up to `timespan` later, both ends included. A window whose
// count meets the condition is one detection; the next window starts after its last event, so
// an event counts in one detection at most. A window starting at each event finds every burst
// a window starting anywhere would: sliding, not cut at fixed boundaries, as Sigma asks.
#include <algorithm>
#include <limits>
#include <tuple>
#include <unordered_map>

#include "sigma_internal.hpp"

namespace trailsift {

using namespace sigma;

namespace {

using Observations = std::vector<SigmaObservation>;

bool meets(const CorrelationRule& correlation, std::uint64_t count) {
  const Number value{static_cast<double>(count), static_cast<std::int64_t>(count)};
  return std::all_of(
      correlation.conditions.begin(), correlation.conditions.end(), [&](const auto& condition) {
        const auto [comparison, threshold] = condition;
        return compare(value, comparison, Number{static_cast<double>(threshold), threshold});
      });
}

std::vector<std::string> split_group(const std::string& group, std::size_t names) {
  std::vector<std::string> values;
  if (names == 0) return values;
  for (std::size_t start = 0;;) {
    const std::size_t end = group.find('\x1f', start);
    values.push_back(group.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return values;
}

/// Counts what a correlation counts over a window [first, end) of one group's observations,
/// keeping its tallies as the window slides forward.
class WindowCount {
 public:
  WindowCount(const CorrelationRule& correlation, const Observations& items, std::size_t begin,
              std::size_t end)
      : correlation_(correlation), items_(items), slot_counts_(correlation.slots.size(), 0) {
    if (correlation.type == CorrelationRule::Type::kTemporalOrdered) {
      by_slot_.resize(correlation.slots.size());
      for (std::size_t i = begin; i < end; ++i) by_slot_[items[i].slot].push_back(i);
    }
  }

  void add(std::size_t i) {
    events_ += items_[i].event_count;
    if (correlation_.type == CorrelationRule::Type::kValueCount) {
      if (values_[items_[i].value]++ == 0) ++distinct_;
    } else if (slot_counts_[items_[i].slot]++ == 0) {
      ++distinct_;
    }
  }

  void remove(std::size_t i) {
    events_ -= items_[i].event_count;
    if (correlation_.type == CorrelationRule::Type::kValueCount) {
      const auto found = values_.find(items_[i].value);
      if (--found->second == 0) {
        values_.erase(found);
        --distinct_;
      }
    } else if (--slot_counts_[items_[i].slot] == 0) {
      --distinct_;
    }
  }

  /// The count for the window [first, end), whose observations have all been added.
  std::uint64_t count(std::size_t first, std::size_t end) const {
    switch (correlation_.type) {
      case CorrelationRule::Type::kEventCount: return events_;
      case CorrelationRule::Type::kValueCount:
      case CorrelationRule::Type::kTemporal: return distinct_;
      case CorrelationRule::Type::kTemporalOrdered: return ordered_prefix(first, end);
    }
    return 0;
  }

 private:
  /// How many of the rules, in their order, match events one after the other in the window:
  /// each the earliest that follows the one before (a different, later event).
  std::uint64_t ordered_prefix(std::size_t first, std::size_t end) const {
    std::size_t from = first;
    std::uint64_t matched = 0;
    for (const std::vector<std::size_t>& positions : by_slot_) {
      const auto next = std::lower_bound(positions.begin(), positions.end(), from);
      if (next == positions.end() || *next >= end) break;
      ++matched;
      from = *next + 1;
      while (from < end && items_[from].position == items_[*next].position) ++from;
    }
    return matched;
  }

  const CorrelationRule& correlation_;
  const Observations& items_;
  std::vector<std::uint64_t> slot_counts_;
  std::unordered_map<std::string_view, std::uint64_t> values_;
  std::uint64_t distinct_ = 0;
  std::uint64_t events_ = 0;
  std::vector<std::vector<std::size_t>> by_slot_;
};

/// The windows of one group, items[begin, end), sorted by time.
void evaluate_group(const CorrelationRule& correlation, std::uint32_t index,
                    const Observations& items, std::size_t begin, std::size_t end,
                    std::vector<SigmaCorrelationDetection>& detections) {
  WindowCount tally(correlation, items, begin, end);
  std::size_t last = begin;  // observations in [first, last) are in the tally
  for (std::size_t first = begin; first < end;) {
    const UnixSeconds start = items[first].time;
    const UnixSeconds limit = start > std::numeric_limits<UnixSeconds>::max() - correlation.timespan
                                  ? std::numeric_limits<UnixSeconds>::max()
                                  : start + correlation.timespan;
    while (last < end && items[last].time <= limit) tally.add(last++);
    const std::uint64_t count = tally.count(first, last);
    if (!meets(correlation, count)) {
      tally.remove(first++);
      continue;
    }
    SigmaCorrelationDetection& detection = detections.emplace_back();
    detection.rule = index;
    const auto earliest = std::min_element(
        items.begin() + static_cast<std::ptrdiff_t>(first),
        items.begin() + static_cast<std::ptrdiff_t>(last),
        [](const SigmaObservation& a, const SigmaObservation& b) {
          return std::tie(a.first, a.first_position) < std::tie(b.first, b.first_position);
        });
    detection.first = earliest->first;
    detection.first_position = earliest->first_position;
    detection.last = items[last - 1].time;
    detection.last_position = items[last - 1].position;
    detection.count = count;
    const std::vector<std::string> values =
        split_group(items[first].group, correlation.group_names.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
      detection.group.emplace_back(correlation.group_names[i], values[i]);
    }
    for (std::size_t i = first; i < last; ++i) {
      if (i > first) detection.events += ',';
      detection.events += items[i].events;
      detection.event_count += items[i].event_count;
    }
    while (first < last) tally.remove(first++);
  }
}

}  // namespace

bool SigmaRuleSet::fits(const SigmaObservation& observation) const {
  if (observation.correlation >= impl_->correlations.size()) return false;
  const sigma::CorrelationRule& correlation = impl_->correlations[observation.correlation];
  const std::size_t names = correlation.group_names.size();
  const auto values = static_cast<std::size_t>(
                          std::count(observation.group.begin(), observation.group.end(), '\x1f')) +
                      1;
  return observation.slot < correlation.slots.size() &&
         (names == 0 ? observation.group.empty() : values == names);
}

std::vector<SigmaCorrelationDetection> SigmaRuleSet::correlate(
    SigmaObservations observations) const {
  const Impl& impl = *impl_;
  std::vector<Observations> lists(impl.correlations.size());
  for (SigmaObservation& observation : observations.items) {
    lists[observation.correlation].push_back(std::move(observation));
  }
  observations = {};

  std::vector<SigmaCorrelationDetection> reported;
  for (const std::uint32_t index : impl.correlation_order) {
    const CorrelationRule& correlation = impl.correlations[index];
    Observations& items = lists[index];
    std::sort(items.begin(), items.end(), [](const SigmaObservation& a, const SigmaObservation& b) {
      return std::tie(a.group, a.time, a.position, a.slot) <
             std::tie(b.group, b.time, b.position, b.slot);
    });
    std::vector<SigmaCorrelationDetection> detections;
    for (std::size_t begin = 0; begin < items.size();) {
      std::size_t end = begin + 1;
      while (end < items.size() && items[end].group == items[begin].group) ++end;
      evaluate_group(correlation, index, items, begin, end, detections);
      begin = end;
    }
    items = {};
    // A correlation of correlations sees each detection as an event at its last event's time.
    for (const CorrelationUse& use : correlation.uses) {
      const CorrelationRule::Slot& slot = impl.correlations[use.correlation].slots[use.slot];
      for (const SigmaCorrelationDetection& detection : detections) {
        SigmaObservation& observation = lists[use.correlation].emplace_back();
        observation.time = detection.last;
        observation.position = detection.last_position;
        observation.first = detection.first;
        observation.first_position = detection.first_position;
        observation.correlation = use.correlation;
        observation.slot = use.slot;
        for (std::size_t i = 0; i < slot.group_from.size(); ++i) {
          if (i > 0) observation.group += '\x1f';
          observation.group += detection.group[slot.group_from[i]].second;
        }
        observation.events = detection.events;
        observation.event_count = detection.event_count;
      }
    }
    if (correlation.reported) {
      for (SigmaCorrelationDetection& detection : detections) {
        detection.rule = *correlation.reported;
        reported.push_back(std::move(detection));
      }
    }
  }
  std::sort(reported.begin(), reported.end(),
            [](const SigmaCorrelationDetection& a, const SigmaCorrelationDetection& b) {
              return std::tie(a.rule, a.first, a.first_position) <
                     std::tie(b.rule, b.first, b.first_position);
            });
  return reported;
}

}  // namespace trailsift
