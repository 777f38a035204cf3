// SPDX-License-Identifier: MIT
// Correlations: each type with its window edges (a window holds the events up to `timespan`
// after its first, both ends included), grouping, chains of correlations, aliases, generate,
// and the older `| count()` aggregations. Expected windows are worked out by hand.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "sigma_test_support.hpp"

using trailsift::test::compile_rules;
using trailsift::test::correlations;
using trailsift::test::problems_of;
using trailsift::test::run_rules;

namespace {

using Found = std::vector<std::string>;

/// A record at 2024-03-01T`time`Z.
std::string event(std::string_view id, std::string_view time, std::string_view name,
                  std::string_view user, std::string_view ip = "") {
  std::string record = fmt::format(
      R"({{"eventTime":"2024-03-01T{}Z","eventSource":"signin.amazonaws.com","eventName":"{}","eventID":"{}","userIdentity":{{"userName":"{}"}})",
      time, name, id, user);
  if (!ip.empty()) record += fmt::format(R"(,"sourceIPAddress":"{}")", ip);
  return record + "}\n";
}

constexpr std::string_view kBaseRules = R"(title: failed
id: failed-id
name: failed_login
logsource: {product: aws, service: cloudtrail}
detection:
    selection:
        eventName: Fail
    condition: selection
---
title: success
id: success-id
name: successful_login
logsource: {product: aws, service: cloudtrail}
detection:
    selection:
        eventName: Success
    condition: selection
)";

/// The base rules and one correlation over them.
std::string with_correlation(std::string_view correlation) {
  return std::string(kBaseRules) + "---\ntitle: correlated\nid: correlated-id\ncorrelation:\n" +
         std::string(correlation);
}

}  // namespace

TEST_CASE("event_count: a window holds timespan after its first event, both ends included",
          "[sigma_correlation]") {
  const std::string rules = with_correlation(
      "    type: event_count\n    rules: [failed_login]\n    group-by: [userIdentity.userName]\n"
      "    timespan: 10m\n    condition:\n        gte: 3\n");
  const std::string records =
      event("a1", "00:00:00", "Fail", "alice") + event("b1", "00:00:00", "Fail", "bob") +
      event("a2", "00:05:00", "Fail", "alice") + event("b2", "00:05:00", "Fail", "bob") +
      event("a3", "00:10:00", "Fail", "alice") + event("b3", "00:10:01", "Fail", "bob");
  CHECK(correlations(rules, records) ==
        Found{R"(correlated userIdentity.userName="alice" 3 00:00:00..00:10:00 ["a1","a2","a3"])"});
  // The rule it correlates reports nothing on its own (no `generate`).
  CHECK(run_rules(compile_rules(rules), records).matches.empty());
}

TEST_CASE("event_count: windows slide, and an event counts in one detection",
          "[sigma_correlation]") {
  const std::string rules = with_correlation(
      "    type: event_count\n    rules: [failed_login]\n    group-by: [userIdentity.userName]\n"
      "    timespan: 10m\n    condition:\n        gte: 3\n");
  std::string records;
  for (int minute = 0; minute < 7; ++minute) {
    records += event(fmt::format("c{}", minute), fmt::format("00:0{}:00", minute), "Fail", "carol");
  }
  records += event("c30", "00:30:00", "Fail", "carol") + event("c31", "00:31:00", "Fail", "carol") +
             event("c32", "00:32:00", "Fail", "carol");
  // dave: 2 failures in [00:00, 00:10) and 2 in [00:10, 00:20), but 3 within 10 minutes of 00:02.
  records += event("d0", "00:00:00", "Fail", "dave") + event("d2", "00:02:00", "Fail", "dave") +
             event("d11", "00:11:00", "Fail", "dave") + event("d12", "00:12:00", "Fail", "dave");
  CHECK(
      correlations(rules, records) ==
      Found{
          R"(correlated userIdentity.userName="carol" 7 00:00:00..00:06:00 ["c0","c1","c2","c3","c4","c5","c6"])",
          R"(correlated userIdentity.userName="dave" 3 00:02:00..00:12:00 ["d2","d11","d12"])",
          R"(correlated userIdentity.userName="carol" 3 00:30:00..00:32:00 ["c30","c31","c32"])"});
}

