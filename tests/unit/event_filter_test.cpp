// SPDX-License-Identifier: MIT
#include "trailsift/event_filter.hpp"

#include <catch2/catch.hpp>

#include "test_support.hpp"

using trailsift::Event;
using trailsift::EventFilter;
using trailsift::EventReader;
using trailsift::FilterSpec;
using trailsift::Visit;

namespace {

constexpr std::string_view kEvents = R"({"Records":[
{"eventTime":"2024-03-01T12:00:00Z","eventName":"DeleteBucket","eventSource":"s3.amazonaws.com","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.7","userAgent":"aws-cli/2.15.0","readOnly":false,"eventType":"AwsApiCall","recipientAccountId":"111122223333","eventID":"e1","userIdentity":{"type":"IAMUser","userName":"alice","accessKeyId":"AKIA1","accountId":"111122223333"},"requestParameters":{"bucketName":"evidence"}},
{"eventTime":"2024-03-01T13:00:00Z","eventName":"ConsoleLogin","eventSource":"signin.amazonaws.com","awsRegion":"us-east-1","sourceIPAddress":"2001:db8::5","readOnly":"false","eventType":"AwsConsoleSignIn","recipientAccountId":"111122223333","eventID":"e2","userIdentity":{"type":"Root"},"additionalEventData":{"MFAUsed":"No"}},
{"eventTime":"2024-03-02T00:00:00Z","eventName":"GetObject","eventSource":"s3.amazonaws.com","awsRegion":"eu-west-1","sourceIPAddress":"s3.amazonaws.com","readOnly":true,"errorCode":"AccessDenied","eventType":"AwsApiCall","recipientAccountId":"444455556666","eventID":"e3","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::444455556666:assumed-role/Reader/job-7","accountId":"999988887777"},"resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::evidence/report.pdf"}]},
{"eventName":"NoTime","eventSource":"ec2.amazonaws.com","eventID":"e4"}
]})";

/// The eventIDs of the events the spec selects.
std::vector<std::string> selected(const FilterSpec& spec) {
  auto filter = EventFilter::compile(spec);
  REQUIRE(filter);
  std::vector<std::string> ids;
  EventReader reader;
  auto report = reader.read_bytes("events.json", kEvents, [&](const Event& event) {
    if (filter->matches(event)) ids.emplace_back(event.event_id);
    return Visit::kContinue;
  });
  REQUIRE(report.ok());
  return ids;
}

using Ids = std::vector<std::string>;

std::string compile_error(const FilterSpec& spec) {
  auto filter = EventFilter::compile(spec);
  REQUIRE_FALSE(filter);
  return filter.error().message;
}

}  // namespace

TEST_CASE("No selection selects everything", "[event_filter]") {
  CHECK(selected({}) == Ids{"e1", "e2", "e3", "e4"});
  CHECK(EventFilter::compile({})->matches_everything());
}

TEST_CASE("Lookup attributes: exact - ORed within - ANDed across", "[event_filter]") {
  FilterSpec spec;
  spec.event_names = {"DeleteBucket", "GetObject"};
  CHECK(selected(spec) == Ids{"e1", "e3"});
  spec.event_sources = {"s3.amazonaws.com"};
  spec.regions = {"eu-west-1"};
  CHECK(selected(spec) == Ids{"e3"});

  FilterSpec lower;
  lower.event_names = {"deletebucket"};
  CHECK(selected(lower).empty());
  lower.ignore_case = true;
  CHECK(selected(lower) == Ids{"e1"});

  FilterSpec glob;
  glob.event_names = {"*Object", "Console*"};
  CHECK(selected(glob) == Ids{"e2", "e3"});
}

TEST_CASE("Username - access key - read-only - event id", "[event_filter]") {
  FilterSpec spec;
  spec.usernames = {"root", "job-7"};
  CHECK(selected(spec) == Ids{"e2", "e3"});
  FilterSpec key;
  key.access_key_ids = {"AKIA1"};
  CHECK(selected(key) == Ids{"e1"});
  FilterSpec read_only;
  read_only.read_only = {"false"};
  CHECK(selected(read_only) == Ids{"e1", "e2"});  // a boolean and a string
  FilterSpec id;
  id.event_ids = {"e4"};
  CHECK(selected(id) == Ids{"e4"});
}

