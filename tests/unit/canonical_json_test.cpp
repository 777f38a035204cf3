// SPDX-License-Identifier: MIT
#include "trailsift/canonical_json.hpp"

#include <string>

#include <catch2/catch.hpp>

using trailsift::FieldDifference;
using trailsift::JsonCanonicalizer;

namespace {

std::string canonical(std::string_view json) {
  JsonCanonicalizer canonicalizer;
  auto result = canonicalizer.canonicalize(json);
  INFO(json);
  REQUIRE(result);
  return std::string(*result);
}

std::string error_of(std::string_view json) {
  JsonCanonicalizer canonicalizer;
  auto result = canonicalizer.canonicalize(json);
  INFO(json);
  REQUIRE_FALSE(result);
  return result.error().message;
}

}  // namespace

TEST_CASE("Key order and whitespace do not count", "[canonical_json]") {
  const std::string expected = R"({"a":{"c":null,"d":[1,true,false]},"b":"x"})";
  CHECK(canonical(R"({"b":"x","a":{"d":[1,true,false],"c":null}})") == expected);
  CHECK(canonical(
            "{\n  \"a\" : { \"c\" : null , \"d\" : [ 1 ,\ttrue , false ] } ,\r\n \"b\":\"x\"}\n") ==
        expected);
  CHECK(canonical("  []  ") == "[]");
  CHECK(canonical("{ }") == "{}");
}

TEST_CASE("Keys sort by their bytes - a repeated key keeps its last value, as in jq",
          "[canonical_json]") {
  CHECK(canonical(R"({"eventTime":1,"eventSource":2,"eventName":3,"b":4,"B":5,"":6})") ==
        R"({"":6,"B":5,"b":4,"eventName":3,"eventSource":2,"eventTime":1})");
  // Keys sharing their first eight bytes are compared in full.
  CHECK(canonical(R"({"requestParameters":1,"requestID":2,"request":3})") ==
        R"({"request":3,"requestID":2,"requestParameters":1})");
  CHECK(canonical(R"({"a":2,"a":1})") == R"({"a":1})");
  CHECK(canonical(R"({"a":1,"a":2})") == R"({"a":2})");
  CHECK(canonical(R"({"b":0,"a":2,"c":{"x":1,"x":[3]},"a":1})") ==
        R"({"a":1,"b":0,"c":{"x":[3]}})");
}

TEST_CASE("Strings are unescaped, then written with the fewest escapes", "[canonical_json]") {
  CHECK(canonical(R"(["\u00e9","é","\/","/","a\"b","\\","\u0009","\t","\u0001","\b\f\n\r"])") ==
        R"(["é","é","/","/","a\"b","\\","\t","\t","\u0001","\b\f\n\r"])");
  CHECK(canonical(R"(["\ud83d\ude00","😀","\u20AC"])") == R"(["😀","😀","€"])");
  // Escaped keys too, and they sort by their canonical text.
  CHECK(canonical(R"({"\u0062":1,"a":2})") == R"({"a":2,"b":1})");
  // Long strings, without and with escapes, cross the eight-byte steps.
  const std::string long_plain(100, 'x');
  CHECK(canonical("[\"" + long_plain + "\"]") == "[\"" + long_plain + "\"]");
  CHECK(canonical("[\"" + long_plain + "\\u0041" + long_plain + "\"]") ==
        "[\"" + long_plain + "A" + long_plain + "\"]");
}

TEST_CASE("Numbers are written by their exact decimal value", "[canonical_json]") {
  CHECK(canonical("[1.0,1e0,10E-1,1E+0,0.1e1]") == "[1,1,1,1,1]");
  CHECK(canonical("[0,-0,-0.0,0e5,0.000]") == "[0,0,0,0,0]");
  CHECK(canonical("[0.50,500.0,1.5e3,100,-1.25]") == "[0.5,500,1500,100,-1.25]");
  CHECK(canonical("[1e21,1e20,123e-20,1e-7,0.000001,8.82145e-05]") ==
        "[1e+21,100000000000000000000,1.23e-18,1e-7,0.000001,0.0000882145]");
  // No digit is lost, even where a double would lose it.
  CHECK(canonical("[12345678901234567890,0.1000000000000000001]") ==
        "[12345678901234567890,0.1000000000000000001]");
  CHECK(canonical("[12345678901234567890]") != canonical("[12345678901234567000]"));
}

TEST_CASE("Exponents beyond 10^15 are refused, never merged into one value", "[canonical_json]") {
  // Found by tests/fuzz/canonical_json_fuzz.cpp: exponents were read saturated at 10^15, so
  // 12e4167895634560993 and 1.2e+1000000000000001 had the same canonical form, and writing a
  // canonical form again changed it.
  CHECK(canonical("[1e1000000000000000,-1E-1000000000000000]") ==
        "[1e+1000000000000000,-1e-1000000000000000]");
  CHECK(canonical("[1e999999999999999]") == "[1e+999999999999999]");
  CHECK(canonical("[0.001e1000000000000003,0e99999999999999999999]") == "[1e+1000000000000000,0]");
  CHECK(error_of("[12e4167895634560993]") == "invalid JSON: a number out of range (byte 20)");
  CHECK(error_of("[10e1000000000000000]").starts_with("invalid JSON: a number out of range"));
  CHECK(error_of("[1e-1000000000000001]").starts_with("invalid JSON: a number out of range"));
  CHECK(error_of("[1e99999999999999999999999]").starts_with("invalid JSON: a number out of range"));
}

