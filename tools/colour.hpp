// SPDX-License-Identifier: MIT
// Colour on a terminal (trailsift(1), OUTPUT FORMATS): `--color auto|always|never`, the same
// option before the command and in every command, and NO_COLOR.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "trailsift/event_format.hpp"

namespace trailsift::cli {

/// SGR codes of the colours used: red for failures and removals, yellow for what needs a look,
/// green for what is fine or new.
inline constexpr std::string_view kBoldRed = "\x1b[1;31m";
inline constexpr std::string_view kRed = "\x1b[31m";
inline constexpr std::string_view kYellow = "\x1b[33m";
inline constexpr std::string_view kGreen = "\x1b[32m";
inline constexpr std::string_view kBold = "\x1b[1m";
inline constexpr std::string_view kColourReset = "\x1b[0m";

/// The value of --color: `auto` (default), `always` or `never`. One for the whole process.
inline std::string& colour_setting() {
  static std::string setting = "auto";
  return setting;
}

/// Adds `--color WHEN` to `app` (the program or a command); every one sets colour_setting().
inline void add_colour_option(CLI::App& app) {
  app.add_option("--color", colour_setting(),
                 "Colour on a terminal: auto (default: when the output is a terminal and "
                 "NO_COLOR is not set), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->type_name("WHEN");
}

/// Whether to colour what is written to `fd`: always or never as --color says; with auto,
/// when `fd` is a terminal, NO_COLOR is unset or empty (no-color.org) and TERM is not `dumb`.
inline bool colour_on(int fd) {
  if (colour_setting() == "always") return true;
  if (colour_setting() == "never") return false;
  const char* no_colour = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  return isatty(fd) && (no_colour == nullptr || *no_colour == '\0') &&
         !(term && std::string_view(term) == "dumb");
}

/// `text` in `code`, then back to plain; `text` alone when `code` is empty.
inline std::string paint(std::string_view text, std::string_view code) {
  if (code.empty()) return std::string(text);
  std::string out;
  out.reserve(code.size() + text.size() + kColourReset.size());
  out.append(code).append(text).append(kColourReset);
  return out;
}

/// The colour of a table cell from its column's title and its (escaped) text; empty: plain.
using CellColour = std::function<std::string_view(std::string_view title, std::string_view cell)>;

/// An error code or a failure in red: the cells of columns headed `ERROR` or `ERROR CODE`,
/// apart from `(none)`.
inline std::string_view failure_colour(std::string_view title, std::string_view cell) {
  return (title == "ERROR" || title == "ERROR CODE") && cell != "(none)" ? kRed
                                                                         : std::string_view();
}

/// Colours for tables with a header row: the header bold, the other cells as `colour` says.
/// A row 0 starts a new table (stats prints several), whose titles name its columns.
inline CellPainter table_painter(CellColour colour = failure_colour) {
  auto titles = std::make_shared<std::vector<std::string>>();
  return [titles, colour = std::move(colour)](std::size_t row, std::size_t column,
                                              std::string_view cell) -> CellMarks {
    if (row == 0) {
      if (column == 0) titles->clear();
      titles->emplace_back(cell);
      return cell.empty() ? CellMarks{} : CellMarks{kBold, kColourReset};
    }
    const std::string_view code = column < titles->size() && !cell.empty()
                                      ? colour((*titles)[column], cell)
                                      : std::string_view();
    if (code.empty()) return {};
    return {code, kColourReset};
  };
}

}  // namespace trailsift::cli
