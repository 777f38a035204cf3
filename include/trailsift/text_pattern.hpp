// SPDX-License-Identifier: MIT
// Matching a field's text against what the user typed: exact by default, glob when asked.
#pragma once

#include <string>
#include <string_view>

namespace trailsift {

/// An exact value, or a glob when it holds `*`, `?` or `[...]` (a backslash makes the next
/// character literal). Case-sensitive unless built with ignore_case (ASCII letters only).
class TextPattern {
 public:
  TextPattern(std::string text, bool ignore_case);

  bool matches(std::string_view text) const;
  bool is_glob() const { return is_glob_; }
  const std::string& text() const { return text_; }

 private:
  std::string text_;  // for exact patterns, with escapes removed
  bool is_glob_ = false;
  bool ignore_case_ = false;
};

/// Glob match with `*`, `?`, `[abc]`, `[a-z]`, `[!abc]` and `\` escapes, in linear space.
bool glob_match(std::string_view pattern, std::string_view text, bool ignore_case);

}  // namespace trailsift
