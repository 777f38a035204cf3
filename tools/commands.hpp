// SPDX-License-Identifier: MIT
// The one registry of subcommands.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace trailsift::cli {

/// The chosen subcommand's work, set while parsing and run after it, so that a command's
/// failures never mix with the parser's.
using RunFn = std::function<int()>;

/// Adds one subcommand (its options and its run function) to the application.
using AddCommandFn = void (*)(CLI::App& app, RunFn& run);

void add_validate_command(CLI::App& app, RunFn& run);
void add_filter_command(CLI::App& app, RunFn& run);
void add_stats_command(CLI::App& app, RunFn& run);
void add_diff_command(CLI::App& app, RunFn& run);
void add_hunt_command(CLI::App& app, RunFn& run);
void add_insights_command(CLI::App& app, RunFn& run);
void add_merge_command(CLI::App& app, RunFn& run);

/// Every subcommand, in `trailsift --help` order. Adding one: a file and a line here.
inline constexpr AddCommandFn kCommands[] = {
    add_validate_command, add_filter_command,   add_stats_command, add_diff_command,
    add_hunt_command,     add_insights_command, add_merge_command,
};

}  // namespace trailsift::cli
