// SPDX-License-Identifier: MIT
#include "trailsift/text_pattern.hpp"

#include <catch2/catch.hpp>

using trailsift::glob_match;
using trailsift::TextPattern;

TEST_CASE("Plain values match exactly and case-sensitively", "[text_pattern]") {
  const TextPattern pattern("ConsoleLogin", false);
  CHECK_FALSE(pattern.is_glob());
  CHECK(pattern.matches("ConsoleLogin"));
  CHECK_FALSE(pattern.matches("consolelogin"));
  CHECK_FALSE(pattern.matches("ConsoleLogin2"));
  CHECK_FALSE(pattern.matches(""));
}

TEST_CASE("ignore_case folds ASCII letters only", "[text_pattern]") {
  CHECK(TextPattern("consolelogin", true).matches("ConsoleLogin"));
  CHECK(TextPattern("delete*", true).matches("DeleteBucket"));
  CHECK_FALSE(TextPattern("\xc3\xa9", true).matches("\xc3\x89"));  // é vs É: bytes differ
}

TEST_CASE("Globs with stars and question marks and classes and escapes", "[text_pattern]") {
  CHECK(glob_match("Delete*", "DeleteBucket", false));
  CHECK(glob_match("Delete*", "Delete", false));
  CHECK_FALSE(glob_match("Delete*", "BatchDelete", false));
  CHECK(glob_match("*aws-cli*", "aws-cli/2.15.0 Python/3.11", false));
  CHECK(glob_match("Get?bject", "GetObject", false));
  CHECK(glob_match("[DP]ut*", "PutObject", false));
  CHECK(glob_match("i-[0-9a-f]*", "i-0abc", false));
  CHECK_FALSE(glob_match("[!P]ut*", "PutObject", false));
  CHECK(glob_match("a\\*b", "a*b", false));
  CHECK_FALSE(glob_match("a\\*b", "axb", false));
  CHECK(glob_match("[unclosed", "[unclosed", false));
  CHECK(glob_match("**", "", false));
  CHECK(glob_match("*a*b*c*", "xxaxxbxxcxx", false));
}

TEST_CASE("An escaped glob character makes an exact value", "[text_pattern]") {
  const TextPattern pattern("arn:aws:s3:::bucket/\\*", false);
  CHECK_FALSE(pattern.is_glob());
  CHECK(pattern.matches("arn:aws:s3:::bucket/*"));
  CHECK_FALSE(pattern.matches("arn:aws:s3:::bucket/key"));
}

TEST_CASE("Pathological globs stay fast", "[text_pattern]") {
  const std::string text(10000, 'a');
  CHECK_FALSE(glob_match("*a*a*a*a*a*a*a*b", text, false));
}

TEST_CASE("Ignoring case, a class range matches either case of a letter and nothing more",
          "[text_pattern]") {
  // Found by tests/fuzz/glob_fuzz.cpp: the range's ends were folded, so [\x08-L] stretched to
  // 'l' and took in ']'.
  CHECK_FALSE(glob_match("[\x08-L]", "]", true));
  CHECK_FALSE(glob_match("[0-Z]", "_", true));
  CHECK(glob_match("[0-Z]", "z", true));
  CHECK(glob_match("[Z-_]", "z", true));  // 'Z' is in the range, so 'z' matches
  CHECK_FALSE(glob_match("[Z-_]", "z", false));
  CHECK(glob_match("[a-c]", "B", true));
  CHECK_FALSE(glob_match("[!a-c]", "B", true));
  CHECK(glob_match("[!a-c]", "_", true));
}