TEST_CASE("event_count: gt, lt, eq and a range", "[sigma_correlation]") {
  const std::string records = event("b1", "00:00:00", "Fail", "bob") +
                              event("b2", "00:05:00", "Fail", "bob") +
                              event("b3", "00:10:01", "Fail", "bob");
  auto with = [](std::string_view condition) {
    return with_correlation(
        "    type: event_count\n    rules: [failed_login]\n    group-by: [userIdentity.userName]\n"
        "    timespan: 10m\n    condition:\n" +
        std::string(condition));
  };
  CHECK(correlations(with("        gt: 2\n"), records).empty());
  // Windows from b1 (2 events) and b3 (1): the first that meets `lt: 3` takes b1 and b2.
  CHECK(correlations(with("        lt: 3\n"), records) ==
        Found{R"(correlated userIdentity.userName="bob" 2 00:00:00..00:05:00 ["b1","b2"])",
              R"(correlated userIdentity.userName="bob" 1 00:10:01..00:10:01 ["b3"])"});
  // From b2, the window reaches b3 (5m01s later): only b3's window holds one event.
  CHECK(correlations(with("        eq: 1\n"), records) ==
        Found{R"(correlated userIdentity.userName="bob" 1 00:10:01..00:10:01 ["b3"])"});
  CHECK(correlations(with("        gte: 2\n        lte: 2\n"), records) ==
        Found{R"(correlated userIdentity.userName="bob" 2 00:00:00..00:05:00 ["b1","b2"])"});
}

TEST_CASE("value_count: distinct values - events without the field do not count",
          "[sigma_correlation]") {
  const std::string rules = with_correlation(
      "    type: value_count\n    rules: [failed_login]\n    group-by: [userIdentity.userName]\n"
      "    timespan: 1h\n    condition:\n        field: sourceIPAddress\n        gte: 3\n");
  const std::string records = event("e1", "00:00:00", "Fail", "erin", "192.0.2.1") +
                              event("e2", "00:10:00", "Fail", "erin", "192.0.2.2") +
                              event("e3", "00:20:00", "Fail", "erin", "192.0.2.2") +
                              event("e4", "01:00:00", "Fail", "erin", "192.0.2.3") +
                              event("e5", "01:00:01", "Fail", "erin", "192.0.2.4") +
                              event("f1", "00:00:00", "Fail", "frank", "192.0.2.1") +
                              event("f2", "00:01:00", "Fail", "frank", "192.0.2.2") +
                              event("f3", "00:02:00", "Fail", "frank");
  CHECK(
      correlations(rules, records) ==
      Found{
          R"(correlated userIdentity.userName="erin" 3 00:00:00..01:00:00 ["e1","e2","e3","e4"])"});
}

TEST_CASE("temporal: every rule within the timespan, in any order", "[sigma_correlation]") {
  const std::string rules = with_correlation(
      "    type: temporal\n    rules: [failed_login, successful_login]\n"
      "    group-by: [userIdentity.userName]\n    timespan: 5m\n");
  const std::string records =
      event("a1", "00:00:00", "Fail", "alice") + event("a2", "00:04:00", "Success", "alice") +
      event("b1", "00:00:00", "Success", "bob") + event("b2", "00:05:00", "Fail", "bob") +
      event("c1", "00:00:00", "Fail", "carol") + event("c2", "00:05:01", "Success", "carol") +
      event("d1", "00:00:00", "Fail", "dave") + event("d2", "00:01:00", "Fail", "dave");
  CHECK(correlations(rules, records) ==
        Found{R"(correlated userIdentity.userName="alice" 2 00:00:00..00:04:00 ["a1","a2"])",
              R"(correlated userIdentity.userName="bob" 2 00:00:00..00:05:00 ["b1","b2"])"});
}

TEST_CASE("temporal_ordered: the rules in their order - ties in input order",
          "[sigma_correlation]") {
  const std::string rules = with_correlation(
      "    type: temporal_ordered\n    rules: [failed_login, successful_login]\n"
      "    group-by: [userIdentity.userName]\n    timespan: 5m\n");
  const std::string records =
      event("a1", "00:00:00", "Fail", "alice") + event("a2", "00:04:00", "Success", "alice") +
      event("b1", "00:00:00", "Success", "bob") + event("b2", "00:05:00", "Fail", "bob") +
      event("g1", "00:00:00", "Success", "greg") + event("g2", "00:00:00", "Fail", "greg") +
      event("h1", "00:00:00", "Fail", "hana") + event("h2", "00:00:00", "Success", "hana") +
      event("i1", "00:00:00", "Fail", "ivy") + event("i2", "00:05:00", "Success", "ivy") +
      event("i3", "00:05:01", "Success", "ivy");
  CHECK(correlations(rules, records) ==
        Found{R"(correlated userIdentity.userName="alice" 2 00:00:00..00:04:00 ["a1","a2"])",
              R"(correlated userIdentity.userName="hana" 2 00:00:00..00:00:00 ["h1","h2"])",
              R"(correlated userIdentity.userName="ivy" 2 00:00:00..00:05:00 ["i1","i2"])"});
}

