// SPDX-License-Identifier: MIT
// `trailsift merge`: combines the partial results (`-o partial`) of runs over shards of the
// inputs into the output one run over all of them gives, written by the same code.
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "commands.hpp"
#include "hunt_output.hpp"
#include "output_format.hpp"
#include "partial.hpp"
#include "report.hpp"
#include "scan.hpp"
#include "trailsift/event_reader.hpp"
#include "trailsift/input.hpp"
#include "trailsift/partial_result.hpp"
#include "trailsift/validation.hpp"

namespace trailsift::cli {
namespace {

struct MergeOptions {
  std::vector<std::string> paths;
  std::string format_name;  ///< empty: the merged command's default
  bool chart = false;
  bool verbose = false;
  bool quiet = false;
};

/// The output forms of each command whose partial results merge, the default first.
const std::vector<std::string>& formats_of(const std::string& command) {
  static const std::vector<std::string> kStats = {"table", "csv", "tsv", "json"};
  static const std::vector<std::string> kDiff = {"table", "csv", "tsv", "json"};
  static const std::vector<std::string> kHunt = {"table", "csv", "tsv", "ndjson"};
  static const std::vector<std::string> kValidate = {"table", "json"};
  static const std::vector<std::string> kNone;
  if (command == "stats") return kStats;
  if (command == "diff") return kDiff;
  if (command == "hunt") return kHunt;
  if (command == "validate") return kValidate;
  return kNone;
}

/// The inputs read by two shards, which a merge would count twice.
bool report_repeated_inputs(const StatsPartial& merged, Reporter& reporter) {
  bool repeated = false;
  for (std::size_t i = 0; i < merged.sides.size(); ++i) {
    const std::string input = repeated_input(merged.sides[i].inputs);
    if (input.empty()) continue;
    const std::string side = merged.sides.size() == 1 ? ""
                             : i == 0                 ? "left side: "
                                                      : "right side: ";
    reporter.error(
        fmt::format("{}{}: read by more than one of the partial results: its events "
                    "would be counted twice",
                    side, input));
    repeated = true;
  }
  return repeated;
}

int merge_stats(const MergeOptions& options, const std::vector<std::string>& texts,
                const std::string& format_name, Reporter& reporter) {
  std::optional<StatsPartial> merged;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    Result<StatsPartial> partial = parse_stats_partial(texts[i]);
    if (!partial) {
      reporter.error(make_error(options.paths[i], partial.error().message));
      return kExitError;
    }
    if (!merged) {
      merged = std::move(*partial);
    } else if (Status added = merge_stats_partial(*merged, std::move(*partial)); !added) {
      reporter.error(make_error(options.paths[i], added.error().message));
      return kExitError;
    }
  }
  if (report_repeated_inputs(*merged, reporter)) return kExitError;
  if (merged->command == "diff") {
    for (const PartialSide& side : merged->sides) {
      if (!options.quiet) note_left_out_without_time(reporter, side.left_out_without_time);
    }
    const int status = write_group_diff_result(merged->spec.by, merged->threshold,
                                               merged->sides[0].stats, merged->sides[1].stats,
                                               merged->matches_everything, format_name, reporter);
    return merged->failed ? kExitError : status;
  }
  if ((format_name == "csv" || format_name == "tsv") && merged->spec.by.empty()) {
    reporter.error(
        fmt::format("-o {} needs --by: the overview is several tables (use -o json)", format_name));
    return kExitError;
  }
  const PartialSide& side = merged->sides.front();
  if (!options.quiet) note_left_out_without_time(reporter, side.left_out_without_time);
  StatsContext context;
  context.selection_json = merged->selection_json;
  context.top = merged->top;
  context.files = side.files;
  context.files_failed = side.files_failed;
  context.left_out_without_time = side.left_out_without_time;
  write_stats_result(side.stats, context, format_name, options.chart);
  return merged->failed ? kExitError : kExitOk;
}

/// Merges hunt's partial results: their detections are formatted again from their records, and
/// their observations correlated together, by the code of one hunt run.
/// Why `partial` does not fit `rules` (a detection of a rule it does not have, an observation
/// of a correlation it does not have), or empty: checked before correlate() trusts it.
std::string misfit(const HuntPartial& partial, const SigmaRuleSet& rules) {
  for (const HuntPartialDetection& found : partial.detections) {
    if (found.rule >= rules.rules().size() || rules.rules()[found.rule].correlation) {
      return "a detection names no single-event rule";
    }
    // A record is a JSON object: anything else (gzip bytes, say) is not read at all.
    if (!found.event_json.starts_with('{')) return "the record of a detection is not a JSON object";
  }
  for (const SigmaObservation& observation : partial.observations.items) {
    if (!rules.fits(observation)) return "an observation does not fit its rules' correlations";
  }
  return {};
}

int merge_hunt(const MergeOptions& options, const std::vector<std::string>& texts,
               const std::string& format_name, Reporter& reporter) {
  std::optional<HuntPartial> merged;
  std::optional<SigmaRuleSet> rules;  // compiled from the first; the others must have the same
  for (std::size_t i = 0; i < texts.size(); ++i) {
    Result<HuntPartial> partial = parse_hunt_partial(texts[i]);
    if (!partial) {
      reporter.error(make_error(options.paths[i], partial.error().message));
      return kExitError;
    }
    if (!rules) {
      rules = compile_rules(partial->rules, false, !options.quiet, reporter);
      if (!rules) return kExitError;
    }
    if (const std::string why = misfit(*partial, *rules); !why.empty()) {
      reporter.error(make_error(options.paths[i], "not a valid partial result: " + why));
      return kExitError;
    }
    if (!merged) {
      merged = std::move(*partial);
    } else if (Status added = merge_hunt_partial(*merged, std::move(*partial)); !added) {
      reporter.error(make_error(options.paths[i], added.error().message));
      return kExitError;
    }
  }
  if (const std::string input = repeated_input(merged->inputs); !input.empty()) {
    reporter.error(
        fmt::format("{}: read by more than one of the partial results: its "
                    "detections would be reported twice",
                    input));
    return kExitError;
  }
  sort_hunt_inputs(*merged);

  const HuntFormatter formatter(hunt_format(format_name), rules->rules());
  HuntFindings findings;
  findings.events = merged->events;
  findings.observations = std::move(merged->observations);
  std::vector<Detection> detections;
  std::string texts_of_detections;
  EventReader reader;
  for (const HuntPartialDetection& found : merged->detections) {
    Detection& detection = detections.emplace_back();
    detection.position = found.position;
    detection.rule = found.rule;
    detection.offset = texts_of_detections.size();
    std::uint64_t records = 0;
    const ReadReport read = reader.read_bytes(
        merged->inputs[found.position.input], found.event_json, [&](const Event& event) {
          detection.time = parse_iso8601(event.event_time).value_or(detection.time);
          formatter.append_event_detection(texts_of_detections, found.rule, event);
          ++records;
          return Visit::kContinue;
        });
    if (!read.ok() || records != 1) {
      reporter.error(
          fmt::format("not a valid partial result: the record of a detection in {} "
                      "is not one CloudTrail record",
                      merged->inputs[found.position.input]));
      return kExitError;
    }
    detection.length = texts_of_detections.size() - detection.offset;
  }
  findings.timeline.add(std::move(detections), std::move(texts_of_detections));
  const int status = finish_hunt(*rules, formatter, std::move(findings), options.quiet, reporter);
  return merged->failed ? kExitError : status;
}

/// Merges `validate -o json` reports of shards (one chain or more each) into the report of one
/// run, written by validate's own code.
int merge_validate(const MergeOptions& options, const std::vector<std::string>& texts,
                   const std::string& format_name, Reporter& reporter) {
  std::vector<ValidationRun> runs;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    Result<ValidationRun> run = parse_report_json(texts[i]);
    if (!run) {
      reporter.error(make_error(options.paths[i], run.error().message));
      return kExitError;
    }
    runs.push_back(std::move(*run));
  }
  Result<ValidationRun> merged = merge_validation_runs(std::move(runs), options.paths);
  if (!merged) {
    reporter.error(merged.error());
    return kExitError;
  }
  return write_validation_result(
      *merged, {.format = format_name, .verbose = options.verbose, .quiet = options.quiet},
      reporter);
}