TEST_CASE("The AWS CLI's --lookup-attributes form", "[event_filter]") {
  FilterSpec spec;
  spec.lookup_attributes = {"AttributeKey=EventName,AttributeValue=ConsoleLogin"};
  CHECK(selected(spec) == Ids{"e2"});
  spec.lookup_attributes = {"AttributeValue=alice,AttributeKey=Username"};
  CHECK(selected(spec) == Ids{"e1"});
  spec.lookup_attributes = {"AttributeKey=Nope,AttributeValue=x"};
  CHECK(compile_error(spec).starts_with(
      "--lookup-attributes: expected AttributeKey=KEY,AttributeValue=VALUE"));
}

TEST_CASE("Resource name and type", "[event_filter]") {
  FilterSpec spec;
  spec.resource_names = {"evidence"};
  CHECK(selected(spec) == Ids{"e1"});
  spec.resource_names = {"report.pdf"};  // an ARN's resource part
  CHECK(selected(spec) == Ids{"e3"});
  spec.resource_names = {"arn:aws:s3:::evidence/report.pdf"};
  CHECK(selected(spec) == Ids{"e3"});
  FilterSpec type;
  type.resource_types = {"AWS::S3::Bucket", "AWS::S3::Object"};
  CHECK(selected(type) == Ids{"e1", "e3"});
}

TEST_CASE("Time range is inclusive - events without time never match one", "[event_filter]") {
  FilterSpec spec;
  spec.start_time = "2024-03-01T13:00:00Z";
  CHECK(selected(spec) == Ids{"e2", "e3"});
  spec.end_time = "2024-03-01T14:00:00+01:00";
  CHECK(selected(spec) == Ids{"e2"});
  FilterSpec day;
  day.end_time = "2024-03-01";
  CHECK(selected(day) == Ids{"e1", "e2"});
  FilterSpec backwards;
  backwards.start_time = "2024-03-02";
  backwards.end_time = "2024-03-01";
  CHECK(compile_error(backwards) == "--start-time: the start time is after the end time");
  FilterSpec bad;
  bad.end_time = "soon";
  CHECK(compile_error(bad).starts_with("--end-time: invalid time 'soon': expected ISO 8601"));
}

TEST_CASE("Source IP: addresses - CIDR blocks - names", "[event_filter]") {
  FilterSpec spec;
  spec.source_ips = {"203.0.113.0/24"};
  CHECK(selected(spec) == Ids{"e1"});
  spec.source_ips = {"2001:db8::/32", "s3.amazonaws.com"};
  CHECK(selected(spec) == Ids{"e2", "e3"});
  spec.source_ips = {"2001:0db8:0:0::5"};  // the same address written differently
  CHECK(selected(spec) == Ids{"e2"});
  spec.source_ips = {"0.0.0.0/0"};
  CHECK(selected(spec) == Ids{"e1"});
  spec.source_ips = {"10.0.0.0/33"};
  CHECK(compile_error(spec) == "--source-ip: invalid prefix length in '10.0.0.0/33'");
  spec.source_ips = {"not-an-ip/8"};
  CHECK(compile_error(spec) == "--source-ip: invalid CIDR block 'not-an-ip/8'");
}

