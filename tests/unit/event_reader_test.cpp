// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include "test_support.hpp"
#include "trailsift/event_format.hpp"

using trailsift::Event;
using trailsift::EventReader;
using trailsift::Visit;
using trailsift::test::gzip;
using trailsift::test::read_all;

namespace {

constexpr std::string_view kRecordA =
    R"({"eventVersion":"1.08","userIdentity":{"type":"IAMUser","userName":"alice","accessKeyId":"AKIAEXAMPLE"},"eventTime":"2024-03-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"DeleteBucket","awsRegion":"us-east-1","readOnly":false,"requestParameters":{"bucketName":"evidence"}})";
constexpr std::string_view kRecordB =
    R"({"eventVersion":"1.08","userIdentity":{"type":"Root","arn":"arn:aws:iam::111122223333:root"},"eventTime":"2024-03-01T12:05:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","readOnly":"true"})";

std::string records_file(std::initializer_list<std::string_view> records) {
  std::string text = R"({"Records":[)";
  for (std::string_view record : records) {
    if (text.back() != '[') text += ',';
    text += record;
  }
  return text + "]}";
}

}  // namespace

TEST_CASE("A log file's records come out byte for byte - in order", "[event_reader]") {
  const auto got = read_all(records_file({kRecordA, kRecordB}));
  CHECK(got.report.ok());
  CHECK(got.report.not_events.empty());
  CHECK(got.report.events == 2);
  REQUIRE(got.json.size() == 2);
  CHECK(got.json[0] == kRecordA);
  CHECK(got.json[1] == kRecordB);
  CHECK(got.names == std::vector<std::string>{"DeleteBucket", "ConsoleLogin"});
  CHECK(got.records == std::vector<std::uint64_t>{1, 2});
}

TEST_CASE("Fields are read whatever their JSON type", "[event_reader]") {
  EventReader reader;
  std::vector<std::string> read_only;
  auto report = reader.read_bytes("x", records_file({kRecordA, kRecordB}), [&](const Event& event) {
    read_only.emplace_back(event.read_only);
    return Visit::kContinue;
  });
  CHECK(read_only == std::vector<std::string>{"false", "true"});
}

TEST_CASE("Every input shape gives the same records", "[event_reader]") {
  const std::string log_file = records_file({kRecordA, kRecordB});
  const std::string bare_array = "[" + std::string(kRecordA) + "," + std::string(kRecordB) + "]";
  const std::string ndjson = std::string(kRecordA) + "\r\n\n" + std::string(kRecordB) + "\n";
  const std::string pretty = "{\n  \"Records\": [\n    " + std::string(kRecordA) + ",\n    " +
                             std::string(kRecordB) + "\n  ]\n}\n";
  const std::string record_per_line =
      "{\"Records\":[\n" + std::string(kRecordA) + ",\n" + std::string(kRecordB) + "\n]}\n";
  for (const std::string& input :
       {log_file, bare_array, ndjson, pretty, record_per_line, gzip(log_file), gzip(ndjson)}) {
    const auto got = read_all(input);
    INFO(input.substr(0, 40));
    CHECK(got.report.ok());
    CHECK(got.names == std::vector<std::string>{"DeleteBucket", "ConsoleLogin"});
    CHECK(got.json == std::vector<std::string>{std::string(kRecordA), std::string(kRecordB)});
  }
}

TEST_CASE("One record on a line of its own inside Records is not NDJSON", "[event_reader]") {
  const auto got = read_all("{\"Records\":[\n" + std::string(kRecordA) + "\n]}\n");
  CHECK(got.report.ok());
  CHECK(got.names == std::vector<std::string>{"DeleteBucket"});
}

TEST_CASE("NDJSON errors name the line - and the other lines still count", "[event_reader]") {
  const std::string ndjson =
      std::string(kRecordA) + "\n{\"eventName\": broken}\n" + std::string(kRecordB) + "\n";
  const auto got = read_all(ndjson, "lines.jsonl");
  CHECK(got.names == std::vector<std::string>{"DeleteBucket", "ConsoleLogin"});
  REQUIRE(got.report.errors.size() == 1);
  CHECK(got.report.errors[0].line == 2u);
  // The byte is where the parser stopped: the unquoted word on line 2.
  const std::size_t broken_at = kRecordA.size() + 1 + std::string_view(R"({"eventName": )").size();
  CHECK(got.report.errors[0].to_string() ==
        "lines.jsonl: line 2: record 2: byte " + std::to_string(broken_at) +
            ": invalid JSON: The JSON document has an improper structure: missing or superfluous "
            "commas, braces, missing keys, etc.");
}

