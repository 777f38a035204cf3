// SPDX-License-Identifier: MIT
#include <utility>

#include <catch2/catch.hpp>

#include "test_support.hpp"

using trailsift::Event;
using trailsift::EventReader;
using trailsift::Visit;

namespace {

/// Reads one record and hands its Event to `check`.
template <typename Check>
void with_event(std::string_view record, Check check) {
  EventReader reader;
  int seen = 0;
  auto report = reader.read_bytes("x", record, [&](const Event& event) {
    ++seen;
    check(event);
    return Visit::kContinue;
  });
  REQUIRE(report.ok());
  REQUIRE(seen == 1);
}

std::string username_of(std::string_view identity) {
  std::string name;
  with_event(R"({"eventName":"X","userIdentity":)" + std::string(identity) + "}",
             [&](const Event& event) { name = std::string(event.username()); });
  return name;
}

std::vector<std::pair<std::string, std::string>> resources_of(std::string_view record) {
  std::vector<std::pair<std::string, std::string>> resources;
  with_event(record, [&](const Event& event) {
    CHECK(trailsift::for_each_resource(event, [&](std::string_view name, std::string_view type) {
      resources.emplace_back(name, type);
    }));
  });
  return resources;
}

std::vector<std::string> values_at(std::string_view record, std::string_view path) {
  std::vector<std::string> values;
  with_event(record, [&](const Event& event) {
    CHECK(trailsift::for_each_value_at_path(
        event, path, [&](std::string_view text) { values.emplace_back(text); }));
  });
  return values;
}

}  // namespace

TEST_CASE("User name follows the console's rules", "[event]") {
  CHECK(username_of(R"({"type":"IAMUser","userName":"alice"})") == "alice");
  CHECK(username_of(R"({"type":"Root","arn":"arn:aws:iam::111122223333:root"})") == "root");
  CHECK(
      username_of(
          R"({"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/Admin/bob@example.com","principalId":"AROA1:bob@example.com","sessionContext":{"sessionIssuer":{"userName":"Admin"}}})") ==
      "bob@example.com");
  CHECK(username_of(R"({"type":"AssumedRole","principalId":"AROA1:i-0abc"})") == "i-0abc");
  CHECK(username_of(R"({"type":"FederatedUser","arn":"arn:aws:sts::1:federated-user/carol"})") ==
        "carol");
  CHECK(username_of(R"({"type":"AWSService","invokedBy":"ec2.amazonaws.com"})").empty());
  CHECK(username_of(R"({"type":"SAMLUser","userName":"dave"})") == "dave");
  CHECK(username_of(R"({"accountId":"1"})").empty());
}

TEST_CASE("Resources: ARNs with types - then request identifiers", "[event]") {
  const auto resources = resources_of(
      R"({"eventName":"GetObject","resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::b/k"},{"ARNPrefix":"arn:aws:s3:::b/logs/"}],"requestParameters":{"bucketName":"b","key":"k","instancesSet":{"items":[{"instanceId":"i-1"}]},"policyArn":"arn:aws:iam::aws:policy/X","maxResults":5}})");
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"arn:aws:s3:::b/k", "AWS::S3::Object"},
      {"arn:aws:s3:::b/logs/", ""},
      {"b", "AWS::S3::Bucket"},
      {"i-1", "AWS::EC2::Instance"},
      {"arn:aws:iam::aws:policy/X", "AWS::IAM::Policy"}};
  CHECK(resources == expected);
}

TEST_CASE("Resources of lookup-events output are its own list", "[event]") {
  std::string inner;
  with_event(
      R"({"Username":"u","Resources":[{"ResourceType":"AWS::EC2::Instance","ResourceName":"i-9"}],"CloudTrailEvent":"{\"eventName\":\"RunInstances\",\"requestParameters\":{\"instanceId\":\"i-other\"}}"})",
      [&](const Event& event) {
        std::vector<std::string> names;
        CHECK(
            trailsift::for_each_resource(event, [&](std::string_view name, std::string_view type) {
              names.push_back(std::string(name) + "|" + std::string(type));
            }));
        CHECK(names == std::vector<std::string>{"i-9|AWS::EC2::Instance"});
      });
}

TEST_CASE("Values at a dotted path - through arrays", "[event]") {
  constexpr std::string_view kRecord =
      R"({"eventName":"ConsoleLogin","additionalEventData":{"MFAUsed":"No","n":3},"resources":[{"type":"A"},{"type":"B"}],"flag":true,"obj":{"a": 1}})";
  CHECK(values_at(kRecord, "additionalEventData.MFAUsed") == std::vector<std::string>{"No"});
  CHECK(values_at(kRecord, "additionalEventData.n") == std::vector<std::string>{"3"});
  CHECK(values_at(kRecord, "resources.type") == std::vector<std::string>{"A", "B"});
  CHECK(values_at(kRecord, "flag") == std::vector<std::string>{"true"});
  CHECK(values_at(kRecord, "obj") == std::vector<std::string>{R"({"a":1})"});
  CHECK(values_at(kRecord, "missing.path").empty());
  CHECK(values_at(kRecord, "eventName.deeper").empty());
}