TEST_CASE("A correlation of a correlation: many failures, then a success", "[sigma_correlation]") {
  const std::string rules = std::string(kBaseRules) + R"(---
title: many failures
id: many-id
name: many_failures
correlation:
    type: event_count
    rules: [failed_login]
    group-by: [userIdentity.userName]
    timespan: 10m
    condition:
        gte: 3
---
title: brute force
id: brute-id
correlation:
    type: temporal_ordered
    rules: [many_failures, successful_login]
    group-by: [userIdentity.userName]
    timespan: 1h
level: high
)";
  const std::string records =
      event("h1", "00:00:00", "Fail", "harry") + event("h2", "00:01:00", "Fail", "harry") +
      event("h3", "00:02:00", "Fail", "harry") + event("h4", "00:10:00", "Success", "harry") +
      event("i1", "00:00:00", "Success", "ivan") + event("i2", "00:01:00", "Fail", "ivan") +
      event("i3", "00:02:00", "Fail", "ivan") + event("i4", "00:03:00", "Fail", "ivan");
  // The burst counts at its last event (00:02), and only the outer correlation reports; its
  // first event is the burst's first.
  CHECK(
      correlations(rules, records) ==
      Found{
          R"(brute force userIdentity.userName="harry" 2 00:00:00..00:10:00 ["h1","h2","h3","h4"])"});
}

TEST_CASE("Aliases: one group-by name, a different field per rule", "[sigma_correlation]") {
  const std::string rules = with_correlation(R"(    type: temporal
    rules: [failed_login, successful_login]
    group-by: [who]
    timespan: 5m
    aliases:
        who:
            failed_login: userIdentity.userName
            successful_login: sourceIPAddress
)");
  const std::string records = event("a1", "00:00:00", "Fail", "alice") +
                              event("a2", "00:01:00", "Success", "nobody", "alice") +
                              event("b1", "00:00:00", "Fail", "bob") +
                              event("b2", "00:01:00", "Success", "bob");
  CHECK(correlations(rules, records) ==
        Found{R"(correlated who="alice" 2 00:00:00..00:01:00 ["a1","a2"])"});
}

TEST_CASE("generate: the correlated rules report on their own too", "[sigma_correlation]") {
  const std::string rules = with_correlation(
      "    type: event_count\n    rules: [failed_login]\n    timespan: 10m\n    generate: true\n"
      "    condition:\n        gte: 2\n");
  const std::string records =
      event("a1", "00:00:00", "Fail", "alice") + event("b1", "00:00:30", "Fail", "bob");
  CHECK(run_rules(compile_rules(rules), records).matches ==
        std::vector<std::string>{"a1 failed", "b1 failed"});
  CHECK(correlations(rules, records) == Found{R"(correlated 2 00:00:00..00:00:30 ["a1","b1"])"});
}

