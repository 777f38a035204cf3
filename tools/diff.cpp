// SPDX-License-Identifier: MIT
// `trailsift diff`: what changed between two sets of events, event by event or in behaviour.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "colour.hpp"
#include "commands.hpp"
#include "output_format.hpp"
#include "partial.hpp"
#include "report.hpp"
#include "scan.hpp"
#include "trailsift/event_diff.hpp"
#include "trailsift/group_diff.hpp"
#include "trailsift/partial_result.hpp"

namespace trailsift::cli {
namespace {

struct DiffOptions {
  std::string left;
  std::string right;
  InputOptions input;  // how to read; the paths come from left and right
  FilterSpec selection;
  std::string by;
  double threshold = 0;  // 0: not given
  std::string format_name = "table";
};

/// Text lines of changes with each mark coloured: `-` red, `+` green, `~` and `*` yellow. The
/// lines below a mark (modified fields) start with spaces and stay plain.
std::string paint_change_marks(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  while (!text.empty()) {
    const std::size_t end = std::min(text.find('\n'), text.size() - 1) + 1;
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(end);
    const std::string_view code = line.size() < 2 || line[1] != ' '  ? std::string_view()
                                  : line[0] == '-'                   ? kRed
                                  : line[0] == '+'                   ? kGreen
                                  : line[0] == '~' || line[0] == '*' ? kYellow
                                                                     : std::string_view();
    if (code.empty()) {
      out += line;
    } else {
      out += paint(line.substr(0, 1), code);
      out += line.substr(1);
    }
  }
  return out;
}

/// The rows of a table of group changes coloured by kind: new green, gone red, changed yellow.
std::string paint_group_rows(std::string_view table, const std::vector<GroupChange>& changes) {
  constexpr std::string_view kCodes[] = {kGreen, kRed, kYellow};
  std::string out;
  std::size_t row = 0;  // 0: the header
  while (!table.empty()) {
    const std::size_t end = std::min(table.find('\n'), table.size() - 1) + 1;
    const std::string_view line = table.substr(0, end);
    table.remove_prefix(end);
    if (row == 0 || row > changes.size() || line.back() != '\n') {
      out += line;
    } else {
      const std::string_view code = kCodes[static_cast<int>(changes[row - 1].kind)];
      out += paint(line.substr(0, line.size() - 1), code);
      out += '\n';
    }
    ++row;
  }
  return out;
}

/// NDJSON lines as the items of one JSON array: `[` before the first (then `first` is false),
/// `,` between them; the caller closes the array.
std::string ndjson_as_array_items(std::string_view lines, bool& first) {
  std::string out;
  out.reserve(lines.size() + lines.size() / 64 + 2);
  while (!lines.empty()) {
    const std::size_t end = std::min(lines.find('\n'), lines.size());
    out += first ? "[\n" : ",\n";
    first = false;
    out += lines.substr(0, end);
    lines.remove_prefix(std::min(end + 1, lines.size()));
  }
  return out;
}

std::string events_text(std::uint64_t count) {
  return fmt::format("{} event{}", count, count == 1 ? "" : "s");
}

/// One side's inputs: a file, a directory, standard input, or the paths listed in `@FILE`.
Result<Scan> prepare_side(const std::string& argument, const InputOptions& reading,
                          const TimeRange& range, Reporter& reporter) {
  InputOptions options = reading;
  options.paths = {argument};
  if (argument.starts_with('@')) {
    Result<std::vector<std::string>> paths = read_path_list(argument.substr(1));
    if (!paths) return paths.error();
    options.paths = std::move(*paths);
  }
  return Scan::prepare(options, range, reporter);
}

/// Reads one side of events mode: the digest of each selected event, in input order. Fails,
/// reported already, when the scan could not run.
Result<DiffSide> read_digests(Scan& scan, const EventFilter& filter) {
  DiffSide side;
  std::vector<EventDigester> digesters(scan.slot_count());
  std::vector<std::vector<EventDigest>> digests(scan.slot_count());  // one input's, per slot
  std::vector<std::vector<EventDigest>> chunks;                      // per input, in order
  scan.keep_copies();
  const Status ran = scan.run(
      filter,
      [&](const Event& event, ScanSlot& slot) {
        Result<EventDigest> digest =
            digesters[slot.index].digest(event, static_cast<std::uint32_t>(slot.input));
        if (digest) {
          digests[slot.index].push_back(*digest);
        } else {
          slot.errors.push_back(digest.error());
        }
        return Visit::kContinue;
      },
      [&](const ScanSlot& slot, bool) {
        chunks.push_back(std::move(digests[slot.index]));
        digests[slot.index].clear();
        return true;
      });
  if (!ran) return ran.error();
  // Joined once at the exact size: a growing vector would peak at three times the digests.
  std::size_t total = 0;
  for (const auto& chunk : chunks) total += chunk.size();
  side.digests.reserve(total);
  for (auto& chunk : chunks) {
    side.digests.insert(side.digests.end(), chunk.begin(), chunk.end());
    chunk = {};
  }
  for (std::size_t i = 0; i < scan.inputs().size(); ++i) {
    side.inputs.push_back(scan.inputs()[i].path);
    side.reread_paths.push_back(scan.reread_path(i));
  }
  return side;
}

/// A side with no events is more likely a mistake (a wrong path, a selection that matches
/// nothing) than an answer: say so, whatever the comparison gives.
void warn_if_empty(const std::size_t (&events)[2], bool matches_everything, Reporter& reporter) {
  for (int side = 0; side < 2; ++side) {
    if (events[side] > 0) continue;
    reporter.note(fmt::format("warning: the {} side has no events to compare{}",
                              side == 0 ? "left" : "right",
                              matches_everything ? "" : " that match the selection"));
  }
}

/// Events mode: a digest per event, matched by eventID; the records of changes read again.
int diff_events(const DiffOptions& options, const EventFilter& filter, std::vector<Scan>& scans,
                Reporter& reporter) {
  Result<DiffSide> left = read_digests(scans[0], filter);
  if (!left) return kExitError;
  Result<DiffSide> right = read_digests(scans[1], filter);
  if (!right) return kExitError;
  DiffSide sides[2] = {std::move(*left), std::move(*right)};
  const std::size_t events[2] = {sides[0].digests.size(), sides[1].digests.size()};
  warn_if_empty(events, filter.matches_everything(), reporter);

  Result<EventMatch> match = match_events(sides[0].digests, sides[1].digests);
  if (!match) {
    reporter.error(match.error());
    return kExitError;
  }
  ChangeOutput output;
  const bool json = options.format_name == "json";
  output.format =
      options.format_name == "table" ? EventDiffFormat::kText : EventDiffFormat::kNdjson;
  output.threads = scans[0].threads();
  output.limits = scans[0].limits();
  const bool colour = output.format == EventDiffFormat::kText && colour_on(STDOUT_FILENO);
  bool first = true;  // -o json: no change written yet
  auto write = [colour, json, &first](std::string_view text) {
    if (json) {
      write_stdout(ndjson_as_array_items(text, first));
    } else {
      write_stdout(colour ? paint_change_marks(text) : std::string(text));
    }
  };
  for (const Error& error : write_changes(match->changes, sides[0], sides[1], output, write)) {
    reporter.error(error);
  }
  if (json) write_stdout(first ? "[]\n" : "\n]\n");
  const DiffCounts& counts = match->counts;
  reporter.note(
      fmt::format("{} removed, {} added, {} modified, {} duplicated, {} identical "
                  "(left: {}, right: {})",
                  counts.removed, counts.added, counts.modified, counts.duplicate, counts.identical,
                  events_text(events[0]), events_text(events[1])));
  if (reporter.failed()) return kExitError;
  return match->changes.empty() ? kExitOk : kExitNo;
}

/// Behaviour mode: each side counted as `stats --by` counts it, then compared.
int diff_behaviour(const DiffOptions& options, const EventFilter& filter,
                   const std::vector<EventField>& fields, std::vector<Scan>& scans,
                   Reporter& reporter) {
  std::vector<EventStats> sides;
  for (Scan& scan : scans) {
    Result<EventStats> counted = count_events(scan, filter, StatsSpec{fields, 0});
    if (!counted) return kExitError;
    sides.push_back(std::move(*counted));
  }
  if (options.format_name == "partial") {
    // The comparison, its notes and its exit status are the merge's: a shard has part of a side.
    StatsPartial partial;
    partial.command = "diff";
    partial.spec = sides[0].spec();
    partial.threshold = options.threshold;
    partial.matches_everything = filter.matches_everything();
    partial.failed = reporter.failed();
    append_selection_json(partial.selection_json, options.selection, filter.time_range());
    for (std::size_t i = 0; i < 2; ++i) {
      PartialSide& side = partial.sides.emplace_back();
      for (const InputFile& input : scans[i].inputs()) side.inputs.push_back(input.path);
      side.files = scans[i].input_count();
      side.files_failed = scans[i].failed_inputs();
      side.left_out_without_time = scans[i].events_without_time();
      side.stats = std::move(sides[i]);
    }
    write_stdout(format_stats_partial(partial));
    return reporter.failed() ? kExitError : kExitOk;
  }
  return write_group_diff_result(fields, options.threshold, sides[0], sides[1],
                                 filter.matches_everything(), options.format_name, reporter);
}

}  // namespace

int write_group_diff_result(const std::vector<EventField>& fields, double threshold,
                            const EventStats& left, const EventStats& right,
                            bool matches_everything, const std::string& format_name,
                            Reporter& reporter) {
  const std::size_t events[2] = {static_cast<std::size_t>(left.totals().events.count),
                                 static_cast<std::size_t>(right.totals().events.count)};
  warn_if_empty(events, matches_everything, reporter);
  const GroupComparison comparison = compare_groups(left, right, threshold);
  std::string out;
  if (format_name == "csv" || format_name == "tsv") {
    append_group_changes_delimited(out, fields, comparison.changes,
                                   format_name == "tsv" ? Delimited::kTsv : Delimited::kCsv);
  } else if (format_name == "json") {
    append_group_changes_json(out, left, right, threshold, comparison);
  } else {
    out = format_group_changes_table(fields, comparison.changes);
    if (colour_on(STDOUT_FILENO)) out = paint_group_rows(out, comparison.changes);
  }
  write_stdout(out);
  std::size_t counts[3] = {0, 0, 0};
  for (const GroupChange& change : comparison.changes) ++counts[static_cast<int>(change.kind)];
  reporter.note(fmt::format(
      "{} new, {} gone, {} changed, {} on both sides (left: {} in {} combinations, "
      "right: {} in {})",
      counts[0], counts[1], counts[2], comparison.both, events_text(left.totals().events.count),
      left.group_count(), events_text(right.totals().events.count), right.group_count()));
  if (reporter.failed()) return kExitError;
  return comparison.changes.empty() ? kExitOk : kExitNo;
}

namespace {

int run_diff(const DiffOptions& options) {
  Reporter reporter("diff", !options.input.quiet);
  const bool by_behaviour = !options.by.empty();
  const bool events_format = options.format_name == "table" || options.format_name == "json" ||
                             options.format_name == "ndjson";
  if (by_behaviour ? options.format_name == "ndjson" : !events_format) {
    reporter.error(by_behaviour ? "-o ndjson is for events: with --by, use table, csv, tsv, json "
                                  "or partial"
                                : fmt::format("-o {} is for --by: events are table, json or ndjson",
                                              options.format_name));
    return kExitError;
  }
  if (options.threshold > 0 && !by_behaviour) {
    reporter.error("--threshold compares counts: it needs --by");
    return kExitError;
  }
  if (options.left == kStdinPath && options.right == kStdinPath) {
    reporter.error("only one side can be standard input");
    return kExitError;
  }
  Result<EventFilter> filter = EventFilter::compile(options.selection);
  if (!filter) {
    reporter.error(filter.error().message);
    return kExitError;
  }
  Result<std::vector<EventField>> fields = std::vector<EventField>{};
  if (by_behaviour) fields = parse_fields(options.by);
  if (!fields) {
    reporter.error("--by: " + fields.error().message);
    return kExitError;
  }
  std::vector<Scan> scans;
  for (const std::string* argument : {&options.left, &options.right}) {
    Result<Scan> scan = prepare_side(*argument, options.input, filter->time_range(), reporter);
    if (!scan) {
      reporter.error(scan.error());
      return kExitError;
    }
    scans.push_back(std::move(*scan));
  }
  // A side that is not there at all would make every event of the other one a difference.
  if (reporter.failed()) return kExitError;
  return by_behaviour ? diff_behaviour(options, *filter, *fields, scans, reporter)
                      : diff_events(options, *filter, scans, reporter);
}

}  // namespace

void add_diff_command(CLI::App& app, RunFn& run) {
  auto options = std::make_shared<DiffOptions>();
  CLI::App* command = app.add_subcommand(
      "diff",
      "Compare two sets of events: which are missing, added or modified, or (--by) "
      "which behaviour is new");
  command->footer(
      "LEFT and RIGHT are each a file, a directory, '-' (standard input) or @FILE (a file that\n"
      "lists paths, one per line). Selection options apply to both sides. Exit status: 0 if the\n"
      "sides are the same, 1 if they differ, 2 on errors. See trailsift-diff(1).");
  // Named in capitals, so that the usage line reads `trailsift diff [OPTIONS] LEFT RIGHT`.
  command->add_option("LEFT", options->left, "The baseline: file, directory, '-' or @FILE")
      ->required()
      ->type_name("");
  command->add_option("RIGHT", options->right, "What to compare with it")
      ->required()
      ->type_name("");
  add_reading_options(*command, options->input);
  add_selection_options(*command, options->selection);
  command
      ->add_option("--by", options->by,
                   "Compare behaviour: events per combination of these fields, as stats --by "
                   "(e.g. username,event-name)")
      ->type_name("FIELD[,FIELD...]");
  command
      ->add_option("--threshold", options->threshold,
                   "With --by: also report combinations whose count changed by more than N times")
      ->check(CLI::Validator(
          [](std::string& text) {
            return std::strtod(text.c_str(), nullptr) >= 1 ? "" : "must be a number of at least 1";
          },
          ""))
      ->type_name("N");
  add_output_option(*command, options->format_name,
                    {"table", "csv", "tsv", "json", "ndjson", "partial"},
                    "table (default), json (one array) or ndjson for events; table, csv, tsv, "
                    "json or partial (counts for trailsift merge) with --by");
  command->callback([options, &run] { run = [options] { return run_diff(*options); }; });
}

}  // namespace trailsift::cli
