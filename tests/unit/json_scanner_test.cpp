// SPDX-License-Identifier: MIT
#include "json_scanner.hpp"

#include <cstddef>
#include <random>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

using trailsift::detail::json_container_length;
using trailsift::detail::json_string_length;

namespace {

/// The length of the container opening at text[0], one byte at a time: the reference the
/// 64-byte block scanner must agree with.
std::size_t reference_container_length(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if ((c == '}' || c == ']') && --depth == 0) {
      return i + 1;
    }
  }
  return 0;
}

}  // namespace

TEST_CASE("A container's length counts brackets outside strings only", "[json_scanner]") {
  CHECK(json_container_length("{}") == 2);
  CHECK(json_container_length("[]...") == 2);
  CHECK(json_container_length(R"({"a":"}]","b":[1,{"c":"\"}"}]},7)") == 30);
  CHECK(json_container_length(R"(["\\"],1)") == 6);
  CHECK(json_container_length("[[1,2]") == 0);   // never closes
  CHECK(json_container_length(R"(["]])") == 0);  // the string never closes
}

TEST_CASE("A container's length is right across 64-byte blocks", "[json_scanner]") {
  // Random nesting and strings holding brackets, escaped quotes and backslashes, at every length
  // up to 300 bytes: block edges fall inside strings, escapes and runs of brackets.
  std::mt19937 random(7);
  const std::string_view outside[] = {"[", "]", "{", "}", ",", "1", "\"\""};
  const std::string_view inside[] = {"a", "]", "[", "}", "{", "\\\"", "\\\\"};
  for (int round = 0; round < 2000; ++round) {
    std::string text = "[";
    const std::size_t length = random() % 300;
    while (text.size() < length) {
      const std::string_view piece = outside[random() % std::size(outside)];
      if (piece != "\"\"") {
        text += piece;
        continue;
      }
      text += '"';
      for (std::size_t n = random() % 80; n > 0; --n) text += inside[random() % std::size(inside)];
      text += '"';
    }
    text += "]]]]}}}}]]]]]]]]";
    INFO(text);
    CHECK(json_container_length(text) == reference_container_length(text));
  }
}

TEST_CASE("A string's length honours escapes", "[json_scanner]") {
  CHECK(json_string_length(R"("")") == 2);
  CHECK(json_string_length(R"("a\"b",)") == 6);
  CHECK(json_string_length(R"("a\\",)") == 5);
  CHECK(json_string_length(R"("open)") == 0);
}
