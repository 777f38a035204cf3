// SPDX-License-Identifier: MIT
// `trailsift hunt`: run Sigma rules over the events and print what they detect as a timeline,
// in eventTime order.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <initializer_list>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "colour.hpp"
#include "commands.hpp"
#include "hunt_output.hpp"
#include "output_format.hpp"
#include "report.hpp"
#include "scan.hpp"
#include "trailsift/event_format.hpp"
#include "trailsift/event_stats.hpp"
#include "trailsift/partial_result.hpp"
#include "trailsift/sigma.hpp"
#include "trailsift/text_escape.hpp"

namespace trailsift::cli {
namespace {

struct HuntOptions {
  InputOptions input;
  FilterSpec selection;
  std::vector<std::string> rule_paths;
  std::vector<std::string> placeholders;
  std::vector<std::string> placeholder_files;
  bool strict_rules = false;
  std::vector<std::string> statuses;
  std::string min_level;
  std::vector<std::string> rule_ids;
  std::vector<std::string> tags;
  std::string format_name = "table";
};

/// What one input gave, made on a worker and taken in input order.
struct InputResult {
  std::vector<Detection> detections;
  std::string texts;  ///< their lines, one after the other
  SigmaObservations observations;
  std::uint64_t events = 0;            ///< events the selection let through
  std::vector<std::uint32_t> matched;  ///< scratch: the rules one event matched
};

constexpr std::string_view kColumns[] = {"TIME",      "LEVEL",      "RULE",
                                         "USER NAME", "EVENT NAME", "SOURCE IP",
                                         "REGION",    "ACCOUNT",    "EVENT ID"};
constexpr std::string_view kCsvColumns[] = {"time",      "level",      "rule",
                                            "user_name", "event_name", "source_ip",
                                            "region",    "account",    "event_id"};

void append_json_or_null(std::string& out, std::string_view text) {
  if (text.empty()) {
    out += "null";
  } else {
    append_json_string(out, text);
  }
}

std::string_view level_colour(SigmaLevel level) {
  switch (level) {
    case SigmaLevel::kCritical: return kBoldRed;
    case SigmaLevel::kHigh: return kRed;
    case SigmaLevel::kMedium: return kYellow;
    case SigmaLevel::kLow: return kGreen;
    default: return {};
  }
}

/// Display width: UTF-8 code points (the cells are escaped: no control characters).
std::size_t display_width(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

/// Calls `visit(column, cell)` for each '\0'-separated cell of a table line.
template <typename Visit>
void for_each_cell(std::string_view line, const Visit& visit) {
  line.remove_suffix(1);  // '\n'
  for (std::size_t column = 0, start = 0;; ++column) {
    const std::size_t end = std::min(line.find('\0', start), line.size());
    visit(column, line.substr(start, end - start));
    if (end == line.size()) return;
    start = end + 1;
  }
}

/// Writes the table: cells aligned in columns two spaces apart, no padding after a line's last
/// cell, each detection's line coloured by its rule's level. Written a megabyte at a time.
void write_timeline_table(const std::string& header, const Timeline& timeline,
                          const std::vector<SigmaRuleInfo>& rules, bool colour) {
  std::vector<std::size_t> widths;
  auto measure = [&](std::string_view line) {
    for_each_cell(line, [&](std::size_t column, std::string_view cell) {
      if (column >= widths.size()) widths.resize(column + 1, 0);
      widths[column] = std::max(widths[column], display_width(cell));
    });
  };
  measure(header);
  for (const Detection& detection : timeline.detections()) measure(timeline.text(detection));
  std::string out;
  auto append_line = [&](std::string_view line, std::string_view code) {
    out += code;
    std::size_t padding = 0;  // owed before the next cell; dropped at the end of the line
    for_each_cell(line, [&](std::size_t column, std::string_view cell) {
      if (!cell.empty()) {
        out.append(padding, ' ');
        padding = 0;
      }
      out += cell;
      padding += widths[column] - display_width(cell) + 2;
    });
    if (!code.empty()) out += kColourReset;
    out += '\n';
    if (out.size() >= (std::size_t{1} << 20)) {
      write_stdout(out);
      out.clear();
    }
  };
  append_line(header, {});
  for (const Detection& detection : timeline.detections()) {
    append_line(timeline.text(detection),
                colour ? level_colour(rules[detection.rule].level) : std::string_view());
  }
  write_stdout(out);
}

std::string_view level_text(SigmaLevel level) {
  return level == SigmaLevel::kNone ? "(no level)" : sigma_level_name(level);
}

/// The summary on stderr: rules, then detections per level and per rule.
std::string format_summary(const SigmaRuleSet& rules, std::uint64_t events,
                           const std::vector<std::uint64_t>& per_rule) {
  std::size_t correlations = 0;
  for (const SigmaRuleInfo& rule : rules.rules()) correlations += rule.correlation ? 1 : 0;
  std::string text = fmt::format(
      "trailsift hunt: {} rules run ({} correlations), {} failed, {} for "
      "other log sources, {} not selected{}\n",
      rules.rules().size(), correlations, rules.problems().size(), rules.other_log_sources(),
      rules.not_selected(),
      rules.not_rules() == 0 ? ""
                             : fmt::format("; {} YAML documents not rules", rules.not_rules()));
  std::map<SigmaLevel, std::uint64_t, std::greater<>> per_level;
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < per_rule.size(); ++i) {
    if (per_rule[i] == 0) continue;
    per_level[rules.rules()[i].level] += per_rule[i];
    total += per_rule[i];
  }
  text += fmt::format("trailsift hunt: {} events searched, {} detections", events, total);
  for (std::size_t i = 0; const auto& [level, count] : per_level) {
    text += fmt::format("{} {} {}", i++ == 0 ? ":" : ",", count, level_text(level));
  }
  text += '\n';
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < per_rule.size(); ++i) {
    if (per_rule[i] > 0) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const auto& rule_a = rules.rules()[a];
    const auto& rule_b = rules.rules()[b];
    return std::tie(rule_b.level, per_rule[b]) < std::tie(rule_a.level, per_rule[a]);
  });
  for (const std::size_t i : order) {
    const SigmaRuleInfo& rule = rules.rules()[i];
    text += fmt::format("  {:<13} {:>7}  {}\n", level_text(rule.level), per_rule[i],
                        escape_text(rule.title));
  }
  return text;
}

