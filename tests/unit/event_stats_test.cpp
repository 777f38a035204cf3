// SPDX-License-Identifier: MIT
#include "trailsift/event_stats.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "test_support.hpp"

using trailsift::Counts;
using trailsift::EventStats;
using trailsift::StatsContext;
using trailsift::StatsGroup;
using trailsift::StatsSpec;

namespace {

using Key = std::vector<std::string>;

StatsSpec spec_by(std::string_view fields, std::int64_t interval = 0) {
  StatsSpec spec;
  if (!fields.empty()) {
    auto parsed = trailsift::parse_fields(fields);
    REQUIRE(parsed);
    spec.by = std::move(*parsed);
  }
  spec.interval = interval;
  return spec;
}

/// Counts every record of `ndjson` into `stats`.
void count(EventStats& stats, std::string_view ndjson) {
  trailsift::EventReader reader;
  auto report = reader.read_bytes("test.jsonl", ndjson, [&](const trailsift::Event& event) {
    CHECK(stats.add(event));
    return trailsift::Visit::kContinue;
  });
  REQUIRE(report.ok());
}

EventStats stats_of(StatsSpec spec, std::string_view ndjson) {
  EventStats stats(std::move(spec));
  count(stats, ndjson);
  return stats;
}

std::vector<Key> keys_of(const std::vector<StatsGroup>& groups) {
  std::vector<Key> keys;
  for (const StatsGroup& group : groups) keys.push_back(group.key);
  return keys;
}

std::vector<std::uint64_t> counts_of(const std::vector<StatsGroup>& groups) {
  std::vector<std::uint64_t> counts;
  for (const StatsGroup& group : groups) counts.push_back(group.counts.count);
  return counts;
}

// Five events: alice 3 (one error, one without readOnly), bob 1, and one by a service (no user).
constexpr std::string_view kEvents =
    R"({"eventTime":"2024-03-01T10:05:00Z","eventName":"GetObject","awsRegion":"us-east-1","readOnly":true,"recipientAccountId":"111122223333","userIdentity":{"type":"IAMUser","userName":"alice","arn":"arn:aws:iam::111122223333:user/alice","accessKeyId":"AKIA1"}}
{"eventTime":"2024-03-01T10:55:00Z","eventName":"PutObject","awsRegion":"us-east-1","readOnly":false,"recipientAccountId":"111122223333","errorCode":"AccessDenied","userIdentity":{"type":"IAMUser","userName":"alice","arn":"arn:aws:iam::111122223333:user/alice","accessKeyId":"AKIA1"}}
{"eventTime":"2024-03-01T12:00:00Z","eventName":"ConsoleLogin","awsRegion":"eu-west-1","recipientAccountId":"111122223333","userIdentity":{"type":"IAMUser","userName":"alice","arn":"arn:aws:iam::111122223333:user/alice"}}
{"eventTime":"2024-03-01T10:30:00Z","eventName":"GetObject","awsRegion":"us-east-1","readOnly":"true","recipientAccountId":"111122223333","userIdentity":{"type":"IAMUser","userName":"bob","arn":"arn:aws:iam::111122223333:user/bob","accessKeyId":"AKIA2"}}
{"eventTime":"2024-03-02T00:00:00Z","eventName":"AssumeRole","awsRegion":"eu-west-1","readOnly":true,"recipientAccountId":"444455556666","userIdentity":{"type":"AWSService","invokedBy":"config.amazonaws.com"}}
)";

}  // namespace

TEST_CASE("Intervals: m, h and d, and buckets aligned on the epoch", "[event_stats]") {
  CHECK(*trailsift::parse_interval("5m") == 300);
  CHECK(*trailsift::parse_interval("1h") == 3600);
  CHECK(*trailsift::parse_interval("1d") == 86400);
  CHECK(*trailsift::parse_interval("90m") == 5400);
  for (std::string_view bad :
       {"", "5", "m", "0m", "-1h", "1.5h", "1w", "1 h", "1H", "5mm", "9999999d"}) {
    INFO(bad);
    auto result = trailsift::parse_interval(bad);
    REQUIRE_FALSE(result);
    CHECK(result.error().message.starts_with("invalid interval '"));
  }
  CHECK(trailsift::format_interval(300) == "5m");
  CHECK(trailsift::format_interval(5400) == "90m");
  CHECK(trailsift::format_interval(7200) == "2h");
  CHECK(trailsift::format_interval(7 * 86400) == "7d");
  CHECK(trailsift::bucket_start(1709287502, 3600) == 1709287200);  // 10:05:02 -> 10:00
  CHECK(trailsift::bucket_start(1709287200, 3600) == 1709287200);
  CHECK(trailsift::bucket_start(1709287502, 86400) == 1709251200);  // the UTC day
  CHECK(trailsift::bucket_start(-1, 3600) == -3600);                // floor before 1970
}

