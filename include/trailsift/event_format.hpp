// SPDX-License-Identifier: MIT
// Turning events into text for output formats. Formatting appends to caller-owned strings:
// the core never writes to a stream itself.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
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

/// Appends one TSV field: escape_text's escapes, so that a tab, line break or backslash in the
/// value can never split a field or a line (`\t`, `\n`, `\r`, `\\`, other controls `\ooo`).
void append_tsv_field(std::string& out, std::string_view text);

/// Comma- or tab-separated lines.
enum class Delimited { kCsv, kTsv };

/// The output vocabulary's column names (trailsift(1), OUTPUT FORMATS). A column named after a
/// field or a fixed name such as `first_seen` is headed in CSV, TSV and JSON keys in lower
/// snake_case (`source-ip` is `source_ip`; a record path such as `requestParameters.bucketName`
/// stays as given), and in a table in capitals with spaces (`SOURCE IP`, `FIRST SEEN`).
std::string column_key(std::string_view name);

/// The table heading of `name`: see column_key. Not escaped: tables escape their cells.
std::string column_title(std::string_view name);

/// Appends one line of `cells` separated by `format`'s separator, each field escaped for it.
void append_delimited_line(std::string& out, Delimited format,
                           const std::vector<std::string>& cells);

/// The columns of the console's "Download events > CSV".
const std::vector<std::string_view>& console_csv_columns();

/// Appends the header line of console_csv_columns().
void append_console_csv_header(std::string& out, Delimited format = Delimited::kCsv);

/// Appends one CSV (or TSV) line with the console's columns for `event`. Resources is a JSON
/// array of {"resourceType","resourceName"} as the console writes it (see for_each_resource); the
/// line is written even when they cannot all be read, and the error says so.
Status append_console_csv_row(std::string& out, const Event& event,
                              Delimited format = Delimited::kCsv);

/// Appends `text` as one field of `format`: append_csv_field or append_tsv_field.
void append_delimited_field(std::string& out, Delimited format, std::string_view text);

/// What is written around one table cell (a terminal's colour codes): never counted in the
/// column's width, so that marks cannot break the alignment.
struct CellMarks {
  std::string_view before;
  std::string_view after;
};

/// The marks of a cell, from its row (0: the first, a header where the table has
/// one), its column and its escaped text. Empty: no marks.
using CellPainter =
    std::function<CellMarks(std::size_t row, std::size_t column, std::string_view cell)>;

/// Lays out rows as aligned columns separated by two spaces; the last column is not padded.
/// Widths count UTF-8 code points; control characters in cells are escaped (escape_text).
/// `paint`, when given, marks cells (colour on a terminal).
std::string format_table(std::vector<std::vector<std::string>> rows, const CellPainter& paint = {});

/// format_table for rows that are not all in memory at once: fit() every row, then
/// append_row() each. Cells must already be escaped (escape_text).
class TableLayout {
 public:
  /// `paint` marks the cells append_row writes; rows are numbered from 0 as they are appended.
  explicit TableLayout(CellPainter paint = {}) : paint_(std::move(paint)) {}
  /// Widens the columns to hold `row`.
  void fit(const std::vector<std::string>& row);
  /// Appends `row` and a newline, aligned to the widths fitted so far.
  void append_row(std::string& out, const std::vector<std::string>& row);

 private:
  std::vector<std::size_t> widths_;
  CellPainter paint_;
  std::size_t rows_appended_ = 0;
};

}  // namespace trailsift