TEST_CASE("Pretty-printed records are made compact for output - strings untouched",
          "[event_reader]") {
  const std::string pretty =
      "[\n {\n  \"eventName\" : \"A B\",\n  \"n\": 1.50,\n  \"s\": \"x\\u003dy\"\n }\n]";
  const auto got = read_all(pretty);
  REQUIRE(got.json.size() == 1);
  std::string compact;
  trailsift::append_compact_json(compact, got.json[0]);
  CHECK(compact == R"({"eventName":"A B","n":1.50,"s":"x\u003dy"})");
}

TEST_CASE("lookup-events output gives the inner record and its own Username", "[event_reader]") {
  std::string inner;
  trailsift::append_json_string(inner, kRecordA);
  const std::string event =
      R"({"EventId":"e1","EventName":"DeleteBucket","Username":"alice-console","Resources":[{"ResourceType":"AWS::S3::Bucket","ResourceName":"evidence"}],"CloudTrailEvent":)" +
      inner + "}";
  const std::string no_username = R"({"EventId":"e2","CloudTrailEvent":)" + inner + "}";
  for (const std::string& input :
       {"{\"Events\":[" + event + "," + no_username + "],\"NextToken\":\"t\"}",
        event + "\n" + no_username + "\n"}) {
    const auto got = read_all(input);
    CHECK(got.report.ok());
    CHECK(got.json == std::vector<std::string>{std::string(kRecordA), std::string(kRecordA)});
    CHECK(got.usernames == std::vector<std::string>{"alice-console", ""});
  }
}

TEST_CASE("Keys with escapes are read as jq reads them", "[event_reader]") {
  // Keys are matched as written first (the fast way), then unescaped when they hold an escape.
  const std::string record =
      R"({"event\u004eame":"DeleteBucket","userIdentity":{"type":"IAMUser","user\u004eame":"bob"}})";
  const std::string repeated = R"({"eventName":"A","event\u004eame":"B"})";
  for (const std::string& input :
       {R"({"Re\u0063ords":[)" + record + "," + repeated + "]}", record + "\n" + repeated + "\n"}) {
    const auto got = read_all(input);
    INFO(input);
    CHECK(got.names == std::vector<std::string>{"DeleteBucket", "B"});
    CHECK(got.usernames == std::vector<std::string>{"bob", ""});
    REQUIRE(got.report.errors.size() == 1);  // the second record's key, twice
    CHECK(got.report.errors[0].message.find("'eventName' appears twice") != std::string::npos);
  }
}

TEST_CASE("One reader reads input after input, each on its own", "[event_reader]") {
  // The reader keeps the memory of one whole input for the next: nothing of it may show.
  EventReader reader;
  std::vector<std::string> json;
  const auto collect = [&](const Event& event) {
    json.emplace_back(event.json);
    return Visit::kContinue;
  };
  reader.read_bytes("long", records_file({kRecordA, kRecordB, kRecordA}), collect);
  json.clear();
  const auto report = reader.read_bytes("short", gzip(records_file({kRecordB})), collect);
  CHECK(report.ok());
  CHECK(json == std::vector<std::string>{std::string(kRecordB)});
  json.clear();
  const auto cut = reader.read_bytes("cut", R"({"Records":[)" + std::string(kRecordB), collect);
  CHECK_FALSE(cut.ok());
  CHECK(json == std::vector<std::string>{std::string(kRecordB)});
}

TEST_CASE("With required literals, a log file's records without one are counted, not parsed",
          "[event_reader]") {
  EventReader reader;
  reader.set_required_literals({"deletebucket"});  // either case
  std::vector<std::uint64_t> records;
  const auto collect = [&](const Event& event) {
    records.push_back(event.record);
    return Visit::kContinue;
  };
  const std::string broken_b =
      "{\"eventName\":\"ConsoleLogin\",\"x\":tru}";  // not parsed: no error
  auto report =
      reader.read_bytes("some.json", records_file({kRecordB, kRecordA, broken_b}), collect);
  CHECK(records == std::vector<std::uint64_t>{2});
  CHECK(report.records == 3);
  CHECK(report.unparsed_records == 2);
  CHECK_FALSE(report.unparsed);
  CHECK(report.ok());

  records.clear();  // none: the file is left whole
  report = reader.read_bytes("none.json", records_file({kRecordB, kRecordB}), collect);
  CHECK(records.empty());
  CHECK(report.unparsed);

  records.clear();  // a \u escape of one of the literal's letters: every record is parsed
  const std::string escaped =
      R"({"eventName":"Delete\u0042ucket","eventTime":"2024-03-01T12:00:00Z"})";
  report = reader.read_bytes("escaped.json", records_file({kRecordA, kRecordB, escaped}), collect);
  CHECK(records == std::vector<std::uint64_t>{1, 2, 3});
  CHECK(report.unparsed_records == 0);

  records.clear();  // not a log file (NDJSON): every record is parsed
  report = reader.read_bytes("lines.json", std::string(kRecordA) + "\n" + std::string(kRecordB),
                             collect);
  CHECK(records == std::vector<std::uint64_t>{1, 2});
}

