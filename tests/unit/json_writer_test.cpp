// SPDX-License-Identifier: MIT
#include "json_writer.hpp"

#include <cstdint>
#include <optional>
#include <string>

#include <catch2/catch.hpp>

using trailsift::detail::JsonWriter;

TEST_CASE("JsonWriter places commas between values and members, never after the last") {
  std::string out;
  JsonWriter json(out);
  json.begin_object().num("a", 1).begin_array("list");
  json.number(std::uint64_t{18446744073709551615u}).number(-3).string("x").boolean(false).null();
  json.begin_object().end_object().begin_array().end_array().end_array();
  json.begin_object("nested").str("b", "c").begin_object("d").end_object().end_object();
  json.boolean("t", true).null("n").raw("r", "[1,2]").empty_object("e").end_object();
  CHECK(out == R"({"a":1,"list":[18446744073709551615,-3,"x",false,null,{},[]],)"
               R"("nested":{"b":"c","d":{}},"t":true,"n":null,"r":[1,2],"e":{}})");
}

TEST_CASE("JsonWriter appends to what the string holds and can write several documents") {
  std::string out = "prefix ";
  JsonWriter(out).begin_array().number(1).end_array();
  out += '\n';
  JsonWriter(out).begin_array().number(2).end_array();
  CHECK(out == "prefix [1]\n[2]");
}

TEST_CASE("JsonWriter escapes quotes, backslashes and every control character in keys and values") {
  std::string out;
  JsonWriter json(out);
  const std::string controls = std::string("a\"b\\c\nd\re\tf") + '\0' + "\x01\x1f\x7f";
  json.begin_object().str(controls, controls).end_object();
  const std::string escaped = R"("a\"b\\c\nd\re\tf\u0000\u0001\u001f)"
                              "\x7f\"";
  CHECK(out == "{" + escaped + ":" + escaped + "}");
}

TEST_CASE("JsonWriter passes other bytes through, invalid UTF-8 too, as trailsift always has") {
  // Records are printed as they were read; a value is never altered to make it valid UTF-8.
  std::string out;
  JsonWriter(out).string("caf\xc3\xa9 \xff\xfe \xe2\x82");
  CHECK(out == "\"caf\xc3\xa9 \xff\xfe \xe2\x82\"");
}

TEST_CASE("JsonWriter writes times as ISO 8601 strings and absent values as null") {
  std::string out;
  JsonWriter json(out);
  json.begin_array().time(0).time(1709294400).time_or_null(std::nullopt);
  json.time_or_null(std::optional<std::int64_t>(-1)).string_or_null("").string_or_null("v");
  json.end_array();
  CHECK(out == R"(["1970-01-01T00:00:00Z","2024-03-01T12:00:00Z",null,)"
               R"("1969-12-31T23:59:59Z",null,"v"])");
}

TEST_CASE("JsonWriter's line breaks go after the comma, before a key, value or closing bracket") {
  std::string out;
  JsonWriter json(out);
  json.begin_object().num("a", 1).line_break().begin_array("rows");
  json.line_break().number(1).line_break().number(2).line_break().end_array();
  json.line_break().begin_array("empty").end_array().end_object();
  CHECK(out == "{\"a\":1,\n\"rows\":[\n1,\n2\n],\n\"empty\":[]}");
}

TEST_CASE("JsonWriter's custom values are written inside quotes, unescaped") {
  std::string out;
  JsonWriter(out).begin_object().custom("k", [](std::string& o) { o += "abc"; }).end_object();
  CHECK(out == R"({"k":"abc"})");
}
