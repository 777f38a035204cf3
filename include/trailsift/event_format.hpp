// SPDX-License-Identifier: MIT
// Turning events into text for output formats. Formatting appends to caller-owned strings:
// the core never writes to a stream itself.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "trailsift/event.hpp"
#include "trailsift/result.hpp"

namespace trailsift {

/// Appends `text` as a JSON string literal, quotes included.
void append_json_string(std::string& out, std::string_view text);

/// Appends the record's JSON with the whitespace outside strings removed (bytes otherwise as
/// in the input: no re-serialization).
void append_compact_json(std::string& out, std::string_view json);

/// Appends one CSV field, quoted when it holds a comma, quote or line break (RFC 4180).
void append_csv_field(std::string& out, std::string_view text);

/// The columns of the console's "Download events > CSV".
const std::vector<std::string_view>& console_csv_columns();

/// Appends the header line of console_csv_columns().
void append_console_csv_header(std::string& out);

/// Appends one CSV line with the console's columns for `event`. Resources is a JSON array of
/// {"resourceType","resourceName"} as the console writes it (see for_each_resource); the line is
/// written even when they cannot all be read, and the error says so.
Status append_console_csv_row(std::string& out, const Event& event);

/// Lays out rows as aligned columns separated by two spaces; the last column is not padded.
/// Widths count UTF-8 code points; control characters in cells are shown as '?'.
std::string format_table(std::vector<std::vector<std::string>> rows);

}  // namespace trailsift
