// SPDX-License-Identifier: MIT
#include "trailsift/insights.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "test_support.hpp"
#include "trailsift/event_field.hpp"

using trailsift::Insight;
using trailsift::InsightDetector;
using trailsift::InsightsCounter;
using trailsift::InsightsReport;
using trailsift::InsightsSpec;
using trailsift::InsightType;
using trailsift::InsightWindow;

namespace {

constexpr std::int64_t kDay = 24 * 60;
// Minutes since the epoch of 2024-03-04T00:00:00Z, a Monday.
constexpr std::int64_t kMonday = 1709510400 / 60;

/// A small, fully specified generator: results are the same with every standard library.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  double uniform() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return static_cast<double>(state_ >> 11) / 9007199254740992.0;
  }
  /// Knuth's method: fine for the small rates used here.
  std::uint32_t poisson(double rate) {
    const double limit = std::exp(-rate);
    std::uint32_t k = 0;
    for (double p = uniform(); p > limit; p *= uniform()) ++k;
    return k;
  }

 private:
  std::uint64_t state_;
};

/// A series as detect_insight_windows takes it, built minute by minute.
struct Series {
  std::vector<std::int64_t> minutes;
  std::vector<std::uint32_t> counts;
  std::int64_t first = -1, last = 0;  // the data's span: minutes given, with calls or not

  void add(std::int64_t minute, std::uint32_t count) {
    if (first < 0) first = minute;
    last = minute;
    if (count == 0) return;
    minutes.push_back(minute);
    counts.push_back(count);
  }
  std::vector<InsightWindow> windows(
      trailsift::InsightSensitivity sensitivity = trailsift::InsightSensitivity::kMedium) const {
    InsightsSpec spec;
    spec.sensitivity = sensitivity;
    return trailsift::detect_insight_windows(minutes, counts, first, last,
                                             InsightDetector::from(spec));
  }
};

/// `days` of a Poisson rate per minute, times `burst` during [burst_start, burst_end).
Series poisson_series(double rate, std::int64_t days, std::int64_t burst_start = 0,
                      std::int64_t burst_end = 0, double burst = 1, std::uint64_t seed = 7) {
  Random random(seed);
  Series series;
  for (std::int64_t m = kMonday; m < kMonday + days * kDay; ++m) {
    const bool bursting = m >= burst_start && m < burst_end;
    series.add(m, random.poisson(bursting ? rate * burst : rate));
  }
  return series;
}

/// One record, with what the counter looks at; `extra` (`,"key":value,...`) replaces or adds
/// fields, so that no key appears twice (the reader reports that).
std::string record(std::int64_t minute, std::string_view name, std::string_view arn,
                   std::string_view extra = "", std::int64_t second = 0) {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"eventVersion", R"("1.08")"},
      {"userIdentity",
       fmt::format(R"({{"type":"IAMUser","arn":"{}","accountId":"111122223333"}})", arn)},
      {"eventTime", fmt::format(R"("{}")", trailsift::format_iso8601(minute * 60 + second))},
      {"eventSource", R"("iam.amazonaws.com")"},
      {"eventName", fmt::format(R"("{}")", name)},
      {"awsRegion", R"("us-east-1")"},
      {"userAgent", fmt::format(R"("agent-of-{}")", arn)},
      {"readOnly", "false"},
      {"eventType", R"("AwsApiCall")"},
      {"managementEvent", "true"},
      {"recipientAccountId", R"("111122223333")"},
      {"eventCategory", R"("Management")"},
  };
  // The extras are flat: `,"key":value` pairs whose values hold no `,"`.
  for (std::size_t at = extra.find(",\""); at != std::string_view::npos;) {
    const std::size_t colon = extra.find("\":", at);
    const std::size_t next = extra.find(",\"", colon);
    const std::string key(extra.substr(at + 2, colon - at - 2));
    const std::string value(
        extra.substr(colon + 2, next == std::string_view::npos ? next : next - colon - 2));
    auto found =
        std::find_if(fields.begin(), fields.end(), [&](const auto& f) { return f.first == key; });
    if (found == fields.end()) {
      fields.emplace_back(key, value);
    } else {
      found->second = value;
    }
    at = next;
  }
  std::string text = "{";
  for (const auto& [key, value] : fields) {
    if (text.size() > 1) text += ',';
    text += fmt::format(R"("{}":{})", key, value);
  }
  return text + "}\n";
}

