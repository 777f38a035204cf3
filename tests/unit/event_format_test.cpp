// SPDX-License-Identifier: MIT
#include "trailsift/event_format.hpp"

#include <catch2/catch.hpp>

#include "test_support.hpp"

TEST_CASE("JSON strings are escaped", "[event_format]") {
  std::string out;
  trailsift::append_json_string(out, "a\"b\\c\nd\x01");
  CHECK(out == R"("a\"b\\c\nd\u0001")");
  out.clear();
  trailsift::append_json_string(out, "plain \x7f caf\xc3\xa9\r\t\x1f end");
  CHECK(out == "\"plain \x7f caf\xc3\xa9\\r\\t\\u001f end\"");  // DEL and UTF-8 as they are
}

TEST_CASE("CSV fields are quoted only when needed", "[event_format]") {
  std::string out;
  trailsift::append_csv_field(out, "plain");
  out += ',';
  trailsift::append_csv_field(out, "has,comma and \"quote\"");
  CHECK(out == R"(plain,"has,comma and ""quote""")");
}

TEST_CASE("A CSV row has the console's columns", "[event_format]") {
  const auto got = trailsift::test::read_all(
      R"({"eventTime":"2024-03-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"DeleteBucket","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.7","userAgent":"aws-cli/2, x","requestID":"r1","eventID":"e1","readOnly":false,"eventType":"AwsApiCall","recipientAccountId":"111122223333","eventCategory":"Management","userIdentity":{"type":"IAMUser","userName":"alice","accessKeyId":"AKIA1"},"requestParameters":{"bucketName":"evidence"}})");
  REQUIRE(got.json.size() == 1);
  std::string csv;
  trailsift::EventReader reader;
  auto report = reader.read_bytes("x", got.json[0], [&](const trailsift::Event& event) {
    CHECK(trailsift::append_console_csv_row(csv, event));
    return trailsift::Visit::kContinue;
  });
  CHECK(csv ==
        "alice,AKIA1,2024-03-01T12:00:00Z,s3.amazonaws.com,DeleteBucket,us-east-1,203.0.113.7,"
        "\"aws-cli/2, x\",,\"[{\"\"resourceType\"\":\"\"AWS::S3::Bucket\"\",\"\"resourceName\"\":"
        "\"\"evidence\"\"}]\",r1,e1,false,AwsApiCall,111122223333,Management\n");
  std::string header;
  trailsift::append_console_csv_header(header);
  CHECK(header.starts_with("User name,AWS access key,Event time,"));
  CHECK(header.ends_with(",Recipient Account Id,Event category\n"));
}

TEST_CASE("Tables align on code points and escape control characters", "[event_format]") {
  const std::string table = trailsift::format_table(
      {{"A", "B"}, {"\xc3\xa9t\xc3\xa9", "x"}, {"\x1b[31m", "y"}, {"a\tb\nc", "z"}});
  CHECK(table == "A         B\n\xc3\xa9t\xc3\xa9       x\n\\033[31m  y\na\\tb\\nc   z\n");
}

TEST_CASE("Marks around cells are not counted in the widths", "[event_format]") {
  const trailsift::CellPainter paint = [](std::size_t row, std::size_t column,
                                          std::string_view cell) -> trailsift::CellMarks {
    if (row == 0) return {"<b>", "</b>"};
    if (column == 1 && cell == "bad") return {"<r>", "</r>"};
    return {};
  };
  const std::string table = trailsift::format_table(
      {{"NAME", "ERROR", "N"}, {"alice", "bad", "1"}, {"b", "", "22"}}, paint);
  CHECK(table ==
        "<b>NAME</b>   <b>ERROR</b>  <b>N</b>\n"
        "alice  <r>bad</r>    1\n"
        "b             22\n");
  // Without marks, the same layout.
  CHECK(trailsift::format_table({{"NAME", "ERROR", "N"}, {"alice", "bad", "1"}, {"b", "", "22"}}) ==
        "NAME   ERROR  N\nalice  bad    1\nb             22\n");
}

TEST_CASE("Column names: snake_case keys, upper-case table titles", "[event_format]") {
  CHECK(trailsift::column_key("source-ip") == "source_ip");
  CHECK(trailsift::column_key("first_seen") == "first_seen");
  CHECK(trailsift::column_key("requestParameters.bucketName") == "requestParameters.bucketName");
  CHECK(trailsift::column_title("source-ip") == "SOURCE IP");
  CHECK(trailsift::column_title("left_count") == "LEFT COUNT");
  // Tables escape their cells: a title escaped here would be escaped twice.
  CHECK(trailsift::format_table({{trailsift::column_title("a\\b")}}) == "A\\\\B\n");
}

TEST_CASE("A delimited line is quoted for CSV and escaped for TSV", "[event_format]") {
  std::string csv;
  trailsift::append_delimited_line(csv, trailsift::Delimited::kCsv, {"a,b", "c\td", ""});
  CHECK(csv == "\"a,b\",c\td,\n");
  std::string tsv;
  trailsift::append_delimited_line(tsv, trailsift::Delimited::kTsv, {"a,b", "c\td", ""});
  CHECK(tsv == "a,b\tc\\td\t\n");
}