TEST_CASE("With required literals, a log file read in chunks is screened batch by batch",
          "[event_reader]") {
  const std::string broken_b = "{\"eventName\":\"ConsoleLogin\",\"x\":tru}";
  const std::string escaped =
      R"({"eventName":"Delete\u0042ucket","eventTime":"2024-03-01T12:00:00Z"})";
  for (const std::size_t chunk : {std::size_t{64}, std::size_t{150}, std::size_t{4096}}) {
    INFO("chunks of " << chunk);
    trailsift::ReadLimits limits;
    limits.whole_bytes = 0;  // never read whole
    limits.chunk_bytes = chunk;
    EventReader reader(limits);
    reader.set_required_literals({"deletebucket"});
    std::vector<std::uint64_t> records;
    const auto collect = [&](const Event& event) {
      records.push_back(event.record);
      return Visit::kContinue;
    };
    auto report = reader.read_bytes(
        "some.json", records_file({kRecordB, kRecordA, broken_b, kRecordB, kRecordA}), collect);
    CHECK(records == std::vector<std::uint64_t>{2, 5});
    CHECK(report.records == 5);
    CHECK(report.unparsed_records == 3);
    CHECK(report.ok());

    records.clear();  // the batch with the escape is parsed whole: its record is found
    report =
        reader.read_bytes("escaped.json", records_file({kRecordB, kRecordB, escaped}), collect);
    CHECK(std::find(records.begin(), records.end(), 3) != records.end());
    CHECK(report.records == 3);

    records.clear();  // not a log file (NDJSON): every record is parsed
    report = reader.read_bytes(
        "lines.json", std::string(kRecordB) + "\n" + std::string(kRecordA) + "\n", collect);
    CHECK(records == std::vector<std::uint64_t>{1, 2});
    CHECK(report.unparsed_records == 0);
  }
}

TEST_CASE("A record that is not an object is reported - its neighbours are read",
          "[event_reader]") {
  const auto got = read_all(R"({"Records":[)" + std::string(kRecordA) + R"(,5,"x",)" +
                            std::string(kRecordB) + "]}");
  CHECK(got.names == std::vector<std::string>{"DeleteBucket", "ConsoleLogin"});
  CHECK(got.records == std::vector<std::uint64_t>{1, 4});
  REQUIRE(got.report.errors.size() == 2);
  // The byte is where the value starts.
  const std::size_t five_at = std::string_view(R"({"Records":[)").size() + kRecordA.size() + 1;
  CHECK(got.report.errors[0].to_string() ==
        "input.json: record 2: byte " + std::to_string(five_at) + ": not a JSON object");
  CHECK(got.report.errors[1].record == 3u);
}

TEST_CASE("Broken JSON is an error with a position", "[event_reader]") {
  for (std::string_view input :
       {R"({"Records":[{"eventName":"A"},)", R"({"Records":[{"eventName":"A}]})",
        R"({"Records":[{"eventName" "A"}]})"}) {
    const auto got = read_all(input);
    INFO(input);
    REQUIRE_FALSE(got.report.ok());
    CHECK(got.report.errors[0].message.starts_with("invalid JSON: "));
  }
}

TEST_CASE("Data after the document is an error", "[event_reader]") {
  const std::string text = records_file({kRecordA}) + " x";
  const auto got = read_all(text);
  CHECK(got.names.size() == 1);
  REQUIRE(got.report.errors.size() == 1);
  CHECK(got.report.errors[0].to_string() ==
        "input.json: byte " + std::to_string(text.size() - 1) +
            ": unexpected data after the end of the JSON document");
}

TEST_CASE("Concatenated documents are read one after the other", "[event_reader]") {
  // What `zcat *.json.gz | trailsift filter` sees.
  const auto got = read_all(records_file({kRecordA}) + records_file({kRecordB}) + "\n[" +
                            std::string(kRecordA) + "]\n");
  CHECK(got.report.ok());
  CHECK(got.names == std::vector<std::string>{"DeleteBucket", "ConsoleLogin", "DeleteBucket"});
}

