// SPDX-License-Identifier: MIT
#include "trailsift/event_field.hpp"

#include <catch2/catch.hpp>

#include "test_support.hpp"

using trailsift::Event;
using trailsift::EventField;

namespace {

constexpr std::string_view kRecord =
    R"({"eventName":"GetObject","eventSource":"s3.amazonaws.com","awsRegion":"eu-west-1","recipientAccountId":"111122223333","userAgent":"aws-cli/2","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/Reader/job-7","accountId":"999988887777","accessKeyId":"ASIA1"},"resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::b/k"},{"type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::b"}],"tags":[{"k":"a"},{"k":"b"}]})";

std::vector<std::string> values_of(std::string_view name, std::string_view record = kRecord) {
  auto field = EventField::parse(name);
  REQUIRE(field);
  std::vector<std::string> values;
  trailsift::EventReader reader;
  auto report = reader.read_bytes("x", record, [&](const Event& event) {
    CHECK(field->values(event, values));
    return trailsift::Visit::kContinue;
  });
  REQUIRE(report.ok());
  return values;
}

using Values = std::vector<std::string>;

}  // namespace

TEST_CASE("Named fields read what filter matches", "[event_field]") {
  CHECK(values_of("event-name") == Values{"GetObject"});
  CHECK(values_of("username") == Values{"job-7"});
  CHECK(values_of("account") == Values{"111122223333"});
  CHECK(values_of("access-key-id") == Values{"ASIA1"});
  CHECK(values_of("principal-arn") ==
        Values{"arn:aws:sts::111122223333:assumed-role/Reader/job-7"});
  CHECK(values_of("user-agent") == Values{"aws-cli/2"});
  CHECK(values_of("resource-type") == Values{"AWS::S3::Object", "AWS::S3::Bucket"});
  CHECK(values_of("resource-name") == Values{"arn:aws:s3:::b/k", "arn:aws:s3:::b"});
}

TEST_CASE("Dotted paths - a missing field gives one empty value", "[event_field]") {
  CHECK(values_of("userIdentity.type") == Values{"AssumedRole"});
  CHECK(values_of("tags.k") == Values{"a", "b"});
  CHECK(values_of("error-code") == Values{""});
  CHECK(values_of("additionalEventData.MFAUsed") == Values{""});
  // A dotted path may hold a dash (S3's x-amz-id-2); a bare dashed name must be a known field.
  CHECK(values_of("additionalEventData.x-amz-id-2",
                  R"({"eventName":"GetObject","additionalEventData":{"x-amz-id-2":"abc"}})") ==
        Values{"abc"});
}

TEST_CASE("Field lists and unknown names", "[event_field]") {
  auto fields = trailsift::parse_fields("username,event-name,userIdentity.type");
  REQUIRE(fields);
  REQUIRE(fields->size() == 3);
  CHECK((*fields)[2].name() == "userIdentity.type");
  for (std::string_view bad : {"event-nmae", "", "username,", "a..b", ".a"}) {
    INFO(bad);
    auto result = trailsift::parse_fields(bad);
    REQUIRE_FALSE(result);
    CHECK(result.error().message.starts_with("unknown field '"));
  }
}

TEST_CASE("Single-valued fields give a view without copying", "[event_field]") {
  trailsift::EventReader reader;
  auto report = reader.read_bytes("x", kRecord, [&](const Event& event) {
    for (std::string_view name : {"event-name", "username", "account", "access-key-id",
                                  "principal-arn", "user-agent", "region", "error-code"}) {
      INFO(name);
      auto field = EventField::parse(name);
      REQUIRE(field);
      CHECK(field->single_valued());
      std::vector<std::string> values;
      CHECK(field->values(event, values));
      CHECK(values == Values{std::string(field->value(event))});
    }
    for (std::string_view name : {"resource-name", "resource-type", "userIdentity.type"}) {
      INFO(name);
      auto field = EventField::parse(name);
      REQUIRE(field);
      CHECK_FALSE(field->single_valued());
      CHECK(field->value(event).empty());
    }
    return trailsift::Visit::kContinue;
  });
  REQUIRE(report.ok());
}
