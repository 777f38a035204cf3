// SPDX-License-Identifier: MIT
// `trailsift`: parse the command line, run the chosen subcommand, and own the exit status.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "colour.hpp"
#include "commands.hpp"
#include "report.hpp"
#include "trailsift/suggest.hpp"
#include "trailsift/text_escape.hpp"
#include "trailsift/version.hpp"

namespace trailsift::cli {
namespace {

/// `status` once standard output is flushed, or 2 when writing to it failed. A closed pipe
/// (`| head`) is not an error: the reader has what it wanted.
int flush_stdout(int status) {
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    if (errno == EPIPE) return status;
    std::fprintf(stderr, "trailsift: error writing standard output: %s\n", std::strerror(errno));
    return kExitError;
  }
  return status;
}

/// `trailsift 0.1.0` and the libraries it was built with, one per line.
std::string version_text() {
  std::string text = "trailsift " TRAILSIFT_VERSION;
  for (const LibraryVersion& library : library_versions()) {
    text += fmt::format("\n{} {}", library.name, library.version);
  }
  return text + fmt::format("\nCLI11 {}", CLI11_VERSION);
}

int usage_error(const std::string& command, const std::string& message) {
  std::fprintf(stderr, "%s: %s\nRun '%s --help' for more information.\n", command.c_str(),
               message.c_str(), command.c_str());
  return kExitError;
}

/// The words a mistyped command or option may be meant as.
std::vector<std::string_view> views(const std::vector<std::string>& names) {
  return {names.begin(), names.end()};
}

std::vector<std::string> command_names(const CLI::App& app) {
  std::vector<std::string> names{"help"};
  for (const CLI::App* command : app.get_subcommands({})) names.push_back(command->get_name());
  return names;
}

bool is_command(const CLI::App& app, const std::string& name) {
  for (const CLI::App* command : app.get_subcommands({})) {
    if (command->check_name(name)) return true;
  }
  return false;
}

std::vector<std::string> long_option_names(const CLI::App& command) {
  std::vector<std::string> names;
  for (const CLI::Option* option : command.get_options()) {
    for (const std::string& name : option->get_lnames()) names.push_back("--" + name);
  }
  return names;
}

/// "unknown option '--evnt-name'; did you mean '--event-name'?" for the first argument CLI11
/// left over that looks like an option, or empty when none does. Only long options get a
/// suggestion: every one-letter option is one edit away from any other.
std::string unknown_option_message(const CLI::App& command) {
  for (std::string argument : command.remaining(false)) {
    if (!argument.starts_with('-') || argument == "-") continue;
    argument = argument.substr(0, argument.find('='));
    std::string suggestion;
    if (argument.starts_with("--")) {
      const std::vector<std::string> names = long_option_names(command);
      suggestion = did_you_mean(closest_names(argument, views(names)));
    }
    return fmt::format("unknown option '{}'{}", escape_text(argument),
                       suggestion.empty() ? "" : "; " + suggestion);
  }
  return {};
}

/// Index in `arguments` of the command word: the first argument after the global options, or
/// the end when there is none or an unknown option comes first (CLI11 reports it).
std::size_t command_position(const std::vector<std::string>& arguments) {
  for (std::size_t i = 1; i < arguments.size(); ++i) {
    const std::string& argument = arguments[i];
    if (!argument.starts_with('-')) return i;
    if (argument == "--color") {
      ++i;  // its value
      continue;
    }
    if (argument != "-h" && argument != "--help" && argument != "--version" &&
        !argument.starts_with("--color=")) {
      break;
    }
  }
  return arguments.size();
}

int run_cli(int argc, char** argv) {
  CLI::App app(
      "trailsift: read, filter, count, compare, validate and hunt AWS CloudTrail logs offline.",
      "trailsift");
  app.set_version_flag("--version", version_text, "Print the version and the libraries' versions");
  app.require_subcommand(1);
  app.footer("Run 'trailsift help COMMAND' for a command's options; see trailsift(1).");
  RunFn run;
  for (AddCommandFn add_command : kCommands) add_command(app, run);
  // One --color, taken before the command or in it.
  add_colour_option(app);
  for (CLI::App* command : app.get_subcommands({})) add_colour_option(*command);

  // `trailsift help [COMMAND]` is `trailsift [COMMAND] --help`; an unknown command gets a
  // suggestion, before CLI11 would only say that a command is required.
  std::vector<std::string> arguments(argv, argv + argc);
  std::size_t position = command_position(arguments);
  if (position < arguments.size() && arguments[position] == "help") {
    arguments.erase(arguments.begin() + static_cast<std::ptrdiff_t>(position));
    arguments.insert(
        arguments.begin() + static_cast<std::ptrdiff_t>(std::min(position + 1, arguments.size())),
        "--help");
  }
  position = command_position(arguments);
  if (position < arguments.size() && !is_command(app, arguments[position])) {
    const std::vector<std::string> names = command_names(app);
    const std::string suggestion = did_you_mean(closest_names(arguments[position], views(names)));
    return usage_error("trailsift",
                       fmt::format("unknown command '{}'{}", escape_text(arguments[position]),
                                   suggestion.empty() ? "" : "; " + suggestion));
  }

  try {
    std::vector<std::string> reversed(arguments.rbegin(), arguments.rend() - 1);
    app.parse(reversed);
  } catch (const CLI::ParseError& error) {
    // --help, --version: to stdout (CLI11 writes std::cout, which goes through stdio's stdout).
    if (error.get_exit_code() == 0) return flush_stdout(app.exit(error));
    std::string command = "trailsift";
    const CLI::App* chosen = &app;
    for (const CLI::App* subcommand : app.get_subcommands()) {
      command += " " + subcommand->get_name();
      chosen = subcommand;
    }
    std::string message = error.what();
    // An unknown option is left over (ExtrasError), or, before the command, leaves the command
    // missing (RequiredError).
    if (dynamic_cast<const CLI::ExtrasError*>(&error) ||
        dynamic_cast<const CLI::RequiredError*>(&error)) {
      if (std::string unknown = unknown_option_message(*chosen); !unknown.empty())
        message = unknown;
    }
    return usage_error(command, message);
  }
  return flush_stdout(run ? run() : kExitError);
}

}  // namespace
}  // namespace trailsift::cli

int main(int argc, char** argv) {
  try {
    return trailsift::cli::run_cli(argc, argv);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "trailsift: internal error: %s\n", error.what());
  } catch (...) {
    std::fprintf(stderr, "trailsift: internal error\n");
  }
  return trailsift::cli::kExitError;
}