void count(InsightsCounter& counter, std::string_view ndjson) {
  trailsift::EventReader reader;
  const auto report = reader.read_bytes("test.jsonl", ndjson, [&](const trailsift::Event& event) {
    counter.add(event);
    return trailsift::Visit::kContinue;
  });
  REQUIRE(report.ok());
}

/// Two days of one AttachRolePolicy call a minute by `bg`, then ten minutes with ten more calls
/// a minute by `burst` (each failing with AccessDenied when `errors`), then an hour of the
/// background alone.
std::string background_and_burst(bool errors = false) {
  std::string ndjson;
  const std::int64_t burst_start = kMonday + 2 * kDay;
  for (std::int64_t m = kMonday; m < burst_start + 60; ++m) {
    ndjson += record(m, "AttachRolePolicy", "arn:aws:iam::111122223333:user/bg");
    if (m >= burst_start && m < burst_start + 10) {
      for (int i = 0; i < 10; ++i) {
        ndjson += record(m, "AttachRolePolicy", "arn:aws:iam::111122223333:user/burst",
                         errors ? R"(,"errorCode":"AccessDenied")" : "", i);
      }
    }
  }
  return ndjson;
}

const Insight* find_insight(const InsightsReport& report, InsightType type) {
  for (const Insight& insight : report.insights) {
    if (insight.type == type) return &insight;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("A steady rate makes no insight - ten times it for half an hour makes one",
          "[insights]") {
  CHECK(poisson_series(2, 10).windows().empty());
  CHECK(poisson_series(0.05, 10).windows().empty());

  const std::int64_t start = kMonday + 8 * kDay + 14 * 60;
  const std::vector<InsightWindow> found = poisson_series(2, 10, start, start + 30, 10).windows();
  REQUIRE(found.size() == 1);
  CHECK(std::abs(found[0].start - start) <= 2);
  CHECK(std::abs(found[0].end - (start + 30)) <= 3);
  CHECK_FALSE(found[0].ongoing);
  CHECK(found[0].evidence > 6);
  CHECK(found[0].expected / static_cast<double>(found[0].end - found[0].start) ==
        Approx(2).epsilon(0.3));
}

TEST_CASE("An API seldom called needs about a dozen calls in a short time", "[insights]") {
  Series dozen;
  dozen.add(kMonday, 0);
  for (std::int64_t m = kMonday + 3 * kDay; m < kMonday + 3 * kDay + 10; ++m) {
    dozen.add(m, m % 2 == 0 ? 2 : 1);  // 15 calls in ten minutes
  }
  dozen.add(kMonday + 4 * kDay, 0);
  const std::vector<InsightWindow> found = dozen.windows();
  REQUIRE(found.size() == 1);
  CHECK(found[0].start == kMonday + 3 * kDay);
  CHECK(found[0].end == kMonday + 3 * kDay + 10);

  Series spread;  // the same 15 calls over three days
  spread.add(kMonday, 0);
  for (int i = 0; i < 15; ++i) spread.add(kMonday + 2 * kDay + i * 288, 1);
  spread.add(kMonday + 6 * kDay, 0);
  CHECK(spread.windows().empty());

  Series few;  // three calls in five minutes, which CloudTrail has flagged: not here
  few.add(kMonday, 0);
  for (int i = 0; i < 3; ++i) few.add(kMonday + 3 * kDay + i * 2, 1);
  few.add(kMonday + 4 * kDay, 0);
  CHECK(few.windows(trailsift::InsightSensitivity::kHigh).empty());
}

TEST_CASE("The working day, the weekend and a nightly job are the baseline", "[insights]") {
  Random random(11);
  Series series;
  for (std::int64_t m = kMonday; m < kMonday + 21 * kDay; ++m) {
    const std::int64_t day = (m - kMonday) / kDay, hour = (m - kMonday) % kDay / 60;
    const bool weekday = day % 7 < 5;
    double rate = weekday && hour >= 9 && hour < 17 ? 6 : 0.3;  // 20 times busier by day
    if (hour == 2 && (m - kMonday) % 60 < 5) rate = 15;         // the nightly job: 75 calls
    series.add(m, random.poisson(rate));
  }
  CHECK(series.windows().empty());
}

TEST_CASE("The first day only builds the baseline - a burst at the end is still open",
          "[insights]") {
  const std::int64_t early = kMonday + 6 * 60;
  CHECK(poisson_series(1, 3, early, early + 60, 20).windows().empty());
  CHECK(poisson_series(1, 1, kMonday + 600, kMonday + 700, 20).windows().empty());

  const std::int64_t late = kMonday + 5 * kDay - 20;
  const Series series = poisson_series(1, 5, late, late + 20, 20);
  const std::vector<InsightWindow> found = series.windows();
  REQUIRE(found.size() == 1);
  CHECK(found[0].ongoing);
  CHECK(found[0].end == series.last + 1);
}

TEST_CASE("Sensitivity: high finds what low does not", "[insights]") {
  // Three times a steady rate of one call every two minutes, for an hour: a weak departure.
  const std::int64_t start = kMonday + 8 * kDay + 10 * 60;
  const Series series = poisson_series(0.5, 10, start, start + 60, 3);
  const auto high = series.windows(trailsift::InsightSensitivity::kHigh);
  const auto medium = series.windows(trailsift::InsightSensitivity::kMedium);
  const auto low = series.windows(trailsift::InsightSensitivity::kLow);
  // High sees it (perhaps in two parts, since calls come at random), low does not.
  REQUIRE_FALSE(high.empty());
  CHECK(std::abs(high[0].start - start) <= 10);
  for (const InsightWindow& window : high) CHECK((window.start < start + 60 && window.end > start));
  CHECK(medium.size() <= high.size());
  CHECK(low.empty());
}

TEST_CASE("Work follows the minutes with calls, not the span of the data", "[insights]") {
  Series series;
  series.add(0, 5);
  series.add(400'000'000, 5);  // 760 years later
  series.add(800'000'000, 5);
  CHECK(series.windows().size() == 0);  // returns, and quickly: no minute-by-minute array
}

TEST_CASE("What Insights analyses: management API calls, writes unless --read", "[insights]") {
  const std::int64_t m = kMonday;
  const std::string ndjson =
      record(m, "AttachRolePolicy", "a") +                                       // counted
      record(m, "GetRole", "a", R"(,"readOnly":true)") +                         // a read
      record(m, "PutObject", "a", R"(,"eventCategory":"Data")") +                // data
      record(m, "RotateKey", "a", R"(,"eventType":"AwsServiceEvent")") +         // service
      record(m, "Old", "a", R"(,"eventCategory":"","managementEvent":false)") +  // old data
      record(m, "Older", "a", R"(,"eventCategory":"","managementEvent":"")") +   // counted
      record(m, "AttachRolePolicy", "a", R"(,"eventTime":"yesterday")") +        // no time
      R"({"eventType":"AwsCloudTrailInsight","eventCategory":"Insight","eventTime":"2024-03-04T00:00:00Z"})"
      "\n";
  InsightsCounter writes(false);
  count(writes, ndjson);
  CHECK(writes.events() == 2);
  CHECK(writes.without_time() == 1);
  InsightsCounter reads(true);
  count(reads, ndjson);
  CHECK(reads.events() == 3);
}

TEST_CASE("Statistics and attributions, checked by hand", "[insights]") {
  InsightsCounter counter(false);
  count(counter, background_and_burst());
  REQUIRE(counter.events() == (2 * kDay + 60) + 100);
  const InsightsReport report = counter.find(InsightsSpec{});
  REQUIRE(report.insights.size() == 1);
  const Insight& insight = report.insights[0];
  CHECK(insight.type == InsightType::kCallRate);
  CHECK(insight.account == "111122223333");
  CHECK(insight.region == "us-east-1");
  CHECK(insight.event_source == "iam.amazonaws.com");
  CHECK(insight.event_name == "AttachRolePolicy");
  CHECK(insight.start == (kMonday + 2 * kDay) * 60);
  CHECK(insight.duration_minutes == 10);
  CHECK(insight.end == insight.start + 600);
  CHECK(insight.calls == 110);
  CHECK(insight.insight_average == 11.0);
  CHECK(insight.baseline_minutes == 2 * kDay);  // all there is before it: two days
  CHECK(insight.baseline_average == 1.0);
  CHECK(insight.attributions_complete);
  CHECK(*report.data_start == kMonday * 60);
  CHECK(*report.scored_from == (kMonday + kDay) * 60);

  REQUIRE(insight.attributions.size() == 3);
  const auto& who = insight.attributions[0];
  CHECK(who.attribute == "userIdentityArn");
  REQUIRE(who.insight.size() == 2);
  CHECK(who.insight[0].value == "arn:aws:iam::111122223333:user/burst");
  CHECK(who.insight[0].average == 10.0);
  CHECK(who.insight[1].value == "arn:aws:iam::111122223333:user/bg");
  CHECK(who.insight[1].average == 1.0);
  REQUIRE(who.baseline.size() == 1);
  CHECK(who.baseline[0].value == "arn:aws:iam::111122223333:user/bg");
  CHECK(who.baseline[0].average == 1.0);
  CHECK(insight.attributions[1].attribute == "userAgent");
  CHECK(insight.attributions[1].insight[0].value ==
        "agent-of-arn:aws:iam::111122223333:user/burst");
  const auto& codes = insight.attributions[2];
  CHECK(codes.attribute == "errorCode");
  REQUIRE(codes.insight.size() == 1);
  CHECK(codes.insight[0].value == "null");  // as CloudTrail lists calls that succeeded
  CHECK(codes.insight[0].average == 11.0);
}

TEST_CASE("An error storm is an error-rate insight of its code", "[insights]") {
  InsightsCounter counter(false);
  count(counter, background_and_burst(true));
  const InsightsReport report = counter.find(InsightsSpec{});
  const Insight* errors = find_insight(report, InsightType::kErrorRate);
  REQUIRE(errors != nullptr);
  CHECK(errors->error_code == "AccessDenied");
  CHECK(errors->start == (kMonday + 2 * kDay) * 60);
  CHECK(errors->duration_minutes == 10);
  CHECK(errors->insight_average == 10.0);
  CHECK(errors->baseline_average == 0.0);
  CHECK(errors->attributions[0].insight[0].value == "arn:aws:iam::111122223333:user/burst");
  REQUIRE(errors->attributions[2].insight.size() == 1);
  CHECK(errors->attributions[2].insight[0].value == "AccessDenied");
  CHECK(errors->attributions[2].baseline.empty());
  // The failed calls are calls too: the call rate left its baseline as well.
  const Insight* calls = find_insight(report, InsightType::kCallRate);
  REQUIRE(calls != nullptr);
  CHECK(calls->attributions[2].insight[0].value == "AccessDenied");
}

TEST_CASE("Inputs merged in order give what one input gives", "[insights]") {
  const std::string all = background_and_burst(true);
  InsightsCounter whole(false);
  count(whole, all);
  // The same records split in three inputs, each counted apart and merged in order.
  InsightsCounter merged(false);
  const std::size_t third = all.size() / 3;
  const std::size_t cut1 = all.find('\n', third) + 1, cut2 = all.find('\n', 2 * third) + 1;
  for (const auto& [from, to] :
       {std::pair{std::size_t{0}, cut1}, std::pair{cut1, cut2}, std::pair{cut2, all.size()}}) {
    InsightsCounter part(false);
    count(part, std::string_view(all).substr(from, to - from));
    merged.merge(std::move(part));
  }
  CHECK(merged.events() == whole.events());
  const InsightsReport a = whole.find(InsightsSpec{}), b = merged.find(InsightsSpec{});
  CHECK(*trailsift::format_insights_ndjson(a) == *trailsift::format_insights_ndjson(b));
  CHECK_FALSE(a.insights.empty());
}

TEST_CASE("A minute with more values than are kept: the busiest stays, the loss is said",
          "[insights]") {
  std::string ndjson;
  const std::int64_t burst = kMonday + 2 * kDay;
  ndjson += record(kMonday, "CreateUser", "first");
  for (std::int64_t m = burst; m < burst + 5; ++m) {
    for (int i = 0; i < 20; ++i) {
      ndjson += record(m, "CreateUser", fmt::format("arn:aws:iam::111122223333:user/one-{}", i));
      ndjson += record(m, "CreateUser", "arn:aws:iam::111122223333:user/busy");
    }
  }
  InsightsCounter counter(false);
  count(counter, ndjson);
  const InsightsReport report = counter.find(InsightsSpec{});
  REQUIRE(report.insights.size() == 1);
  const Insight& insight = report.insights[0];
  CHECK_FALSE(insight.attributions_complete);
  CHECK(insight.attributions[0].insight[0].value == "arn:aws:iam::111122223333:user/busy");
  CHECK(insight.attributions[0].insight[0].average >= 20.0);  // Space-Saving may overcount
  CHECK(insight.calls == 200);                                // the counts themselves are exact
}

TEST_CASE("Insights events read back as Insights events, marked as computed", "[insights]") {
  InsightsCounter counter(false);
  count(counter, background_and_burst(true));
  const InsightsReport report = counter.find(InsightsSpec{});
  REQUIRE(report.insights.size() == 2);
  const std::string ndjson = *trailsift::format_insights_ndjson(report);
  const trailsift::test::Collected read = trailsift::test::read_all(ndjson, "insights.jsonl");
  REQUIRE(read.report.ok());
  REQUIRE(read.json.size() == 4);  // a Start and an End per insight

  std::vector<std::string> states, ids, shared, markers;
  trailsift::EventReader reader;
  (void)reader.read_bytes("insights.jsonl", ndjson, [&](const trailsift::Event& event) {
    CHECK(event.event_type == "AwsCloudTrailInsight");
    CHECK(event.event_category == "Insight");
    CHECK(event.event_name.empty());  // as in CloudTrail's: the API is in insightDetails
    const auto details = trailsift::insight_details(event);
    REQUIRE(details);
    CHECK(details->event_name == "AttachRolePolicy");
    CHECK(details->event_source == "iam.amazonaws.com");
    states.push_back(details->state + " " + details->insight_type + " " + details->error_code);
    ids.emplace_back(event.event_id);
    CHECK(trailsift::for_each_value_at_path(event, "sharedEventID",
                                            [&](std::string_view v) { shared.emplace_back(v); }));
    CHECK(trailsift::for_each_value_at_path(event, "trailsift.computedBy",
                                            [&](std::string_view v) { markers.emplace_back(v); }));
    return trailsift::Visit::kContinue;
  });
  CHECK(states == std::vector<std::string>{
                      "Start ApiCallRateInsight ", "Start ApiErrorRateInsight AccessDenied",
                      "End ApiCallRateInsight ", "End ApiErrorRateInsight AccessDenied"});
  CHECK(markers == std::vector<std::string>(4, "trailsift insights"));
  CHECK(shared[0] == shared[2]);  // Start and End of one insight are linked
  CHECK(shared[0] != shared[1]);
  std::sort(ids.begin(), ids.end());
  CHECK(std::unique(ids.begin(), ids.end()) == ids.end());
  CHECK(ids[0].size() == 36);
  CHECK(*trailsift::format_insights_ndjson(report) == ndjson);  // the same every time

  const std::string json = *trailsift::format_insights_json(report);
  CHECK(json.rfind("{\"Records\":[\n", 0) == 0);
  CHECK(trailsift::test::read_all(json).json == read.json);
}

TEST_CASE("The table: one row per insight, input escaped", "[insights]") {
  InsightsCounter counter(false);
  count(counter, background_and_burst());
  InsightsReport report = counter.find(InsightsSpec{});
  REQUIRE(report.insights.size() == 1);
  report.insights[0].attributions[0].insight[0].value = "arn:\x1b[31mred";
  const std::string table = trailsift::format_insights_table(report);
  CHECK(
      table ==
      "START                 END                   ACCOUNT       REGION     API                   "
      "TYPE   BASELINE  INSIGHT  TOP PRINCIPAL\n"
      "2024-03-06T00:00:00Z  2024-03-06T00:10:00Z  111122223333  us-east-1  iam:AttachRolePolicy  "
      "calls  1/min     11/min   arn:\\033[31mred\n");
}

TEST_CASE("Real Insights events: details, and the insight field", "[insights]") {
  const std::string start =
      R"({"eventVersion":"1.07","eventTime":"2019-11-14T00:51:00Z",)"
      R"("awsRegion":"us-east-1","eventType":"AwsCloudTrailInsight",)"
      R"("insightDetails":{"state":"Start","eventSource":"ssm.amazonaws.com",)"
      R"("eventName":"UpdateInstanceInformation","insightType":"ApiErrorRateInsight",)"
      R"("errorCode":"ThrottlingException"},"eventCategory":"Insight"})"
      "\n";
  const auto field = trailsift::EventField::parse("insight");
  REQUIRE(field);
  CHECK_FALSE(field->single_valued());
  std::vector<std::string> values;
  trailsift::EventReader reader;
  (void)reader.read_bytes("x.jsonl", start + record(kMonday, "GetRole", "a"),
                          [&](const trailsift::Event& event) {
                            CHECK(field->values(event, values));
                            return trailsift::Visit::kContinue;
                          });
  CHECK(values ==
        std::vector<std::string>{
            "ApiErrorRateInsight ssm.amazonaws.com UpdateInstanceInformation ThrottlingException",
            ""});
}
