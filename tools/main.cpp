// SPDX-License-Identifier: MIT
// `trailsift`: parse the command line, run the chosen subcommand, and own the exit status.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "commands.hpp"
#include "report.hpp"

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

int run_cli(int argc, char** argv) {
  CLI::App app(
      "trailsift: read, filter, count, compare, validate and hunt AWS CloudTrail logs offline.",
      "trailsift");
  app.set_version_flag("--version", TRAILSIFT_VERSION);
  app.require_subcommand(1);
  app.footer("Run 'trailsift COMMAND --help' for a command's options; see trailsift(1).");
  RunFn run;
  for (AddCommandFn add_command : kCommands) add_command(app, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help, --version: to stdout (CLI11 writes std::cout, which goes through stdio's stdout).
    if (error.get_exit_code() == 0) return flush_stdout(app.exit(error));
    std::string command = "trailsift";
    for (const CLI::App* subcommand : app.get_subcommands()) command += " " + subcommand->get_name();
    std::fprintf(stderr, "%s: %s\nRun '%s --help' for more information.\n", command.c_str(),
                 error.what(), command.c_str());
    return kExitError;
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