/// Reads the rules and the options that choose them; nullopt after reporting why they cannot.
std::optional<HuntRules> read_rules(const HuntOptions& options, Reporter& reporter) {
  SigmaOptions sigma;
  for (const std::string& argument : options.placeholders) {
    if (Status status = add_sigma_placeholder(argument, sigma.placeholders); !status) {
      reporter.error("--placeholder: " + status.error().message);
      return std::nullopt;
    }
  }
  Result<std::vector<SigmaSource>> placeholder_files =
      read_sigma_sources(options.placeholder_files);
  if (!placeholder_files) {
    reporter.error("--placeholders: " + placeholder_files.error().to_string());
    return std::nullopt;
  }
  for (const SigmaSource& file : *placeholder_files) {
    if (Status status = add_sigma_placeholders(file, sigma.placeholders); !status) {
      reporter.error("--placeholders: " + status.error().to_string());
      return std::nullopt;
    }
  }
  for (const std::string& list : options.statuses) {
    for (std::size_t start = 0;;) {
      const std::size_t comma = list.find(',', start);
      const std::string status = list.substr(start, comma - start);
      constexpr std::string_view kStatuses[] = {"stable", "test", "experimental", "deprecated",
                                                "unsupported"};
      if (std::find(std::begin(kStatuses), std::end(kStatuses), status) == std::end(kStatuses)) {
        reporter.error(
            fmt::format("--rule-status: unknown status '{}': expected stable, test, "
                        "experimental, deprecated or unsupported",
                        status));
        return std::nullopt;
      }
      sigma.statuses.push_back(status);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  if (!options.min_level.empty()) {
    const std::optional<SigmaLevel> level = parse_sigma_level(options.min_level);
    if (!level) {
      reporter.error(
          fmt::format("--min-level: unknown level '{}': expected informational, low, "
                      "medium, high or critical",
                      options.min_level));
      return std::nullopt;
    }
    sigma.min_level = *level;
  }
  sigma.ids = options.rule_ids;
  sigma.tags = options.tags;
  Result<std::vector<SigmaSource>> sources = read_sigma_sources(options.rule_paths);
  if (!sources) {
    reporter.error("--rules: " + sources.error().to_string());
    return std::nullopt;
  }
  return HuntRules{std::move(*sources), std::move(sigma)};
}

int run_hunt(const HuntOptions& options) {
  Reporter reporter("hunt", !options.input.quiet);
  Result<EventFilter> filter = EventFilter::compile(options.selection);
  if (!filter) {
    reporter.error(filter.error().message);
    return kExitError;
  }
  std::optional<HuntRules> sources = read_rules(options, reporter);
  if (!sources) return kExitError;
  std::optional<SigmaRuleSet> rules = compile_rules(*sources, options.strict_rules, true, reporter);
  if (!rules) return kExitError;
  // `@FILE` stands for the paths FILE lists, as for diff: what validate found valid, say.
  InputOptions inputs = options.input;
  inputs.paths.clear();
  for (const std::string& path : options.input.paths) {
    if (!path.starts_with('@')) {
      inputs.paths.push_back(path);
      continue;
    }
    Result<std::vector<std::string>> listed = read_path_list(path.substr(1));
    if (!listed) {
      reporter.error(listed.error());
      return kExitError;
    }
    inputs.paths.insert(inputs.paths.end(), listed->begin(), listed->end());
  }
  Result<Scan> scan = Scan::prepare(inputs, filter->time_range(), reporter);
  if (!scan) {
    reporter.error(scan.error().message);
    return kExitError;
  }

  const HuntFormatter formatter(hunt_format(options.format_name), rules->rules());
  std::vector<InputResult> results(scan->slot_count());
  HuntFindings findings;
  const Status ran = scan->run(
      *filter,
      [&](const Event& event, ScanSlot& slot) {
        InputResult& result = results[slot.index];
        ++result.events;
        std::vector<std::uint32_t>& matched = result.matched;
        matched.clear();
        if (Status status = rules->match(event, matched, result.observations); !status) {
          slot.errors.push_back(event_error(event, status.error().message));
        }
        for (const std::uint32_t rule : matched) {
          Detection& detection = result.detections.emplace_back();
          detection.time = parse_iso8601(event.event_time).value_or(detection.time);
          detection.position.record = event.record;
          detection.rule = rule;
          detection.offset = result.texts.size();
          formatter.append_event_detection(result.texts, rule, event);
          detection.length = result.texts.size() - detection.offset;
        }
        return Visit::kContinue;
      },
      [&](const ScanSlot& slot, bool) {
        InputResult& result = results[slot.index];
        if (!slot.skip) {
          for (Detection& detection : result.detections) detection.position.input = slot.input;
          findings.timeline.add(std::move(result.detections), std::move(result.texts));
          findings.observations.append(std::move(result.observations), slot.input);
          findings.events += result.events;
        }
        result = {};
        return true;
      });
  if (!ran) return kExitError;
  if (formatter.format() != HuntFormat::kPartial) {
    return finish_hunt(*rules, formatter, std::move(findings), options.input.quiet, reporter);
  }

  HuntPartial partial;
  partial.rules = std::move(*sources);
  append_selection_json(partial.selection_json, options.selection, filter->time_range());
  partial.failed = reporter.failed();
  partial.events = findings.events;
  for (const InputFile& input : scan->inputs()) partial.inputs.push_back(input.path);
  findings.timeline.sort();
  for (const Detection& detection : findings.timeline.detections()) {
    partial.detections.push_back(
        {detection.position, detection.rule, std::string(findings.timeline.text(detection))});
  }
  partial.observations = std::move(findings.observations);
  write_stdout(format_hunt_partial(partial));
  return reporter.failed() ? kExitError : kExitOk;
}

}  // namespace

HuntFormat hunt_format(const std::string& name) {
  return name == "csv"       ? HuntFormat::kCsv
         : name == "tsv"     ? HuntFormat::kTsv
         : name == "ndjson"  ? HuntFormat::kNdjson
         : name == "partial" ? HuntFormat::kPartial
                             : HuntFormat::kTable;
}

void Timeline::add(std::vector<Detection>&& detections, std::string&& texts) {
  for (Detection& detection : detections) {
    detection.chunk = static_cast<std::uint32_t>(chunks_.size());
    detections_.push_back(detection);
  }
  chunks_.push_back(std::move(texts));
}

void Timeline::sort() {
  std::stable_sort(
      detections_.begin(), detections_.end(), [](const Detection& a, const Detection& b) {
        return std::tie(a.time, a.position, a.rule) < std::tie(b.time, b.position, b.rule);
      });
}

HuntFormatter::HuntFormatter(HuntFormat format, const std::vector<SigmaRuleInfo>& rules)
    : format_(format) {
  for (const SigmaRuleInfo& rule : rules) {
    std::string json = "{\"id\":";
    append_json_or_null(json, rule.id);
    json += ",\"title\":";
    append_json_string(json, rule.title);
    json += ",\"level\":";
    append_json_or_null(json, sigma_level_name(rule.level));
    json += ",\"status\":";
    append_json_or_null(json, rule.status);
    json += ",\"tags\":[";
    for (std::size_t i = 0; i < rule.tags.size(); ++i) {
      if (i > 0) json += ',';
      append_json_string(json, rule.tags[i]);
    }
    json += "]}";
    rule_json_.push_back(std::move(json));
    titles_.push_back(rule.title);
    levels_.emplace_back(sigma_level_name(rule.level));
  }
}

void HuntFormatter::append_event_detection(std::string& out, std::uint32_t rule,
                                           const Event& event) const {
  if (format_ == HuntFormat::kPartial) {
    append_compact_json(out, event.json);
    return;
  }
  if (format_ == HuntFormat::kNdjson) {
    out += "{\"rule\":";
    out += rule_json_[rule];
    out += ",\"event\":";
    append_compact_json(out, event.json);
    out += "}\n";
    return;
  }
  const std::string_view account = event.recipient_account_id.empty()
                                       ? event.user_identity.account_id
                                       : event.recipient_account_id;
  const std::string_view cells[] = {event.event_time, levels_[rule],    titles_[rule],
                                    event.username(), event.event_name, event.source_ip_address,
                                    event.aws_region, account,          event.event_id};
  append_cells(out, std::begin(cells), std::end(cells));
}

void HuntFormatter::append_correlation_detection(std::string& out,
                                                 const SigmaCorrelationDetection& detection) const {
  const std::string first = format_iso8601(detection.first);
  if (format_ == HuntFormat::kNdjson) {
    out += "{\"rule\":";
    out += rule_json_[detection.rule];
    out += ",\"correlation\":{\"group\":{";
    for (std::size_t i = 0; i < detection.group.size(); ++i) {
      if (i > 0) out += ',';
      append_json_string(out, detection.group[i].first);
      out += ':';
      out += detection.group[i].second;
    }
    out += fmt::format("}},\"count\":{},\"first\":\"{}\",\"last\":\"{}\"}},\"events\":[{}]}}\n",
                       detection.count, first, format_iso8601(detection.last), detection.events);
    return;
  }
  // The columns its events share by its group-by fields; the others stay empty.
  auto grouped = [&](std::string_view field) {
    for (const auto& [name, value] : detection.group) {
      if (name == field) return json_value_text(value);
    }
    return std::string();
  };
  const std::string events = fmt::format("{} events", detection.event_count);
  const std::string event_name = grouped("eventName");
  const std::string source_ip = grouped("sourceIPAddress");
  const std::string region = grouped("awsRegion");
  const std::string account = grouped("recipientAccountId");
  const std::string_view cells[] = {first,
                                    levels_[detection.rule],
                                    titles_[detection.rule],
                                    "",
                                    event_name,
                                    source_ip,
                                    region,
                                    account,
                                    events};
  append_cells(out, std::begin(cells), std::end(cells));
}

std::string HuntFormatter::header() const {
  const auto& columns = format_ == HuntFormat::kTable ? kColumns : kCsvColumns;
  std::string line;
  append_cells(line, std::begin(columns), std::end(columns));
  return line;
}

/// Appends a line of cells: CSV, TSV, or for the table separated by '\0' (cells are escaped,
/// so they hold no '\0').
template <typename Iterator>
void HuntFormatter::append_cells(std::string& line, Iterator begin, Iterator end) const {
  const char separator = format_ == HuntFormat::kCsv   ? ','
                         : format_ == HuntFormat::kTsv ? '\t'
                                                       : '\0';
  for (Iterator cell = begin; cell != end; ++cell) {
    if (cell != begin) line += separator;
    if (format_ == HuntFormat::kCsv) {
      append_csv_field(line, *cell);
    } else {
      append_escaped_text(line, *cell);
    }
  }
  line += '\n';
}

std::optional<SigmaRuleSet> compile_rules(const HuntRules& sources, bool strict, bool notes,
                                          Reporter& reporter) {
  SigmaRuleSet rules = SigmaRuleSet::compile(sources.sources, sources.options);
  for (const SigmaProblem& problem : rules.problems()) {
    const std::string message = "rule failed: " + problem.to_string();
    if (strict) {
      reporter.error(message);
    } else if (notes) {
      reporter.note(message + " (it does not run)");
    }
  }
  if (strict && !rules.problems().empty()) return std::nullopt;
  if (rules.rules().empty()) {
    reporter.error("no rule to run: --rules named no AWS CloudTrail rule that the options select");
    return std::nullopt;
  }
  return rules;
}

int finish_hunt(const SigmaRuleSet& rules, const HuntFormatter& formatter, HuntFindings&& findings,
                bool quiet, Reporter& reporter) {
  if (findings.observations.untimed > 0) {
    reporter.note(
        fmt::format("{} events matched a correlation's rule but have no valid eventTime: "
                    "they were not correlated",
                    findings.observations.untimed));
  }
  Timeline& timeline = findings.timeline;
  std::vector<Detection> correlated;
  std::string correlated_texts;
  for (const SigmaCorrelationDetection& detection :
       rules.correlate(std::move(findings.observations))) {
    const std::uint64_t offset = correlated_texts.size();
    formatter.append_correlation_detection(correlated_texts, detection);
    correlated.push_back({detection.first, detection.first_position, detection.rule, 0, offset,
                          correlated_texts.size() - offset});
  }
  timeline.add(std::move(correlated), std::move(correlated_texts));
  timeline.sort();

  const std::vector<Detection>& detections = timeline.detections();
  std::vector<std::uint64_t> per_rule(rules.rules().size(), 0);
  for (const Detection& detection : detections) ++per_rule[detection.rule];
  if (formatter.format() == HuntFormat::kTable) {
    if (!detections.empty()) {
      write_timeline_table(formatter.header(), timeline, rules.rules(), colour_on(STDOUT_FILENO));
    }
  } else {
    if (formatter.format() != HuntFormat::kNdjson) write_stdout(formatter.header());
    for (const Detection& detection : detections) {
      if (!write_stdout(timeline.text(detection))) break;
    }
  }
  if (!quiet) reporter.write(format_summary(rules, findings.events, per_rule));
  if (reporter.failed()) return kExitError;
  return detections.empty() ? kExitNo : kExitOk;
}

void add_hunt_command(CLI::App& app, RunFn& run) {
  auto options = std::make_shared<HuntOptions>();
  CLI::App* command = app.add_subcommand(
      "hunt", "Run Sigma rules over the events and print what they detect, in time order");
  command->footer(
      "Reads Sigma rules for AWS CloudTrail (logsource product aws, service cloudtrail) and\n"
      "prints one line per event and rule that matched, and one per correlation window, in\n"
      "eventTime order; a summary goes to stderr. A PATH @FILE stands for the paths FILE lists,\n"
      "one per line. Exit status: 0 if something was detected, 1 if nothing was, 2 on an error\n"
      "(an unreadable input or rule file, a rule that cannot run with --strict-rules). See\n"
      "trailsift-hunt(1).");
  add_input_options(*command, options->input);
  add_selection_options(*command, options->selection);
  const std::string group = "Rules";
  command
      ->add_option("-r,--rules", options->rule_paths,
                   "A Sigma rule file, or a folder of them (walked recursively); repeatable")
      ->type_name("PATH")
      ->allow_extra_args(false)
      ->required()
      ->group(group);
  command
      ->add_option("--placeholder", options->placeholders,
                   "Values for the %NAME% placeholders of |expand; repeatable")
      ->type_name("NAME=VALUE[,VALUE...]")
      ->allow_extra_args(false)
      ->group(group);
  command
      ->add_option("--placeholders", options->placeholder_files,
                   "A YAML file mapping placeholder names to values; repeatable")
      ->type_name("FILE")
      ->allow_extra_args(false)
      ->group(group);
  command
      ->add_flag("--strict-rules", options->strict_rules,
                 "A rule that cannot run is an error (exit 2) rather than a warning")
      ->group(group);
  command
      ->add_option("--rule-status", options->statuses,
                   "Run only rules of these statuses: stable, test, experimental, deprecated, "
                   "unsupported")
      ->type_name("STATUS[,STATUS...]")
      ->allow_extra_args(false)
      ->group(group);
  command
      ->add_option("--min-level", options->min_level,
                   "Run only rules of this level or higher: informational, low, medium, high, "
                   "critical")
      ->type_name("LEVEL")
      ->group(group);
  command
      ->add_option("--rule-id", options->rule_ids,
                   "Run only the rule with this id or name (a glob); repeatable")
      ->type_name("ID")
      ->allow_extra_args(false)
      ->group(group);
  command
      ->add_option("--tag", options->tags,
                   "Run only rules with this tag (a glob, e.g. 'attack.t1078*'); repeatable")
      ->type_name("TAG")
      ->allow_extra_args(false)
      ->group(group);
  add_output_option(*command, options->format_name, {"table", "csv", "tsv", "ndjson", "partial"},
                    "table (default), csv, tsv, ndjson (the rule and the record, one per line), "
                    "or partial (for trailsift merge)");
  command->callback([options, &run] { run = [options] { return run_hunt(*options); }; });
}

}  // namespace trailsift::cli
