// SPDX-License-Identifier: MIT
#include "trailsift/text_escape.hpp"

#include <catch2/catch.hpp>

using trailsift::escape_text;

TEST_CASE("Plain text and printable UTF-8 are copied as they are", "[text_escape]") {
  CHECK(escape_text("") == "");
  CHECK(escape_text("AWSLogs/123/CloudTrail/us-east-1/x.json.gz") ==
        "AWSLogs/123/CloudTrail/us-east-1/x.json.gz");
  CHECK(escape_text("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91") ==
        "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91");
}

TEST_CASE("Line breaks and tabs cannot forge report lines", "[text_escape]") {
  CHECK(escape_text("evil.json\tvalid\nLog file\ts3://b/k") ==
        "evil.json\\tvalid\\nLog file\\ts3://b/k");
  CHECK(escape_text("a\rb") == "a\\rb");
}

TEST_CASE("Backslash is escaped so that escapes stay unambiguous", "[text_escape]") {
  CHECK(escape_text("a\\nb") == "a\\\\nb");
}

TEST_CASE("Other controls, DEL and terminal escapes become octal", "[text_escape]") {
  CHECK(escape_text(std::string_view("\0x", 2)) == "\\000x");
  CHECK(escape_text("\x1b[2J") == "\\033[2J");
  CHECK(escape_text("\x7f") == "\\177");
  CHECK(escape_text("\xc2\x9b"
                    "1m") == "\\302\\2331m");  // C1 CSI, as UTF-8
}

TEST_CASE("Bytes that are not UTF-8 become octal, byte by byte", "[text_escape]") {
  CHECK(escape_text("\xff") == "\\377");
  CHECK(escape_text("\xc3") == "\\303");                    // truncated sequence
  CHECK(escape_text("\xc0\xaf") == "\\300\\257");           // overlong '/'
  CHECK(escape_text("\xed\xa0\x80") == "\\355\\240\\200");  // a surrogate
  CHECK(escape_text("\xe2\x82"
                    "x") == "\\342\\202x");
}
