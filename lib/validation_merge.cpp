// SPDX-License-Identifier: MIT
// Validation reports (`validate -o json`) read back, and merged: runs over shards of a mirror,
// one chain or more each, give the report one run over all of them gives, counted and sorted by
// validate_mirror's own last step (finish_report).
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include <fmt/format.h>
#include <simdjson.h>

#include "json_reading.hpp"
#include "trailsift/validation.hpp"
#include "validation_internal.hpp"

namespace trailsift {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

Error malformed(std::string_view what) {
  return make_error("", fmt::format("not a validate -o json report: {}", what));
}

/// A string member; null (or absent, when `optional`) is empty.
Result<std::string> string_of(const object& fields, std::string_view name) {
  element value;
  if (fields[name].get(value) != simdjson::SUCCESS) return malformed(fmt::format("no '{}'", name));
  if (value.is_null()) return std::string();
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) {
    return malformed(fmt::format("'{}' is not a string", name));
  }
  return std::string(text);
}

Result<std::uint64_t> uint_of(const object& fields, std::string_view name) {
  std::uint64_t number = 0;
  if (fields[name].get_uint64().get(number) != simdjson::SUCCESS) {
    return malformed(fmt::format("'{}' is not a whole number", name));
  }
  return number;
}

Result<bool> bool_of(const object& fields, std::string_view name) {
  bool value = false;
  if (fields[name].get_bool().get(value) != simdjson::SUCCESS) {
    return malformed(fmt::format("'{}' is not true or false", name));
  }
  return value;
}

Result<std::vector<std::string>> strings_of(const object& fields, std::string_view name) {
  element value;
  std::optional<std::vector<std::string>> strings;
  if (fields[name].get(value) == simdjson::SUCCESS) strings = detail::string_list(value);
  if (!strings) return malformed(fmt::format("'{}' is not a list of strings", name));
  return std::move(*strings);
}

/// An ISO 8601 time member, or nothing for null.
Result<std::optional<UnixSeconds>> time_of(const object& fields, std::string_view name) {
  Result<std::string> text = string_of(fields, name);
  if (!text) return text.error();
  if (text->empty()) return std::optional<UnixSeconds>();
  std::optional<UnixSeconds> time = parse_iso8601(*text);
  if (!time) return malformed(fmt::format("'{}' is not a time", name));
  return time;
}

Result<object> object_of(const object& fields, std::string_view name) {
  object value;
  if (fields[name].get_object().get(value) != simdjson::SUCCESS) {
    return malformed(fmt::format("'{}' is not an object", name));
  }
  return value;
}

Result<FindingCounts> counts_of(const object& totals, std::string_view name) {
  Result<object> fields = object_of(totals, name);
  if (!fields) return fields.error();
  FindingCounts counts;
  for (auto [member, count] :
       {std::pair{"valid", &counts.valid}, std::pair{"invalid", &counts.invalid},
        std::pair{"unverified", &counts.unverified}}) {
    Result<std::uint64_t> number = uint_of(*fields, member);
    if (!number) return number.error();
    *count = *number;
  }
  return counts;
}

/// The value of `values` whose word (as the report writes it) the member holds.
template <typename Enum>
Result<Enum> word_of(const object& fields, std::string_view name,
                     std::initializer_list<Enum> values, std::string_view (*word)(Enum)) {
  Result<std::string> text = string_of(fields, name);
  if (!text) return text.error();
  for (const Enum value : values) {
    if (word(value) == *text) return value;
  }
  return malformed(fmt::format("'{}' is not one of its words", name));
}

