// SPDX-License-Identifier: MIT
// `trailsift filter`: print the events that match, byte for byte as they were in the input, in
// input order or as a timeline.
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "colour.hpp"
#include "commands.hpp"
#include "output_format.hpp"
#include "report.hpp"
#include "scan.hpp"
#include "trailsift/event_field.hpp"
#include "trailsift/event_format.hpp"
#include "trailsift/event_sort.hpp"
#include "trailsift/text_escape.hpp"

namespace trailsift::cli {
namespace {

enum class OutputFormat { kNdjson, kJson, kCsv, kTsv, kTable };

struct FilterOptions {
  InputOptions input;
  FilterSpec selection;
  std::string format_name = "ndjson";
  bool count_only = false;
  std::string sort_key;  ///< time or input; empty: time for -o table, input otherwise
  std::string sort_memory = "256M";
  std::string temp_dir;               ///< empty: $TMPDIR, else /tmp
  std::optional<std::string> fields;  ///< --fields, for table, csv and tsv
  std::optional<std::uint64_t> max_count;
};

OutputFormat parse_format(std::string_view name) {
  if (name == "json") return OutputFormat::kJson;
  if (name == "csv") return OutputFormat::kCsv;
  if (name == "tsv") return OutputFormat::kTsv;
  if (name == "table") return OutputFormat::kTable;
  return OutputFormat::kNdjson;
}

/// What the options ask for, checked.
struct Plan {
  OutputFormat format = OutputFormat::kNdjson;
  bool by_time = false;            ///< --sort time
  std::vector<EventField> fields;  ///< empty: the format's default columns
  std::uint64_t max_count = UINT64_MAX;
  SortLimits sort_limits;

  /// The output goes through an EventSorter: a timeline, or a table (widths need every row).
  bool sorted() const { return by_time || format == OutputFormat::kTable; }
  Delimited delimited() const {
    return format == OutputFormat::kTsv ? Delimited::kTsv : Delimited::kCsv;
  }
  char separator() const { return format == OutputFormat::kTsv ? '\t' : ','; }
};

Result<Plan> make_plan(const FilterOptions& options) {
  Plan plan;
  plan.format = parse_format(options.format_name);
  const std::string sort_key = options.sort_key.empty()
                                   ? (plan.format == OutputFormat::kTable ? "time" : "input")
                                   : options.sort_key;
  plan.by_time = sort_key == "time";
  if (options.fields) {
    if (plan.format != OutputFormat::kTable && plan.format != OutputFormat::kCsv &&
        plan.format != OutputFormat::kTsv) {
      return make_error("",
                        "--fields applies to -o table, csv and tsv; ndjson and json print "
                        "whole records (select fields with jq)");
    }
    Result<std::vector<EventField>> fields = parse_fields(*options.fields);
    if (!fields) return make_error("", "--fields: " + fields.error().message);
    plan.fields = std::move(*fields);
  }
  if (options.max_count) {
    if (*options.max_count == 0) return make_error("", "--max-count: expected at least 1 event");
    plan.max_count = *options.max_count;
  }
  Result<std::uint64_t> memory = parse_size(options.sort_memory);
  if (!memory) return make_error("", "--sort-memory: " + memory.error().message);
  plan.sort_limits.memory_bytes = *memory;
  if (!options.temp_dir.empty()) {
    plan.sort_limits.temp_dir = options.temp_dir;
  } else if (const char* tmpdir = std::getenv("TMPDIR"); tmpdir && *tmpdir) {
    plan.sort_limits.temp_dir = tmpdir;
  }
  return plan;
}

/// One input's share of the output, made on a worker and taken in input order.
struct FileOutput {
  std::string text;               ///< each match's piece, one after another
  std::vector<std::size_t> ends;  ///< where each piece ends in text
  std::vector<SortTime> times;    ///< each piece's time, for --sort time
  std::uint64_t matches = 0;

