// SPDX-License-Identifier: MIT
// `trailsift insights`: CloudTrail Insights over events already collected. One pass counts each
// API's calls and errors per minute; then each series is scanned for where its rate leaves its
// baseline (a Poisson CUSUM against a seasonal baseline; docs/man/trailsift-insights.1.md), and
// the findings are written in CloudTrail's own Insights shape.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "trailsift/event.hpp"
#include "trailsift/event_format.hpp"
#include "trailsift/result.hpp"
#include "trailsift/time.hpp"

namespace trailsift {

/// How much evidence an insight needs: a likelihood ratio of 10^9 (low), 10^6 (medium) or
/// 10^4 (high) for the rate having tripled against it having stayed at its baseline.
enum class InsightSensitivity { kLow, kMedium, kHigh };

/// `low`, `medium` or `high`.
Result<InsightSensitivity> parse_sensitivity(std::string_view text);

/// What to look for.
struct InsightsSpec {
  std::int64_t baseline_minutes = 7 * 24 * 60;  ///< --baseline: the window before each minute
  InsightSensitivity sensitivity = InsightSensitivity::kMedium;
  bool read_events = false;  ///< --read: read-only management events too, not only writes
};

/// The two kinds CloudTrail has.
enum class InsightType { kCallRate, kErrorRate };

/// `ApiCallRateInsight` or `ApiErrorRateInsight`.
std::string_view insight_type_name(InsightType type);

/// The detector's fixed parameters and the one the sensitivity sets.
struct InsightDetector {
  std::int64_t baseline_minutes = 7 * 24 * 60;
  double threshold = 0;  ///< natural log of the likelihood ratio an insight needs

  /// The rate change the test is tuned to: a rate must pass 2 / ln 3 = 1.82 times its
  /// expected rate to count towards an insight at all.
  static constexpr double kRatio = 3;
  /// The lowest expected rate, per minute (one call an hour): an API never seen before needs
  /// about a dozen calls in an hour, not three in a week, to make an insight.
  static constexpr double kFloorPerMinute = 1.0 / 60;
  /// Minutes either side of the same time on earlier days that the seasonal rates look at:
  /// up to 11 minutes for jobs that run at a set time, two hours for the working day.
  static constexpr std::array<std::int64_t, 4> kSeasonalHalfWidths = {0, 1, 5, 60};
  /// Days of baseline from which the seasonal rate is their median; with fewer, their maximum.
  static constexpr std::size_t kSeasonalMedianDays = 5;
  /// The shortest baseline a minute is scored against (or the whole --baseline if shorter).
  static constexpr std::int64_t kMinimumBaselineMinutes = 24 * 60;