Result<Finding> finding_of(element value) {
  object fields;
  if (value.get_object().get(fields) != simdjson::SUCCESS) return malformed("a finding");
  Finding finding;
  Result<FindingKind> kind =
      word_of<FindingKind>(fields, "kind",
                           {FindingKind::kDigest, FindingKind::kLog, FindingKind::kGap,
                            FindingKind::kChain, FindingKind::kOther},
                           validation_detail::kind_word);
  if (!kind) return kind.error();
  finding.kind = *kind;
  Result<FindingStatus> status = word_of<FindingStatus>(
      fields, "status",
      {FindingStatus::kValid, FindingStatus::kInvalid, FindingStatus::kUnverified,
       FindingStatus::kWarning, FindingStatus::kNote},
      validation_detail::status_word);
  if (!status) return status.error();
  finding.status = *status;
  Result<bool> backfill = bool_of(fields, "backfill");
  if (!backfill) return backfill.error();
  finding.backfill = *backfill;
  // `s3://BUCKET/KEY`: a bucket name has no '/'.
  Result<std::string> uri = string_of(fields, "s3_uri");
  if (!uri) return uri.error();
  const std::size_t slash = uri->find('/', 5);
  if (!uri->starts_with("s3://") || slash == std::string::npos) return malformed("an s3_uri");
  finding.bucket = uri->substr(5, slash - 5);
  finding.key = uri->substr(slash + 1);
  for (auto [name, text] :
       {std::pair{"reason", &finding.reason}, std::pair{"path", &finding.path},
        std::pair{"account", &finding.folder.account}, std::pair{"region", &finding.folder.region},
        std::pair{"trail", &finding.trail}, std::pair{"prefix", &finding.folder.prefix},
        std::pair{"organization", &finding.folder.org_id}}) {
    Result<std::string> member = string_of(fields, name);
    if (!member) return member.error();
    *text = std::move(*member);
  }
  for (auto [name, time] : {std::pair{"start", &finding.start}, std::pair{"end", &finding.end}}) {
    Result<std::optional<UnixSeconds>> member = time_of(fields, name);
    if (!member) return member.error();
    *time = *member;
  }
  Result<std::optional<UnixSeconds>> time = time_of(fields, "time");
  if (!time) return time.error();
  finding.time = time->value_or(0);
  if (finding.kind == FindingKind::kChain) {
    Result<std::uint64_t> missing = uint_of(fields, "missing");
    if (!missing) return missing.error();
    finding.missing = *missing;
  }
  return finding;
}

Status read_options(const object& document, ValidationRun& run) {
  Result<object> options = object_of(document, "options");
  if (!options) return options.error();
  ValidationSpec& spec = run.spec;
  Result<std::string> root = string_of(*options, "root");
  if (!root) return root.error();
  Result<std::string> bucket = string_of(*options, "s3_bucket");
  if (!bucket) return bucket.error();
  Result<std::string> trail = string_of(*options, "trail");
  if (!trail) return trail.error();
  Result<std::string> home_region = string_of(*options, "home_region");
  if (!home_region) return home_region.error();
  Result<std::vector<std::string>> accounts = strings_of(*options, "accounts");
  if (!accounts) return accounts.error();
  Result<std::vector<std::string>> regions = strings_of(*options, "regions");
  if (!regions) return regions.error();
  Result<std::vector<std::string>> exclude = strings_of(*options, "exclude");
  if (!exclude) return exclude.error();
  Result<std::uint64_t> max_size = uint_of(*options, "max_size");
  if (!max_size) return max_size.error();
  Result<bool> strict = bool_of(*options, "strict");
  if (!strict) return strict.error();
  spec.root = std::move(*root);
  if (!bucket->empty()) spec.s3_bucket = std::move(*bucket);
  element prefix;
  if ((*options)["s3_prefix"].get(prefix) != simdjson::SUCCESS) return malformed("no 's3_prefix'");
  if (!prefix.is_null()) {
    std::string_view text;
    if (prefix.get_string().get(text) != simdjson::SUCCESS) return malformed("'s3_prefix'");
    spec.prefix = std::string(text);
  }
  spec.trail = std::move(*trail);
  spec.home_region = std::move(*home_region);
  spec.accounts = std::move(*accounts);
  spec.regions = std::move(*regions);
  spec.exclude = std::move(*exclude);
  spec.limits.max_bytes = *max_size;
  run.strict = *strict;
  Result<object> requested = object_of(document, "requested");
  if (!requested) return requested.error();
  for (auto [name, bound] :
       {std::pair{"start", &spec.range.start}, std::pair{"end", &spec.range.end}}) {
    Result<std::optional<UnixSeconds>> time = time_of(*requested, name);
    if (!time) return time.error();
    *bound = *time;
  }
  return {};
}