/// Which command wrote `text`: `validate -o json` reports start with their own version key.
Result<std::string> command_of(std::string_view text) {
  if (text.starts_with("{\"trailsift_validate\":")) return std::string("validate");
  return partial_command(text);
}

int run_merge(const MergeOptions& options) {
  Reporter reporter("merge", false);
  std::vector<std::string> texts;
  std::string command;
  ByteBuffer compressed;
  ByteBuffer text;
  for (const std::string& path : options.paths) {
    if (Status read = read_input(path, ReadLimits{}, compressed, text); !read) {
      reporter.error(read.error());
      return kExitError;
    }
    texts.emplace_back(text.view());
    Result<std::string> made_by = command_of(texts.back());
    if (!made_by) {
      reporter.error(make_error(path, made_by.error().message));
      return kExitError;
    }
    if (formats_of(*made_by).empty()) {
      reporter.error(make_error(path, fmt::format("a partial result of {}, which merge does not "
                                                  "combine",
                                                  *made_by)));
      return kExitError;
    }
    if (!command.empty() && *made_by != command) {
      reporter.error(make_error(path, fmt::format("a partial result of {}, not of {} as the first "
                                                  "one: they do not merge",
                                                  *made_by, command)));
      return kExitError;
    }
    command = *made_by;
  }
  const std::vector<std::string>& formats = formats_of(command);
  const std::string format_name =
      options.format_name.empty() ? formats.front() : canonical_format_name(options.format_name);
  if (std::find(formats.begin(), formats.end(), format_name) == formats.end()) {
    reporter.error(
        fmt::format("-o {}: {} writes {}", format_name, command, fmt::join(formats, ", ")));
    return kExitError;
  }
  if (command == "hunt") return merge_hunt(options, texts, format_name, reporter);
  if (command == "validate") return merge_validate(options, texts, format_name, reporter);
  return merge_stats(options, texts, format_name, reporter);
}

}  // namespace

