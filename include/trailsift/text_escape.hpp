// SPDX-License-Identifier: MIT
// Text made safe for line-based, human-readable output.
#pragma once

#include <string>
#include <string_view>

namespace trailsift {

/// Appends `text` to `out` so that it cannot break a line-based report or drive a terminal:
/// a backslash, the C0 controls, DEL, the C1 controls (U+0080 to U+009F) and bytes that are
/// not UTF-8 become escapes as `ls -b` writes them (`\\`, `\t`, `\n`, `\r`, else `\ooo` in
/// octal, byte by byte). Everything else, printable UTF-8 included, is copied as it is.
/// Text outputs (tables, reports, messages) use this for every value that came from an
/// input or a file name; JSON output escapes by JSON's rules instead and stays exact.
void append_escaped_text(std::string& out, std::string_view text);

/// append_escaped_text into a new string.
std::string escape_text(std::string_view text);

}  // namespace trailsift
