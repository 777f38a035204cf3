// SPDX-License-Identifier: MIT
#include "report.hpp"

#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

#include "trailsift/text_escape.hpp"

namespace trailsift::cli {

Reporter::Reporter(std::string command, bool show_progress)
    : command_(std::move(command)),
      // Only when stderr is a terminal and stdout is not: the line would garble output shown
      // on the same screen.
      show_progress_(show_progress && isatty(STDERR_FILENO) && !isatty(STDOUT_FILENO)),
      start_(std::chrono::steady_clock::now()) {}

Reporter::~Reporter() { clear_progress(); }

void Reporter::write_line(std::string_view text) {
  clear_progress();
  std::fflush(stdout);  // what went to stdout before this message stays before it
  // Messages name files and quote inputs: escaped, they cannot forge lines or drive a terminal.
  std::string line = fmt::format("trailsift {}: {}\n", command_, escape_text(text));
  std::fwrite(line.data(), 1, line.size(), stderr);
}

void Reporter::error(const Error& error) {
  failed_ = true;
  write_line(error.to_string());
}

void Reporter::error(std::string_view message) {
  failed_ = true;
  write_line(message);
}

void Reporter::note(std::string_view message) { write_line(message); }

void Reporter::write(std::string_view text) {
  clear_progress();
  std::fflush(stdout);
  std::fwrite(text.data(), 1, text.size(), stderr);
}

void Reporter::progress(std::size_t files_done, std::size_t files_total, std::uint64_t bytes_done) {
  if (!show_progress_) return;
  const auto now = std::chrono::steady_clock::now();
  if (files_done != files_total && now - last_progress_ < std::chrono::milliseconds(100)) return;
  last_progress_ = now;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  const double megabytes = static_cast<double>(bytes_done) / 1e6;
  const std::string line =
      fmt::format("\r\x1b[Ktrailsift {}: {}/{} files, {:.0f} MB read, {:.0f} MB/s", command_,
                  files_done, files_total, megabytes, seconds > 0 ? megabytes / seconds : 0.0);
  std::fwrite(line.data(), 1, line.size(), stderr);
  progress_visible_ = true;
}

void Reporter::clear_progress() {
  if (!progress_visible_) return;
  std::fputs("\r\x1b[K", stderr);
  progress_visible_ = false;
}

bool write_stdout(std::string_view data) {
  return std::fwrite(data.data(), 1, data.size(), stdout) == data.size();
}

}  // namespace trailsift::cli
