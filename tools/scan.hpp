// SPDX-License-Identifier: MIT
// What every event-reading subcommand shares: its input and selection options, and the
// parallel, ordered scan of its inputs.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "report.hpp"
#include "trailsift/event_filter.hpp"
#include "trailsift/event_reader.hpp"
#include "trailsift/input.hpp"

namespace trailsift::cli {

/// Where events come from and how they are read.
struct InputOptions {
  std::vector<std::string> paths;
  unsigned threads = 0;          ///< 0: all cores
  std::string max_size = "2G";   ///< largest inflated input
  bool quiet = false;            ///< no progress line, no notes about skipped files
};

/// Adds the positional inputs, then add_reading_options.
void add_input_options(CLI::App& command, InputOptions& options);

/// Adds --threads, --max-size and --quiet, for a command that takes its paths another way.
void add_reading_options(CLI::App& command, InputOptions& options);

/// Adds the lookup attributes, the time range and the other selection options.
void add_selection_options(CLI::App& command, FilterSpec& spec);

/// Reads one input on a worker thread: calls reader.read_file with the command's visitor and
/// keeps per-input results in `slot`.
using ScanWorkFn = std::function<ReadReport(EventReader& reader, const InputFile& input, std::size_t slot)>;
/// Takes one input's results, on the calling thread, in input order.
using ScanDeliverFn = std::function<void(const InputFile& input, std::size_t slot)>;

/// The inputs expanded, the readers, and the number of result slots a command must allocate.
class Scan {
 public:
  /// Expands the paths (reporting those that cannot be used) and checks the options.
  static Result<Scan> prepare(const InputOptions& options, Reporter& reporter);

  std::size_t slot_count() const { return slot_count_; }
  /// Worker threads, as --threads resolved them (for a command that reads again later).
  unsigned threads() const { return threads_; }
  /// The limits every input is read with (--max-size).
  const ReadLimits& limits() const { return limits_; }
  const std::vector<InputFile>& inputs() const { return inputs_.files; }
  /// Files found plus the paths that could not be used (missing, unreadable folders).
  std::size_t input_count() const { return inputs_.files.size() + inputs_.errors.size(); }
  /// Inputs that could not be read in full so far: unusable paths, files with read errors,
  /// named files that hold no events. Complete once run() returns.
  std::size_t failed_inputs() const { return failed_inputs_; }

  /// Reads every input in parallel and delivers them in order. Read errors are reported with
  /// their path and position; inputs without events are noted (walked) or errors (named).
  /// Fails, reported already, when the threads cannot be started: then nothing was delivered,
  /// and the command has no answer to give.
  Status run(const ScanWorkFn& work, const ScanDeliverFn& deliver);

 private:
  InputList inputs_;
  ReadLimits limits_;
  unsigned threads_ = 1;
  std::size_t slot_count_ = 1;
  std::size_t failed_inputs_ = 0;
  bool quiet_ = false;
  Reporter* reporter_ = nullptr;
};

/// "2G", "512M", "64K" (powers of 1024) or a number of bytes.
Result<std::uint64_t> parse_size(std::string_view text);

}  // namespace trailsift::cli
