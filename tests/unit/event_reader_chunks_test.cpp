// SPDX-License-Identifier: MIT
// The streaming reader must give exactly what reading whole gives, wherever the input is cut:
// every shape, every error, every record number, line and byte offset, with the raw bytes (gzip
// header included) and the inflated text cut at every possible boundary.
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "test_support.hpp"
#include "trailsift/event_reader.hpp"

using trailsift::Event;
using trailsift::EventReader;
using trailsift::ReadLimits;
using trailsift::ReadReport;
using trailsift::Visit;
using trailsift::test::gzip;

namespace {

constexpr std::string_view kA =
    R"({"eventVersion":"1.08","userIdentity":{"type":"IAMUser","userName":"alice"},"eventTime":"2024-03-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"DeleteBucket","requestParameters":{"bucketName":"b[1]}","policy":"{\"x\":\"y\\\\\"}"}})";
constexpr std::string_view kB =
    R"({"eventVersion":"1.08","userIdentity":{"type":"Root"},"eventTime":"2024-03-01T12:05:00Z","eventName":"ConsoleLogin","eventID":"e-\u00e9\"}"})";
constexpr std::string_view kC =
    R"({"eventName":"GetObject","eventTime":"2024-03-01T12:06:00Z","resources":[[[[]]]]})";

