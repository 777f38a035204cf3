// SPDX-License-Identifier: MIT
// `trailsift validate`: prove offline, from the digest chains, that a bucket mirror is complete
// and unchanged.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "colour.hpp"
#include "commands.hpp"
#include "output_format.hpp"
#include "partial.hpp"
#include "report.hpp"
#include "scan.hpp"
#include "trailsift/parallel.hpp"
#include "trailsift/validation.hpp"

namespace trailsift::cli {
namespace {

struct ValidateOptions {
  std::string root;
  std::vector<std::string> public_keys;
  std::string signatures;
  std::string s3_bucket;
  std::optional<std::string> s3_prefix;
  std::vector<std::string> account_ids;
  std::vector<std::string> regions;
  std::string trail_arn;
  std::string trail;
  std::string start_time;
  std::string end_time;
  std::string start_option;  ///< as typed: --start-time or --since
  std::string end_option;
  std::vector<std::string> exclude;
  std::string output = "table";
  bool verbose = false;
  bool strict = false;
  InputOptions input;  ///< --threads, --max-size (2G by default: files are read whole), --quiet
  std::string state;
  double recheck_fraction = 0;
  std::optional<std::uint64_t> recheck_seed;
};

Result<std::string> read_text(const std::string& path) {
  ByteBuffer buffer;
  if (Status read = read_file(path, ReadLimits{}, buffer); !read) return read.error();
  return std::string(buffer.view());
}

/// Turns the options into what validate_mirror needs, as the AWS CLI reads them.
Result<ValidationSpec> validation_spec(const ValidateOptions& options) {
  ValidationSpec spec;
  spec.root = options.root;
  if (!options.s3_bucket.empty()) spec.s3_bucket = options.s3_bucket;
  if (options.s3_prefix) {
    // As the AWS CLI joins it: `PREFIX/AWSLogs/...`, whatever slashes it was given with.
    std::string_view prefix = *options.s3_prefix;
    while (prefix.starts_with('/')) prefix.remove_prefix(1);
    while (prefix.ends_with('/')) prefix.remove_suffix(1);
    spec.prefix = prefix.empty() ? "" : std::string(prefix) + "/";
  }
  spec.accounts = options.account_ids;
  spec.regions = options.regions;
  spec.trail = options.trail;
  if (!options.trail_arn.empty()) {
    static const std::regex kTrailArn(R"(arn:[^:]+:cloudtrail:([^:]+):(\d{12}):trail/(.+))");
    std::smatch match;
    if (!std::regex_match(options.trail_arn, match, kTrailArn)) {
      return make_error("", "Invalid trail ARN provided: " + options.trail_arn);
    }
    spec.home_region = match[1];
    spec.trail = match[3];
    if (spec.accounts.empty()) spec.accounts = {match[2]};
  }
  for (auto [name, text, end, bound] :
       {std::tuple{&options.start_option, &options.start_time, RangeEnd::kStart, &spec.range.start},
        std::tuple{&options.end_option, &options.end_time, RangeEnd::kEnd, &spec.range.end}}) {
    if (text->empty()) continue;
    Result<UnixSeconds> time = parse_time_argument(*text, end);
    if (!time) return make_error("", fmt::format("{}: {}", *name, time.error().message));
    *bound = *time;
  }
  if (spec.range.start && spec.range.end && *spec.range.start > *spec.range.end) {
    return make_error("", "Invalid time range specified: start-time must occur before end-time");
  }
  spec.threads = resolve_thread_count(options.input.threads);
  Result<std::uint64_t> max_size = parse_size(options.input.max_size);
  if (!max_size) return make_error("", "--max-size: " + max_size.error().message);
  spec.limits.max_bytes = *max_size;
  spec.exclude = options.exclude;
  spec.own_files = options.public_keys;
  for (const std::string* path : {&options.signatures, &options.state}) {
    if (!path->empty()) spec.own_files.push_back(*path);
  }
  if (options.recheck_fraction > 0 && options.state.empty()) {
    return make_error("", "--recheck-fraction: only with --state");
  }
  spec.recheck_fraction = options.recheck_fraction;
  if (options.recheck_seed) {
    spec.recheck_seed = *options.recheck_seed;
  } else {
    // 53 bits: the seed stays exact in JSON readers that hold numbers as doubles (jq).
    std::random_device random;
    spec.recheck_seed = (std::uint64_t{random()} << 32 | random()) >> 11;
  }
  spec.record_state = !options.state.empty();
  return spec;
}

Result<Keyring> load_keys(const std::vector<std::string>& paths, Reporter& reporter) {
  Keyring keys;
  for (const std::string& path : paths) {
    Result<std::string> text = read_text(path);
    if (!text) return text.error();
    if (Status added = keys.add_document(*text); !added)
      return make_error(path, added.error().message);
  }
  if (keys.entries().empty()) return make_error("", "no public keys in --public-keys");
  for (const auto& [fingerprint, entry] : keys.entries()) {
    if (!entry.problem.empty()) reporter.note("--public-keys: " + entry.problem);
  }
  return keys;
}

Result<SignatureMap> load_signatures(const std::string& path) {
  if (path.empty()) return SignatureMap{};
  Result<std::string> text = read_text(path);
  if (!text) return text.error();
  Result<SignatureMap> signatures = parse_signatures(*text);
  if (!signatures) {
    Error error = signatures.error();
    error.path = path;
    return error;
  }
  return signatures;
}

/// --state: what the last run saved, or nothing (with a warning: every file is then read) when
/// it is missing or unusable; an error only when it exists but cannot be read.
Result<std::optional<ValidationState>> load_state(const std::string& path, Reporter& reporter) {
  std::error_code error;
  if (!std::filesystem::exists(path, error) && !error) {
    reporter.note(fmt::format(
        "warning: no state in {} (a first run, or it was lost): every file is read", path));
    return std::optional<ValidationState>();
  }
  Result<std::string> text = read_text(path);
  if (!text) return text.error();
  Result<ValidationState> state = parse_validation_state(*text);
  if (!state) {
    reporter.note(fmt::format("warning: {}: {}: every file is read, and the state replaced", path,
                              state.error().message));
    return std::optional<ValidationState>();
  }
  return std::optional<ValidationState>(std::move(*state));
}

/// Writes the state beside its old copy, then renames it over: a crash or a full disk leaves
/// the old state or the new one, never half of one.
Status save_state(const std::string& path, const ValidationState& state) {
  Result<std::string> text = format_validation_state(state);
  if (!text) return make_error(path, "cannot save the state: " + text.error().message);
  std::string temporary = path + ".XXXXXX";
  const int fd = ::mkstemp(temporary.data());
  if (fd < 0)
    return make_error(path, std::string("cannot save the state: ") + std::strerror(errno));
  std::string_view rest = *text;
  while (!rest.empty()) {
    const ssize_t written = ::write(fd, rest.data(), rest.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) break;
    rest.remove_prefix(static_cast<std::size_t>(written));
  }
  const bool saved = rest.empty() && ::fsync(fd) == 0;
  const int error = errno;
  if (::close(fd) != 0 || !saved || ::rename(temporary.c_str(), path.c_str()) != 0) {
    const int reason = saved ? errno : error;
    ::unlink(temporary.c_str());
    return make_error(path, std::string("cannot save the state: ") + std::strerror(reason));
  }
  // The rename lasts once the folder holding it is on disk too.
  const std::string folder = std::filesystem::path(path).parent_path().string();
  if (const int dir = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY);
      dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return {};
}

/// How --state was used, for the notes.
std::string describe_state_use(const StateUse& use) {
  std::string text =
      fmt::format("--state: {} file(s) known and unchanged, not read; {} read ({} changed size)",
                  use.known, use.read, use.changed);
  if (use.recheck_fraction > 0) {
    text += fmt::format(
        "; {} known file(s) read again (--recheck-fraction {} --recheck-seed {}): {} differed",
        use.rechecked, use.recheck_fraction, use.recheck_seed, use.differed);
  }
  return text;
}

/// True when an option narrows what is validated.
bool selected(const ValidationSpec& spec) {
  return !spec.accounts.empty() || !spec.regions.empty() || spec.prefix || !spec.trail.empty() ||
         !spec.home_region.empty() || spec.range.start || spec.range.end;
}

}  // namespace

int write_validation_result(const ValidationRun& run, const ValidationOutput& output,
                            Reporter& reporter) {
  const ValidationReport& report = run.report;
  if (output.format == "json") {
    write_stdout(format_report_json(run));
  } else {
    // Problems go to stderr, the rest to stdout: each coloured when it is a terminal.
    const StatusPaint colours{kGreen, kRed, kYellow, kYellow, kColourReset};
    const StatusPaint out_paint = colour_on(STDOUT_FILENO) ? colours : StatusPaint{};
    const StatusPaint error_paint = colour_on(STDERR_FILENO) ? colours : StatusPaint{};
    std::string valid_lines;
    std::string problems;
    for (const Finding& finding : report.findings) {
      if (finding.status != FindingStatus::kValid) {
        problems += format_finding(finding, error_paint) + "\n\n";  // the AWS CLI's spacing
      } else if (output.verbose) {
        valid_lines += format_finding(finding, out_paint) + "\n";
      }
    }
    reporter.write(problems);
    write_stdout(valid_lines);
    write_stdout((valid_lines.empty() ? "" : "\n") +
                 format_summary(report, run.spec.range, out_paint));
  }
  if (report.found_no_digests()) {
    // Always said, even with -q: a cron job pointed at the wrong folder must not pass quietly.
    reporter.note(fmt::format("warning: no digest file found in {}{}: nothing was validated",
                              run.spec.root, selected(run.spec) ? " for the selection given" : ""));
  }
  if (report.excluded_files > 0 && !output.quiet) {
    reporter.note(fmt::format("{} file(s) that no digest lists were not reported (--exclude)",
                              report.excluded_files));
  }
  if (report.inflated_files > 0 && !output.quiet) {
    reporter.note(
        fmt::format("{} file(s) were stored without gzip compression and were hashed as they are",
                    report.inflated_files));
  }
  // A recheck asked for is reported even with -q: its seed is what repeats it.
  if (report.state_use && (!output.quiet || report.state_use->recheck_fraction > 0)) {
    reporter.note(describe_state_use(*report.state_use));
  }
  for (const Error& error : report.errors) reporter.error(error);
  if (!report.errors.empty()) return kExitError;
  return report.failed(run.strict) ? kExitNo : kExitOk;
}

namespace {

int run_validate(const ValidateOptions& options) {
  Reporter reporter("validate", !options.input.quiet);
  Result<ValidationSpec> spec = validation_spec(options);
  if (!spec) {
    reporter.error(spec.error());
    return kExitError;
  }
  Result<Keyring> keys = load_keys(options.public_keys, reporter);
  if (!keys) {
    reporter.error(keys.error());
    return kExitError;
  }
  Result<SignatureMap> signatures = load_signatures(options.signatures);
  if (!signatures) {
    reporter.error(signatures.error());
    return kExitError;
  }
  Result<std::optional<ValidationState>> known = std::optional<ValidationState>();
  if (!options.state.empty()) known = load_state(options.state, reporter);
  if (!known) {
    reporter.error(known.error());
    return kExitError;
  }
  if (*known) spec->known = &**known;
  Result<ValidationReport> report = validate_mirror(
      *spec, *keys, *signatures, [&](std::size_t done, std::size_t total, std::uint64_t bytes) {
        reporter.progress(done, total, bytes);
      });
  if (!report) {
    reporter.error(report.error());
    return kExitError;
  }

  const ValidationRun run{std::move(*spec), options.strict, std::move(*report)};
  const int status = write_validation_result(
      run, {.format = options.output, .verbose = options.verbose, .quiet = options.input.quiet},
      reporter);
  if (!options.state.empty()) {
    if (Status saved = save_state(options.state, run.report.state); !saved) {
      reporter.error(saved.error());
      return kExitError;
    }
  }
  return status;
}

}  // namespace

void add_validate_command(CLI::App& app, RunFn& run) {
  auto options = std::make_shared<ValidateOptions>();
  CLI::App* command = app.add_subcommand(
      "validate",
      "Prove offline that a bucket mirror is complete and unchanged, from its digest files");
  command->footer(
      "DIR is a copy of the trail's bucket (aws s3 sync s3://BUCKET DIR): a file's path under DIR "
      "is\n"
      "its S3 key. Exit status: 0 if nothing is INVALID, 1 if something is (with --strict, also "
      "if\n"
      "something is UNVERIFIED or no digest is found), 2 on a usage error or an unreadable input.\n"
      "See trailsift-validate(1).");
  command->add_option("dir", options->root, "The bucket mirror")->required()->type_name("DIR");
  command
      ->add_option(
          "--public-keys", options->public_keys,
          "Output of aws cloudtrail list-public-keys (repeat for several regions or periods)")
      ->required()
      ->allow_extra_args(false)
      ->type_name("FILE");
  command
      ->add_option(
          "--signatures", options->signatures,
          "Saved S3 signatures of digests: JSON {\"s3://bucket/key\": signature or metadata} "
          "or lines of KEY<TAB>SIGNATURE")
      ->type_name("FILE");
  command
      ->add_option("--s3-bucket", options->s3_bucket,
                   "The mirror's bucket (default: the one each digest names)")
      ->type_name("BUCKET");
  command
      ->add_option("--s3-prefix", options->s3_prefix,
                   "Only the trails under this S3 key prefix (DIR still mirrors the whole bucket)")
      ->type_name("PREFIX");
  command->add_option("--account-id", options->account_ids, "Only this account (repeatable)")
      ->allow_extra_args(false)
      ->type_name("ID");
  command
      ->add_option("--region", options->regions,
                   "Only digests and logs delivered from this region (repeatable)")
      ->allow_extra_args(false)
      ->type_name("REGION");
  auto* arn =
      command
          ->add_option("--trail-arn", options->trail_arn,
                       "Only this trail: its name, home region and (without --account-id) account")
          ->type_name("ARN");
  command->add_option("--trail", options->trail, "Only the trail with this name")
      ->type_name("NAME")
      ->excludes(arn);
  add_time_options(*command,
                   {.group = "Options",
                    .start = "Log files delivered at or after this time (ISO 8601, a date or "
                             "epoch seconds)",
                    .end = "Log files delivered at or before this time"},
                   {&options->start_time, &options->start_option},
                   {&options->end_time, &options->end_option});
  command
      ->add_option("--exclude", options->exclude,
                   "Do not report the files no digest lists whose key (a GLOB with '/') or name "
                   "(without) matches (repeatable)")
      ->allow_extra_args(false)
      ->type_name("GLOB");
  add_output_option(*command, options->output, {"table", "json"},
                    "table (default, the AWS CLI's layout; also 'text') or json");
  command->add_flag("-v,--verbose", options->verbose, "Also list valid files (table output)");
  command->add_flag("--strict", options->strict,
                    "Exit 1 when anything is UNVERIFIED or no digest is found, too");
  command
      ->add_option("--state", options->state,
                   "Read only what is new or changed since the run that saved FILE, and save "
                   "what this run learned in it (for nightly runs)")
      ->type_name("FILE");
  command
      ->add_option("--recheck-fraction", options->recheck_fraction,
                   "With --state, read again this fraction of the files it knows, picked at random")
      ->check(CLI::Range(0.0, 1.0))
      ->type_name("F");
  command
      ->add_option("--recheck-seed", options->recheck_seed,
                   "Seed of the files --recheck-fraction picks (default: random, and reported)")
      ->type_name("N");
  options->input.max_size = "2G";
  add_shared_reading_options(*command, options->input,
                             "Refuse a file larger than this once inflated (default 2G)");
  command->callback([options, &run] { run = [options] { return run_validate(*options); }; });
}

}  // namespace trailsift::cli