TEST_CASE("Counts keep the first and last time, and merge", "[event_stats]") {
  Counts counts;
  counts.add(20);
  counts.add(std::nullopt);
  counts.add(10);
  CHECK(counts.count == 3);
  CHECK(counts.first == 10);
  CHECK(counts.last == 20);
  Counts other;
  other.add(std::nullopt);
  counts.merge(other);
  CHECK(counts.count == 4);
  CHECK(counts.first == 10);
  other.add(30);
  counts.merge(other);
  CHECK(counts.last == 30);
}

TEST_CASE("Overview: totals, read/write split, errors", "[event_stats]") {
  const EventStats stats = stats_of(spec_by("", 3600), kEvents);
  const auto& totals = stats.totals();
  CHECK(totals.events.count == 5);
  CHECK(trailsift::format_iso8601(*totals.events.first) == "2024-03-01T10:05:00Z");
  CHECK(trailsift::format_iso8601(*totals.events.last) == "2024-03-02T00:00:00Z");
  CHECK(totals.without_time == 0);
  CHECK(totals.read_only == 3);  // a boolean or the string "true"
  CHECK(totals.write == 1);
  CHECK(totals.read_only_unknown == 1);
  CHECK(totals.errors == 1);
}

TEST_CASE("Overview: top values by count, then value - errors only in error-code",
          "[event_stats]") {
  const EventStats stats = stats_of(spec_by("", 3600), kEvents);
  const auto lists = stats.top_lists(2);
  REQUIRE(lists.size() == trailsift::overview_field_names().size());
  auto list = [&](std::string_view field) -> const trailsift::StatsTopList& {
    for (const auto& candidate : lists) {
      if (candidate.field == field) return candidate;
    }
    FAIL("no list " << field);
    return lists.front();
  };
  CHECK(keys_of(list("username").top) ==
        std::vector<Key>{{"alice"}, {""}});  // "" and bob tie: "" < "bob"
  CHECK(counts_of(list("username").top) == std::vector<std::uint64_t>{3, 1});
  CHECK(list("username").distinct == 3);
  CHECK(list("username").total == 5);
  CHECK(keys_of(list("event-name").top) == std::vector<Key>{{"GetObject"}, {"AssumeRole"}});
  CHECK(keys_of(list("error-code").top) == std::vector<Key>{{"AccessDenied"}});
  CHECK(list("error-code").total == 1);
  CHECK(keys_of(list("account").top) == std::vector<Key>{{"111122223333"}, {"444455556666"}});
  CHECK(keys_of(list("access-key-id").top) == std::vector<Key>{{""}, {"AKIA1"}});  // 2 each
  const auto& alice = list("username").top[0].counts;
  CHECK(trailsift::format_iso8601(*alice.first) == "2024-03-01T10:05:00Z");
  CHECK(trailsift::format_iso8601(*alice.last) == "2024-03-01T12:00:00Z");
  CHECK(stats.top_lists(0)[0].top.size() == 2);  // 0: every value
  CHECK(stats.groups(0).empty());
}

TEST_CASE("Overview: the timeline counts events per bucket", "[event_stats]") {
  const auto hourly = stats_of(spec_by("", 3600), kEvents).timeline();
  REQUIRE(hourly.size() == 3);
  CHECK(trailsift::format_iso8601(hourly[0].first) == "2024-03-01T10:00:00Z");
  CHECK(hourly[0].second == 3);
  CHECK(hourly[1].second == 1);
  CHECK(trailsift::format_iso8601(hourly[2].first) == "2024-03-02T00:00:00Z");
  const auto daily = stats_of(spec_by("", 86400), kEvents).timeline();
  REQUIRE(daily.size() == 2);
  CHECK(daily[0].second == 4);
  CHECK(daily[1].second == 1);
}

