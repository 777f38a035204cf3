// SPDX-License-Identifier: MIT
// `trailsift stats`: who did what, from where, how often, over time: an overview, or counts per
// group of fields, of the events filter would print.
#include <unistd.h>

#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "colour.hpp"
#include "commands.hpp"
#include "output_format.hpp"
#include "partial.hpp"
#include "report.hpp"
#include "scan.hpp"
#include "trailsift/event_stats.hpp"
#include "trailsift/partial_result.hpp"

namespace trailsift::cli {
namespace {

constexpr std::size_t kOverviewTop = 10;

struct StatsOptions {
  InputOptions input;
  FilterSpec selection;
  std::string by;
  std::string interval;
  std::optional<int> top;  ///< unset: 10 values per overview list, every group with --by
  std::string format_name = "table";
  bool chart = false;
};

/// What --by, --interval and -o ask to count, or the usage error.
Result<StatsSpec> make_spec(const StatsOptions& options) {
  StatsSpec spec;
  if (!options.by.empty()) {
    Result<std::vector<EventField>> fields = parse_fields(options.by);
    if (!fields) return make_error("", "--by: " + fields.error().message);
    spec.by = std::move(*fields);
    for (std::size_t i = 0; i < spec.by.size(); ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        if (spec.by[i].name() == spec.by[j].name()) {
          return make_error("", fmt::format("--by: field '{}' is given twice", spec.by[i].name()));
        }
      }
    }
  } else if (options.format_name == "csv" || options.format_name == "tsv") {
    return make_error("", fmt::format("-o {} needs --by: the overview is several tables (use -o "
                                      "json)",
                                      options.format_name));
  }
  if (!options.interval.empty()) {
    Result<std::int64_t> interval = parse_interval(options.interval);
    if (!interval) return make_error("", "--interval: " + interval.error().message);
    spec.interval = *interval;
  } else if (spec.by.empty()) {
    spec.interval = 3600;  // the overview's timeline is per hour unless asked otherwise
  }
  return spec;
}

int run_stats(const StatsOptions& options) {
  Reporter reporter("stats", !options.input.quiet);
  Result<EventFilter> filter = EventFilter::compile(options.selection);
  if (!filter) {
    reporter.error(filter.error().message);
    return kExitError;
  }
  Result<StatsSpec> spec = make_spec(options);
  if (!spec) {
    reporter.error(spec.error().message);
    return kExitError;
  }
  Result<Scan> scan = Scan::prepare(options.input, filter->time_range(), reporter);
  if (!scan) {
    reporter.error(scan.error().message);
    return kExitError;
  }

  Result<EventStats> counted = count_events(*scan, *filter, *spec);
  if (!counted) return kExitError;
  EventStats& stats = *counted;

  StatsContext context;
  context.selection_json.clear();
  append_selection_json(context.selection_json, options.selection, filter->time_range());
  context.top = spec->by.empty() ? kOverviewTop : 0;  // --by: every group unless --top
  if (options.top) context.top = static_cast<std::size_t>(*options.top);
  context.files = scan->input_count();
  context.files_failed = scan->failed_inputs();
  context.left_out_without_time = scan->events_without_time();
  if (options.format_name == "partial") {
    StatsPartial partial;
    partial.command = "stats";
    partial.spec = stats.spec();
    partial.top = context.top;
    partial.selection_json = std::move(context.selection_json);
    partial.matches_everything = filter->matches_everything();
    partial.failed = reporter.failed();
    PartialSide& side = partial.sides.emplace_back();
    for (const InputFile& input : scan->inputs()) side.inputs.push_back(input.path);
    side.files = context.files;
    side.files_failed = context.files_failed;
    side.left_out_without_time = context.left_out_without_time;
    side.stats = std::move(stats);
    write_stdout(format_stats_partial(partial));
  } else {
    write_stats_result(stats, context, options.format_name, options.chart);
  }
  return reporter.failed() ? kExitError : kExitOk;
}

}  // namespace

void write_stats_result(const EventStats& stats, StatsContext& context,
                        const std::string& format_name, bool chart) {
  if (format_name == "json") {
    write_stdout(format_stats_json(stats, context));
  } else if (format_name == "csv" || format_name == "tsv") {
    write_stdout(
        format_stats_csv(stats, context, format_name == "tsv" ? Delimited::kTsv : Delimited::kCsv));
  } else {
    context.chart = chart || isatty(STDOUT_FILENO);
    if (colour_on(STDOUT_FILENO)) context.paint = table_painter();
    write_stdout(format_stats_table(stats, context));
  }
}

void add_stats_command(CLI::App& app, RunFn& run) {
  auto options = std::make_shared<StatsOptions>();
  CLI::App* command = app.add_subcommand(
      "stats", "Summarize the events that match: an overview, or counts per group (--by)");
  command->footer(
      "Takes the same inputs and selection as filter: 'stats --username alice --errors logs/'\n"
      "summarizes what 'filter' would print. Exit status: 0 on success, 2 on a usage error or an\n"
      "unreadable input (the other inputs are still counted). See trailsift-stats(1).");
  add_input_options(*command, options->input);
  add_selection_options(*command, options->selection);
  const std::string group = "Counting";
  command
      ->add_option("--by", options->by,
                   "Count per combination of these fields: event-name, username, region, "
                   "source-ip, error-code, ... or a record path (userIdentity.type)")
      ->type_name("FIELD[,FIELD...]")
      ->group(group);
  command
      ->add_option("--interval", options->interval,
                   "Time buckets: the overview's timeline (default 1h), or counts per bucket "
                   "for each group")
      ->type_name("5m|1h|1d")
      ->group(group);
  command
      ->add_option("--top", options->top,
                   "Keep the first N values of each overview list (default 10) or the first N "
                   "groups (default all); 0: all")
      ->check(CLI::Range(0, std::numeric_limits<int>::max()).description(""))
      ->type_name("N")
      ->group(group);
  add_output_option(*command, options->format_name, {"table", "csv", "tsv", "json", "partial"},
                    "table (default), json (one document), csv or tsv (with --by), or partial "
                    "(counts for trailsift merge)");
  command->add_flag("--chart", options->chart,
                    "Draw the overview's timeline even when standard output is not a terminal");
  command->callback([options, &run] { run = [options] { return run_stats(*options); }; });
}

}  // namespace trailsift::cli
