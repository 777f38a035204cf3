// SPDX-License-Identifier: MIT
// `trailsift`: parse the command line, run the chosen subcommand, and own the exit status.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>

#include "commands.hpp"
#include "report.hpp"

namespace trailsift::cli {
namespace {

int run_cli(int argc, char** argv) {
  CLI::App app("trailsift: read, filter, count, compare and validate AWS CloudTrail logs offline.",
               "trailsift");
  app.set_version_flag("--version", TRAILSIFT_VERSION);
  app.require_subcommand(1);
  app.footer("Run 'trailsift COMMAND --help' for a command's options; see trailsift(1).");
  app.failure_message([](const CLI::App* failed, const CLI::Error& error) {
    std::string name = failed ? failed->get_name() : "";
    return "trailsift" + (name.empty() || name == "trailsift" ? "" : " " + name) + ": " +
           error.what() + "\nRun with --help for more information.\n";
  });
  RunFn run;
  for (AddCommandFn add_command : kCommands) add_command(app, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int status = app.exit(error);  // prints help to stdout, errors to stderr
    return status == 0 ? kExitOk : kExitError;
  }
  const int status = run ? run() : kExitError;
  // A closed pipe (`| head`) is not an error: the reader has what it wanted.
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    if (errno == EPIPE) return status;
    std::fprintf(stderr, "trailsift: error writing standard output: %s\n", std::strerror(errno));
    return kExitError;
  }
  return status;
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
