// SPDX-License-Identifier: MIT
// The scan for `trailsift insights`: where a series' rate leaves its baseline, and the
// statistics and attributions of what was found. The method is in trailsift-insights(1).
#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "insights_internal.hpp"

namespace trailsift {

using insights_detail::Cell;
using insights_detail::SeriesKey;

namespace {

constexpr std::int64_t kDay = 24 * 60;

/// The usual of rates seen at the same time on earlier days: their median (the upper one of
/// two, so that doubt goes to "usual") when there are enough days for weekends not to sway it,
/// else the largest (Monday after two quiet days). Reorders `days`.
double usual_of_days(std::vector<double>& days) {
  if (days.empty()) return 0;
  if (days.size() < InsightDetector::kSeasonalMedianDays) {
    return *std::max_element(days.begin(), days.end());
  }
  const auto middle = days.begin() + static_cast<std::ptrdiff_t>(days.size() / 2);
  std::nth_element(days.begin(), middle, days.end());
  return *middle;
}

/// One series' calls in any window, and the rate its baseline expects at each minute.
class Baseline {
 public:
  Baseline(std::span<const std::int64_t> minutes, std::span<const std::uint32_t> counts,
           std::int64_t data_start, const InsightDetector& detector)
      : minutes_(minutes),
        prefix_(minutes.size() + 1, 0),
        data_start_(data_start),
        detector_(detector),
        days_back_(detector.baseline_minutes / kDay),
        bounds_(2 + 2 * InsightDetector::kSeasonalHalfWidths.size() *
                        static_cast<std::size_t>(days_back_)) {
    for (std::size_t i = 0; i < counts.size(); ++i) prefix_[i + 1] = prefix_[i] + counts[i];
  }

  /// Calls in the minutes [from, to).
  std::uint64_t calls(std::int64_t from, std::int64_t to) const {
    if (to <= from) return 0;
    return prefix_[lower_bound(to)] - prefix_[lower_bound(from)];
  }

  /// The calls per minute expected at `minute`: the highest of the floor, the series' mean
  /// over the baseline window before it, and its usual rate at this time of day on the
  /// baseline's earlier days, at each of InsightDetector::kSeasonalHalfWidths: the same minute
  /// and the 3 and 11 minutes around it (a job that runs at 02:00 for a few minutes), and the
  /// two hours around it (the working day of an API called a few times an hour). Once the
  /// rate reaches `enough` the caller needs no more: what is returned is then only at least
  /// `enough`.
  double expected(std::int64_t minute, double enough = std::numeric_limits<double>::infinity()) {
    const std::int64_t available = std::min(detector_.baseline_minutes, minute - data_start_);
    double rate = InsightDetector::kFloorPerMinute;
    if (available > 0) {
      rate = std::max(rate, static_cast<double>(calls(0, minute - available, minute)) /
                                static_cast<double>(available));
    }
    constexpr auto kWidths = InsightDetector::kSeasonalHalfWidths;
    for (std::size_t w = 0; w < kWidths.size() && rate < enough; ++w) {
      const std::int64_t half = kWidths[w];
      days_.clear();
      for (std::int64_t day = 1;
           day <= days_back_ && minute - day * kDay - kWidths.back() >= data_start_; ++day) {
        const std::int64_t at = minute - day * kDay;
        const std::size_t bound =
            2 + 2 * (w * static_cast<std::size_t>(days_back_) + static_cast<std::size_t>(day - 1));
        days_.push_back(static_cast<double>(calls(bound, at - half, at + half + 1)) /
                        static_cast<double>(2 * half + 1));
      }
      rate = std::max(rate, usual_of_days(days_));
    }
    return rate;
  }

 private:
  /// Where a window edge stands among the minutes with calls. The scan asks for later and later
  /// minutes, so each edge moves forward a step at a time instead of searching from scratch.
  struct Bound {
    std::int64_t minute = std::numeric_limits<std::int64_t>::min();
    std::size_t index = 0;
  };

  std::size_t lower_bound(std::int64_t minute) const {
    return static_cast<std::size_t>(std::lower_bound(minutes_.begin(), minutes_.end(), minute) -
                                    minutes_.begin());
  }

  std::size_t position(Bound& bound, std::int64_t minute) {
    if (minute < bound.minute) {
      bound.index = lower_bound(minute);
    } else {
      while (bound.index < minutes_.size() && minutes_[bound.index] < minute) ++bound.index;
    }
    bound.minute = minute;
    return bound.index;
  }

