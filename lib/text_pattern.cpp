// SPDX-License-Identifier: MIT
#include "trailsift/text_pattern.hpp"

#include <utility>

#include "trailsift/ascii.hpp"

namespace trailsift {
namespace {

char fold(char c, bool ignore_case) { return ignore_case ? ascii_lower(c) : c; }

char upper_case(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

bool equal_text(std::string_view a, std::string_view b, bool ignore_case) {
  if (a.size() != b.size()) return false;
  if (!ignore_case) return a == b;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (fold(a[i], true) != fold(b[i], true)) return false;
  }
  return true;
}

/// Matches the bracket expression starting at pattern[pos] == '['; advances pos past it.
/// An unclosed '[' is a literal '['.
bool match_class(std::string_view pattern, std::size_t& pos, char c, bool ignore_case) {
  std::size_t i = pos + 1;
  const bool negate = i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^');
  if (negate) ++i;
  bool matched = false;
  bool first = true;
  for (; i < pattern.size() && (first || pattern[i] != ']'); first = false) {
    char low = pattern[i] == '\\' && i + 1 < pattern.size() ? pattern[++i] : pattern[i];
    ++i;
    char high = low;
    if (i + 1 < pattern.size() && pattern[i] == '-' && pattern[i + 1] != ']') {
      high = pattern[i + 1] == '\\' && i + 2 < pattern.size() ? pattern[i += 2] : pattern[++i];
      ++i;
    }
    // Ignoring case, a letter of the text matches when either of its cases is in the range as
    // written: folding the range's ends instead would stretch [0-Z] over [\]^_`a-z].
    auto in_range = [&](char x) { return x >= low && x <= high; };
    if (in_range(c) || (ignore_case && (in_range(fold(c, true)) || in_range(upper_case(c))))) {
      matched = true;
    }
  }
  if (i >= pattern.size()) {  // no closing ']': a literal '['
    ++pos;
    return c == '[';
  }
  pos = i + 1;
  return matched != negate;
}

bool has_glob_syntax(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == '*' || text[i] == '?' || text[i] == '[') {
      return true;
    }
  }
  return false;
}

std::string remove_escapes(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) ++i;
    out += text[i];
  }
  return out;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text, bool ignore_case) {
  // Classic backtracking over the last '*' only: linear space, and at worst
  // O(pattern x text) time, never exponential.
  std::size_t p = 0, t = 0;
  std::size_t star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size()) {
      const char pc = pattern[p];
      if (pc == '*') {
        star_p = ++p;
        star_t = t;
        continue;
      }
      std::size_t next = p;
      bool ok = false;
      if (pc == '?') {
        ok = true;
        next = p + 1;
      } else if (pc == '[') {
        ok = match_class(pattern, next, text[t], ignore_case);
      } else {
        const char literal = pc == '\\' && p + 1 < pattern.size() ? pattern[++next] : pc;
        ok = fold(literal, ignore_case) == fold(text[t], ignore_case);
        next = next + 1;
      }
      if (ok) {
        p = next;
        ++t;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

TextPattern::TextPattern(std::string text, bool ignore_case)
    : is_glob_(has_glob_syntax(text)), ignore_case_(ignore_case) {
  text_ = is_glob_ ? std::move(text) : remove_escapes(text);
}

bool TextPattern::matches(std::string_view text) const {
  return is_glob_ ? glob_match(text_, text, ignore_case_) : equal_text(text_, text, ignore_case_);
}

}  // namespace trailsift