TEST_CASE("Invalid JSON has no canonical form", "[canonical_json]") {
  CHECK(error_of(R"({"a":})").starts_with("invalid JSON: an invalid value"));
  CHECK(error_of(R"({"a":1,})").starts_with("invalid JSON: a key is missing"));
  CHECK(error_of(R"({"a" 1})").starts_with("invalid JSON: a colon is missing"));
  CHECK(error_of(R"({"a":1 "b":2})").starts_with("invalid JSON: a comma or '}' is missing"));
  CHECK(error_of("[1 2]").starts_with("invalid JSON: a comma or ']' is missing"));
  CHECK(error_of("[01]").starts_with("invalid JSON:"));
  CHECK(error_of("[1.]").starts_with("invalid JSON:"));
  CHECK(error_of("[-]").starts_with("invalid JSON:"));
  CHECK(error_of("[1e]").starts_with("invalid JSON:"));
  CHECK(error_of("[tru]") == "invalid JSON: an invalid literal (byte 1)");
  CHECK(error_of(R"(["\ud800"])").starts_with("invalid JSON: a lone surrogate"));
  CHECK(error_of(R"(["\udc00"])").starts_with("invalid JSON: a lone surrogate"));
  CHECK(error_of(R"(["\x"])").starts_with("invalid JSON: an invalid escape"));
  CHECK(error_of(R"(["\u12G4"])").starts_with("invalid JSON: an invalid \\u escape"));
  CHECK(error_of("[\"a\x01\"]").starts_with("invalid JSON: a control character in a string"));
  CHECK(error_of("[\"abc").starts_with("invalid JSON: a string does not end"));
  CHECK(error_of("[\"\xff\"]") == "invalid JSON: invalid UTF-8 (byte 0)");
  CHECK(error_of("{} x").starts_with("invalid JSON: data after the end"));
  CHECK(error_of("\"text\"").starts_with("invalid JSON: not an object or an array"));
  CHECK(error_of("12").starts_with("invalid JSON: not an object or an array"));
  CHECK(error_of("").starts_with("invalid JSON: not an object or an array"));
  CHECK(error_of("[" + std::string(2000, '[')).starts_with("invalid JSON: nested too deeply"));
}

TEST_CASE("A canonicalizer is reusable after an error", "[canonical_json]") {
  JsonCanonicalizer canonicalizer;
  REQUIRE_FALSE(canonicalizer.canonicalize(R"({"a":[1,)"));
  auto result = canonicalizer.canonicalize(R"({"b":1,"a":2})");
  REQUIRE(result);
  CHECK(*result == R"({"a":2,"b":1})");
}

TEST_CASE("Field differences name dotted paths and both values", "[canonical_json]") {
  auto diff = [](std::string_view left, std::string_view right) {
    JsonCanonicalizer a;
    JsonCanonicalizer b;
    return trailsift::diff_canonical_json(*a.canonicalize(left), *b.canonicalize(right));
  };
  CHECK(diff(R"({"a":1,"b":{"c":"x"}})", R"({"b":{"c":"x"},"a":1.0})").empty());

  auto fields = diff(
      R"({"eventName":"A","userIdentity":{"arn":"x","type":"IAMUser"},"resources":[{"ARN":"r1"},{"ARN":"r2"}],"gone":null})",
      R"({"eventName":"B","userIdentity":{"arn":"y","type":"IAMUser"},"resources":[{"ARN":"r1"},{"ARN":"r3"}],"new":[1]})");
  REQUIRE(fields.size() == 5);
  CHECK(fields[0].path == "eventName");
  CHECK(fields[0].left == "\"A\"");
  CHECK(fields[0].right == "\"B\"");
  CHECK(fields[1].path == "gone");
  CHECK(fields[1].left == "null");
  CHECK_FALSE(fields[1].right);
  CHECK(fields[2].path == "new");
  CHECK_FALSE(fields[2].left);
  CHECK(fields[2].right == "[1]");
  CHECK(fields[3].path == "resources[1].ARN");
  CHECK(fields[4].path == "userIdentity.arn");
  CHECK(fields[4].right == "\"y\"");

  // Arrays of different lengths, and values of different types, are one difference each.
  fields = diff(R"({"a":[1,2],"b":{"c":1}})", R"({"a":[1,2,3],"b":"c"})");
  REQUIRE(fields.size() == 2);
  CHECK(fields[0].path == "a");
  CHECK(fields[0].left == "[1,2]");
  CHECK(fields[0].right == "[1,2,3]");
  CHECK(fields[1].path == "b");
  CHECK(fields[1].left == R"({"c":1})");

  // Keys with escapes are shown unescaped in paths.
  fields = diff(R"({"a\"b":{"c\\d":1}})", R"({"a\"b":{"c\\d":2}})");
  REQUIRE(fields.size() == 1);
  CHECK(fields[0].path == "a\"b.c\\d");
}
