// SPDX-License-Identifier: MIT
// `trailsift filter`: print the events that match, byte for byte as they were in the input.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.hpp"
#include "report.hpp"
#include "scan.hpp"
#include "trailsift/event_format.hpp"

namespace trailsift::cli {
namespace {

enum class OutputFormat { kNdjson, kJson, kCsv, kTable };

struct FilterOptions {
  InputOptions input;
  FilterSpec selection;
  std::string format_name = "ndjson";
  bool count_only = false;
};

OutputFormat parse_format(std::string_view name) {
  if (name == "json") return OutputFormat::kJson;
  if (name == "csv") return OutputFormat::kCsv;
  if (name == "table") return OutputFormat::kTable;
  return OutputFormat::kNdjson;
}

/// One input's share of the output, made on a worker and written in input order.
struct FileOutput {
  std::string text;
  std::vector<std::vector<std::string>> table_rows;
  std::uint64_t matches = 0;
};

std::vector<std::string> table_row(const Event& event) {
  if (const std::optional<InsightDetails> insight = insight_details(event)) {
    // An Insights event has no eventName or user of its own: name the API it is about, and say
    // what it is, so that it never reads as a call of that API.
    return {std::string(event.event_time),
            fmt::format("{} ({} {})", insight->event_name, insight->insight_type, insight->state),
            std::string(),
            insight->event_source,
            std::string(),
            std::string(event.aws_region),
            insight->error_code};
  }
  return {std::string(event.event_time),        std::string(event.event_name),
          std::string(event.username()),        std::string(event.event_source),
          std::string(event.source_ip_address), std::string(event.aws_region),
          std::string(event.failure())};
}

void append_match(OutputFormat format, const Event& event, FileOutput& output, ScanSlot& slot) {
  ++output.matches;
  switch (format) {
    case OutputFormat::kNdjson:
      append_compact_json(output.text, event.json);
      output.text += '\n';
      break;
    case OutputFormat::kJson:
      if (output.matches > 1) output.text += ",\n";
      append_compact_json(output.text, event.json);
      break;
    case OutputFormat::kCsv:
      if (Status written = append_console_csv_row(output.text, event); !written) {
        slot.errors.push_back(event_error(event, written.error().message));
      }
      break;
    case OutputFormat::kTable:
      output.table_rows.push_back(table_row(event));
      break;
  }
}

int run_filter(const FilterOptions& options) {
  Reporter reporter("filter", !options.input.quiet);
  Result<EventFilter> filter = EventFilter::compile(options.selection);
  if (!filter) {
    reporter.error(filter.error().message);
    return kExitError;
  }
  Result<Scan> scan = Scan::prepare(options.input, filter->time_range(), reporter);
  if (!scan) {
    reporter.error(scan.error().message);
    return kExitError;
  }

  const OutputFormat format = parse_format(options.format_name);
  const bool formatting = !options.count_only;
  if (formatting && format == OutputFormat::kJson) write_stdout("{\"Records\":[\n");
  if (formatting && format == OutputFormat::kCsv) {
    std::string header;
    append_console_csv_header(header);
    write_stdout(header);
  }
  std::vector<std::vector<std::string>> table = {
      {"EVENT TIME", "EVENT NAME", "USER NAME", "EVENT SOURCE", "SOURCE IP", "REGION", "ERROR"}};
  std::vector<FileOutput> outputs(scan->slot_count());
  std::uint64_t matches = 0;

  const Status ran = scan->run(
      *filter,
      [&](const Event& event, ScanSlot& slot) {
        FileOutput& output = outputs[slot.index];
        if (formatting) {
          append_match(format, event, output, slot);
        } else {
          ++output.matches;
        }
        return Visit::kContinue;
      },
      [&](const ScanSlot& slot, bool) {
        FileOutput& output = outputs[slot.index];
        if (!slot.skip) {
          if (format == OutputFormat::kJson && matches > 0 && output.matches > 0) {
            write_stdout(",\n");
          }
          write_stdout(output.text);
          std::move(output.table_rows.begin(), output.table_rows.end(), std::back_inserter(table));
          matches += output.matches;
        }
        output = {};
        return true;
      });
  if (!ran) return kExitError;

  if (options.count_only) {
    write_stdout(fmt::format("{}\n", matches));
  } else if (format == OutputFormat::kJson) {
    write_stdout(matches > 0 ? "\n]}\n" : "]}\n");
  } else if (format == OutputFormat::kTable && matches > 0) {
    write_stdout(format_table(std::move(table)));
  }
  if (reporter.failed()) return kExitError;
  return matches > 0 ? kExitOk : kExitNo;
}

}  // namespace

void add_filter_command(CLI::App& app, RunFn& run) {
  auto options = std::make_shared<FilterOptions>();
  CLI::App* command = app.add_subcommand(
      "filter", "Print the events that match, one JSON record per line (NDJSON)");
  command->footer(
      "Matching is exact and case-sensitive, as in the CloudTrail console; -i ignores case, and a\n"
      "value with *, ? or [...] is a glob ('Delete*'). Exit status: 0 if an event matched, 1 if\n"
      "none did, 2 on a usage error or an unreadable input. See trailsift-filter(1).");
  add_input_options(*command, options->input);
  add_selection_options(*command, options->selection);
  command->add_option("-o,--output", options->format_name,
                      "ndjson (default), json ({\"Records\":[...]}), csv (the console's columns) "
                      "or table")
      ->check(CLI::IsMember({"ndjson", "json", "csv", "table"}))
      ->type_name("FORMAT");
  command->add_flag("-c,--count", options->count_only, "Print only the number of matching events");
  command->callback([options, &run] { run = [options] { return run_filter(*options); }; });
}

}  // namespace trailsift::cli
