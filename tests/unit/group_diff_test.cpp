// SPDX-License-Identifier: MIT
#include "trailsift/group_diff.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "trailsift/event_reader.hpp"

using trailsift::EventStats;
using trailsift::GroupChangeKind;

namespace {

EventStats count(std::string_view by, std::string_view json) {
  auto fields = trailsift::parse_fields(by);
  REQUIRE(fields);
  EventStats stats(trailsift::StatsSpec{*fields, 0});
  trailsift::EventReader reader;
  auto report = reader.read_bytes("x", json, [&](const trailsift::Event& event) {
    CHECK(stats.add(event));
    return trailsift::Visit::kContinue;
  });
  REQUIRE(report.ok());
  return stats;
}

std::string line(std::string_view user, std::string_view name) {
  return R"({"userIdentity":{"type":"IAMUser","userName":")" + std::string(user) +
         R"("},"eventName":")" + std::string(name) + "\"}\n";
}

using Values = std::vector<std::string>;

}  // namespace

TEST_CASE("Behaviour: new, gone and, with a threshold, changed", "[group_diff]") {
  const std::string left = line("alice", "GetObject") + line("alice", "GetObject") +
                           line("bob", "ListBuckets") + line("carol", "GetObject") +
                           line("dave", "GetObject");
  std::string right = line("alice", "GetObject") + line("mallory", "ConsoleLogin") +
                      line("mallory", "ConsoleLogin") + line("dave", "GetObject");
  for (int i = 0; i < 30; ++i) right += line("carol", "GetObject");
  const EventStats a = count("username,event-name", left);
  const EventStats b = count("username,event-name", right);

  auto without = trailsift::compare_groups(a, b, 0);
  REQUIRE(without.changes.size() == 2);
  CHECK(without.changes[0].kind == GroupChangeKind::kNew);
  CHECK(without.changes[0].values == Values{"mallory", "ConsoleLogin"});
  CHECK(without.changes[0].right_count == 2);
  CHECK(without.changes[1].kind == GroupChangeKind::kGone);
  CHECK(without.changes[1].values == Values{"bob", "ListBuckets"});
  CHECK(without.both == 3);

  // alice: 2 -> 1 is not more than 10 times; carol: 1 -> 30 is.
  auto with = trailsift::compare_groups(a, b, 10);
  REQUIRE(with.changes.size() == 3);
  CHECK(with.changes[2].kind == GroupChangeKind::kChanged);
  CHECK(with.changes[2].values == Values{"carol", "GetObject"});
  CHECK(with.changes[2].left_count == 1);
  CHECK(with.changes[2].right_count == 30);
  CHECK(with.both == 2);
  // A threshold of 1 reports every change of count, both ways.
  CHECK(trailsift::compare_groups(a, b, 1).changes.size() == 4);

  const auto& fields = a.spec().by;
  CHECK(trailsift::format_group_changes_table(fields, with.changes) ==
        "CHANGE   USERNAME  EVENT NAME    LEFT COUNT  RIGHT COUNT\n"
        "new      mallory   ConsoleLogin  0           2\n"
        "gone     bob       ListBuckets   1           0\n"
        "changed  carol     GetObject     1           30\n");
  CHECK(trailsift::format_group_changes_table(fields, {}).empty());
  std::string csv;
  trailsift::append_group_changes_delimited(csv, fields, with.changes, trailsift::Delimited::kCsv);
  CHECK(csv ==
        "change,username,event_name,left_count,right_count\n"
        "new,mallory,ConsoleLogin,0,2\n"
        "gone,bob,ListBuckets,1,0\n"
        "changed,carol,GetObject,1,30\n");
  std::string tsv;
  trailsift::append_group_changes_delimited(tsv, fields, with.changes, trailsift::Delimited::kTsv);
  CHECK(tsv.substr(0, tsv.find('\n')) == "change\tusername\tevent_name\tleft_count\tright_count");
  std::string json;
  trailsift::append_group_changes_json(json, a, b, 10, with);
  CHECK(
      json ==
      R"({"by":["username","event-name"],"threshold":10,"left":{"events":5,"combinations":4},)"
      R"("right":{"events":34,"combinations":4},"new":1,"gone":1,"changed":1,"both":2,"changes":[)"
      "\n"
      R"({"change":"new","values":["mallory","ConsoleLogin"],"left_count":0,"right_count":2},)"
      "\n"
      R"({"change":"gone","values":["bob","ListBuckets"],"left_count":1,"right_count":0},)"
      "\n"
      R"({"change":"changed","values":["carol","GetObject"],"left_count":1,"right_count":30})"
      "\n]}\n");
}

TEST_CASE("Behaviour groups as stats --by does: one per value, missing is empty", "[group_diff]") {
  const EventStats right = count(
      "resource-type,errorCode",
      R"({"eventName":"x","resources":[{"type":"AWS::S3::Object","ARN":"a"},{"type":"AWS::S3::Bucket","ARN":"b"},{"type":"AWS::S3::Bucket","ARN":"c"}]})");
  auto comparison = trailsift::compare_groups(count("resource-type,errorCode", ""), right, 0);
  REQUIRE(comparison.changes.size() == 2);
  // Each combination counts the event once, even where it names the type twice; ties by values.
  CHECK(comparison.changes[0].values == Values{"AWS::S3::Bucket", ""});
  CHECK(comparison.changes[0].right_count == 1);
  CHECK(comparison.changes[1].values == Values{"AWS::S3::Object", ""});
}
