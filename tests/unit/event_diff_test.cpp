// SPDX-License-Identifier: MIT
#include "trailsift/event_diff.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "trailsift/event_reader.hpp"

using trailsift::Change;
using trailsift::DiffSide;
using trailsift::Event;
using trailsift::EventDiffFormat;

namespace {

/// A file that holds what standard input held, as diff keeps it for a second read; removed at exit.
std::string kept_copy(const std::string& bytes) {
  struct Files {
    std::vector<std::filesystem::path> paths;
    ~Files() {
      for (const auto& path : paths) std::filesystem::remove(path);
    }
  };
  static Files files;
  const auto path = std::filesystem::temp_directory_path() /
                    fmt::format("trailsift-diff-test-{}-{}", ::getpid(), files.paths.size());
  std::ofstream(path, std::ios::binary) << bytes;
  files.paths.push_back(path);
  return path.string();
}

/// Replaces what side's standard input holds when it is read again.
void change_copy(DiffSide& side, const std::string& bytes) {
  std::ofstream(side.reread_paths.at(0), std::ios::binary | std::ios::trunc) << bytes;
}

/// One side read from memory: its only input is "standard input".
DiffSide side_of(std::string json) {
  DiffSide side;
  side.inputs = {"-"};
  side.reread_paths = {kept_copy(json)};
  trailsift::EventReader reader;
  trailsift::EventDigester digester;
  auto report = reader.read_bytes("-", json, [&](const Event& event) {
    auto digest = digester.digest(event, 0);
    REQUIRE(digest);
    side.digests.push_back(*digest);
    return trailsift::Visit::kContinue;
  });
  REQUIRE(report.ok());
  return side;
}

struct Diffed {
  trailsift::EventMatch match;
  std::string output;
  std::vector<trailsift::Error> errors;
};

Diffed diff(std::string left_json, std::string right_json,
            EventDiffFormat format = EventDiffFormat::kText, std::size_t batch = 16384) {
  DiffSide left = side_of(std::move(left_json));
  DiffSide right = side_of(std::move(right_json));
  Diffed diffed;
  auto match = trailsift::match_events(left.digests, right.digests);
  REQUIRE(match);
  diffed.match = *match;
  trailsift::ChangeOutput output;
  output.format = format;
  output.batch = batch;
  diffed.errors = trailsift::write_changes(diffed.match.changes, left, right, output,
                                           [&](std::string_view text) { diffed.output += text; });
  return diffed;
}

/// A record of alice's, one per line: eventID, eventTime, eventName, then `extra` members.
std::string line(std::string_view id, std::string_view time, std::string_view name,
                 std::string_view extra = "") {
  std::string json =
      R"({"eventSource":"s3.amazonaws.com","userIdentity":{"type":"IAMUser","userName":"alice"})";
  if (!id.empty()) json += R"(,"eventID":")" + std::string(id) + '"';
  json += R"(,"eventTime":")" + std::string(time) + R"(","eventName":")" + std::string(name) + '"';
  if (!extra.empty()) json += "," + std::string(extra);
  return json + "}\n";
}

}  // namespace

TEST_CASE("The digest ignores key order, whitespace and number spelling", "[event_diff]") {
  DiffSide a = side_of(
      R"({"eventID":"e1","eventTime":"2024-03-01T10:00:00Z","n":1.0,"o":{"x":"\u00e9","y":[0.50]}})");
  DiffSide b = side_of(
      "{ \"o\": {\"y\": [ 5e-1 ], \"x\": \"é\"},\n \"n\": 1, \"eventTime\": "
      "\"2024-03-01T10:00:00Z\", \"eventID\": \"e1\" }");
  DiffSide c = side_of(
      R"({"eventID":"e1","eventTime":"2024-03-01T10:00:00Z","n":2,"o":{"x":"\u00e9","y":[0.50]}})");
  REQUIRE(a.digests.size() == 1);
  CHECK(a.digests[0].content == b.digests[0].content);
  CHECK(a.digests[0].key == b.digests[0].key);
  CHECK(a.digests[0].content != c.digests[0].content);
  CHECK(a.digests[0].key == c.digests[0].key);
  CHECK(a.digests[0].time == 1709287200);
  CHECK(a.digests[0].record == 1);
}

TEST_CASE("A record that is not valid JSON throughout cannot be digested", "[event_diff]") {
  trailsift::EventReader reader;
  trailsift::EventDigester digester;
  // The reader skips requestParameters unparsed; the digest reads all of it.
  auto report = reader.read_bytes(
      "x", R"({"eventID":"e1","requestParameters":{"a":tru}})", [&](const Event& event) {
        auto digest = digester.digest(event, 0);
        REQUIRE_FALSE(digest);
        CHECK(digest.error().message ==
              "cannot compare the record: invalid JSON: an invalid literal (byte 41)");
        return trailsift::Visit::kContinue;
      });
  CHECK(report.events == 1);
}

