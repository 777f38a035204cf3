// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "trailsift/event_reader.hpp"
#include "trailsift/partial_result.hpp"

using trailsift::EventStats;
using trailsift::PartialSide;
using trailsift::StatsContext;
using trailsift::StatsPartial;
using trailsift::StatsSpec;

namespace {

// Values with quotes, a control character, UTF-8, an empty one; an event with no time.
constexpr std::string_view kFirstHalf =
    R"({"eventTime":"2024-03-01T10:00:00Z","eventName":"Get\"Object","userIdentity":{"type":"IAMUser","userName":"al\u0001ice"},"awsRegion":"eu-west-1","readOnly":true}
{"eventTime":"2024-03-01T10:07:00Z","eventName":"PutObject","userIdentity":{"type":"IAMUser","userName":"bob"},"awsRegion":"eu-west-1","errorCode":"AccessDenied"}
{"eventName":"PutObject","userIdentity":{"type":"IAMUser","userName":"bøb"},"awsRegion":"us-east-1"}
)";
constexpr std::string_view kSecondHalf =
    R"({"eventTime":"2024-03-01T09:59:59Z","eventName":"PutObject","userIdentity":{"type":"IAMUser","userName":"bob"},"awsRegion":"eu-west-1","readOnly":false}
{"eventTime":"2024-03-02T00:00:00Z","eventName":"ListBuckets","userIdentity":{"type":"Root"},"sourceIPAddress":"192.0.2.1"}
)";

StatsSpec spec_of(std::string_view fields, std::int64_t interval) {
  StatsSpec spec;
  if (!fields.empty()) spec.by = *trailsift::parse_fields(fields);
  spec.interval = interval;
  return spec;
}

EventStats stats_of(const StatsSpec& spec, std::string_view ndjson) {
  EventStats stats(spec);
  trailsift::EventReader reader;
  auto report = reader.read_bytes("test.jsonl", ndjson, [&](const trailsift::Event& event) {
    CHECK(stats.add(event));
    return trailsift::Visit::kContinue;
  });
  REQUIRE(report.ok());
  return stats;
}

StatsPartial partial_of(const StatsSpec& spec, std::string_view ndjson, std::string input) {
  StatsPartial partial;
  partial.command = "stats";
  partial.spec = spec;
  partial.top = 2;
  partial.selection_json = R"({"region":["eu-west-1"]})";
  PartialSide& side = partial.sides.emplace_back();
  side.inputs = {std::move(input)};
  side.files = 1;
  side.left_out_without_time = 1;
  side.stats = stats_of(spec, ndjson);
  return partial;
}

std::string rendered(const EventStats& stats) {
  StatsContext context;
  context.top = 2;
  std::string out = trailsift::format_stats_json(stats, context);
  out += trailsift::format_stats_table(stats, context);
  out += trailsift::format_stats_csv(stats, context);
  return out;
}

}  // namespace

TEST_CASE("A partial result read back renders as the counts it was made of") {
  for (const auto& [fields, interval] : std::vector<std::pair<std::string_view, std::int64_t>>{
           {"", 300}, {"event-name", 0}, {"event-name,username", 3600}, {"region", 60}}) {
    const StatsSpec spec = spec_of(fields, interval);
    const StatsPartial partial = partial_of(spec, kFirstHalf, "a.json");
    const std::string text = trailsift::format_stats_partial(partial);
    auto read = trailsift::parse_stats_partial(text);
    REQUIRE(read);
    CHECK(trailsift::format_stats_partial(*read) == text);
    CHECK(rendered(read->sides[0].stats) == rendered(partial.sides[0].stats));
    CHECK(read->top == 2);
    CHECK(read->selection_json == partial.selection_json);
    CHECK(read->sides[0].left_out_without_time == 1);
  }
}

TEST_CASE("Merged partial results render as one count of every event") {
  for (const auto& [fields, interval] : std::vector<std::pair<std::string_view, std::int64_t>>{
           {"", 300}, {"username", 0}, {"event-name,region", 3600}}) {
    const StatsSpec spec = spec_of(fields, interval);
    auto first = trailsift::parse_stats_partial(
        trailsift::format_stats_partial(partial_of(spec, kFirstHalf, "a.json")));
    auto second = trailsift::parse_stats_partial(
        trailsift::format_stats_partial(partial_of(spec, kSecondHalf, "b.json")));
    REQUIRE(first);
    REQUIRE(second);
    REQUIRE(trailsift::merge_stats_partial(*first, std::move(*second)));
    const EventStats whole = stats_of(spec, std::string(kFirstHalf) + std::string(kSecondHalf));
    CHECK(rendered(first->sides[0].stats) == rendered(whole));
    CHECK(first->sides[0].stats.totals().events.count == 5);
    CHECK(first->sides[0].files == 2);
    CHECK(first->sides[0].left_out_without_time == 2);
    CHECK(first->sides[0].inputs == std::vector<std::string>{"a.json", "b.json"});
  }
}

TEST_CASE("Partial results made with different options do not merge") {
  const StatsSpec spec = spec_of("username", 0);
  auto base = [&] { return partial_of(spec, kFirstHalf, "a.json"); };
  std::vector<StatsPartial> others;
  others.push_back(partial_of(spec_of("event-name", 0), kSecondHalf, "b.json"));
  others.push_back(partial_of(spec_of("username", 60), kSecondHalf, "b.json"));
  others.push_back(base());
  others.back().top = 3;
  others.push_back(base());
  others.back().selection_json = "{}";
  others.push_back(base());
  others.back().command = "diff";
  for (StatsPartial& other : others) {
    StatsPartial into = base();
    const std::string before = trailsift::format_stats_partial(into);
    auto merged = trailsift::merge_stats_partial(into, std::move(other));
    REQUIRE_FALSE(merged);
    CHECK_THAT(merged.error().message, Catch::Contains("made with a different"));
    CHECK(trailsift::format_stats_partial(into) == before);  // unchanged
  }
}

TEST_CASE("A partial result of another version or shape is refused") {
  std::string text = trailsift::format_stats_partial(partial_of(spec_of("", 60), kFirstHalf, "a"));
  CHECK(trailsift::partial_command(text).value() == "stats");
  std::string newer = text;
  newer.replace(newer.find(":1,"), 3, ":2,");
  auto refused = trailsift::partial_command(newer);
  REQUIRE_FALSE(refused);
  CHECK_THAT(refused.error().message, Catch::Contains("version 2"));
  CHECK_FALSE(trailsift::parse_stats_partial("{}"));
  CHECK_FALSE(trailsift::parse_stats_partial("not json"));
  std::string bad_count = text;
  bad_count.replace(bad_count.find("\"files\":1"), 9, "\"files\":-1");
  CHECK_FALSE(trailsift::parse_stats_partial(bad_count));
  // A group of two values where one field is counted.
  std::string bad_group = trailsift::format_stats_partial(partial_of(spec_of("username", 0),
                                                                     kFirstHalf, "a"));
  bad_group.replace(bad_group.find("[[\"bob\"]"), 8, "[[\"bob\",\"x\"]");
  auto wrong = trailsift::parse_stats_partial(bad_group);
  REQUIRE_FALSE(wrong);
  CHECK_THAT(wrong.error().message, Catch::Contains("2 values where 1"));
}

TEST_CASE("An input read by two shards is found") {
  CHECK(trailsift::repeated_input({"a", "b", "c"}).empty());
  CHECK(trailsift::repeated_input({"b", "a", "-", "-", "c"}).empty());
  CHECK(trailsift::repeated_input({"c", "a", "b", "a"}) == "a");
}
