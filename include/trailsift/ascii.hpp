// SPDX-License-Identifier: MIT
// ASCII case, whatever the locale: only A-Z and a-z change (std::tolower follows the locale, and
// CloudTrail names, hex digests and Sigma keywords are ASCII).
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

namespace trailsift {

/// `c` in lower case when it is an ASCII capital letter; any other byte as it is.
constexpr char ascii_lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

/// `text` with its ASCII capital letters in lower case.
inline std::string ascii_lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

/// True when `a` and `b` differ at most in the case of ASCII letters.
constexpr bool ascii_equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ascii_lower(x) == ascii_lower(y);
         });
}

/// True when `text` ends with `suffix`, ASCII letters in either case.
constexpr bool ascii_ends_with_ignoring_case(std::string_view text,
                                             std::string_view suffix) noexcept {
  return text.size() >= suffix.size() &&
         ascii_equal_ignoring_case(text.substr(text.size() - suffix.size()), suffix);
}

}  // namespace trailsift