TEST_CASE("Re-serialized records are identical", "[event_diff]") {
  auto diffed = diff(line("e1", "2024-03-01T10:00:00Z", "GetObject", R"("bytes":0.0)") +
                         line("e2", "2024-03-01T10:00:01Z", "PutObject"),
                     R"({"Records":[
                          {"eventName":"PutObject","eventTime":"2024-03-01T10:00:01Z","eventID":"e2",
                           "userIdentity":{"userName":"alice","type":"IAMUser"},"eventSource":"s3.amazonaws.com"},
                          {"bytes":0,"eventName":"GetObject","eventTime":"2024-03-01T10:00:00Z","eventID":"e1",
                           "userIdentity":{"userName":"alice","type":"IAMUser"},"eventSource":"s3.amazonaws.com"}]})");
  CHECK(diffed.match.changes.empty());
  CHECK(diffed.match.counts.identical == 2);
  CHECK(diffed.output.empty());
  CHECK(diffed.errors.empty());
}

TEST_CASE("Removed, added and modified, as text in time order", "[event_diff]") {
  auto diffed =
      diff(line("e1", "2024-03-01T10:00:00Z", "GetObject", R"("sourceIPAddress":"1.2.3.4")") +
               line("e2", "2024-03-01T09:00:00Z", "DeleteBucket") +
               line("e3", "2024-03-01T08:00:00Z", "ListBuckets"),
           line("e4", "2024-03-01T11:00:00Z", "CreateUser") +
               line("e3", "2024-03-01T08:00:00Z", "ListBuckets") +
               line("e1", "2024-03-01T10:00:00Z", "GetObject",
                    R"("sourceIPAddress":"5.6.7.8","errorCode":"AccessDenied")"));
  const auto& counts = diffed.match.counts;
  CHECK(counts.removed == 1);
  CHECK(counts.added == 1);
  CHECK(counts.modified == 1);
  CHECK(counts.duplicate == 0);
  CHECK(counts.identical == 1);
  CHECK(diffed.output ==
        "- 2024-03-01T09:00:00Z alice DeleteBucket e2\n"
        "~ 2024-03-01T10:00:00Z alice GetObject e1\n"
        "    errorCode: (absent) -> \"AccessDenied\"\n"
        "    sourceIPAddress: \"1.2.3.4\" -> \"5.6.7.8\"\n"
        "+ 2024-03-01T11:00:00Z alice CreateUser e4\n");
}

TEST_CASE("NDJSON holds the change, the fields and both records as they were", "[event_diff]") {
  auto diffed = diff(line("e1", "2024-03-01T10:00:00Z", "GetObject", R"("n":1)") +
                         line("e2", "2024-03-01T10:00:00Z", "GetObject"),
                     "{ \"eventID\": \"e1\", \"eventTime\": \"2024-03-01T10:00:00Z\", \"n\": 2 }",
                     EventDiffFormat::kNdjson);
  CHECK(
      diffed.output ==
      R"({"change":"modified","eventID":"e1","eventTime":"2024-03-01T10:00:00Z","fields":[)"
      R"({"path":"eventName","left":"GetObject"},{"path":"eventSource","left":"s3.amazonaws.com"},)"
      R"({"path":"n","left":1,"right":2},{"path":"userIdentity","left":{"type":"IAMUser","userName":"alice"}}],)"
      R"("left":{"eventSource":"s3.amazonaws.com","userIdentity":{"type":"IAMUser","userName":"alice"},"eventID":"e1","eventTime":"2024-03-01T10:00:00Z","eventName":"GetObject","n":1},)"
      R"("right":{"eventID":"e1","eventTime":"2024-03-01T10:00:00Z","n":2}})"
      "\n"
      R"({"change":"removed","eventID":"e2","eventTime":"2024-03-01T10:00:00Z","fields":[],)"
      R"("left":{"eventSource":"s3.amazonaws.com","userIdentity":{"type":"IAMUser","userName":"alice"},"eventID":"e2","eventTime":"2024-03-01T10:00:00Z","eventName":"GetObject"},"right":null})"
      "\n");
}