std::string join(std::initializer_list<std::string_view> parts, std::string_view separator) {
  std::string out;
  for (std::string_view part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

/// Everything a read hands out, in order, as text.
std::string transcript(EventReader& reader, std::string_view bytes, std::size_t raw_chunk) {
  std::string out;
  ReadReport report = reader.read_bytes(
      "in", bytes,
      [&](const Event& event) {
        out += fmt::format("event {} line {} name {} json {}\n", event.record, event.line,
                           event.event_name, event.json);
        return Visit::kContinue;
      },
      raw_chunk);
  for (const auto& error : report.errors) out += "error " + error.to_string() + "\n";
  for (const auto& warning : report.warnings) out += "warning " + warning.to_string() + "\n";
  out += fmt::format("events {} records {} bytes {} foreign {} not_events '{}'\n", report.events,
                     report.records, report.bytes, report.foreign_objects, report.not_events);
  return out;
}

ReadLimits streaming(std::size_t chunk) {
  ReadLimits limits;
  limits.whole_bytes = 0;  // never the whole-input fast path
  limits.chunk_bytes = chunk;
  return limits;
}

/// Reads `input` whole, then cut in every way, and checks that nothing changes. Plain text is also
/// read gzipped; gzip data is cut as it is.
void check_cuts(const std::string& label, const std::string& input) {
  const bool is_gzip = input.size() >= 2 && input[0] == '\x1f' && input[1] == '\x8b';
  EventReader whole_reader;
  const std::string expected = transcript(whole_reader, input, SIZE_MAX);
  INFO(label << "\ninput: " << input << "\nwhole:\n" << expected);
  for (std::size_t chunk = 1; chunk <= input.size() + 1 && !is_gzip; ++chunk) {
    EventReader reader(streaming(chunk));
    INFO("inflated text cut every " << chunk << " bytes");
    REQUIRE(transcript(reader, input, SIZE_MAX) == expected);
  }
  const std::string packed = is_gzip ? input : gzip(input);
  for (std::size_t raw_chunk = 1; raw_chunk <= packed.size() + 1; ++raw_chunk) {
    // Every other cut is inflated on a thread of its own, ahead of the framing.
    ReadLimits limits = streaming(7);
    limits.inflate_ahead = raw_chunk % 2 == 1;
    EventReader reader(limits);
    INFO("gzip cut every " << raw_chunk << " raw bytes, inflated ahead: " << limits.inflate_ahead);
    REQUIRE(transcript(reader, packed, raw_chunk) == expected);
  }
}

}  // namespace

TEST_CASE("Every shape reads the same whatever the cuts", "[event_reader][chunks]") {
  const std::string records = "{\"Records\":[" + join({kA, kB, kC}, ",") + "]}";
  check_cuts("log file", records);
  check_cuts("pretty log file",
             "{\n  \"Records\" : [\n    " + join({kA, kB, kC}, ",\n    ") + "\n  ]\n}\n");
  check_cuts("bare array", "[" + join({kA, kB}, " , ") + "]");
  check_cuts("NDJSON with CRLF and blank lines", join({kA, kB, "", kC}, "\r\n") + "\n\n");
  check_cuts("concatenated log files", records + records + "\n" + records);
  check_cuts("byte order mark", "\xEF\xBB\xBF" + records);
  check_cuts("wrapper key not first",
             "{\"NextToken\":\"x\",\"Events\":[{\"EventId\":\"1\",\"Username\":\"u\","
             "\"CloudTrailEvent\":\"{\\\"eventName\\\":\\\"StopLogging\\\"}\"}]}");
  check_cuts("escaped wrapper key", "{\"Rec\\u006frds\":[" + join({kA, kB}, ",") + "]}");
  check_cuts("two wrapper arrays",
             "{\"Records\":[" + std::string(kA) + "],\"Records\":[" + std::string(kB) + "]}");
  check_cuts("EventBridge",
             std::string("{\"version\":\"0\",\"detail-type\":\"AWS API Call via "
                         "CloudTrail\",\"resources\":[],\"detail\":") +
                 std::string(kA) + "}\n" +
                 "{\"detail-type\":\"AWS Console Sign In via CloudTrail\",\"detail\":" +
                 std::string(kB) + "}\n");
  check_cuts(
      "CloudWatch Logs filter-log-events",
      "{\"events\":[{\"logStreamName\":\"s\",\"timestamp\":1,\"message\":\"{\\\"eventName\\\":"
      "\\\"A\\\"}\",\"eventId\":\"1\"}],\"searchedLogStreams\":[]}");
  check_cuts("CloudWatch Logs subscription",
             "{\"messageType\":\"DATA_MESSAGE\",\"logGroup\":\"g\",\"logEvents\":[{\"id\":\"1\","
             "\"timestamp\":1,\"message\":\"{\\\"eventName\\\":\\\"B\\\"}\"}]}");
  check_cuts("CloudWatch Logs export", "2024-03-01T12:00:00.123Z " + std::string(kA) + "\n" +
                                           "2024-03-01T12:05:00Z " + std::string(kB) + "\n");
}

TEST_CASE("Every problem reads the same whatever the cuts", "[event_reader][chunks]") {
  check_cuts("empty", "");
  check_cuts("blank", " \n\t\n");
  check_cuts("not JSON", "eventTime,eventName,userName\n2024,ConsoleLogin,bob\n");
  check_cuts("a JSON scalar", "42");
  check_cuts("invalid UTF-8 in the second record", "{\"Records\":[" + std::string(kA) +
                                                       ",{\"eventName\":\"Bad\\xff\"}," +
                                                       std::string(kB) + "]}");
  check_cuts("a raw control character", "{\"Records\":[" + std::string(kA) +
                                            ",{\"eventName\":\"Bad\x01\"}," + std::string(kB) +
                                            "]}");
  check_cuts("an unclosed string at the end",
             "{\"Records\":[" + std::string(kA) + ",{\"eventName\":\"Bad}]}");
  check_cuts("a truncated log file",
             "{\"Records\":[" + std::string(kA) + "," + std::string(kB).substr(0, 40));
  check_cuts("elements that are not records",
             "[1," + std::string(kA) + ",\"x\",[2],{\"a\":1},null]");
  check_cuts("Records not an array", "{\"Records\":5}");
  check_cuts("data after the document", "{\"Records\":[" + std::string(kA) + "]} trailing");
  check_cuts("NDJSON with a broken line",
             join({kA, "{\"eventName\":\"cut", kB, "garbage", kC}, "\n"));
  check_cuts("NDJSON with a bad first line", join({"{\"eventName\":", kB, kC}, "\n"));
  check_cuts("a digest", R"({"digestStartTime":"2024-03-01T00:00:00Z","logFiles":[]})");
  check_cuts(
      "duplicate keys",
      R"([{"eventName":"A","eventName":"B"},{"userIdentity":{"type":"Root"},"userIdentity":{"userName":"u"}}])");
  check_cuts("missing comma between records",
             "{\"Records\":[" + std::string(kA) + " " + std::string(kB) + "]}");
  check_cuts("a record broken inside",
             "[" + std::string(kA) + ",{\"eventName\" \"x\"}," + std::string(kB) + "]");
  // Found by fuzz_event_reader: brackets that do not pair made simdjson walk off the record, and
  // the framer loop on a stray '}' in an array.
  check_cuts("record ends before it starts",
             R"({"Records":[{"userIdentity":{"":},"":},"":},"":}})");
  // Found by fuzz_event_reader_chunks: a member object that starts with no key ended early when
  // its record was read alone, so data after it was an error in one read and not in another.
  check_cuts("an object that starts with no key", R"({"Events":[a,{"requestParameters":{o}})");
  check_cuts(
      "an object that starts with no key, whole",
      R"({"Records":[{"eventName":"A","requestParameters":{ec2.com\"}}"},{"eventName":"B"}]})");
  // Found by fuzz_event_reader: answers about a malformed record depended on buffer padding.
  check_cuts("padding",
             R"({"CloudTrailEvent":"{\"e\":\"ye\":\"t\"}"}{"CloudTrailEvent":"}loudT:eising\"}"})");
}

TEST_CASE("Zero padding after gzip data is a warning - other data an error",
          "[event_reader][chunks]") {
  const std::string records = "{\"Records\":[" + std::string(kA) + "]}";
  check_cuts("gzip, zeros", gzip(records) + std::string(9, '\0'));
  check_cuts("gzip, garbage", gzip(records) + "xyz");
  check_cuts("two gzip members", gzip(records) + gzip(records));
}