TEST_CASE("The older | count() with timeframe, and without it", "[sigma_correlation]") {
  auto rule = [](std::string_view condition, std::string_view timeframe) {
    return "title: burst\nid: burst-id\nlogsource: {product: aws, service: "
           "cloudtrail}\ndetection:\n"
           "    selection:\n        eventName: Fail\n" +
           std::string(timeframe) + "    condition: " + std::string(condition) + "\n";
  };
  const std::string records = event("a1", "00:00:00", "Fail", "alice", "192.0.2.1") +
                              event("a2", "00:05:00", "Fail", "alice", "192.0.2.2") +
                              event("a3", "00:10:00", "Fail", "alice", "192.0.2.2") +
                              event("b1", "00:00:00", "Fail", "bob", "192.0.2.1") +
                              event("b2", "01:00:00", "Fail", "bob", "192.0.2.1") +
                              event("b3", "09:00:00", "Fail", "bob", "192.0.2.1");
  CHECK(
      correlations(rule("selection | count() by userIdentity.userName > 2", "    timeframe: 10m\n"),
                   records) ==
      Found{R"(burst userIdentity.userName="alice" 3 00:00:00..00:10:00 ["a1","a2","a3"])"});
  // No timeframe: the whole input is one window.
  CHECK(correlations(rule("selection | count() by userIdentity.userName > 2", ""), records) ==
        Found{R"(burst userIdentity.userName="alice" 3 00:00:00..00:10:00 ["a1","a2","a3"])",
              R"(burst userIdentity.userName="bob" 3 00:00:00..09:00:00 ["b1","b2","b3"])"});
  CHECK(correlations(rule("selection | count() > 5", "    timeframe: 1d\n"), records) ==
        Found{R"(burst 6 00:00:00..09:00:00 ["a1","b1","a2","a3","b2","b3"])"});
  CHECK(correlations(rule("selection | count(sourceIPAddress) by userIdentity.userName >= 2",
                          "    timeframe: 1h\n"),
                     records) ==
        Found{R"(burst userIdentity.userName="alice" 2 00:00:00..00:10:00 ["a1","a2","a3"])"});
  CHECK(problems_of(rule("selection | count() > 1", "    timeframe: 10w\n"))
            .front()
            .ends_with("invalid timeframe '10w': expected a number and s, m, h or d"));
}

TEST_CASE("Events without a valid eventTime are counted, not correlated", "[sigma_correlation]") {
  const std::string rules = with_correlation(
      "    type: event_count\n    rules: [failed_login]\n    timespan: 10m\n    condition:\n       "
      " gte: 1\n");
  const std::string records =
      R"({"eventName":"Fail","eventSource":"s","eventID":"x1"})"
      "\n"
      R"({"eventName":"Fail","eventSource":"s","eventID":"x2","eventTime":"yesterday"})"
      "\n";
  const auto result = run_rules(compile_rules(rules), records);
  CHECK(result.observations.untimed == 2);
  CHECK(result.observations.items.empty());
}

TEST_CASE("Correlations that cannot run are problems, named", "[sigma_correlation]") {
  auto problem = [](std::string_view correlation) {
    const auto problems = problems_of(with_correlation(correlation));
    REQUIRE(problems.size() == 1);
    return problems.front();
  };
  CHECK(problem("    type: event_count\n    rules: [nothing]\n    timespan: 1m\n    condition: "
                "{gte: 1}\n")
            .ends_with("rule correlated-id: rule 'nothing' was not found"));
  CHECK(problem("    type: value_count\n    rules: [failed_login]\n    timespan: 1m\n    "
                "condition: {gte: 1}\n")
            .ends_with("value_count needs a field in its condition"));
  CHECK(problem("    type: event_count\n    rules: [failed_login]\n    timespan: 1w\n    "
                "condition: {gte: 1}\n")
            .ends_with("invalid timespan '1w': expected a number and s, m, h or d"));
  CHECK(problem("    type: sequence\n    rules: [failed_login]\n    timespan: 1m\n")
            .ends_with("unsupported correlation type 'sequence'"));
  CHECK(problem("    type: event_count\n    rules: [failed_login]\n    timespan: 1m\n")
            .ends_with("correlation needs a condition"));
  CHECK(problem(
            "    type: temporal\n    rules: [failed_login, successful_login]\n    group-by: [who]\n"
            "    timespan: 1m\n    aliases:\n        who:\n            failed_login: "
            "userIdentity.userName\n")
            .ends_with("alias 'who' names no field for rule 'successful_login'"));
  const auto cycle = problems_of(std::string(kBaseRules) + R"(---
title: one
name: one
correlation: {type: temporal, rules: [two, failed_login], timespan: 1m}
---
title: two
name: two
correlation: {type: temporal, rules: [one], timespan: 1m}
)");
  REQUIRE(cycle.size() == 2);
  CHECK(cycle[0].find("cycle") != std::string::npos);
  const auto ungrouped = problems_of(std::string(kBaseRules) + R"(---
title: inner
name: inner
correlation: {type: event_count, rules: [failed_login], timespan: 1m, condition: {gte: 2}}
---
title: outer
correlation: {type: temporal, rules: [inner, successful_login], group-by: [sourceIPAddress], timespan: 1m}
)");
  REQUIRE(ungrouped.size() == 1);
  CHECK(
      ungrouped[0].ends_with("it groups by 'sourceIPAddress', which correlation 'inner' does not"));
}