  /// The detector for a spec.
  static InsightDetector from(const InsightsSpec& spec);
};

/// One window of unusual activity in one series of per-minute counts.
struct InsightWindow {
  std::int64_t start = 0;  ///< first minute (minutes since the epoch)
  std::int64_t end = 0;    ///< the minute after the last one
  double expected = 0;     ///< calls the baseline expected in [start, end)
  double evidence = 0;     ///< the largest log10 likelihood ratio reached
  bool ongoing = false;    ///< the data ended before the rate came back
};

/// Finds the windows where a series' rate leaves its baseline. `minutes` (strictly increasing,
/// minutes since the epoch) are those with calls and `counts` how many (same length, > 0);
/// the data as a whole spans [data_start, data_end], and minutes without an entry had none.
/// Work follows the minutes with calls (and at most a few hundred after each), not the span.
std::vector<InsightWindow> detect_insight_windows(std::span<const std::int64_t> minutes,
                                                  std::span<const std::uint32_t> counts,
                                                  std::int64_t data_start, std::int64_t data_end,
                                                  const InsightDetector& detector);

/// One value behind an insight and its calls (or errors) per minute.
struct InsightAttribution {
  std::string value;
  double average = 0;
};

/// The top values of one attribute during the insight and during its baseline.
struct InsightAttributions {
  std::string_view attribute;  ///< userIdentityArn, userAgent or errorCode
  std::vector<InsightAttribution> insight;
  std::vector<InsightAttribution> baseline;
};

/// An insight: one API's call rate, or its rate of one error code, away from its baseline.
struct Insight {
  std::string account;
  std::string region;
  std::string event_source;
  std::string event_name;
  InsightType type = InsightType::kCallRate;
  std::string error_code;  ///< error-rate insights
  UnixSeconds start = 0;
  UnixSeconds end = 0;  ///< start + duration
  std::int64_t duration_minutes = 0;
  std::int64_t baseline_minutes = 0;  ///< the baseline before start, shorter near the data's start
  double baseline_average = 0;        ///< per minute over the baseline
  double insight_average = 0;         ///< per minute over the insight
  double expected_average = 0;        ///< per minute the seasonal baseline expected meanwhile
  double evidence = 0;                ///< log10 of the likelihood ratio
  std::uint64_t calls = 0;            ///< calls (or errors) during the insight
  bool ongoing = false;               ///< still unusual when the data ended
  bool attributions_complete = true;  ///< false: a minute had more values than were kept
  std::vector<InsightAttributions> attributions;  ///< userIdentityArn, userAgent, errorCode
};

/// What find_insights found, and over what.
struct InsightsReport {
  std::vector<Insight> insights;  ///< by start, then account, region, source, name, type, code
  std::optional<UnixSeconds> data_start;          ///< the first minute with a counted event
  std::optional<UnixSeconds> data_end;            ///< the last one
  std::optional<UnixSeconds> scored_from;         ///< minutes before only build the baseline
  std::optional<UnixSeconds> full_baseline_from;  ///< from here baselines are --baseline long
  std::uint64_t series = 0;                       ///< APIs, and APIs with an error code, counted
};

/// Counts, per API (account, region, event source, event name) and minute, the calls and the
/// errors per error code of the events Insights analyses, with the top identities, user agents
/// and error codes behind them. Memory follows the series and their minutes with calls, not
/// the events: each minute keeps at most 8 values of each attribute (the most frequent, by
/// Space-Saving). Not thread-safe: count each input in its own counter and merge them in input
/// order, which keeps the result the same for any number of threads.
class InsightsCounter {
 public:
  explicit InsightsCounter(bool read_events);
  ~InsightsCounter();
  InsightsCounter(InsightsCounter&&) noexcept;
  InsightsCounter& operator=(InsightsCounter&&) noexcept;

  /// Counts `event` if Insights analyses it: a management API call (not a data, network,
  /// service or Insights event) that is a write, or any with read_events. Returns whether it
  /// was counted; one without a valid eventTime (or one past the year 6000, whose minute does
  /// not fit the counts) is not, and is counted in without_time().
  bool add(const Event& event);

  /// Adds `other`'s counts as if its events had come after this one's; `other` is left empty.
  void merge(InsightsCounter&& other);

  /// Events counted.
  std::uint64_t events() const;
  /// Events Insights analyses that had no valid eventTime.
  std::uint64_t without_time() const;

  /// Scans every series and returns the insights, with their statistics and attributions.
  InsightsReport find(const InsightsSpec& spec) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The insights as Insights events, oldest first: a Start and an End record per insight, one
/// compact JSON object per line, marked as computed (the `trailsift` key, which real ones never
/// have).
Result<std::string> format_insights_ndjson(const InsightsReport& report);

/// The same records in one `{"Records":[...]}` document, as a CloudTrail-Insight log file.
Result<std::string> format_insights_json(const InsightsReport& report);

/// One row per insight: start, end, account, region, API, type, the baseline and insight rates
/// and the top principal. Values from the input are escaped for a terminal; `paint` marks cells.
std::string format_insights_table(const InsightsReport& report, const CellPainter& paint = {});

/// A header and one line per insight, in the insights' order, comma- or tab-separated: the
/// columns of insights_columns(), values exact (averages per minute, as the JSON's).
std::string format_insights_delimited(const InsightsReport& report, Delimited format);

/// The CSV and TSV columns: `start_time`, `end_time`, `account`, `region`, `event_source`,
/// `event_name`, `insight_type`, `error_code`, `baseline_average`, `insight_average`,
/// `expected_average`, `duration_minutes`, `baseline_minutes`, `calls`, `evidence`, `ongoing`,
/// `top_principal`.
const std::vector<std::string>& insights_columns();

}  // namespace trailsift
