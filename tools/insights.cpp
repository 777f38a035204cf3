// SPDX-License-Identifier: MIT
// `trailsift insights`: which APIs suddenly ran far above their usual rate, or failed far more
// often, and who was behind it: CloudTrail Insights over the events already collected.
#include "trailsift/insights.hpp"

#include <unistd.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "colour.hpp"
#include "commands.hpp"
#include "output_format.hpp"
#include "report.hpp"
#include "scan.hpp"
#include "trailsift/event_stats.hpp"

namespace trailsift::cli {
namespace {

struct InsightsOptions {
  InputOptions input;
  FilterSpec selection;
  std::string baseline = "7d";
  std::string sensitivity = "medium";
  bool read = false;
  std::string format_name;  ///< empty: table on a terminal, else ndjson
};

/// What --baseline, --sensitivity and --read ask for, or the usage error.
Result<InsightsSpec> make_spec(const InsightsOptions& options) {
  InsightsSpec spec;
  Result<std::int64_t> baseline = parse_interval(options.baseline);
  if (!baseline) return make_error("", "--baseline: " + baseline.error().message);
  constexpr std::int64_t kLongest = 90 * 86400;
  if (*baseline < 3600 || *baseline > kLongest) {
    return make_error("", fmt::format("--baseline: '{}' is outside 1h to 90d", options.baseline));
  }
  spec.baseline_minutes = *baseline / 60;
  Result<InsightSensitivity> sensitivity = parse_sensitivity(options.sensitivity);
  if (!sensitivity) return make_error("", "--sensitivity: " + sensitivity.error().message);
  spec.sensitivity = *sensitivity;
  spec.read_events = options.read;
  return spec;
}

/// Notes on stderr the events that could not be counted, and how much baseline the data allowed.
void note_coverage(Reporter& reporter, const InsightsReport& report, const InsightsSpec& spec,
                   const InsightsCounter& counter) {
  if (counter.without_time() > 0) {
    reporter.note(
        fmt::format("{} {} without a usable eventTime (absent, not ISO 8601, or past "
                    "the year 6000) not counted",
                    counter.without_time(), counter.without_time() == 1 ? "event" : "events"));
  }
  if (!report.data_start) {
    reporter.note(spec.read_events ? "no management events to analyse"
                                   : "no write management events to analyse (--read adds reads)");
    return;
  }
  const std::string baseline = format_interval(spec.baseline_minutes * 60);
  if (*report.scored_from > *report.data_end) {
    reporter.note(
        fmt::format("the events span {} to {}: less than the {} a baseline needs, so "
                    "nothing was scored",
                    format_iso8601(*report.data_start), format_iso8601(*report.data_end),
                    format_interval(*report.scored_from - *report.data_start)));
  } else if (*report.full_baseline_from <= *report.data_end) {
    reporter.note(
        fmt::format("the events start at {}: minutes before {} only build the baseline, "
                    "and until {} baselines are shorter than {}",
                    format_iso8601(*report.data_start), format_iso8601(*report.scored_from),
                    format_iso8601(*report.full_baseline_from), baseline));
  } else {
    reporter.note(
        fmt::format("the events span {} to {}: minutes before {} only build the "
                    "baseline, and every baseline is shorter than {}",
                    format_iso8601(*report.data_start), format_iso8601(*report.data_end),
                    format_iso8601(*report.scored_from), baseline));
  }
}

/// The table's marks: error-rate insights red, the unusual rate yellow, and an insight still
/// open when the data ended in bold red.
std::string_view insight_colour(std::string_view title, std::string_view cell) {
  if (title == "TYPE" && cell.starts_with("errors")) return kRed;
  if (title == "INSIGHT") return kYellow;
  if (title == "END" && cell.ends_with(" (open)")) return kBoldRed;
  return {};
}

int run_insights(const InsightsOptions& options) {
  Reporter reporter("insights", !options.input.quiet);
  Result<EventFilter> filter = EventFilter::compile(options.selection);
  if (!filter) {
    reporter.error(filter.error().message);
    return kExitError;
  }
  Result<InsightsSpec> spec = make_spec(options);
  if (!spec) {
    reporter.error(spec.error().message);
    return kExitError;
  }
  Result<Scan> scan = Scan::prepare(options.input, filter->time_range(), reporter);
  if (!scan) {
    reporter.error(scan.error().message);
    return kExitError;
  }

  // Each piece of input (a small input, or a batch of a large one) is counted on its own and
  // merged in input order: the counts keep only the top values of each minute, so the order they
  // are merged in must not depend on the threads.
  InsightsCounter counts(spec->read_events);
  std::vector<InsightsCounter> partials;
  for (std::size_t i = 0; i < scan->slot_count(); ++i) partials.emplace_back(spec->read_events);
  const Status ran = scan->run(
      *filter,
      [&](const Event& event, ScanSlot& slot) {
        partials[slot.index].add(event);
        return Visit::kContinue;
      },
      [&](const ScanSlot& slot, bool) {
        counts.merge(std::move(partials[slot.index]));  // which leaves the slot's counter empty
        return true;
      });
  if (!ran) return kExitError;

  const InsightsReport report = counts.find(*spec);
  if (!options.input.quiet) note_coverage(reporter, report, *spec, counts);
  const std::string& format = options.format_name.empty()
                                  ? (isatty(STDOUT_FILENO) ? "table" : "ndjson")
                                  : options.format_name;
  if (format == "table") {
    if (!report.insights.empty()) {
      write_stdout(format_insights_table(
          report, colour_on(STDOUT_FILENO) ? table_painter(insight_colour) : CellPainter()));
    }
  } else if (format == "csv" || format == "tsv") {
    write_stdout(
        format_insights_delimited(report, format == "tsv" ? Delimited::kTsv : Delimited::kCsv));
  } else {
    Result<std::string> records =
        format == "json" ? format_insights_json(report) : format_insights_ndjson(report);
    if (!records) {
      reporter.error(records.error().message);
      return kExitError;
    }
    write_stdout(*records);
  }
  if (reporter.failed()) return kExitError;
  return report.insights.empty() ? kExitNo : kExitOk;
}

}  // namespace

void add_insights_command(CLI::App& app, RunFn& run) {
  auto options = std::make_shared<InsightsOptions>();
  CLI::App* command = app.add_subcommand(
      "insights",
      "Find APIs whose call or error rate left its baseline, as CloudTrail Insights does");
  command->footer(
      "Counts each API's write management calls (and errors per code) per minute, per account\n"
      "and region, and reports where a rate leaves its baseline, as Insights events marked as\n"
      "computed. Exit status: 0 if an insight was found, 1 if none was, 2 on a usage error or an\n"
      "unreadable input (the other inputs are still counted). See trailsift-insights(1).");
  add_input_options(*command, options->input);
  add_selection_options(*command, options->selection);
  const std::string group = "Detection";
  command
      ->add_option("--baseline", options->baseline,
                   "How far back each minute's baseline reaches (default 7d, as CloudTrail's)")
      ->type_name("1h..90d")
      ->group(group);
  command
      ->add_option("--sensitivity", options->sensitivity,
                   "How much evidence an insight needs: low, medium (default) or high finds most")
      ->type_name("LEVEL")
      ->group(group);
  command->add_flag("--read", options->read, "Analyse read-only management events too")
      ->group(group);
  add_output_option(*command, options->format_name, {"table", "csv", "tsv", "json", "ndjson"},
                    "ndjson (Insights events, the default in a pipe), json ({\"Records\":[...]}), "
                    "csv or tsv (one line per insight) or table (the default on a terminal)");
  command->callback([options, &run] { run = [options] { return run_insights(*options); }; });
}

}  // namespace trailsift::cli
