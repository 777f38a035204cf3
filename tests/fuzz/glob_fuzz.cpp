// SPDX-License-Identifier: MIT
// Fuzz target: glob_match and TextPattern against a reference matcher: the pattern is first cut
// into tokens, then matched by dynamic programming over (token, text position), which is
// polynomial by construction. The input is one flags byte (bit 0: ignore case), the pattern, a
// zero byte, then the text.
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "trailsift/text_pattern.hpp"

namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

struct Token {
  enum Kind { kLiteral, kAnyOne, kAnyRun, kClass } kind = kLiteral;
  char literal = 0;
  bool negate = false;
  std::vector<std::pair<char, char>> ranges;  // inclusive, as written

  /// With ignore_case, a letter stands for both its cases, in the text as in the pattern.
  bool matches(char c, bool ignore_case) const {
    if (kind == kAnyOne) return true;
    if (kind == kLiteral) return c == literal || (ignore_case && lower(c) == lower(literal));
    auto in_ranges = [&](char x) {
      for (const auto& [low, high] : ranges) {
        if (x >= low && x <= high) return true;
      }
      return false;
    };
    const bool in = in_ranges(c) || (ignore_case && (in_ranges(lower(c)) || in_ranges(upper(c))));
    return in != negate;
  }
};

/// The documented syntax: `*`, `?`, `[...]` with `!` or `^`, ranges and `\` escapes (a `]`
/// first in a class is itself), an unclosed `[` is a literal, `\` makes the next one literal.
std::vector<Token> tokenize(std::string_view pattern) {
  std::vector<Token> tokens;
  for (std::size_t i = 0; i < pattern.size();) {
    Token token;
    const char c = pattern[i];
    if (c == '*') {
      token.kind = Token::kAnyRun;
      ++i;
    } else if (c == '?') {
      token.kind = Token::kAnyOne;
      ++i;
    } else if (c == '\\' && i + 1 < pattern.size()) {
      token.literal = pattern[i + 1];
      i += 2;
    } else if (c == '[') {
      std::size_t j = i + 1;
      token.negate = j < pattern.size() && (pattern[j] == '!' || pattern[j] == '^');
      if (token.negate) ++j;
      auto take = [&] {
        if (pattern[j] == '\\' && j + 1 < pattern.size()) ++j;
        return pattern[j++];
      };
      for (bool first = true; j < pattern.size() && (first || pattern[j] != ']'); first = false) {
        const char low = take();
        char high = low;
        if (j + 1 < pattern.size() && pattern[j] == '-' && pattern[j + 1] != ']') {
          ++j;
          high = take();
        }
        token.ranges.emplace_back(low, high);
      }
      if (j < pattern.size()) {
        token.kind = Token::kClass;
        i = j + 1;
      } else {
        token = Token{};  // unclosed: a literal '['
        token.literal = '[';
        ++i;
      }
    } else {
      token.literal = c;
      ++i;
    }
    tokens.push_back(std::move(token));
  }
  return tokens;
}

bool reference_match(const std::vector<Token>& tokens, std::string_view text, bool ignore_case) {
  // matched[j]: the tokens so far match text[0, j).
  std::vector<char> matched(text.size() + 1, 0), next(text.size() + 1);
  matched[0] = 1;
  for (const Token& token : tokens) {
    std::fill(next.begin(), next.end(), 0);
    for (std::size_t j = 0; j <= text.size(); ++j) {
      if (token.kind == Token::kAnyRun) {
        next[j] = matched[j] || (j > 0 && next[j - 1]);
      } else if (j > 0 && matched[j - 1] && token.matches(text[j - 1], ignore_case)) {
        next[j] = 1;
      }
    }
    matched.swap(next);
  }
  return matched[text.size()];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool ignore_case = data[0] & 1;
  const std::string_view rest = trailsift::fuzz::as_text(data + 1, size - 1);
  const std::size_t split = rest.find('\0');
  const std::string_view pattern = rest.substr(0, split);
  const std::string_view text = split == std::string_view::npos ? "" : rest.substr(split + 1);

  const bool matched = trailsift::glob_match(pattern, text, ignore_case);
  FUZZ_CHECK(matched == reference_match(tokenize(pattern), text, ignore_case));
  FUZZ_CHECK(trailsift::TextPattern(std::string(pattern), ignore_case).matches(text) == matched);
  return 0;
}
