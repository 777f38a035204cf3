// SPDX-License-Identifier: MIT
#include "trailsift/partial_result.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "trailsift/event_reader.hpp"

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
  std::string bad_group =
      trailsift::format_stats_partial(partial_of(spec_of("username", 0), kFirstHalf, "a"));
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

// ---------------------------------------------------------------------------------------------
// hunt
// ---------------------------------------------------------------------------------------------

namespace {

using trailsift::EventPosition;
using trailsift::HuntPartial;
using trailsift::SigmaObservation;
using trailsift::SigmaRuleSet;

// A failed sign-in rule and a correlation of three of them by user within ten minutes.
constexpr std::string_view kHuntRules = R"(title: Failed sign-in
id: failed
name: failed_login
logsource: {product: aws, service: cloudtrail}
detection:
    selection: {eventName: ConsoleLogin, errorMessage|contains: failed}
    condition: selection
level: low
---
title: Three failed sign-ins
id: three
correlation:
    type: event_count
    rules: [failed_login]
    group-by: [userIdentity.userName]
    timespan: 10m
    condition: {gte: 3}
    generate: true
level: high
)";

std::string failed_login(std::string_view id, std::string_view time, std::string_view user) {
  return fmt::format(
      R"({{"eventTime":"2024-03-01T{}Z","eventName":"ConsoleLogin","eventID":"{}",)"
      R"("errorMessage":"Failed authentication","userIdentity":{{"type":"IAMUser","userName":"{}"}}}})"
      "\n",
      time, id, user);
}

/// What `hunt -o partial` keeps of `ndjson`, read as the shard's one input `name`.
HuntPartial hunt_partial(const SigmaRuleSet& rules, const trailsift::HuntRules& sources,
                         const std::string& name, const std::string& ndjson) {
  HuntPartial partial;
  partial.rules = sources;
  partial.inputs.push_back(name);
  trailsift::EventReader reader;
  std::vector<std::uint32_t> matched;
  auto report = reader.read_bytes(name, ndjson, [&](const trailsift::Event& event) {
    ++partial.events;
    matched.clear();
    CHECK(rules.match(event, matched, partial.observations));
    for (const std::uint32_t rule : matched) {
      partial.detections.push_back({{0, event.record}, rule, std::string(event.json)});
    }
    return trailsift::Visit::kContinue;
  });
  CHECK(report.ok());
  return partial;
}

}  // namespace

TEST_CASE("A hunt partial result reads back as it was written") {
  trailsift::HuntRules sources{{{"rules/a.yml", std::string(kHuntRules)}}, {}};
  sources.options.placeholders["admins"] = {"root", "b\"ob"};
  sources.options.statuses = {"test"};
  sources.options.min_level = trailsift::SigmaLevel::kLow;
  sources.options.tags = {"attack.*"};
  HuntPartial partial;
  partial.rules = sources;
  partial.selection_json = R"({"event_name":["ConsoleLogin"]})";
  partial.failed = true;
  partial.events = 7;
  partial.inputs = {"b.json", "a\u0001.json"};
  // Escapes in the record must come back as written, not re-serialized.
  partial.detections.push_back({{1, 3}, 0, R"({"eventName":"Get\u0041\/x","n":"ø"})"});
  SigmaObservation observation;
  observation.time = 1709287200;
  observation.position = {1, 3};
  observation.first = 1709287100;
  observation.first_position = {0, 2};
  observation.slot = 0;
  observation.group = "\"alice\"";
  observation.events = "\"e1\",null";
  observation.event_count = 2;
  partial.observations.items.push_back(observation);
  partial.observations.untimed = 4;

  const std::string text = trailsift::format_hunt_partial(partial);
  auto read = trailsift::parse_hunt_partial(text);
  REQUIRE(read);
  CHECK(trailsift::format_hunt_partial(*read) == text);
  CHECK(read->rules.options.placeholders.at("admins") == std::vector<std::string>{"root", "b\"ob"});
  CHECK(read->rules.options.min_level == trailsift::SigmaLevel::kLow);
  CHECK(read->detections.at(0).event_json == R"({"eventName":"Get\u0041\/x","n":"ø"})");
  CHECK(read->observations.items.at(0).first_position == EventPosition{0, 2});
  CHECK(read->observations.untimed == 4);
  CHECK(read->failed);
}