void add_merge_command(CLI::App& app, RunFn& run) {
  auto options = std::make_shared<MergeOptions>();
  CLI::App* command = app.add_subcommand(
      "merge", "Combine partial results (-o partial) of runs over shards into one result");
  command->footer(
      "'trailsift stats -o partial SHARD > part' on each shard, then 'trailsift merge part...'\n"
      "writes what one 'trailsift stats' over every shard writes; so do diff --by and hunt, and\n"
      "validate -o json reports of shards by chain. Exit\n"
      "status: the single run's (2 also when the partial results do not fit together). See\n"
      "trailsift-merge(1).");
  command
      ->add_option("PARTIAL", options->paths, "Partial results, any number ('-': standard input)")
      ->required();
  command
      ->add_option("-o,--output", options->format_name,
                   "The merged command's output form: table (default), csv, tsv, json (stats, "
                   "diff, validate) or ndjson (hunt)")
      ->type_name("FORMAT");
  command->add_flag("--chart", options->chart,
                    "stats: draw the overview's timeline even when standard output is not a "
                    "terminal");
  command->add_flag("-v,--verbose", options->verbose,
                    "validate: also list valid files (table output)");
  command->add_flag("-q,--quiet", options->quiet, "No notes");
  command->callback([options, &run] { run = [options] { return run_merge(*options); }; });
}

}  // namespace trailsift::cli
