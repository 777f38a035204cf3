// SPDX-License-Identifier: MIT
// How rules see a record: null and absent fields, keywords, paths through arrays and dotted
// keys, values that are objects, the reader's fields against the parsed record.
#include <catch2/catch.hpp>

#include "sigma_test_support.hpp"

using trailsift::test::cloudtrail_rule;
using trailsift::test::compile_rules;
using trailsift::test::Ids;
using trailsift::test::matching_ids;
using trailsift::test::run_rules;

namespace {

constexpr std::string_view kRecords = R"(
{"eventTime":"2024-03-01T10:00:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser","eventID":"m1","userIdentity":{"type":"IAMUser","userName":"alice"},"resources":[{"ARN":"arn:aws:iam::1:user/bob"},{"ARN":"arn:aws:iam::1:user/carol"}],"responseElements":{"user":{"userName":"bob","path":"/"}},"additionalEventData":{"a.b":"dotted","nested":[[{"x":"deep"}]]},"errorMessage":"AccessDenied for bob"}
{"eventTime":"2024-03-01T10:01:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","eventID":"m2","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/R/s"},"requestParameters":{"bucketName":"evidence","tags":[]},"errorCode":null}
{"eventTime":"2024-03-01T10:02:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","eventID":"m3","userIdentity":{"type":"Root","userName":""},"additionalEventData":{"MFAUsed":"No"}}
{"eventSource":"ec2.amazonaws.com","eventName":5,"eventID":"m4"}
{"eventSource":"ec2.amazonaws.com","eventName":["RunInstances"],"eventID":"m5"}
)";

Ids ids(std::string_view detection) {
  return matching_ids(std::string(detection) + "    condition: selection\n", kRecords);
}

}  // namespace

TEST_CASE("null: absent, null or an empty array - '' only the empty string", "[sigma_match]") {
  CHECK(ids("    selection:\n        userIdentity.userName: null\n") == Ids{"m2", "m4", "m5"});
  CHECK(ids("    selection:\n        errorCode: null\n") == Ids{"m1", "m2", "m3", "m4", "m5"});
  CHECK(ids("    selection:\n        requestParameters.tags: ~\n") ==
        Ids{"m1", "m2", "m3", "m4", "m5"});
  CHECK(ids("    selection:\n        userIdentity.userName: ''\n") == Ids{"m3"});
  CHECK(ids("    selection:\n        userIdentity.userName: [alice, null]\n") ==
        Ids{"m1", "m2", "m4", "m5"});
  CHECK(ids("    selection:\n        userIdentity.userName: 'null'\n").empty());  // quoted: text
}

TEST_CASE("Keywords: any string value of the record contains one", "[sigma_match]") {
  CHECK(ids("    selection:\n        - accessdenied\n        - MFAUsed\n") ==
        Ids{"m1"});  // keys do not count
  CHECK(ids("    selection:\n        '|all':\n            - AccessDenied\n            - bob\n") ==
        Ids{"m1"});
  CHECK(ids("    selection:\n        '|all':\n            - AccessDenied\n            - evidence\n")
            .empty());
  CHECK(ids("    selection: deep\n") == Ids{"m1"});  // in an array of arrays
  CHECK(ids("    selection:\n        - 'evi*ce'\n") == Ids{"m2"});
  CHECK(ids("    selection:\n        - 'evi?ence'\n        - 'nothing'\n") == Ids{"m2"});
}

TEST_CASE("Paths go through arrays, element by element - every dot splits", "[sigma_match]") {
  CHECK(ids("    selection:\n        resources.ARN|endswith: user/carol\n") == Ids{"m1"});
  CHECK(ids("    selection:\n        resources.ARN: 'arn:aws:iam::1:user/*'\n") == Ids{"m1"});
  CHECK(ids("    selection:\n        additionalEventData.nested.x: deep\n") == Ids{"m1"});
  // As --match and --by read paths: a key holding a dot cannot be named.
  CHECK(ids("    selection:\n        additionalEventData.a.b: dotted\n").empty());
  CHECK(ids("    selection:\n        requestParameters.bucketName: [other, evidence]\n") ==
        Ids{"m2"});
}

TEST_CASE("An object is compared as compact JSON", "[sigma_match]") {
  CHECK(ids("    selection:\n        responseElements.user|contains: '\"path\":\"/\"'\n") ==
        Ids{"m1"});
  CHECK(ids("    selection:\n        responseElements|contains: 'bob'\n") == Ids{"m1"});
}