Status read_state_use(const object& document, ValidationReport& report) {
  object fields;
  if (document["state"].get_object().get(fields) != simdjson::SUCCESS) return {};  // no --state
  StateUse use;
  for (auto [name, count] :
       {std::pair{"known", &use.known}, std::pair{"read", &use.read},
        std::pair{"changed", &use.changed}, std::pair{"rechecked", &use.rechecked},
        std::pair{"differed", &use.differed}, std::pair{"recheck_seed", &use.recheck_seed}}) {
    Result<std::uint64_t> number = uint_of(fields, name);
    if (!number) return number.error();
    *count = *number;
  }
  if (fields["recheck_fraction"].get_double().get(use.recheck_fraction) != simdjson::SUCCESS) {
    return malformed("'recheck_fraction' is not a number");
  }
  report.state_use = use;
  return {};
}

bool same_counts(const FindingCounts& a, const FindingCounts& b) {
  return std::tie(a.valid, a.invalid, a.unverified) == std::tie(b.valid, b.invalid, b.unverified);
}

/// A file outside every trail folder: every run over the mirror sees it, whatever its selection.
bool outside_trails(const Finding& finding) { return finding.folder == TrailFolder{}; }

/// What identifies a finding of a file outside the trails, to find it in every report.
auto identity(const Finding& f) {
  return std::tie(f.kind, f.status, f.bucket, f.key, f.reason, f.path);
}

/// The options two reports must share to merge: all but the selection of chains.
auto shared_options(const ValidationRun& run) {
  const ValidationSpec& spec = run.spec;
  return std::tie(spec.root, spec.s3_bucket, spec.range.start, spec.range.end, spec.exclude,
                  spec.limits.max_bytes, run.strict);
}

/// The chain a finding belongs to; empty for files outside the trails' folders.
std::string chain_of(const Finding& finding) {
  if (outside_trails(finding)) return {};
  if (finding.kind == FindingKind::kLog || finding.kind == FindingKind::kOther) {
    return fmt::format("the log files of {} in {}", finding.folder.account_path(),
                       finding.folder.region);
  }
  return fmt::format("the {}chain of trail {} of {} in {}", finding.backfill ? "backfill " : "",
                     finding.trail, finding.folder.account_path(), finding.folder.region);
}

void sort_unique(std::vector<std::string>& values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
}

/// Adds the selection of `from` to `into`: the union in byte order (whatever the order of the
/// reports), where an empty list means all.
void add_selection(std::vector<std::string>& into, const std::vector<std::string>& from) {
  if (into.empty() || from.empty()) {
    into.clear();
    return;
  }
  into.insert(into.end(), from.begin(), from.end());
  sort_unique(into);
}

}  // namespace