TEST_CASE("Duplicate eventIDs", "[event_diff]") {
  const std::string a = line("d1", "2024-03-01T10:00:00Z", "GetObject");
  const std::string b = line("d1", "2024-03-01T10:05:00Z", "PutObject");
  const std::string b2 = line("d1", "2024-03-01T10:05:00Z", "PutObject", R"("errorCode":"x")");

  SECTION("an extra exact copy is one duplicate finding, not a removed event") {
    auto diffed = diff(a + a, a);
    REQUIRE(diffed.match.changes.size() == 1);
    CHECK(diffed.match.changes[0].change == Change::kDuplicate);
    CHECK(diffed.match.counts.identical == 1);
    CHECK(diffed.output ==
          "* 2024-03-01T10:00:00Z alice GetObject d1  (2 on the left, 1 on the right)\n");
  }
  SECTION("the same repetition on both sides is no difference") {
    auto diffed = diff(a + a + b, b + a + a);
    CHECK(diffed.match.changes.empty());
    CHECK(diffed.match.counts.identical == 3);
  }
  SECTION("records of one ID are paired by source and time") {
    auto diffed = diff(a + b, b2 + a);
    REQUIRE(diffed.match.changes.size() == 1);
    CHECK(diffed.match.changes[0].change == Change::kModified);
    CHECK(diffed.output ==
          "~ 2024-03-01T10:05:00Z alice PutObject d1\n"
          "    errorCode: (absent) -> \"x\"\n");
  }
  SECTION("a different record under a repeated ID is removed, and the count differs") {
    auto diffed = diff(a + b, a, EventDiffFormat::kNdjson);
    CHECK(diffed.match.counts.removed == 1);
    CHECK(diffed.match.counts.duplicate == 1);
    CHECK(diffed.match.counts.identical == 1);
    CHECK(
        diffed.output.find(
            R"({"change":"duplicate","eventID":"d1","eventTime":"2024-03-01T10:00:00Z","left_count":2,"right_count":1,"fields":[],)") ==
        0);
    CHECK(diffed.output.find(
              R"({"change":"removed","eventID":"d1","eventTime":"2024-03-01T10:05:00Z")") !=
          std::string::npos);
  }
  SECTION("an ID repeated on one side only is added once") {
    auto diffed = diff("", a + a);
    CHECK(diffed.output ==
          "+ 2024-03-01T10:00:00Z alice GetObject d1\n"
          "* 2024-03-01T10:00:00Z alice GetObject d1  (0 on the left, 2 on the right)\n");
  }
}

TEST_CASE("Records without eventID are matched by content", "[event_diff]") {
  const std::string x = line("", "2014-03-06T21:22:54Z", "StartInstances");
  const std::string y = line("", "2014-03-06T21:01:59Z", "StopInstances");
  const std::string y2 = line("", "2014-03-06T21:01:59Z", "StopInstances", R"("errorCode":"x")");
  auto diffed = diff(x + y, y2 + x);
  CHECK(diffed.match.counts.identical == 1);
  CHECK(diffed.match.counts.removed == 1);
  CHECK(diffed.match.counts.added == 1);
  CHECK(diffed.output ==
        "- 2014-03-06T21:01:59Z alice StopInstances (none)\n"
        "+ 2014-03-06T21:01:59Z alice StopInstances (none)\n");
}

TEST_CASE("Order is event time, then eventID, across batches - no time comes first",
          "[event_diff]") {
  std::string left;
  for (const char* id : {"c", "a", "b"}) left += line(id, "2024-03-01T10:00:00Z", "GetObject");
  left += line("z", "2024-03-01T09:00:00Z", "GetObject");
  left += R"({"eventID":"y","eventName":"NoTime"})"
          "\n";
  const std::string expected =
      "- (none) (none) NoTime y\n"
      "- 2024-03-01T09:00:00Z alice GetObject z\n"
      "- 2024-03-01T10:00:00Z alice GetObject a\n"
      "- 2024-03-01T10:00:00Z alice GetObject b\n"
      "- 2024-03-01T10:00:00Z alice GetObject c\n";
  CHECK(diff(left, "").output == expected);
  CHECK(diff(left, "", EventDiffFormat::kText, 1).output == expected);
}

TEST_CASE("Text escapes control characters as ls -b does and cuts long values", "[event_diff]") {
  const std::string long_value(300, 'v');
  auto diffed = diff(
      line("e\\u001b[2J", "2024-03-01T10:00:00Z", "GetObject", R"("k":"a")"),
      line("e\\u001b[2J", "2024-03-01T10:00:00Z", "GetObject", R"("k":")" + long_value + R"(")"));
  CHECK(diffed.output ==
        "~ 2024-03-01T10:00:00Z alice GetObject e\\033[2J\n"
        "    k: \"a\" -> \"" +
            std::string(159, 'v') + "... (302 bytes)\n");
}

TEST_CASE("An input that changed after it was read is an error, not a change", "[event_diff]") {
  DiffSide left = side_of(line("e1", "2024-03-01T10:00:00Z", "GetObject"));
  DiffSide right = side_of("");
  auto match = trailsift::match_events(left.digests, right.digests);
  REQUIRE(match);
  REQUIRE(match->changes.size() == 1);
  std::string output;
  auto write = [&](std::string_view text) { output += text; };

  change_copy(left, line("e1", "2024-03-01T10:00:00Z", "DeleteBucket"));
  auto errors = trailsift::write_changes(match->changes, left, right, {}, write);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].to_string() ==
        "-: record 1: changed since diff read it: the record is not the same");

  change_copy(left, "");
  errors = trailsift::write_changes(match->changes, left, right, {}, write);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].to_string() ==
        "-: changed since diff read it: 1 of its records could not be read again");
  CHECK(output.empty());
}