  std::string_view piece(std::size_t i) const {
    const std::size_t start = i == 0 ? 0 : ends[i - 1];
    return std::string_view(text).substr(start, ends[i] - start);
  }
};

std::vector<std::string> default_table_row(const Event& event) {
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

/// The values of --fields for one event; several values of a field are joined by commas.
std::vector<std::string> field_values(const std::vector<EventField>& fields, const Event& event,
                                      ScanSlot& slot) {
  std::vector<std::string> row;
  std::vector<std::string> values;
  for (const EventField& field : fields) {
    values.clear();
    if (Status read = field.values(event, values); !read) {
      slot.errors.push_back(event_error(event, "--fields " + read.error().message));
    }
    std::string& cell = row.emplace_back();
    for (const std::string& value : values) {
      if (!cell.empty()) cell += ',';
      cell += value;
    }
  }
  return row;
}

/// A table row as a piece: its cells escaped, so that they hold no tab, joined by tabs.
std::vector<std::string> split_table_piece(std::string_view piece) {
  std::vector<std::string> cells;
  for (std::size_t start = 0;;) {
    const std::size_t tab = piece.find('\t', start);
    cells.emplace_back(piece.substr(start, tab - start));
    if (tab == std::string_view::npos) return cells;
    start = tab + 1;
  }
}

/// Appends the piece for one matching event to `out`: ndjson and csv/tsv lines with their
/// newline, a json record without its separator, a table row (split_table_piece).
void append_piece(const Plan& plan, const Event& event, std::string& out, ScanSlot& slot) {
  switch (plan.format) {
    case OutputFormat::kNdjson:
      append_compact_json(out, event.json);
      out += '\n';
      break;
    case OutputFormat::kJson: append_compact_json(out, event.json); break;
    case OutputFormat::kCsv:
    case OutputFormat::kTsv:
      if (plan.fields.empty()) {
        if (Status written = append_console_csv_row(out, event, plan.delimited()); !written) {
          slot.errors.push_back(event_error(event, written.error().message));
        }
      } else {
        const std::vector<std::string> row = field_values(plan.fields, event, slot);
        for (std::size_t i = 0; i < row.size(); ++i) {
          if (i > 0) out += plan.separator();
          append_delimited_field(out, plan.delimited(), row[i]);
        }
        out += '\n';
      }
      break;
    case OutputFormat::kTable: {
      const std::vector<std::string> row =
          plan.fields.empty() ? default_table_row(event) : field_values(plan.fields, event, slot);
      for (std::size_t i = 0; i < row.size(); ++i) {
        if (i > 0) out += '\t';
        append_escaped_text(out, row[i]);
      }
      break;
    }
  }
}

std::vector<std::string> table_header(const Plan& plan) {
  if (plan.fields.empty()) {
    return {"EVENT TIME", "EVENT NAME", "USER NAME", "EVENT SOURCE",
            "SOURCE IP",  "REGION",     "ERROR"};
  }
  std::vector<std::string> header;
  for (const EventField& field : plan.fields) {
    header.push_back(escape_text(column_title(field.name())));
  }
  return header;
}

std::string delimited_header(const Plan& plan) {
  std::string header;
  if (plan.fields.empty()) {
    append_console_csv_header(header, plan.delimited());
    return header;
  }
  for (std::size_t i = 0; i < plan.fields.size(); ++i) {
    if (i > 0) header += plan.separator();
    append_delimited_field(header, plan.delimited(), column_key(plan.fields[i].name()));
  }
  return header + '\n';
}

/// Writes pieces to stdout, with json's separators.
class PieceWriter {
 public:
  explicit PieceWriter(OutputFormat format) : format_(format) {}
  void write(std::string_view piece) {
    if (format_ == OutputFormat::kJson && written_ > 0) write_stdout(",\n");
    write_stdout(piece);
    ++written_;
  }
  std::uint64_t written() const { return written_; }

 private:
  OutputFormat format_;
  std::uint64_t written_ = 0;
};

/// Writes the sorted pieces: a table in two passes (widths, then rows), other forms as they come.
/// At most `limit` pieces.
Status write_sorted(EventSorter& sorter, const Plan& plan, PieceWriter& writer) {
  if (plan.format != OutputFormat::kTable) {
    return sorter.for_each([&](std::string_view piece) {
      writer.write(piece);
      return writer.written() < plan.max_count;
    });
  }
  if (sorter.size() == 0) return {};
  const std::vector<std::string> header = table_header(plan);
  TableLayout layout(colour_on(STDOUT_FILENO) ? table_painter() : CellPainter());
  layout.fit(header);
  std::uint64_t rows = 0;
  Status fitted = sorter.for_each([&](std::string_view piece) {
    layout.fit(split_table_piece(piece));
    return ++rows < plan.max_count;
  });
  if (!fitted) return fitted;
  std::string out;
  layout.append_row(out, header);
  write_stdout(out);
  return sorter.for_each([&](std::string_view piece) {
    out.clear();
    layout.append_row(out, split_table_piece(piece));
    writer.write(out);
    return writer.written() < plan.max_count;
  });
}

/// The same selection ignoring case, when the selection compares text case-sensitively: for
/// the hint "0 events; N match ignoring case (-i)".
std::optional<EventFilter> ignoring_case(const FilterSpec& spec) {
  if (spec.ignore_case) return std::nullopt;
  const bool has_text =
      !spec.event_ids.empty() || !spec.event_names.empty() || !spec.event_sources.empty() ||
      !spec.usernames.empty() || !spec.resource_names.empty() || !spec.resource_types.empty() ||
      !spec.access_key_ids.empty() || !spec.lookup_attributes.empty() || !spec.regions.empty() ||
      !spec.accounts.empty() || !spec.source_ips.empty() || !spec.error_codes.empty() ||
      !spec.event_types.empty() || !spec.user_agents.empty() || !spec.field_matches.empty();
  if (!has_text) return std::nullopt;
  FilterSpec folded = spec;
  folded.ignore_case = true;
  Result<EventFilter> filter = EventFilter::compile(folded);
  if (!filter) return std::nullopt;
  return std::move(*filter);
}

int run_filter(const FilterOptions& options) {
  Reporter reporter("filter", !options.input.quiet);
  Result<Plan> planned = make_plan(options);
  if (!planned) {
    reporter.error(planned.error().message);
    return kExitError;
  }
  const Plan& plan = *planned;
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
  const std::optional<EventFilter> near = ignoring_case(options.selection);
  if (near && !options.input.quiet) scan->count_near_misses(&*near);

  const bool formatting = !options.count_only;
  const bool sorting = formatting && plan.sorted();
  // With the output in input order, the first N matches are known as they come: stop reading.
  const bool stop_at_max = !formatting || !plan.by_time;
  if (formatting && plan.format == OutputFormat::kJson) write_stdout("{\"Records\":[\n");
  if (formatting && (plan.format == OutputFormat::kCsv || plan.format == OutputFormat::kTsv)) {
    write_stdout(delimited_header(plan));
  }
  std::optional<EventSorter> sorter;
  if (sorting) sorter.emplace(plan.sort_limits);
  PieceWriter writer(plan.format);
  std::vector<FileOutput> outputs(scan->slot_count());
  std::uint64_t matches = 0;
  std::uint64_t without_time = 0;
  std::optional<Error> sort_failure;

  const Status ran = scan->run(
      *filter,
      [&](const Event& event, ScanSlot& slot) {
        FileOutput& output = outputs[slot.index];
        ++output.matches;
        if (formatting) {
          append_piece(plan, event, output.text, slot);
          output.ends.push_back(output.text.size());
          if (plan.by_time) output.times.push_back(sort_time(event.event_time));
        }
        // No piece of input needs more than N matches of its own.
        return stop_at_max && output.matches >= plan.max_count ? Visit::kStop : Visit::kContinue;
      },
      [&](const ScanSlot& slot, bool) {
        FileOutput& output = outputs[slot.index];
        std::uint64_t take = slot.skip ? 0 : output.matches;
        if (stop_at_max) take = std::min(take, plan.max_count - matches);
        for (std::size_t i = 0; formatting && i < take; ++i) {
          if (!sorting) {
            writer.write(output.piece(i));
            continue;
          }
          const SortTime time = plan.by_time ? output.times[i] : SortTime{};
          if (plan.by_time && !time.known) ++without_time;
          if (Status added = sorter->add(time, output.piece(i)); !added) {
            sort_failure = added.error();
            return false;
          }
        }
        matches += take;
        output = {};
        return !(stop_at_max && matches >= plan.max_count);
      });
  if (!ran) return kExitError;
  if (sort_failure) {
    reporter.error(*sort_failure);
    return kExitError;
  }

  if (sorting) {
    if (Status written = write_sorted(*sorter, plan, writer); !written) {
      reporter.error(written.error());
      return kExitError;
    }
    matches = writer.written();
  }
  if (options.count_only) {
    write_stdout(fmt::format("{}\n", matches));
  } else if (plan.format == OutputFormat::kJson) {
    write_stdout(matches > 0 ? "\n]}\n" : "]}\n");
  }
  if (without_time > 0 && !options.input.quiet) {
    reporter.note(
        fmt::format("{} event{} no usable eventTime: sorted after the others, in input "
                    "order",
                    without_time, without_time == 1 ? " has" : "s have"));
  }
  if (matches == 0 && scan->near_misses() > 0) {
    reporter.note(fmt::format("0 events; {} match ignoring case (-i)", scan->near_misses()));
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
  add_output_option(*command, options->format_name, {"table", "csv", "tsv", "json", "ndjson"},
                    "ndjson (default), json ({\"Records\":[...]}), csv (the console's columns), "
                    "tsv or table");
  command->add_flag("-c,--count", options->count_only, "Print only the number of matching events");
  command
      ->add_option("--fields", options->fields,
                   "Columns of -o table, csv and tsv, named as in stats --by: event-time, "
                   "event-name, username, resource-name, ... or a record path")
      ->type_name("FIELD[,FIELD...]");
  command
      ->add_option("--sort", options->sort_key,
                   "time: a timeline, by eventTime (default for -o table); input: input order "
                   "(default otherwise)")
      ->check(CLI::IsMember({"time", "input"}))
      ->type_name("time|input");
  command
      ->add_option("-m,--max-count,--max-results", options->max_count,
                   "Stop after N matching events (with --sort time: the N earliest)")
      ->type_name("N");
  command
      ->add_option("--sort-memory", options->sort_memory,
                   "Memory for sorting before sorted runs are spilled to --temp-dir (default 256M)")
      ->type_name("SIZE");
  command
      ->add_option("--temp-dir", options->temp_dir,
                   "Folder for the sorted runs (default: $TMPDIR, else /tmp)")
      ->type_name("DIR");
  command->callback([options, &run] { run = [options] { return run_filter(*options); }; });
}

}  // namespace trailsift::cli