Result<ValidationRun> parse_report_json(std::string_view text) {
  simdjson::dom::parser parser;
  object document;
  if (parser.parse(text.data(), text.size()).get_object().get(document) != simdjson::SUCCESS) {
    return malformed("not a JSON object");
  }
  std::uint64_t version = 0;
  if (document["trailsift_validate"].get_uint64().get(version) != simdjson::SUCCESS) {
    return malformed("no 'trailsift_validate' version");
  }
  if (version != kReportVersion) {
    return make_error("", fmt::format("a version {} validate report: this trailsift reads "
                                      "version {} only",
                                      version, kReportVersion));
  }
  ValidationRun run;
  if (Status read = read_options(document, run); !read) return read.error();
  ValidationReport& report = run.report;
  Result<object> found = object_of(document, "found");
  if (!found) return found.error();
  Result<std::optional<UnixSeconds>> found_start = time_of(*found, "start");
  if (!found_start) return found_start.error();
  Result<std::optional<UnixSeconds>> found_end = time_of(*found, "end");
  if (!found_end) return found_end.error();
  report.found_start = *found_start;
  report.found_end = *found_end;

  Result<object> totals = object_of(document, "totals");
  if (!totals) return totals.error();
  ValidationReport counted;  // the totals as written, to check against the findings
  for (auto [name, counts] :
       {std::pair{"digest_files", &counted.digests},
        std::pair{"backfill_digest_files", &counted.backfill_digests},
        std::pair{"log_files", &counted.logs}, std::pair{"other_files", &counted.others}}) {
    Result<FindingCounts> read = counts_of(*totals, name);
    if (!read) return read.error();
    *counts = *read;
  }
  for (auto [name, count] :
       {std::pair{"excluded_files", &report.excluded_files},
        std::pair{"inflated_files", &report.inflated_files},
        std::pair{"excluded_outside_trails", &report.excluded_outside_trails}}) {
    Result<std::uint64_t> number = uint_of(*totals, name);
    if (!number) return number.error();
    *count = *number;
  }

  if (report.excluded_outside_trails > report.excluded_files) {
    return malformed("'excluded_outside_trails' is more than 'excluded_files'");
  }
  Result<std::vector<std::string>> errors = strings_of(document, "errors");
  if (!errors) return errors.error();
  Result<std::vector<std::string>> error_paths = strings_of(document, "error_paths");
  if (!error_paths) return error_paths.error();
  if (errors->size() != error_paths->size()) return malformed("'errors' and 'error_paths' differ");
  for (std::size_t i = 0; i < errors->size(); ++i) {
    const std::string& path = (*error_paths)[i];
    const std::string& error = (*errors)[i];
    if (path.empty() || !error.starts_with(path + ": ")) return malformed("an error's path");
    report.errors.push_back(make_error(path, error.substr(path.size() + 2)));
  }
  if (Status read = read_state_use(document, report); !read) return read.error();

  array findings;
  if (document["findings"].get_array().get(findings) != simdjson::SUCCESS) {
    return malformed("'findings' is not a list");
  }
  for (element value : findings) {
    Result<Finding> finding = finding_of(value);
    if (!finding) return finding.error();
    report.findings.push_back(std::move(*finding));
  }
  validation_detail::finish_report(report);
  if (!same_counts(report.digests, counted.digests) ||
      !same_counts(report.backfill_digests, counted.backfill_digests) ||
      !same_counts(report.logs, counted.logs) || !same_counts(report.others, counted.others)) {
    return malformed("its totals are not those of its findings");
  }
  return run;
}

