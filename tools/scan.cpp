// SPDX-License-Identifier: MIT
#include "scan.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <optional>

#include <fmt/format.h>

#include "trailsift/parallel.hpp"
#include "trailsift/time_skip.hpp"

namespace trailsift::cli {

void add_input_options(CLI::App& command, InputOptions& options) {
  command
      .add_option("inputs", options.paths,
                  "Files or directories (walked recursively) of CloudTrail events; '-' or "
                  "nothing reads standard input")
      ->type_name("PATH");
  command
      .add_option("--files-from", options.files_from,
                  "Also read the paths listed in FILE, one per line ('-': standard input)")
      ->type_name("FILE");
  command
      .add_option("--include", options.includes,
                  "In directories, also read files whose name matches GLOB (e.g. '*.log')")
      ->type_name("GLOB")
      ->allow_extra_args(false);
  add_reading_options(command, options);
}

void add_shared_reading_options(CLI::App& command, InputOptions& options,
                                const std::string& max_size_help) {
  command
      .add_option("--threads", options.threads,
                  fmt::format("Worker threads (default: all cores; at most {})", kMaxThreads))
      ->type_name("N");
  command.add_option("--max-size", options.max_size, max_size_help)->type_name("SIZE");
  command.add_flag("-q,--quiet", options.quiet,
                   "No progress line and no notes (errors are still printed)");
}

void add_reading_options(CLI::App& command, InputOptions& options) {
  add_shared_reading_options(command, options,
                             "Refuse an input larger than this once inflated (default: no limit)");
  command
      .add_option("--max-record", options.max_record,
                  "Skip, with an error, a single record larger than this (default 64M)")
      ->type_name("SIZE");
  command.add_flag("--parse-all", options.parse_all,
                   "Parse every log file, also those that cannot hold an event asked for (reports "
                   "their syntax errors; slower)");
}

void add_selection_options(CLI::App& command, FilterSpec& spec) {
  auto repeatable = [&](const std::string& names, std::vector<std::string>& values,
                        const std::string& help, const std::string& type = "VALUE") {
    command.add_option(names, values, help)
        ->type_name(type)
        ->allow_extra_args(false)
        ->group("Selection (values of one option are ORed, options are ANDed)");
  };
  repeatable("--event-id", spec.event_ids, "eventID");
  repeatable("--event-name", spec.event_names, "eventName, e.g. ConsoleLogin or 'Delete*'");
  repeatable("--event-source", spec.event_sources, "eventSource, e.g. iam.amazonaws.com");
  repeatable("--username", spec.usernames,
             "The console's User name: root, the role session, or userIdentity.userName");
  repeatable("--resource-name", spec.resource_names,
             "A resource ARN or name (see trailsift-filter(1) for what is matched)");
  repeatable("--resource-type", spec.resource_types, "A resource type, e.g. AWS::S3::Bucket");
  repeatable("--read-only", spec.read_only, "readOnly: true or false", "true|false");
  repeatable("--access-key-id", spec.access_key_ids, "userIdentity.accessKeyId");
  repeatable("--lookup-attributes", spec.lookup_attributes,
             "The AWS CLI form: AttributeKey=EventName,AttributeValue=ConsoleLogin", "KEY=VALUE");
  const std::string group = "Selection (values of one option are ORed, options are ANDed)";
  add_time_options(command,
                   {.group = group,
                    .start = "Events at or after this time: 2024-03-01T12:00:00Z, 2024-03-01 12:00 "
                             "(UTC), a date or epoch seconds",
                    .end = "Events at or before this time (a date means the whole day)"},
                   {&spec.start_time, &spec.start_option}, {&spec.end_time, &spec.end_option});
  repeatable("--region", spec.regions, "awsRegion");
  repeatable("--account", spec.accounts, "recipientAccountId or userIdentity.accountId");
  repeatable("--source-ip", spec.source_ips, "sourceIPAddress: an address, a CIDR block or a name",
             "ADDR|CIDR");
  repeatable("--error-code", spec.error_codes, "errorCode, e.g. AccessDenied");
  command.add_flag("--errors", spec.errors_only, "Only events with an errorCode")->group(group);
  repeatable("--event-type", spec.event_types, "eventType, e.g. AwsConsoleSignIn");
  repeatable("--user-agent", spec.user_agents, "userAgent, e.g. '*aws-cli*'", "GLOB");
  repeatable("--match", spec.field_matches,
             "Any field by dotted path, e.g. additionalEventData.MFAUsed=No", "PATH=VALUE");
  command
      .add_flag("-i,--ignore-case", spec.ignore_case,
                "Compare values without regard to ASCII case (default: exact, as the console)")
      ->group(group);
}

void add_time_options(CLI::App& command, const TimeOptionsHelp& help, TypedOption start,
                      TypedOption end) {
  // Each name is an option of its own, so that an error can name the one typed.
  const auto add = [&](const std::string& name, TypedOption target, const std::string& text) {
    return command
        .add_option_function<std::string>(
            name,
            [target, name](const std::string& value) {
              if (!target.value->empty()) {
                throw CLI::ValidationError(name, "given already as " + *target.typed_as);
              }
              *target.value = value;
              *target.typed_as = name;
            },
            text)
        ->type_name("TIME")
        ->group(help.group);
  };
  add("--start-time", start, help.start);
  add("--since", start, "Same as --start-time");
  add("--end-time", end, help.end);
  add("--until", end, "Same as --end-time");
}

Result<std::uint64_t> parse_size(std::string_view text) {
  std::uint64_t number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  if (unit.size() > 1 && (unit.back() == 'B' || unit.back() == 'b')) unit.remove_suffix(1);
  int shift = -1;
  if (unit.empty()) shift = 0;
  if (unit == "K" || unit == "k") shift = 10;
  if (unit == "M" || unit == "m") shift = 20;
  if (unit == "G" || unit == "g") shift = 30;
  if (unit == "T" || unit == "t") shift = 40;
  if (error != std::errc() || end == text.data() || shift < 0 || number == 0 ||
      number > (UINT64_MAX >> shift)) {
    return make_error("", fmt::format("invalid size '{}': expected a number of bytes with an "
                                      "optional K, M, G or T suffix, e.g. 512M",
                                      text));
  }
  return number << shift;
}

/// A copy of an input that can be read only once, in a temporary file that is unlinked as soon
/// as it is made: nothing is left behind, however the process ends.
struct Scan::Copy {
  int fd = -1;
  ~Copy() {
    if (fd >= 0) ::close(fd);
  }
  std::string path() const { return fmt::format("/proc/self/fd/{}", fd); }
};

namespace {

Result<int> make_unlinked_temp_file() {
  const char* directory = std::getenv("TMPDIR");
  std::string name =
      fmt::format("{}/trailsift-XXXXXX", directory && *directory ? directory : "/tmp");
  const int fd = ::mkstemp(name.data());
  if (fd < 0)
    return make_error(name, std::string("cannot make a temporary file: ") + std::strerror(errno));
  ::unlink(name.c_str());
  return fd;
}

}  // namespace

Result<EventStats> count_events(Scan& scan, const EventFilter& filter, const StatsSpec& spec) {
  std::vector<EventStats> partials;
  for (std::size_t i = 0; i < scan.slot_count(); ++i) partials.emplace_back(spec);
  const Status ran = scan.run(
      filter,
      [&](const Event& event, ScanSlot& slot) {
        if (Status added = partials[slot.index].add(event); !added) {
          slot.errors.push_back(event_error(event, "--by " + added.error().message));
        }
        return Visit::kContinue;
      },
      [](const ScanSlot&, bool) { return true; });
  if (!ran) return ran.error();
  for (std::size_t i = 1; i < partials.size(); ++i) partials[0].merge(std::move(partials[i]));
  return std::move(partials[0]);
}

Error event_error(const Event& event, std::string message) {
  Error error = make_error("", std::move(message));
  if (event.record > 0) error.record = event.record;
  if (event.line > 0) error.line = event.line;
  return error;
}

namespace {

/// Inputs read in batches across the workers: standard input and FIFOs (their size is unknown),
/// and files too large to be read whole.
bool is_split(const InputFile& input, const ReadLimits& limits) {
  if (input.path == kStdinPath) return true;
  struct stat info {};
  if (::stat(input.path.c_str(), &info) != 0) return false;  // read_file will say why
  return !S_ISREG(info.st_mode) || static_cast<std::uint64_t>(info.st_size) > limits.whole_bytes;
}

}  // namespace

Result<Scan> Scan::prepare(const InputOptions& options, const TimeRange& range,
                           Reporter& reporter) {
  Scan scan;
  if (!options.max_size.empty()) {
    Result<std::uint64_t> max_size = parse_size(options.max_size);
    if (!max_size) return make_error("", "--max-size: " + max_size.error().message);
    scan.limits_.max_bytes = *max_size;
  }
  Result<std::uint64_t> max_record = parse_size(options.max_record);
  if (!max_record) return make_error("", "--max-record: " + max_record.error().message);
  scan.limits_.max_record_bytes = static_cast<std::size_t>(*max_record);
  scan.threads_ = resolve_thread_count(options.threads);
  scan.limits_.inflate_ahead = scan.threads_ > 1;
  scan.slot_count_ = std::size_t{4} * scan.threads_;
  scan.quiet_ = options.quiet;
  scan.parse_all_ = options.parse_all;
  scan.reporter_ = &reporter;
  std::vector<std::string> paths = options.paths;
  if (!options.files_from.empty()) {
    Result<std::vector<std::string>> listed = read_path_list(options.files_from);
    if (!listed) return make_error("", "--files-from: " + listed.error().to_string());
    paths.insert(paths.end(), listed->begin(), listed->end());
  }
  WalkOptions walk;
  walk.includes = options.includes;
  walk.range = range;
  scan.inputs_ = expand_inputs(paths, walk);
  for (const Error& error : scan.inputs_.errors) reporter.error(error);
  scan.failed_inputs_ = scan.inputs_.errors.size();
  const bool reads_stdin =
      std::any_of(scan.inputs_.files.begin(), scan.inputs_.files.end(),
                  [](const InputFile& input) { return input.path == kStdinPath; });
  if (reads_stdin && ::isatty(STDIN_FILENO) && !options.quiet) {
    // Not a hang: the user forgot the path, or is pasting events.
    reporter.note("reading events from standard input; Ctrl-D to end");
  }
  if (!options.quiet) {
    for (const SkippedInput& skipped : scan.inputs_.skipped) {
      reporter.note(fmt::format("{}: skipped: {}", skipped.path, skipped.reason));
    }
  }
  std::optional<UnixSeconds> not_before;
  if (range.start) not_before = *range.start - walk.skew_allowance;
  const std::uint64_t outside =
      scan.inputs_.outside_range +
      drop_files_outside_range(scan.inputs_.files, scan.inputs_.digest_folders, range, not_before);
  if (outside > 0 && !options.quiet) {
    reporter.note(
        fmt::format("{} log file{} not read: {} cannot hold events in the time range "
                    "(delivered before it, or listed by a digest with event times "
                    "outside it)",
                    outside, outside == 1 ? "" : "s", outside == 1 ? "it" : "they"));
  }
  return scan;
}

std::string Scan::reread_path(std::size_t input) const {
  if (input < copies_.size() && copies_[input]) return copies_[input]->path();
  return inputs_.files[input].path;
}

namespace {

/// One task: a whole input for a worker to read, or one batch of a large input.
struct Task {
  std::size_t input = 0;
  std::optional<RecordBatch> batch;  // unset: read the whole input
  std::optional<Error> open_error;
  bool last = true;  // the input's last piece
  ReadReport report;
  ScanSlot slot;
};

/// The prefilter's note: log files, and records of the other log files, left unparsed because
/// they hold none of the values asked for (none when both are 0).
void note_unparsed(Reporter& reporter, std::size_t files, std::uint64_t records) {
  if (files == 0 && records == 0) return;
  std::string what;
  if (files > 0) what = fmt::format("{} log file{}", files, files == 1 ? "" : "s");
  if (records > 0) {
    what += fmt::format("{}{} record{}{}", files > 0 ? " and " : "", records,
                        records == 1 ? "" : "s", files > 0 ? " of the others" : "");
  }
  const bool one = files + records == 1;
  reporter.note(
      fmt::format("{} not parsed: {} none of the values asked for (--parse-all parses {})", what,
                  one ? "it holds" : "they hold", one ? "it" : "them"));
}

}  // namespace

Status Scan::run(const EventFilter& filter, const ScanVisitFn& visit,
                 const ScanDeliverFn& deliver) {
  std::vector<EventReader> readers;
  for (unsigned i = 0; i < threads_; ++i) {
    readers.emplace_back(limits_);
    if (!parse_all_) readers.back().set_required_literals(filter.required_literals());
  }
  std::vector<Task> tasks(slot_count_);
  const std::vector<InputFile>& files = inputs_.files;
  copies_.assign(files.size(), nullptr);

  // Producer state: the next input, and the one being split into batches.
  std::size_t next_input = 0;
  std::optional<InputSplitter> splitter;
  std::size_t split_input = 0;
  std::atomic<std::size_t> stopped_input{SIZE_MAX};  // an input whose visitor said stop

  const auto produce = [&](std::size_t slot) {
    Task& task = tasks[slot];
    task.batch.reset();
    task.open_error.reset();
    task.report = {};
    task.slot = {};
    task.slot.index = slot;
    while (true) {
      if (splitter) {
        if (stopped_input.load() == split_input) {
          splitter.reset();
          continue;
        }
        task.input = split_input;
        task.batch = splitter->next();
        task.last = task.batch->last();
        if (task.last) splitter.reset();
        break;
      }
      if (next_input == files.size()) return false;
      const std::size_t input = next_input++;
      task.input = input;
      task.last = true;
      if (!is_split(files[input], limits_)) break;
      // Inputs that can be read only once are copied as they are read, for a second read.
      int copy_fd = -1;
      if (keep_copies_) {
        struct stat info {};
        const bool regular = files[input].path != kStdinPath &&
                             ::stat(files[input].path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
        if (!regular) {
          Result<int> fd = make_unlinked_temp_file();
          if (!fd) {
            task.open_error = fd.error();
            break;
          }
          copies_[input] = std::make_shared<Copy>();
          copies_[input]->fd = *fd;
          copy_fd = *fd;
        }
      }
      Result<InputSplitter> opened = InputSplitter::open(files[input].path, limits_, copy_fd);
      if (!opened) {
        task.open_error = opened.error();
        break;
      }
      splitter.emplace(std::move(*opened));
      split_input = input;
    }
    task.slot.input = task.input;
    return true;
  };

  std::atomic<std::uint64_t> without_time{0};
  std::atomic<std::uint64_t> near_misses{0};
  std::atomic<bool> matched{false};
  const auto work = [&](std::size_t slot, unsigned worker) {
    Task& task = tasks[slot];
    if (task.open_error) {
      task.report.errors.push_back(*task.open_error);
      return;
    }
    std::uint64_t no_time = 0;
    std::uint64_t near = 0;
    const EventVisitor visitor = [&](const Event& event) {
      Error problem;
      switch (filter.test(event, &problem)) {
        case FilterResult::kMatch:
          if (near_) matched.store(true, std::memory_order_relaxed);
          return visit(event, task.slot);
        case FilterResult::kNoTime: ++no_time; return Visit::kContinue;
        case FilterResult::kUnreadable:
          // Never a silent "no match": the record could not be searched.
          task.slot.errors.push_back(event_error(event, std::move(problem.message)));
          return Visit::kContinue;
        case FilterResult::kNoMatch:
          if (near_ && !matched.load(std::memory_order_relaxed) &&
              near_->test(event) == FilterResult::kMatch) {
            ++near;
          }
          return Visit::kContinue;
      }
      return Visit::kContinue;
    };
    if (task.batch) {
      task.report = readers[worker].read_batch(*task.batch, visitor);
    } else {
      task.report = readers[worker].read_file(files[task.input].path, visitor);
    }
    without_time += no_time;
    near_misses += near;
  };

  // Deliverer state: what the input being delivered gave so far. Its errors are held while it
  // has given no event: an input of nothing but other JSON is then one note, not an error per
  // object (ReadReport::finish).
  ReadReport input_totals;
  std::vector<Error> held;
  bool input_failed = false;
  constexpr std::size_t kHeldErrors = 1000;
  std::uint64_t bytes_done = 0;
  std::size_t inputs_done = 0;
  std::size_t unparsed_inputs = 0;
  std::uint64_t unparsed_records = 0;
  const auto report_error = [&](Error error, const InputFile& input) {
    if (error.path.empty()) error.path = input.path;
    reporter_->error(error);
    input_failed = true;
  };

  const auto deliver_slot = [&](std::size_t slot) {
    Task& task = tasks[slot];
    const InputFile& input = files[task.input];
    bool more = true;
    task.slot.skip = stopped_input.load() == task.input;
    if (task.slot.skip) {
      deliver(task.slot, task.last);
    } else {
      std::vector<Error> errors = std::move(task.report.errors);
      task.report.errors.clear();
      for (Error& error : task.slot.errors) errors.push_back(std::move(error));
      if (input_totals.events + task.report.events == 0 &&
          held.size() + errors.size() <= kHeldErrors) {
        for (Error& error : errors) held.push_back(std::move(error));
      } else {
        for (Error& error : held) report_error(std::move(error), input);
        held.clear();
        for (Error& error : errors) report_error(std::move(error), input);
      }
      if (!quiet_) {
        for (Error& warning : task.report.warnings) {
          if (warning.path.empty()) warning.path = input.path;
          reporter_->note(warning.to_string());
        }
      }
      task.report.warnings.clear();
      const bool stopped = task.report.stopped;
      input_totals.append(std::move(task.report));
      more = deliver(task.slot, task.last);
      if (stopped) stopped_input = task.input;
    }
    if (task.last) {
      input_totals.errors = std::move(held);
      held.clear();
      input_totals.finish();
      for (Error& error : input_totals.errors) report_error(std::move(error), input);
      if (!input_totals.not_events.empty()) {
        if (input.named) {
          report_error(make_error(input.path,
                                  "holds no CloudTrail events: it is " + input_totals.not_events),
                       input);
        } else if (!quiet_) {
          reporter_->note(fmt::format("{}: skipped: {}", input.path, input_totals.not_events));
        }
      }
      if (input_failed) ++failed_inputs_;
      if (input_totals.unparsed) ++unparsed_inputs;
      unparsed_records += input_totals.unparsed_records;
      input_totals = {};
      input_failed = false;
      ++inputs_done;
    }
    bytes_done += task.batch ? task.batch->input_bytes() : input.size;
    reporter_->progress(inputs_done, files.size(), bytes_done);
    return more;
  };

  const Status ran = run_ordered(threads_, slot_count_, produce, work, deliver_slot);
  if (!ran) {
    reporter_->error(ran.error());
    return ran;
  }
  if (!quiet_) note_unparsed(*reporter_, unparsed_inputs, unparsed_records);
  events_without_time_ = without_time.load();
  near_misses_ = near_misses.load();
  if (!quiet_) note_left_out_without_time(*reporter_, events_without_time_);
  return {};
}

void note_left_out_without_time(Reporter& reporter, std::uint64_t events) {
  if (events == 0) return;
  reporter.note(fmt::format("{} event{} no eventTime and {} left out of the time range", events,
                            events == 1 ? " has" : "s have", events == 1 ? "was" : "were"));
}

}  // namespace trailsift::cli
