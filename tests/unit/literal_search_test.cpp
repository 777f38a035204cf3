// SPDX-License-Identifier: MIT
#include "literal_search.hpp"

#include <random>
#include <string>

#include <catch2/catch.hpp>

using trailsift::detail::find_literal;
using trailsift::detail::find_literal_ignoring_case;
using trailsift::detail::Vectors;

namespace {
// Each instruction set the processor has (a later one falls back to the best it has).
constexpr Vectors kEveryVectors[] = {Vectors::kBaseline, Vectors::kAvx2, Vectors::kAvx512};
}  // namespace

TEST_CASE("find_literal finds what std::string_view::find finds, at every position") {
  std::mt19937 random(7);
  std::uniform_int_distribution<int> letter('a', 'c');  // few letters: many near misses
  for (int round = 0; round < 2000; ++round) {
    std::string text(random() % 300, ' ');
    for (char& c : text) c = static_cast<char>(letter(random));
    std::string needle(1 + random() % 6, ' ');
    for (char& c : needle) c = static_cast<char>(letter(random));
    const std::size_t from = text.empty() ? 0 : random() % (text.size() + 2);
    for (const Vectors vectors : kEveryVectors) {
      INFO("text '" << text << "', needle '" << needle << "', from " << from);
      REQUIRE(find_literal(text, needle, from, vectors) ==
              std::string_view(text).find(needle, from));
    }
  }
}

TEST_CASE("find_literal: a needle at the very end, across blocks, and absent") {
  const std::string text = std::string(100, 'x') + "ConsoleLogin";
  CHECK(find_literal(text, "ConsoleLogin") == 100);
  CHECK(find_literal(text, "ConsoleLogins") == std::string_view::npos);
  CHECK(find_literal(text, "xC") == 99);
  CHECK(find_literal(text, "", 5) == 5);
  CHECK(find_literal("", "a") == std::string_view::npos);
  CHECK(find_literal(text, "x", 200) == std::string_view::npos);
}

TEST_CASE("find_literal_ignoring_case folds ASCII letters only") {
  std::mt19937 random(11);
  const std::string alphabet = "aAbB@`[{";  // letters, and the bytes the 0x20 bit confuses
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  const auto fold = [](std::string text) {
    for (char& c : text) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return text;
  };
  for (int round = 0; round < 2000; ++round) {
    std::string text(random() % 300, ' ');
    for (char& c : text) c = alphabet[pick(random)];
    std::string needle(1 + random() % 5, ' ');
    for (char& c : needle) c = alphabet[pick(random)];
    for (const Vectors vectors : kEveryVectors) {
      INFO("text '" << text << "', needle '" << needle << "'");
      REQUIRE(find_literal_ignoring_case(text, needle, 0, vectors) ==
              std::string_view(fold(text)).find(fold(needle)));
    }
  }
  CHECK(find_literal_ignoring_case(std::string(40, '-') + "CONSOLElogin", "consoleLogin") == 40);
}