TEST_CASE("Group by: combinations, ties by key, missing fields as empty", "[event_stats]") {
  const EventStats stats = stats_of(spec_by("region,username"), kEvents);
  CHECK(stats.group_count() == 4);
  const auto groups = stats.groups(0);
  CHECK(keys_of(groups) == std::vector<Key>{{"us-east-1", "alice"},
                                            {"eu-west-1", ""},
                                            {"eu-west-1", "alice"},
                                            {"us-east-1", "bob"}});
  CHECK(counts_of(groups) == std::vector<std::uint64_t>{2, 1, 1, 1});
  CHECK(keys_of(stats.groups(2)).size() == 2);
  CHECK(stats.top_lists(10).empty());
}

TEST_CASE("Group by: keys sort as tuples, field by field", "[event_stats]") {
  // Encoded with a length before each value, ("ab","x") would sort after ("b","x") bytewise.
  const EventStats stats = stats_of(spec_by("event-name,region"),
                                    R"({"eventName":"b","awsRegion":"x"}
{"eventName":"ab","awsRegion":"x"}
{"eventName":"a","awsRegion":"z"}
{"eventName":"a","awsRegion":"bx"}
)");
  CHECK(keys_of(stats.groups(0)) ==
        std::vector<Key>{{"a", "bx"}, {"a", "z"}, {"ab", "x"}, {"b", "x"}});
}

TEST_CASE("Group by a multi-valued field: once per distinct value", "[event_stats]") {
  const EventStats stats = stats_of(
      spec_by("resource-type,event-name"),
      R"({"eventName":"CopyObject","resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::b/k"},{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::b/k2"},{"type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::b"}]}
{"eventName":"ListBuckets"}
)");
  const auto groups = stats.groups(0);
  CHECK(keys_of(groups) == std::vector<Key>{{"", "ListBuckets"},
                                            {"AWS::S3::Bucket", "CopyObject"},
                                            {"AWS::S3::Object", "CopyObject"}});
  CHECK(counts_of(groups) == std::vector<std::uint64_t>{1, 1, 1});
  CHECK(stats.totals().events.count == 2);
}

TEST_CASE("Group by with an interval: buckets oldest first, no time last", "[event_stats]") {
  const EventStats stats = stats_of(spec_by("username", 3600),
                                    std::string(kEvents) +
                                        R"({"userIdentity":{"type":"IAMUser","userName":"alice"}}
)");
  CHECK(stats.totals().without_time == 1);
  const auto groups = stats.groups(1);
  REQUIRE(groups.size() == 1);
  CHECK(groups[0].key == Key{"alice"});
  CHECK(groups[0].counts.count == 4);
  REQUIRE(groups[0].buckets.size() == 3);
  CHECK(trailsift::format_iso8601(*groups[0].buckets[0].start) == "2024-03-01T10:00:00Z");
  CHECK(groups[0].buckets[0].counts.count == 2);
  CHECK(trailsift::format_iso8601(*groups[0].buckets[1].start) == "2024-03-01T12:00:00Z");
  CHECK_FALSE(groups[0].buckets[2].start);
  CHECK_FALSE(groups[0].buckets[2].counts.first);
}

TEST_CASE("Merging gives the same result in any order", "[event_stats]") {
  const std::string all(kEvents);
  const std::size_t split = all.find('\n', all.size() / 2) + 1;
  for (std::string_view fields : {"", "username,region", "resource-name"}) {
    INFO(fields);
    const StatsSpec spec = spec_by(fields, 3600);
    const EventStats whole = stats_of(spec, all);
    EventStats first = stats_of(spec, all.substr(0, split));
    EventStats second = stats_of(spec, all.substr(split));
    EventStats reversed = stats_of(spec, all.substr(split));
    first.merge(std::move(second));
    reversed.merge(stats_of(spec, all.substr(0, split)));
    CHECK(second.totals().events.count == 0);  // NOLINT(bugprone-use-after-move): left empty
    CHECK(second.groups(0).empty());
    const std::string expected = trailsift::format_stats_json(whole, StatsContext{});
    CHECK(trailsift::format_stats_json(first, StatsContext{}) == expected);
    CHECK(trailsift::format_stats_json(reversed, StatsContext{}) == expected);
  }
}

TEST_CASE("Huge cardinality: one group per event", "[event_stats]") {
  std::string ndjson;
  constexpr int kEventsCount = 100'000;
  for (int i = 0; i < kEventsCount; ++i) {
    ndjson += fmt::format(R"({{"eventID":"id-{:06}","eventName":"X"}})", i) + "\n";
  }
  const EventStats stats = stats_of(spec_by("event-id"), ndjson);
  CHECK(stats.group_count() == kEventsCount);
  CHECK(keys_of(stats.groups(3)) == std::vector<Key>{{"id-000000"}, {"id-000001"}, {"id-000002"}});
  CHECK(stats.groups(0).size() == kEventsCount);
}