TEST_CASE("Maps AND their fields - a list of maps ORs them", "[sigma_match]") {
  CHECK(ids("    selection:\n        - eventName: GetObject\n          eventSource: "
            "iam.amazonaws.com\n"
            "        - userIdentity.type: Root\n") == Ids{"m3"});
  CHECK(ids("    selection:\n        eventName: GetObject\n        eventSource: "
            "s3.amazonaws.com\n") == Ids{"m2"});
}

TEST_CASE("The rule index finds every event a rule matches", "[sigma_match]") {
  // eventName in any case; a number or an array where a name should be still reaches the rule.
  CHECK(ids("    selection:\n        eventName: createuser\n") == Ids{"m1"});
  CHECK(ids("    selection:\n        eventName: 5\n") == Ids{"m4"});
  CHECK(ids("    selection:\n        eventName: RunInstances\n") == Ids{"m5"});
  CHECK(ids("    selection:\n        eventSource: EC2.amazonaws.com\n") == Ids{"m4", "m5"});
  CHECK(ids("    selection:\n        eventName|startswith: Create\n") == Ids{"m1"});
  CHECK(ids("    selection:\n        eventName: [CreateUser, ConsoleLogin]\n        eventSource: "
            "signin.amazonaws.com\n") == Ids{"m3"});
}

TEST_CASE("Rules see the record inside lookup-events output", "[sigma_match]") {
  const std::string lookup =
      R"({"EventId":"L1","EventName":"ConsoleLogin","Username":"root","CloudTrailEvent":"{\"eventName\":\"ConsoleLogin\",\"eventSource\":\"signin.amazonaws.com\",\"eventID\":\"L1\",\"userIdentity\":{\"type\":\"Root\"},\"additionalEventData\":{\"MFAUsed\":\"No\"}}"})"
      "\n";
  CHECK(matching_ids("    selection:\n        additionalEventData.MFAUsed: 'no'\n        "
                     "userIdentity.type: Root\n"
                     "    condition: selection\n",
                     lookup + lookup) == Ids{"L1", "L1"});
}

TEST_CASE("A record the rules cannot parse is an error, never a detection", "[sigma_match]") {
  // The reader skips what it does not read; the rules' parser finds the bad atom.
  const std::string_view records =
      R"({"eventName":"X","eventSource":"s","eventID":"bad","requestParameters":{"a":tru}}
{"eventName":"X","eventSource":"s","eventID":"good","requestParameters":{"a":"y"}}
)";
  const auto rules = compile_rules(cloudtrail_rule(
      "t", "    selection:\n        requestParameters.a: x\n    condition: not selection\n"));
  const auto result = run_rules(rules, records);
  CHECK(result.matches == std::vector<std::string>{"good t"});
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors.front().starts_with(
      "line 1: record 1: cannot be tested against the rules: invalid JSON: "));
  // A rule that needs only what the reader read still runs on it.
  const auto by_name = compile_rules(
      cloudtrail_rule("n", "    selection:\n        eventName: X\n    condition: selection\n"));
  CHECK(run_rules(by_name, records).matches == std::vector<std::string>{"bad n", "good n"});
}

TEST_CASE("A field found On-Demand and in the whole tree gives the same answers", "[sigma_match]") {
  // A backslash anywhere sends every lookup of the second record to the tree.
  const std::string_view records =
      R"({"eventName":"X","eventSource":"s","eventID":"quick","a":{"s":"Role","t":true,"n":null,"e":"","o":{"k":1},"l":["x"],"num":5}}
{"eventName":"X","eventSource":"s","eventID":"tree","pad":"a\\b","a":{"s":"Role","t":true,"n":null,"e":"","o":{"k":1},"l":["x"],"num":5}}
)";
  const std::vector<std::string> selections = {"a.s: role",
                                               "a.s|cased: role",
                                               "a.t: 'true'",
                                               "a.n: null",
                                               "a.e: ''",
                                               "a.missing: null",
                                               "a.s.deeper: null",
                                               "a.n|exists: true",
                                               "a.missing|exists: false",
                                               "a.o|contains: '\"k\":1'",
                                               "a.l: x",
                                               "a.num: 5",
                                               "a.num|gt: 4",
                                               "a.s|neq: Other",
                                               "a.e|exists: true",
                                               "a.t.x|exists: false",
                                               "a.e: null"};
  for (const std::string& selection : selections) {
    const Ids found = matching_ids(
        "    selection:\n        " + selection + "\n    condition: selection\n", records);
    INFO(selection);
    CHECK((found == Ids{"quick", "tree"} || found.empty()));
    const bool expected_match = selection != "a.s|cased: role" && selection != "a.e: null";
    CHECK(found.empty() != expected_match);
  }
}
