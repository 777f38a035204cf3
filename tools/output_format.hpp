// SPDX-License-Identifier: MIT
// The one output vocabulary of every command (trailsift(1), OUTPUT FORMATS): `table` (for a
// person; `text` is another name for it), `csv`, `tsv`, `json`, `ndjson`, and `partial`.
#pragma once

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace trailsift::cli {

/// The vocabulary's name of an output format: `text` (the name validate and diff used before)
/// is `table`; any other name is itself.
inline std::string canonical_format_name(const std::string& name) {
  return name == "text" ? "table" : name;
}

/// Adds `-o,--output FORMAT` taking one of `formats` (names of the vocabulary) or an alias of
/// one; `format_name` receives the vocabulary's name, so that `-o text` is `-o table`.
inline CLI::Option* add_output_option(CLI::App& command, std::string& format_name,
                                      std::vector<std::string> formats,
                                      const std::string& description) {
  const std::string listed = fmt::format("{}", fmt::join(formats, ","));
  // Shown by --help as FORMAT:{...}, as CLI11 shows any set of choices (the completions read it).
  const bool has_table = std::find(formats.begin(), formats.end(), "table") != formats.end();
  const std::string choices = fmt::format("{{{}{}}}", listed, has_table ? ",text" : "");
  auto accept = [formats = std::move(formats), listed](std::string& name) -> std::string {
    const std::string canonical = canonical_format_name(name);
    if (std::find(formats.begin(), formats.end(), canonical) == formats.end()) {
      return fmt::format("{} not in {{{}}}", name, listed);
    }
    name = canonical;
    return "";
  };
  return command.add_option("-o,--output", format_name, description)
      ->transform(CLI::Validator(accept, choices))
      ->type_name("FORMAT");
}

}  // namespace trailsift::cli
