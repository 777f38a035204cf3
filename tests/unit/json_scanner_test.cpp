// SPDX-License-Identifier: MIT
#include "json_scanner.hpp"

#include <algorithm>
#include <bit>
#include <cstddef>
#include <random>
#include <string>
#include <string_view>
#include <utility>

#include <catch2/catch.hpp>

using trailsift::detail::BlockBits;
using trailsift::detail::json_brackets_balance;
using trailsift::detail::json_container_length;
using trailsift::detail::json_string_length;
using trailsift::detail::JsonBlockScanner;
using trailsift::detail::Vectors;

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

/// Whether the brackets outside strings balance, one byte at a time. As in the scanner, a
/// backslash escapes the next byte wherever it is (in valid JSON, only in strings): an escaped
/// quote neither opens nor closes a string.
bool reference_brackets_balance(std::string_view text) {
  long depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : text) {
    const bool is_escaped = std::exchange(escaped, false);
    if (c == '\\' && !is_escaped) {
      escaped = true;
    } else if (c == '"' && !is_escaped) {
      in_string = !in_string;
    } else if (!in_string && (c == '{' || c == '[')) {
      ++depth;
    } else if (!in_string && (c == '}' || c == ']') && --depth < 0) {
      return false;
    }
  }
  return depth == 0;
}

/// Random JSON-like text: brackets, quotes, backslashes (runs of them too), newlines, letters and
/// bytes above 127, so that block edges fall everywhere.
std::string random_json_like(std::mt19937& random, std::size_t length) {
  const std::string_view pieces[] = {"[",    "]",  "{", "}", "\"",       "\\",
                                     "\\\\", "\n", "a", ":", "\xC3\xA9", " "};
  std::string text;
  while (text.size() < length) text += pieces[random() % std::size(pieces)];
  return text;
}

constexpr Vectors kEveryVectors[] = {Vectors::kBaseline, Vectors::kAvx2, Vectors::kAvx512};

}  // namespace

TEST_CASE("Every instruction set classifies blocks alike", "[json_scanner]") {
  // The vector code (AVX2, AVX-512, each where this processor has it) against the baseline code,
  // block after block, carrying string and escape state across.
  std::mt19937 random(11);
  for (int round = 0; round < 300; ++round) {
    const std::string text = random_json_like(random, 64 * (1 + random() % 8));
    JsonBlockScanner baseline(Vectors::kBaseline);
    JsonBlockScanner avx2(Vectors::kAvx2);
    JsonBlockScanner avx512(Vectors::kAvx512);
    for (std::size_t start = 0; start + 64 <= text.size(); start += 64) {
      const BlockBits expected = baseline.scan(text.data() + start);
      CHECK(expected.opens == std::popcount(expected.open));
      CHECK(expected.closes == std::popcount(expected.close));
      for (JsonBlockScanner* scanner : {&avx2, &avx512}) {
        const BlockBits bits = scanner->scan(text.data() + start);
        INFO("round " << round << ", block at " << start);
        CHECK(bits.open == expected.open);
        CHECK(bits.close == expected.close);
        CHECK(bits.quote == expected.quote);
        CHECK(bits.newline == expected.newline);
        CHECK(bits.opens == expected.opens);
        CHECK(bits.closes == expected.closes);
      }
    }
  }
}

TEST_CASE("Brackets balance as counted one byte at a time", "[json_scanner]") {
  CHECK(json_brackets_balance(R"({"a":[1,{"b":"]}"}]})"));
  CHECK(json_brackets_balance(""));
  CHECK_FALSE(json_brackets_balance(R"({"a":"}"}})"));
  CHECK_FALSE(json_brackets_balance("]["));  // as many of each, but closed before opened
  CHECK_FALSE(json_brackets_balance(R"({"a":"\\"}})"));
  std::mt19937 random(13);
  for (int round = 0; round < 3000; ++round) {
    // Balanced texts are rare at random: half the rounds nest random text in brackets.
    std::string text = random_json_like(random, random() % 400);
    if (round % 2 == 0) {
      text.erase(
          std::remove_if(text.begin(), text.end(),
                         [](char c) { return c == '"' || c == '\\' || c == '}' || c == ']'; }),
          text.end());
      std::string closing;
      for (const char c : text) {
        if (c == '{') closing.insert(closing.begin(), '}');
        if (c == '[') closing.insert(closing.begin(), ']');
      }
      text += closing;
    }
    const bool expected = reference_brackets_balance(text);
    for (const Vectors vectors : kEveryVectors) {
      INFO(text);
      CHECK(json_brackets_balance(text, vectors) == expected);
    }
  }
}

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
