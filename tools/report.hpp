// SPDX-License-Identifier: MIT
// Everything the tools write to stderr goes through here: errors, notes and progress.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "trailsift/result.hpp"

namespace trailsift::cli {

/// Exit statuses, as grep and diff use them.
inline constexpr int kExitOk = 0;     ///< success; filter: something matched
inline constexpr int kExitNo = 1;     ///< the answer is "no": nothing matched, differences
inline constexpr int kExitError = 2;  ///< usage error, unreadable input, internal error

/// Writes diagnostics for one subcommand: `trailsift <command>: <message>`, and a progress line
/// that is shown only when stderr is a terminal (and stdout is not) and is cleared before any
/// other message.
class Reporter {
 public:
  Reporter(std::string command, bool show_progress);
  ~Reporter();

  void error(const Error& error);
  void error(std::string_view message);
  void note(std::string_view message);
  /// Writes report text to stderr as it is, without the prefix (after clearing progress).
  void write(std::string_view text);

  /// Updates the progress line (at most ten times a second).
  void progress(std::size_t files_done, std::size_t files_total, std::uint64_t bytes_done);

  bool failed() const { return failed_; }

 private:
  void clear_progress();
  void write_line(std::string_view text);

  std::string command_;
  bool show_progress_ = false;
  bool progress_visible_ = false;
  bool failed_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_progress_;
};

/// Writes data to stdout. Returns false once writing failed (the caller may stop early);
/// main reports the failure, except a closed pipe, which ends quietly.
bool write_stdout(std::string_view data);

}  // namespace trailsift::cli