  /// Calls in [from, to), with the pair of bounds that starts at `first_bound`.
  std::uint64_t calls(std::size_t first_bound, std::int64_t from, std::int64_t to) {
    if (to <= from) return 0;
    return prefix_[position(bounds_[first_bound + 1], to)] -
           prefix_[position(bounds_[first_bound], from)];
  }

  std::span<const std::int64_t> minutes_;
  std::vector<std::uint64_t> prefix_;
  std::int64_t data_start_;
  const InsightDetector& detector_;
  std::int64_t days_back_;
  std::vector<Bound> bounds_;  // the mean's pair, then a pair per seasonal width and day
  std::vector<double> days_;   // reused
};

/// The minutes [from, to) of cells sorted by minute.
std::span<const std::pair<std::int64_t, const Cell*>> cells_between(
    std::span<const std::pair<std::int64_t, const Cell*>> cells, std::int64_t from,
    std::int64_t to) {
  const auto by_minute = [](const std::pair<std::int64_t, const Cell*>& cell, std::int64_t minute) {
    return cell.first < minute;
  };
  const auto first = std::lower_bound(cells.begin(), cells.end(), from, by_minute);
  const auto last = std::lower_bound(first, cells.end(), to, by_minute);
  return {first, last};
}

/// The top five values of `attribute` in `cells`, with their counts per minute over `minutes`;
/// clears `complete` when a cell had more values than it kept.
std::vector<InsightAttribution> top_values(
    const insights_detail::StringPool& strings,
    std::span<const std::pair<std::int64_t, const Cell*>> cells,
    insights_detail::Attribute attribute, std::int64_t minutes, bool& complete) {
  std::unordered_map<std::uint32_t, std::uint64_t> tally;
  for (const auto& [minute, cell] : cells) {
    if (cell->overflowed & (1U << attribute)) complete = false;
    cell->for_each_entry([&](const insights_detail::Entry& entry) {
      if (entry.tagged >> insights_detail::kIdBits == attribute) {
        tally[entry.tagged & insights_detail::kIdMask] += entry.count;
      }
    });
  }
  std::vector<std::pair<std::uint64_t, std::string_view>> ranked;
  for (const auto& [id, count] : tally) ranked.emplace_back(count, strings.get(id));
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  constexpr std::size_t kTop = 5;  // as many as CloudTrail lists
  std::vector<InsightAttribution> top;
  for (std::size_t i = 0; i < ranked.size() && i < kTop; ++i) {
    // CloudTrail lists calls that succeeded under the error code "null".
    std::string value = attribute == insights_detail::kErrorCode && ranked[i].second.empty()
                            ? "null"
                            : std::string(ranked[i].second);
    top.push_back({std::move(value), static_cast<double>(ranked[i].first) /
                                         static_cast<double>(std::max<std::int64_t>(minutes, 1))});
  }
  return top;
}

std::uint64_t calls_in(std::span<const std::pair<std::int64_t, const Cell*>> cells) {
  std::uint64_t calls = 0;
  for (const auto& [minute, cell] : cells) calls += cell->count;
  return calls;
}

/// An Insight from a window of one series, with CloudTrail's statistics and attributions.
Insight describe(const insights_detail::StringPool& strings, const SeriesKey& key,
                 std::span<const std::pair<std::int64_t, const Cell*>> cells,
                 const InsightWindow& window, std::int64_t data_start,
                 std::int64_t baseline_minutes) {
  Insight insight;
  insight.account = key.account;
  insight.region = key.region;
  insight.event_source = key.event_source;
  insight.event_name = key.event_name;
  insight.type = key.type;
  insight.error_code = key.error_code;
  insight.start = window.start * 60;
  insight.end = window.end * 60;
  insight.duration_minutes = window.end - window.start;
  const std::int64_t baseline_start =
      window.start - std::min(baseline_minutes, window.start - data_start);
  insight.baseline_minutes = window.start - baseline_start;
  const auto during = cells_between(cells, window.start, window.end);
  const auto before = cells_between(cells, baseline_start, window.start);
  insight.calls = calls_in(during);
  const auto per_minute = [](double count, std::int64_t minutes) {
    return minutes > 0 ? count / static_cast<double>(minutes) : 0.0;
  };
  insight.insight_average =
      per_minute(static_cast<double>(insight.calls), insight.duration_minutes);
  insight.baseline_average =
      per_minute(static_cast<double>(calls_in(before)), insight.baseline_minutes);
  insight.expected_average = per_minute(window.expected, insight.duration_minutes);
  insight.evidence = window.evidence;
  insight.ongoing = window.ongoing;
  for (std::size_t a = 0; a < insights_detail::kAttributeCount; ++a) {
    const auto attribute = static_cast<insights_detail::Attribute>(a);
    InsightAttributions& list = insight.attributions.emplace_back();
    list.attribute = insights_detail::kAttributeNames[a];
    if (attribute == insights_detail::kErrorCode && key.type == InsightType::kErrorRate) {
      // An error-rate series is one code: it is all there is to attribute.
      list.insight.push_back({key.error_code, insight.insight_average});
      if (insight.baseline_average > 0)
        list.baseline.push_back({key.error_code, insight.baseline_average});
      continue;
    }
    list.insight = top_values(strings, during, attribute, insight.duration_minutes,
                              insight.attributions_complete);
    list.baseline = top_values(strings, before, attribute, insight.baseline_minutes,
                               insight.attributions_complete);
  }
  return insight;
}

}  // namespace

InsightDetector InsightDetector::from(const InsightsSpec& spec) {
  InsightDetector detector;
  detector.baseline_minutes = spec.baseline_minutes;
  const double decades = spec.sensitivity == InsightSensitivity::kLow      ? 9
                         : spec.sensitivity == InsightSensitivity::kMedium ? 6
                                                                           : 4;
  detector.threshold = decades * std::log(10.0);
  return detector;
}

std::vector<InsightWindow> detect_insight_windows(std::span<const std::int64_t> minutes,
                                                  std::span<const std::uint32_t> counts,
                                                  std::int64_t data_start, std::int64_t data_end,
                                                  const InsightDetector& detector) {
  Baseline baseline(minutes, counts, data_start, detector);
  const auto first_at_or_after = [&](std::int64_t minute) {
    return static_cast<std::size_t>(std::lower_bound(minutes.begin(), minutes.end(), minute) -
                                    minutes.begin());
  };
  const double log_ratio = std::log(InsightDetector::kRatio);
  const double excess = InsightDetector::kRatio - 1;
  const double least = excess * InsightDetector::kFloorPerMinute;

  // Page's CUSUM for a Poisson rate: `rising` is the log-likelihood ratio of "the rate tripled"
  // against "the rate is as expected", over the best window ending now; an insight starts
  // where that window starts once it passes the threshold. Inside one, `falling` is the CUSUM
  // of "back to the expected rate" against "still at the insight's rate"; the insight ends at
  // the last minute it was 0, once it passes the threshold in turn. While `rising` is 0 quiet
  // minutes change nothing, so they are skipped; otherwise the expected rate's floor bounds how
  // many quiet minutes either statistic takes to settle, and those are skipped too when the
  // next call is further away. Skipping changes nothing in the result.
  std::vector<InsightWindow> windows;
  const std::int64_t scored_from =
      data_start + std::min(detector.baseline_minutes, InsightDetector::kMinimumBaselineMinutes);
  std::size_t next = first_at_or_after(scored_from);
  bool inside = false;
  double rising = 0, falling = 0, peak = 0;
  std::int64_t candidate = 0, start = 0, last_high = 0;
  const auto close = [&](bool ongoing) {
    InsightWindow& window = windows.emplace_back();
    window.end = last_high + 1;
    // The CUSUM's start is the best window for "tripled": a stray call a quarter of an hour
    // before a burst of an API seldom called still adds to it. Between the expected rate before
    // and the insight's own rate after, the likeliest change is where the sum of the log-
    // likelihood ratios of "expected" against "insight's rate" over the minutes from the start
    // peaks; the insight starts after that peak, if it is above 0.
    const double insight_rate = static_cast<double>(baseline.calls(start, window.end)) /
                                static_cast<double>(window.end - start);
    std::vector<double> expected;
    double sum = 0, best = 0;
    window.start = start;
    for (std::int64_t minute = start; minute < window.end; ++minute) {
      const double rate = baseline.expected(minute);
      expected.push_back(rate);
      const double higher = std::max(insight_rate, InsightDetector::kRatio * rate);
      sum += (higher - rate) -
             static_cast<double>(baseline.calls(minute, minute + 1)) * std::log(higher / rate);
      if (sum > best && minute + 1 < window.end) {
        best = sum;
        window.start = minute + 1;
      }
    }
    for (std::size_t i = static_cast<std::size_t>(window.start - start); i < expected.size(); ++i) {
      window.expected += expected[i];
    }
    window.evidence = peak / std::log(10.0);
    window.ongoing = ongoing;
  };
  for (std::int64_t minute = scored_from;; ++minute) {
    if (!inside && rising == 0) {
      if (next == minutes.size()) break;
      minute = std::max(minute, minutes[next]);
    }
    if (minute > data_end) break;
    while (next < minutes.size() && minutes[next] < minute) ++next;
    const double calls = next < minutes.size() && minutes[next] == minute ? counts[next] : 0;
    if (calls == 0) {
      // A quiet minute moves either statistic by at least `least` towards its end (the expected
      // rate is at least the floor): when it gets there before the next call, skip to it.
      const std::int64_t next_call = next < minutes.size() ? minutes[next] : data_end + 1;
      const double quiet = static_cast<double>(next_call - minute) * least;
      if (!inside && quiet >= rising) {
        rising = 0;
        minute = next_call - 1;
        continue;
      }
      if (inside && quiet >= detector.threshold - falling) {
        close(false);
        inside = false;
        rising = 0;
        minute = last_high;
        next = first_at_or_after(minute + 1);
        continue;
      }
    }
    // Searching from 0, a minute whose calls do not pass 1.82 times the expected rate changes
    // nothing, so the rate need only be known up to that.
    const double rate = !inside && rising == 0
                            ? baseline.expected(minute, calls * log_ratio / excess)
                            : baseline.expected(minute);
    const double step = calls * log_ratio - rate * excess;
    if (!inside) {
      if (rising == 0 && step > 0) candidate = minute;
      rising = std::max(0.0, rising + step);
      if (rising >= detector.threshold) {
        inside = true;
        start = candidate;
        falling = 0;
        last_high = minute;
        peak = rising;
      }
      continue;
    }
    rising = std::max(0.0, rising + step);
    peak = std::max(peak, rising);
    // The way back is tested against the insight's own rate so far (at least the tripled
    // one): after a burst of one call a minute, a stray call a quarter of an hour later is the
    // baseline again, not more of the burst.
    const double insight_rate = std::max(static_cast<double>(baseline.calls(start, last_high + 1)) /
                                             static_cast<double>(last_high + 1 - start),
                                         InsightDetector::kRatio * rate);
    falling =
        std::max(0.0, falling + (insight_rate - rate) - calls * std::log(insight_rate / rate));
    if (falling == 0) last_high = minute;
    if (falling >= detector.threshold) {
      close(false);
      inside = false;
      rising = 0;
      minute = last_high;  // scan on from the minute after the insight
      next = first_at_or_after(minute + 1);
    }
  }
  if (inside) close(true);
  return windows;
}

InsightsReport InsightsCounter::find(const InsightsSpec& spec) const {
  impl_->settle();  // counts added here rather than merged in: logically const
  const Impl& s = *impl_;
  InsightsReport report;
  report.series = s.series.size();
  if (s.cells.empty()) return report;
  std::vector<std::vector<std::pair<std::int64_t, const Cell*>>> by_series(s.series.size());
  std::int64_t first = std::numeric_limits<std::int64_t>::max();
  std::int64_t last = std::numeric_limits<std::int64_t>::min();
  for (std::size_t i = 0; i < s.cells.size(); ++i) {
    const std::uint64_t key = s.cells.key(i);
    const std::int64_t minute = static_cast<std::int32_t>(key & 0xFFFFFFFFU);
    by_series[key >> 32].emplace_back(minute, &s.cells.cell(i));
    first = std::min(first, minute);
    last = std::max(last, minute);
  }
  report.data_start = first * 60;
  report.data_end = last * 60;
  report.scored_from =
      (first + std::min(spec.baseline_minutes, InsightDetector::kMinimumBaselineMinutes)) * 60;
  report.full_baseline_from = (first + spec.baseline_minutes) * 60;

  const InsightDetector detector = InsightDetector::from(spec);
  std::vector<std::int64_t> minutes;
  std::vector<std::uint32_t> counts;
  for (std::size_t i = 0; i < by_series.size(); ++i) {
    auto& cells = by_series[i];
    std::sort(cells.begin(), cells.end());
    minutes.clear();
    counts.clear();
    for (const auto& [minute, cell] : cells) {
      minutes.push_back(minute);
      counts.push_back(cell->count);
    }
    for (const InsightWindow& window :
         detect_insight_windows(minutes, counts, first, last, detector)) {
      report.insights.push_back(
          describe(s.strings, s.series[i], cells, window, first, spec.baseline_minutes));
    }
    cells = {};
  }
  std::sort(report.insights.begin(), report.insights.end(), [](const Insight& a, const Insight& b) {
    return std::tie(a.start, a.account, a.region, a.event_source, a.event_name, a.type,
                    a.error_code) < std::tie(b.start, b.account, b.region, b.event_source,
                                             b.event_name, b.type, b.error_code);
  });
  return report;
}

}  // namespace trailsift