TEST_CASE("Inputs without events say what they are", "[event_reader]") {
  CHECK(read_all(R"({"digestStartTime":"2024-03-01T00:00:00Z","logFiles":[]})").report.not_events ==
        "a CloudTrail digest file");
  CHECK(read_all(R"({"PublicKeyList":[]})").report.not_events ==
        "JSON without CloudTrail events (no Records, Events or record fields)");
  CHECK(read_all(R"([{"Key":"a"},{"Key":"b"}])").report.not_events ==
        "JSON without CloudTrail events (no Records, Events or record fields)");
  CHECK(read_all("42").report.not_events == "JSON that is neither an object nor an array");
  CHECK(read_all("eventTime,eventName,userName\n2024-03-01,ConsoleLogin,bob\n").report.not_events ==
        "what looks like CSV, not JSON (for the console's download, choose JSON)");
  CHECK(read_all("Mar  1 10:00:00 host sshd: accepted\n").report.not_events ==
        "what looks like text, not JSON");
  // Brackets that open no JSON value: a log line, a Python dict.
  CHECK(read_all("[INFO] started\n[WARN] slow\n").report.not_events ==
        "what looks like text, not JSON");
  CHECK(read_all("{'eventName': 'ConsoleLogin'}\n").report.not_events ==
        "what looks like text, not JSON");
  CHECK(read_all("<?xml version=\"1.0\"?>\n<Error><Code>AccessDenied</Code></Error>\n")
            .report.not_events ==
        "what looks like XML or HTML, not JSON (an S3 error page saved as an object?)");
  CHECK(read_all(std::string("PK\x03\x04\x14\0\0\0", 8)).report.not_events ==
        "a zip archive, not JSON or gzip (unzip it first)");
  CHECK(read_all("BZh91AY&SY").report.not_events ==
        "bzip2 data, not JSON or gzip (bunzip2 it first)");
  CHECK(read_all(std::string("\xFD"
                             "7zXZ\0\0",
                             7))
            .report.not_events == "xz data, not JSON or gzip (unxz it first)");
  CHECK(read_all("\x28\xB5\x2F\xFD\x24").report.not_events ==
        "zstd data, not JSON or gzip (unzstd it first)");
  CHECK(read_all(std::string("\x7F"
                             "ELF\x02\x01",
                             6))
            .report.not_events == "binary data, not JSON or gzip");
  for (std::string_view empty : {"", "  \n", R"({"Records":[]})", "[]"}) {
    const auto got = read_all(empty);
    CHECK(got.report.ok());
    CHECK(got.report.not_events.empty());
    CHECK(got.report.events == 0);
  }
}

TEST_CASE("A visitor can stop the read", "[event_reader]") {
  EventReader reader;
  int seen = 0;
  auto report = reader.read_bytes(
      "x", records_file({kRecordA, kRecordB, kRecordA}),
      [&](const Event&) { return ++seen == 2 ? Visit::kStop : Visit::kContinue; });
  CHECK(seen == 2);
  CHECK(report.events == 2);
}

TEST_CASE("Gzip: multi-member - truncated - trailing garbage - size cap", "[event_reader][input]") {
  const std::string text = records_file({kRecordA});
  const std::string compressed = gzip(text);
  SECTION("members are concatenated as gzip -d does") {
    const std::string ndjson_a = std::string(kRecordA) + "\n";
    const std::string ndjson_b = std::string(kRecordB) + "\n";
    CHECK(read_all(gzip(ndjson_a) + gzip(ndjson_b)).names.size() == 2);
  }
  SECTION("truncated") {
    // The byte is where the member that broke starts: where an inflater notices it depends on
    // how much it was handed at a time. Records inflated before the cut are read.
    const std::string truncated = compressed.substr(0, compressed.size() - 10);
    const auto got = read_all(truncated, "t.json.gz");
    REQUIRE(got.report.errors.size() == 1);
    CHECK(got.report.errors[0].to_string() ==
          "t.json.gz: byte 0: truncated gzip data (in the gzip member that starts here)");
  }
  SECTION("trailing garbage") {
    const auto got = read_all(compressed + "garbage", "g.json.gz");
    REQUIRE(got.report.errors.size() == 1);
    CHECK(got.report.errors[0].message == "unexpected data after the end of the gzip stream");
    CHECK(got.report.errors[0].offset == compressed.size());
  }
  SECTION("size cap") {
    EventReader reader(trailsift::ReadLimits{100});
    auto report =
        reader.read_bytes("big.json.gz", compressed, [](const Event&) { return Visit::kContinue; });
    REQUIRE(report.errors.size() == 1);
    CHECK(report.errors[0].to_string() ==
          "big.json.gz: input is larger than the --max-size limit of 100 bytes");
  }
}

TEST_CASE("Huge records and lines are read", "[event_reader]") {
  std::string big =
      R"({"eventName":"Big","requestParameters":{"policy":")" + std::string(5 << 20, 'x') + "\"}}";
  const auto got = read_all(big + "\n" + big + "\n");
  CHECK(got.report.ok());
  CHECK(got.names == std::vector<std::string>{"Big", "Big"});
}