TEST_CASE("No events", "[event_stats]") {
  const EventStats overview = stats_of(spec_by("", 3600), "");
  CHECK(overview.totals().events.count == 0);
  CHECK(overview.timeline().empty());
  StatsContext context;
  context.top = 10;
  CHECK(trailsift::format_stats_json(overview, context) ==
        R"({"selection":{},"interval":"1h","top":10,
"totals":{"events":0,"files":0,"files_failed":0,"first_event":null,"last_event":null,"events_without_time":0,"read_only":0,"write":0,"read_only_unknown":0,"errors":0,"error_rate":null},
"top_values":{
"account":{"distinct":0,"others":0,"values":[]},
"region":{"distinct":0,"others":0,"values":[]},
"event-name":{"distinct":0,"others":0,"values":[]},
"event-source":{"distinct":0,"others":0,"values":[]},
"username":{"distinct":0,"others":0,"values":[]},
"principal-arn":{"distinct":0,"others":0,"values":[]},
"source-ip":{"distinct":0,"others":0,"values":[]},
"user-agent":{"distinct":0,"others":0,"values":[]},
"error-code":{"distinct":0,"others":0,"values":[]},
"access-key-id":{"distinct":0,"others":0,"values":[]}},
"timeline":[]}
)");
  const EventStats groups = stats_of(spec_by("username"), "");
  CHECK(trailsift::format_stats_csv(groups, context) == "username,count,first_seen,last_seen\n");
  CHECK(trailsift::format_stats_table(groups, context) ==
        "USERNAME  COUNT  FIRST SEEN  LAST SEEN\n\n0 events in 0 groups; 0 files, 0 failed\n");
}

TEST_CASE("Group rendering: CSV, table and JSON", "[event_stats]") {
  const EventStats stats = stats_of(spec_by("username,region"), kEvents);
  StatsContext context;
  context.top = 3;
  context.files = 2;
  context.files_failed = 1;
  context.selection_json = R"({"errors":true})";
  CHECK(trailsift::format_stats_csv(stats, context) ==
        "username,region,count,first_seen,last_seen\n"
        "alice,us-east-1,2,2024-03-01T10:05:00Z,2024-03-01T10:55:00Z\n"
        ",eu-west-1,1,2024-03-02T00:00:00Z,2024-03-02T00:00:00Z\n"
        "alice,eu-west-1,1,2024-03-01T12:00:00Z,2024-03-01T12:00:00Z\n");
  CHECK(trailsift::format_stats_table(stats, context) ==
        "USERNAME  REGION     COUNT  FIRST SEEN            LAST SEEN\n"
        "alice     us-east-1  2      2024-03-01T10:05:00Z  2024-03-01T10:55:00Z\n"
        "(none)    eu-west-1  1      2024-03-02T00:00:00Z  2024-03-02T00:00:00Z\n"
        "alice     eu-west-1  1      2024-03-01T12:00:00Z  2024-03-01T12:00:00Z\n"
        "\n"
        "5 events in 4 groups, the first 3 shown; 2 files, 1 failed\n");
  context.top = 1;
  CHECK(trailsift::format_stats_json(stats, context) ==
        R"({"selection":{"errors":true},"by":["username","region"],"interval":null,"top":1,
"totals":{"events":5,"files":2,"files_failed":1,"first_event":"2024-03-01T10:05:00Z","last_event":"2024-03-02T00:00:00Z","events_without_time":0,"groups":4},
"groups":[
{"key":{"username":"alice","region":"us-east-1"},"count":2,"first_seen":"2024-03-01T10:05:00Z","last_seen":"2024-03-01T10:55:00Z"}
]}
)");
}

