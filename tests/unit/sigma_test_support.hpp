// SPDX-License-Identifier: MIT
// Helpers for the Sigma tests: rules written for the tests, run over records given as text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "trailsift/event_reader.hpp"
#include "trailsift/sigma.hpp"

namespace trailsift::test {

/// A CloudTrail rule titled `title` whose detection section is `detection` (lines indented by
/// four spaces, as they sit under `detection:`), followed by `extra` top-level lines.
inline std::string cloudtrail_rule(std::string_view title, std::string_view detection,
                                   std::string_view extra = "") {
  return "title: " + std::string(title) + "\nid: " + std::string(title) +
         "\nlogsource:\n    product: aws\n    service: cloudtrail\ndetection:\n" +
         std::string(detection) + std::string(extra);
}

inline SigmaRuleSet compile_rules(std::string_view yaml, const SigmaOptions& options = {}) {
  return SigmaRuleSet::compile({{"rules.yml", std::string(yaml)}}, options);
}

/// The problems of compiling `yaml`, as text.
inline std::vector<std::string> problems_of(std::string_view yaml,
                                            const SigmaOptions& options = {}) {
  std::vector<std::string> problems;
  const SigmaRuleSet rules = compile_rules(yaml, options);
  for (const SigmaProblem& problem : rules.problems()) {
    problems.push_back(problem.to_string());
  }
  return problems;
}

/// What running rules over some records gave.
struct HuntResult {
  std::vector<std::string> matches;  ///< "eventID title" for each event and rule, in input order
  SigmaObservations observations;
  std::vector<std::string> errors;
};

inline HuntResult run_rules(const SigmaRuleSet& rules, std::string_view records) {
  HuntResult result;
  EventReader reader;
  std::vector<std::uint32_t> matched;
  const ReadReport report = reader.read_bytes("events.json", records, [&](const Event& event) {
    matched.clear();
    if (Status status = rules.match(event, matched, result.observations); !status) {
      result.errors.push_back(status.error().to_string());
    }
    for (const std::uint32_t rule : matched) {
      result.matches.push_back(std::string(event.event_id) + " " + rules.rules()[rule].title);
    }
    return Visit::kContinue;
  });
  REQUIRE(report.ok());
  return result;
}

/// The eventIDs that one rule, with `detection`, matches among `records`.
inline std::vector<std::string> matching_ids(std::string_view detection, std::string_view records,
                                             const SigmaOptions& options = {}) {
  const SigmaRuleSet rules = compile_rules(cloudtrail_rule("t", detection), options);
  for (const SigmaProblem& problem : rules.problems()) FAIL(problem.to_string());
  std::vector<std::string> ids;
  for (const std::string& match : run_rules(rules, records).matches) {
    ids.push_back(match.substr(0, match.find(' ')));
  }
  return ids;
}

/// The correlation detections of `rules` over `records`: "title count first..last [events]".
inline std::vector<std::string> correlations(std::string_view yaml, std::string_view records,
                                             const SigmaOptions& options = {}) {
  const SigmaRuleSet rules = compile_rules(yaml, options);
  for (const SigmaProblem& problem : rules.problems()) FAIL(problem.to_string());
  HuntResult result = run_rules(rules, records);
  std::vector<std::string> found;
  for (const SigmaCorrelationDetection& detection :
       rules.correlate(std::move(result.observations))) {
    std::string group;
    for (const auto& [name, value] : detection.group) group += " " + name + "=" + value;
    found.push_back(rules.rules()[detection.rule].title + group + " " +
                    std::to_string(detection.count) + " " +
                    format_iso8601(detection.first).substr(11, 8) + ".." +
                    format_iso8601(detection.last).substr(11, 8) + " [" + detection.events + "]");
  }
  return found;
}

using Ids = std::vector<std::string>;

}  // namespace trailsift::test