Result<ValidationRun> merge_validation_runs(std::vector<ValidationRun> runs,
                                            const std::vector<std::string>& names) {
  if (runs.empty()) return make_error("", "no report to merge");
  ValidationRun merged;
  merged.spec = runs.front().spec;
  sort_unique(merged.spec.accounts);
  sort_unique(merged.spec.regions);
  merged.strict = runs.front().strict;
  ValidationReport& report = merged.report;
  const std::optional<StateUse>& first_state = runs.front().report.state_use;
  std::map<std::string, std::size_t> owner;  // chain or file -> the report that has it
  // The bucket the findings name, and the first report that names it: a shard without a
  // digest names it after the mirror's folder, and its files would not be the others'.
  std::optional<std::pair<std::string, std::size_t>> bucket;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    ValidationRun& run = runs[i];
    auto refuse = [&](std::size_t other, const std::string& why) {
      return make_error("", fmt::format("{} and {}: {}", names[other], names[i], why));
    };
    if (shared_options(run) != shared_options(runs.front())) {
      return refuse(0,
                    "made with other options (mirror, bucket, time range, --exclude, "
                    "--max-size or --strict): they do not merge");
    }
    const std::optional<StateUse>& state = run.report.state_use;
    if (state.has_value() != first_state.has_value() ||
        (state &&
         (state->recheck_fraction != first_state->recheck_fraction ||
          (state->recheck_fraction > 0 && state->recheck_seed != first_state->recheck_seed)))) {
      return refuse(0, "made with another --state use (--recheck-fraction, --recheck-seed)");
    }
    if (i > 0) {
      ValidationSpec& spec = merged.spec;
      if (!spec.prefix || !run.spec.prefix || *spec.prefix != *run.spec.prefix) spec.prefix.reset();
      add_selection(spec.accounts, run.spec.accounts);
      add_selection(spec.regions, run.spec.regions);
      if (spec.trail != run.spec.trail) spec.trail.clear();
      if (spec.home_region != run.spec.home_region) spec.home_region.clear();
    }
    // Each chain, and each digest and log file, in one report only: else a chain was split
    // (its links and gaps between shards are unseen) or files would be counted twice.
    std::set<std::string> mine;
    for (const Finding& finding : run.report.findings) {
      if (!bucket) bucket.emplace(finding.bucket, i);
      if (finding.bucket != bucket->first) {
        return refuse(bucket->second,
                      fmt::format("name the bucket {} and {}: give them --s3-bucket (a shard "
                                  "without digest files names it after the mirror's folder)",
                                  bucket->first, finding.bucket));
      }
      if (outside_trails(finding)) continue;
      for (const std::string& what :
           {chain_of(finding), "s3://" + finding.bucket + "/" + finding.key}) {
        if (!mine.insert(what).second) continue;
        if (const auto [at, added] = owner.emplace(what, i); !added) {
          return refuse(at->second,
                        fmt::format("both hold {}: shards must not overlap (shard by chain: "
                                    "account, region and trail)",
                                    what));
        }
      }
    }
    if (run.report.excluded_outside_trails != runs.front().report.excluded_outside_trails) {
      return refuse(0, "--exclude left out another number of files outside the trails' folders");
    }
  }
  // Files outside the trails' folders: reported by a run over all shards only when no shard's
  // digests list them, that is when every shard reports them.
  std::vector<Finding> outside;
  for (const Finding& finding : runs.front().report.findings) {
    if (!outside_trails(finding)) continue;
    const bool everywhere = std::all_of(runs.begin(), runs.end(), [&](const ValidationRun& run) {
      return std::any_of(run.report.findings.begin(), run.report.findings.end(),
                         [&](const Finding& other) {
                           return outside_trails(other) && identity(other) == identity(finding);
                         });
    });
    if (everywhere) outside.push_back(finding);
  }
  report.findings = std::move(outside);
  report.excluded_files = runs.front().report.excluded_outside_trails;
  report.excluded_outside_trails = runs.front().report.excluded_outside_trails;
  for (ValidationRun& run : runs) {
    ValidationReport& part = run.report;
    for (Finding& finding : part.findings) {
      if (!outside_trails(finding)) report.findings.push_back(std::move(finding));
    }
    for (Error& error : part.errors) report.errors.push_back(std::move(error));
    for (auto [into, from] : {std::pair{&report.found_start, part.found_start},
                              std::pair{&report.found_end, part.found_end}}) {
      if (!from) continue;
      const bool start = into == &report.found_start;
      *into = !*into ? *from : start ? std::min(**into, *from) : std::max(**into, *from);
    }
    report.inflated_files += part.inflated_files;
    report.excluded_files += part.excluded_files - part.excluded_outside_trails;
    if (const std::optional<StateUse>& use = part.state_use) {
      if (!report.state_use)
        report.state_use =
            StateUse{.recheck_fraction = use->recheck_fraction, .recheck_seed = use->recheck_seed};
      report.state_use->known += use->known;
      report.state_use->read += use->read;
      report.state_use->changed += use->changed;
      report.state_use->rechecked += use->rechecked;
      report.state_use->differed += use->differed;
    }
  }
  validation_detail::finish_report(report);
  return merged;
}

}  // namespace trailsift