TEST_CASE("Group rendering with buckets", "[event_stats]") {
  const EventStats stats = stats_of(spec_by("region", 86400), kEvents);
  StatsContext context;
  CHECK(trailsift::format_stats_csv(stats, context) ==
        "region,bucket_start,count,first_seen,last_seen\n"
        "us-east-1,2024-03-01T00:00:00Z,3,2024-03-01T10:05:00Z,2024-03-01T10:55:00Z\n"
        "eu-west-1,2024-03-01T00:00:00Z,1,2024-03-01T12:00:00Z,2024-03-01T12:00:00Z\n"
        "eu-west-1,2024-03-02T00:00:00Z,1,2024-03-02T00:00:00Z,2024-03-02T00:00:00Z\n");
  CHECK(
      trailsift::format_stats_json(stats, context)
          .find(
              R"({"key":{"region":"eu-west-1"},"count":2,"first_seen":"2024-03-01T12:00:00Z","last_seen":"2024-03-02T00:00:00Z","buckets":[{"start":"2024-03-01T00:00:00Z","count":1,"first_seen":"2024-03-01T12:00:00Z","last_seen":"2024-03-01T12:00:00Z"},{"start":"2024-03-02T00:00:00Z","count":1,"first_seen":"2024-03-02T00:00:00Z","last_seen":"2024-03-02T00:00:00Z"}]})") !=
      std::string::npos);
}

TEST_CASE("Overview table, with and without the chart", "[event_stats]") {
  const EventStats stats = stats_of(spec_by("", 3600), kEvents);
  StatsContext context;
  context.top = 1;
  context.files = 1;
  const std::string table = trailsift::format_stats_table(stats, context);
  CHECK(
      table.starts_with("events             5\n"
                        "files              1 (0 failed)\n"
                        "first event        2024-03-01T10:05:00Z\n"
                        "last event         2024-03-02T00:00:00Z\n"
                        "without time       0 (0.0%)\n"
                        "read-only          3 (60.0%)\n"
                        "write              1 (20.0%)\n"
                        "read-only unknown  1 (20.0%)\n"
                        "errors             1 (20.0%)\n"
                        "\n"
                        "ACCOUNT       COUNT  SHARE\n"
                        "111122223333  4      80.0%\n"
                        "(1 more)      1      20.0%\n"));
  CHECK(table.find("USERNAME  COUNT  SHARE\nalice     3      60.0%\n(2 more)  2      40.0%\n") !=
        std::string::npos);
  CHECK(table.find("EVENTS PER") == std::string::npos);
  context.chart = true;
  CHECK(trailsift::format_stats_table(stats, context).find("\nEVENTS PER 1h") != std::string::npos);
}

TEST_CASE("Timeline chart: a line per day, blocks scaled to the peak", "[event_stats]") {
  const trailsift::UnixSeconds day = 1709251200;  // 2024-03-01T00:00:00Z
  const std::string chart = trailsift::format_timeline_chart(
      {{day + 3600, 8}, {day + 2 * 3600, 1}, {day + 86400 + 23 * 3600, 4}}, 3600);
  CHECK(chart ==
        "EVENTS PER 1h  (█ = 8)\n"
        "2024-03-01T00:00:00Z   █▁                       9\n"
        "2024-03-02T00:00:00Z                         ▄  4\n");
  CHECK(trailsift::format_timeline_chart({}, 3600).empty());
}

TEST_CASE("Timeline chart: 5 minute buckets, six hours a line", "[event_stats]") {
  const trailsift::UnixSeconds day = 1709251200;
  const std::string chart = trailsift::format_timeline_chart({{day, 1}, {day + 73 * 300, 2}}, 300);
  CHECK(chart ==
        "EVENTS PER 5m  (█ = 2)\n"
        "2024-03-01T00:00:00Z  ▄" +
            std::string(71, ' ') +
            "  1\n"
            "2024-03-01T06:00:00Z   █" +
            std::string(70, ' ') + "  2\n");
}

TEST_CASE("Timeline chart: long spans are drawn in rounder, larger steps", "[event_stats]") {
  const trailsift::UnixSeconds day = 1709251200;
  // Ten years of hourly buckets would be 87,601 characters: weeks, 60 to a line.
  const std::string chart =
      trailsift::format_timeline_chart({{day, 1}, {day + 3650 * 86400, 1}}, 3600);
  CHECK(chart.starts_with("EVENTS PER 7d  (█ = 1)\n"));
  CHECK(std::count(chart.begin(), chart.end(), '\n') == 1 + 9);  // 522 weeks
  // An odd interval keeps a step of its own rather than jumping to a distant round one.
  CHECK(trailsift::format_timeline_chart({{day, 1}, {day + 1500 * 420, 1}}, 420)
            .starts_with("EVENTS PER 14m  (█ = 1)\n"));
  // A year of days fits: one character a day.
  CHECK(trailsift::format_timeline_chart({{day, 1}, {day + 365 * 86400, 1}}, 86400)
            .starts_with("EVENTS PER 1d  (█ = 1)\n"));
}
