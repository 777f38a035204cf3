// SPDX-License-Identifier: MIT
// What every event-reading subcommand shares: its input and selection options, and the
// parallel, ordered scan of its inputs.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "report.hpp"
#include "trailsift/event_filter.hpp"
#include "trailsift/event_reader.hpp"
#include "trailsift/event_stats.hpp"
#include "trailsift/input.hpp"

namespace trailsift::cli {

/// Where events come from and how they are read.
struct InputOptions {
  std::vector<std::string> paths;
  std::string files_from;             ///< --files-from: a file listing paths ("-": standard input)
  std::vector<std::string> includes;  ///< --include: other file names to read in directories
  unsigned threads = 0;               ///< 0: all cores
  std::string max_size;               ///< largest input, inflated (empty: no limit)
  std::string max_record = "64M";     ///< largest single record
  bool quiet = false;                 ///< no progress line, no notes
  bool parse_all = false;             ///< parse log files that cannot hold a match, too
};

/// Adds the positional inputs, --files-from and --include, then add_reading_options.
void add_input_options(CLI::App& command, InputOptions& options);

/// Adds --threads, --max-size, --max-record, --parse-all and --quiet, for a command that takes its
/// paths another way.
void add_reading_options(CLI::App& command, InputOptions& options);

/// Adds --threads, --max-size (`max_size_help` names its default) and --quiet alone: the reading
/// options of a command that reads its inputs another way (validate reads a mirror's files whole,
/// so it keeps a default size limit and has no --max-record or --parse-all).
void add_shared_reading_options(CLI::App& command, InputOptions& options,
                                const std::string& max_size_help);

/// Where a parsed option's value goes, and the name it was typed with.
struct TypedOption {
  std::string* value;
  std::string* typed_as;
};

/// The help group and texts of the time options.
struct TimeOptionsHelp {
  std::string group;
  std::string start;
  std::string end;
};

/// Adds --start-time and its alias --since, --end-time and its alias --until.
void add_time_options(CLI::App& command, const TimeOptionsHelp& help, TypedOption start,
                      TypedOption end);

/// Adds the lookup attributes, the time range and the other selection options.
void add_selection_options(CLI::App& command, FilterSpec& spec);

/// Where one piece of input is read: the command's result slot for it, the input it comes from,
/// and problems the command found with its events (reported with the input's read errors).
struct ScanSlot {
  std::size_t index = 0;      ///< the slot: index into the command's per-slot results
  std::size_t input = 0;      ///< index into Scan::inputs()
  std::vector<Error> errors;  ///< put here by the visitor; Scan fills in the path
  /// Set when the piece's results must be thrown away unseen: its input was stopped earlier.
  bool skip = false;
};

/// Called on a worker thread for each event that passes the filter.
using ScanVisitFn = std::function<Visit(const Event& event, ScanSlot& slot)>;
/// Takes one piece's results on the calling thread, in input order; `last` is set for an input's
/// last piece. Returns false to stop the scan (e.g. enough events).
using ScanDeliverFn = std::function<bool(const ScanSlot& slot, bool last)>;

/// The inputs, expanded, and the parallel read of them.
class Scan {
 public:
  /// Expands the paths (reporting those that cannot be used) and checks the options. With a
  /// time range, log files of a bucket mirror that cannot hold events in it are skipped unread.
  static Result<Scan> prepare(const InputOptions& options, const TimeRange& range,
                              Reporter& reporter);

  /// Number of result slots a command must allocate (indexed by ScanSlot::index).
  std::size_t slot_count() const { return slot_count_; }
  /// Worker threads, as --threads resolved them (for a command that reads again later).
  unsigned threads() const { return threads_; }
  /// The limits every input is read with (--max-size, --max-record).
  const ReadLimits& limits() const { return limits_; }
  const std::vector<InputFile>& inputs() const { return inputs_.files; }
  /// Where to read input i again: itself, or the copy kept of an input that can be read only once.
  std::string reread_path(std::size_t input) const;
  /// Keep a copy of inputs that can be read only once (standard input, FIFOs), for reread_path.
  void keep_copies() { keep_copies_ = true; }

  /// Files found plus the paths that could not be used (missing, unreadable folders).
  std::size_t input_count() const { return inputs_.files.size() + inputs_.errors.size(); }
  /// Inputs that could not be read in full: unusable paths, files with read errors, named files
  /// that hold no events. Complete once run() returns.
  std::size_t failed_inputs() const { return failed_inputs_; }
  /// Events left out of the time range because they have no eventTime.
  std::uint64_t events_without_time() const { return events_without_time_; }

  /// While no event has passed the run's filter, also count the events that fail it but pass
  /// `near` (the same selection ignoring case): for a hint when nothing matches. Once an event
  /// matches, the count stops, so it costs a second test per event only while there is none.
  void count_near_misses(const EventFilter* near) { near_ = near; }
  /// What count_near_misses counted; exact when nothing matched.
  std::uint64_t near_misses() const { return near_misses_; }

  /// Reads every input, on all threads, one large input in batches across them, and delivers the
  /// pieces in input order. Events that do not pass `filter` are not visited. Read errors are
  /// reported with their path and position; inputs without events are noted (walked) or errors
  /// (named). Fails, reported already, when the threads cannot be started: then nothing was
  /// delivered, and the command has no answer to give.
  Status run(const EventFilter& filter, const ScanVisitFn& visit, const ScanDeliverFn& deliver);

 private:
  struct Copy;
  InputList inputs_;
  ReadLimits limits_;
  unsigned threads_ = 1;
  std::size_t slot_count_ = 1;
  std::size_t failed_inputs_ = 0;
  std::uint64_t events_without_time_ = 0;
  const EventFilter* near_ = nullptr;
  std::uint64_t near_misses_ = 0;
  bool quiet_ = false;
  bool parse_all_ = false;
  bool keep_copies_ = false;
  std::vector<std::shared_ptr<Copy>> copies_;  // by input, for inputs kept
  Reporter* reporter_ = nullptr;
};

/// Runs `scan` and counts the events that pass `filter` as `spec` asks (stats, diff --by), in one
/// EventStats per slot, so that counting needs no lock, merged at the end. An event whose fields
/// cannot be read is an error about it. Fails, reported already, as Scan::run does.
Result<EventStats> count_events(Scan& scan, const EventFilter& filter, const StatsSpec& spec);

/// An error about one event, for ScanSlot::errors: its record and line, and `message`.
Error event_error(const Event& event, std::string message);

/// The note of events a time range left out because they have no eventTime (none when 0).
void note_left_out_without_time(Reporter& reporter, std::uint64_t events);

/// "2G", "512M", "64K" (powers of 1024) or a number of bytes.
Result<std::uint64_t> parse_size(std::string_view text);

}  // namespace trailsift::cli