TEST_CASE(
    "Correlations over merged hunt partial results equal one run's, windows across shards "
    "included") {
  const trailsift::HuntRules sources{{{"rules.yml", std::string(kHuntRules)}}, {}};
  const SigmaRuleSet rules = SigmaRuleSet::compile(sources.sources, sources.options);
  REQUIRE(rules.problems().empty());
  // alice's three failures are split over both shards; bob's two never make a window.
  const std::string first = failed_login("a1", "10:00:00", "alice") +
                            failed_login("b1", "10:01:00", "bob") +
                            failed_login("a2", "10:02:00", "alice");
  const std::string second =
      failed_login("a3", "10:05:00", "alice") + failed_login("b2", "10:30:00", "bob");
  // One run reads "a.json" then "b.json"; the shards come to the merge in the other order.
  HuntPartial merged = hunt_partial(rules, sources, "b.json", second);
  REQUIRE(trailsift::merge_hunt_partial(merged, hunt_partial(rules, sources, "a.json", first)));
  trailsift::sort_hunt_inputs(merged);
  CHECK(merged.inputs == std::vector<std::string>{"a.json", "b.json"});
  CHECK(merged.events == 5);
  CHECK(merged.detections.size() == 5);
  for (const SigmaObservation& observation : merged.observations.items) {
    CHECK(rules.fits(observation));
  }
  const auto detections = rules.correlate(merged.observations);
  REQUIRE(detections.size() == 1);
  CHECK(detections[0].events == R"("a1","a2","a3")");
  CHECK(detections[0].first_position == EventPosition{0, 1});
  CHECK(detections[0].last_position == EventPosition{1, 1});
  // Either shard alone finds nothing: the window needs both.
  CHECK(rules.correlate(hunt_partial(rules, sources, "a.json", first).observations).empty());
}

TEST_CASE("Hunt partial results of other rules, another selection, or out of range are refused") {
  const trailsift::HuntRules sources{{{"rules.yml", std::string(kHuntRules)}}, {}};
  const SigmaRuleSet rules = SigmaRuleSet::compile(sources.sources, sources.options);
  HuntPartial partial =
      hunt_partial(rules, sources, "a.json", failed_login("a1", "10:00:00", "al"));
  HuntPartial other_rules = partial;
  other_rules.rules.options.min_level = trailsift::SigmaLevel::kHigh;
  CHECK_FALSE(trailsift::merge_hunt_partial(partial, std::move(other_rules)));
  HuntPartial other_selection = partial;
  other_selection.selection_json = R"({"errors":true})";
  CHECK_FALSE(trailsift::merge_hunt_partial(partial, std::move(other_selection)));

  // An observation of a correlation, or with a group, that the rules do not have.
  SigmaObservation observation = partial.observations.items.at(0);
  CHECK(rules.fits(observation));
  observation.correlation = 5;
  CHECK_FALSE(rules.fits(observation));
  observation.correlation = 0;
  observation.group += "\x1f\"extra\"";
  CHECK_FALSE(rules.fits(observation));

  std::string text = trailsift::format_hunt_partial(partial);
  const std::string detection = "[0,1,0,";
  REQUIRE(text.find(detection) != std::string::npos);
  text.replace(text.find(detection), detection.size(), "[1,1,0,");
  auto read = trailsift::parse_hunt_partial(text);
  REQUIRE_FALSE(read);
  CHECK(read.error().message.find("out of range") != std::string::npos);
  CHECK_FALSE(trailsift::parse_stats_partial(trailsift::format_hunt_partial(partial)));
}