TEST_CASE("Account - errors - event type - user agent - --match", "[event_filter]") {
  FilterSpec account;
  account.accounts = {"999988887777"};  // userIdentity.accountId of a cross-account call
  CHECK(selected(account) == Ids{"e3"});
  FilterSpec errors;
  errors.errors_only = true;
  CHECK(selected(errors) == Ids{"e3"});
  errors.errors_only = false;
  errors.error_codes = {"AccessDenied"};
  CHECK(selected(errors) == Ids{"e3"});
  FilterSpec type;
  type.event_types = {"AwsConsoleSignIn"};
  CHECK(selected(type) == Ids{"e2"});
  FilterSpec agent;
  agent.user_agents = {"aws-cli/*"};
  CHECK(selected(agent) == Ids{"e1"});
  FilterSpec match;
  match.field_matches = {"additionalEventData.MFAUsed=No"};
  CHECK(selected(match) == Ids{"e2"});
  match.field_matches = {"userIdentity.type=Root", "userIdentity.type=IAMUser"};  // one path: ORed
  CHECK(selected(match) == Ids{"e1", "e2"});
  match.field_matches.push_back("eventSource=s3.amazonaws.com");  // another path: ANDed
  CHECK(selected(match) == Ids{"e1"});
  match.field_matches = {"=x"};
  CHECK(compile_error(match).starts_with("--match: expected PATH=VALUE"));
  FilterSpec read_only;
  read_only.read_only = {"yes"};
  CHECK(compile_error(read_only) == "--read-only: expected true or false, got 'yes'");
}

TEST_CASE("required_literals: the values of one exact condition written as is") {
  using Literals = std::vector<std::string>;
  const auto literals = [](const FilterSpec& spec) {
    return trailsift::EventFilter::compile(spec)->required_literals();
  };
  FilterSpec names;
  names.event_names = {"ConsoleLogin", "GetObject"};
  CHECK(literals(names) == Literals{"ConsoleLogin", "GetObject"});
  FilterSpec both = names;
  both.event_ids = {"3c5a9f1e-0000-4000-8000-000000000001"};  // the most selective wins
  CHECK(literals(both) == Literals{"3c5a9f1e-0000-4000-8000-000000000001"});
  FilterSpec glob;
  glob.event_names = {"Delete*"};
  CHECK(literals(glob).empty());
  FilterSpec folded = names;
  folded.ignore_case = true;  // the reader looks for literals in either case anyway
  CHECK(literals(folded) == Literals{"ConsoleLogin", "GetObject"});

  FilterSpec one_glob = names;
  one_glob.event_names.push_back("Get?bject");  // ORed: one value without a literal spoils all
  CHECK(literals(one_glob).empty());
  FilterSpec root;
  root.usernames = {"root"};  // derived from the identity type, not written in the record
  root.event_sources = {"signin.amazonaws.com"};
  CHECK(literals(root) == Literals{"signin.amazonaws.com"});
  root.usernames = {"ROOT"};
  root.ignore_case = true;  // with -i, ROOT is root
  CHECK(literals(root) == Literals{"signin.amazonaws.com"});
  FilterSpec escaped;
  escaped.usernames = {"a/b", "quote\"d"};  // JSON may write '/' as "\/"
  CHECK(literals(escaped).empty());
  FilterSpec beyond_ascii;
  beyond_ascii.usernames = {"jos\xC3\xA9"};
  CHECK(literals(beyond_ascii).empty());
  FilterSpec lookup;
  lookup.lookup_attributes = {"AttributeKey=AccessKeyId,AttributeValue=AKIAIOSFODNN7EXAMPLE"};
  CHECK(literals(lookup) == Literals{"AKIAIOSFODNN7EXAMPLE"});
  CHECK(literals(FilterSpec{}).empty());
}

TEST_CASE("The selection as JSON: only the options given, the time range in UTC",
          "[event_filter]") {
  trailsift::FilterSpec spec;
  spec.usernames = {"alice", "bob\""};
  spec.errors_only = true;
  spec.end_time = "2024-03-01";
  auto filter = trailsift::EventFilter::compile(spec);
  REQUIRE(filter);
  std::string json;
  trailsift::append_selection_json(json, spec, filter->time_range());
  CHECK(json ==
        R"({"username":["alice","bob\""],"end-time":"2024-03-01T23:59:59Z","errors":true})");
  json.clear();
  trailsift::append_selection_json(json, {}, {});
  CHECK(json == "{}");
}
