// SPDX-License-Identifier: MIT
// A validation report as text (the AWS CLI's words and layout, so habits and scripts carry
// over) and as one JSON document.
#include <fmt/format.h>

#include "json_writer.hpp"
#include "trailsift/event_format.hpp"
#include "trailsift/text_escape.hpp"
#include "trailsift/validation.hpp"
#include "validation_internal.hpp"

namespace trailsift {

namespace validation_detail {

std::string_view status_word(FindingStatus status) {
  switch (status) {
    case FindingStatus::kValid: return "valid";
    case FindingStatus::kInvalid: return "INVALID";
    case FindingStatus::kUnverified: return "UNVERIFIED";
    case FindingStatus::kWarning: return "WARNING";
    case FindingStatus::kNote: return "note";
  }
  return "";
}

std::string_view kind_word(FindingKind kind) {
  switch (kind) {
    case FindingKind::kDigest: return "digest";
    case FindingKind::kLog: return "log";
    case FindingKind::kGap: return "gap";
    case FindingKind::kChain: return "chain";
    case FindingKind::kOther: return "other";
  }
  return "";
}

}  // namespace validation_detail

namespace {

using validation_detail::kind_word;
using validation_detail::status_word;

using detail::JsonWriter;

/// The status word of `status`, between `paint`'s codes for it.
std::string painted_word(FindingStatus status, const StatusPaint& paint) {
  const std::string_view code = status == FindingStatus::kValid        ? paint.valid
                                : status == FindingStatus::kInvalid    ? paint.invalid
                                : status == FindingStatus::kUnverified ? paint.unverified
                                : status == FindingStatus::kWarning    ? paint.warning
                                                                       : std::string_view();
  if (code.empty()) return std::string(status_word(status));
  return fmt::format("{}{}{}", code, status_word(status), paint.reset);
}

/// `\n3/4 digest files valid, 1/4 digest files INVALID`, or nothing when there are none.
std::string ratio(const FindingCounts& counts, std::string_view name, const StatusPaint& paint) {
  const std::uint64_t total = counts.total();
  if (total == 0) return "";
  std::string line = fmt::format("\n{}/{} {} files {}", counts.valid, total, name,
                                 painted_word(FindingStatus::kValid, paint));
  if (counts.invalid > 0)
    line += fmt::format(", {}/{} {} files {}", counts.invalid, total, name,
                        painted_word(FindingStatus::kInvalid, paint));
  if (counts.unverified > 0)
    line += fmt::format(", {}/{} {} files {}", counts.unverified, total, name,
                        painted_word(FindingStatus::kUnverified, paint));
  return line;
}

void write_counts(JsonWriter& json, std::string_view name, const FindingCounts& counts) {
  json.begin_object(name).num("total", counts.total()).num("valid", counts.valid);
  json.num("invalid", counts.invalid).num("unverified", counts.unverified).end_object();
}

void write_range(JsonWriter& json, std::string_view name, std::optional<UnixSeconds> start,
                 std::optional<UnixSeconds> end) {
  json.begin_object(name);
  json.key("start").time_or_null(start);
  json.key("end").time_or_null(end);
  json.end_object();
}

}  // namespace

std::string format_finding(const Finding& finding, const StatusPaint& paint) {
  // Keys, buckets and reasons come from file names and digests: escaped, so that a crafted
  // name cannot add lines or columns to the report.
  const std::string_view backfill = finding.backfill ? "(backfill) " : "";
  if (finding.kind == FindingKind::kGap)
    return fmt::format("{}{}", backfill, escape_text(finding.reason));
  const std::string_view label = finding.kind == FindingKind::kLog     ? "Log file"
                                 : finding.kind == FindingKind::kChain ? "Digest chain"
                                 : finding.kind == FindingKind::kOther ? "Other file"
                                                                       : "Digest file";
  std::string status;
  if (finding.status == FindingStatus::kNote) {
    status = escape_text(finding.reason);
  } else {
    status = painted_word(finding.status, paint);
    if (finding.status != FindingStatus::kValid) status += ": " + escape_text(finding.reason);
  }
  return fmt::format("{}{}\t{}\t{}", backfill, label, escape_text(finding.s3_uri()), status);
}

std::string format_summary(const ValidationReport& report, const TimeRange& requested,
                           const StatusPaint& paint) {
  std::string out =
      fmt::format("Results requested for {} to {}\n",
                  requested.start ? format_iso8601(*requested.start) : "the beginning",
                  requested.end ? format_iso8601(*requested.end) : "the end");
  if (report.digests.total() + report.backfill_digests.total() == 0) {
    out += "No digests found\n";
  } else if (!report.found_start || !report.found_end) {
    out += "No valid digests found in range\n";
  } else {
    out += fmt::format("Results found for {} to {}:\n", format_iso8601(*report.found_start),
                       format_iso8601(*report.found_end));
  }
  const std::string ratios = ratio(report.digests, "digest", paint) +
                             ratio(report.backfill_digests, "backfill digest", paint) +
                             ratio(report.logs, "log", paint) +
                             ratio(report.others, "other", paint);
  if (!ratios.empty()) out += ratios + "\n";
  return out;
}

std::string format_report_json(const ValidationRun& run) {
  const ValidationReport& report = run.report;
  const ValidationSpec& spec = run.spec;
  std::string out;
  JsonWriter json(out);
  // What the run was made with: reports merge only when made alike (merge_validation_runs).
  json.begin_object().num("trailsift_validate", kReportVersion).begin_object("options");
  json.str("root", spec.root).key("s3_bucket").string_or_null(spec.s3_bucket.value_or(""));
  json.key("s3_prefix");
  if (spec.prefix) {
    json.string(*spec.prefix);
  } else {
    json.null();
  }
  json.begin_array("accounts");
  for (const std::string& account : spec.accounts) json.string(account);
  json.end_array().begin_array("regions");
  for (const std::string& region : spec.regions) json.string(region);
  json.end_array().key("trail").string_or_null(spec.trail);
  json.key("home_region").string_or_null(spec.home_region).begin_array("exclude");
  for (const std::string& glob : spec.exclude) json.string(glob);
  json.end_array().num("max_size", spec.limits.max_bytes).boolean("strict", run.strict);
  json.end_object().line_break();
  write_range(json, "requested", spec.range.start, spec.range.end);
  json.line_break();
  write_range(json, "found", report.found_start, report.found_end);
  json.line_break().begin_object("totals");
  write_counts(json, "digest_files", report.digests);
  write_counts(json, "backfill_digest_files", report.backfill_digests);
  write_counts(json, "log_files", report.logs);
  write_counts(json, "other_files", report.others);
  json.num("excluded_files", report.excluded_files);
  json.num("inflated_files", report.inflated_files);
  json.num("excluded_outside_trails", report.excluded_outside_trails).end_object();
  json.line_break().begin_array("errors");
  for (const Error& error : report.errors) json.string(error.to_string());
  // The path of each error apart, so that a merge sorts them as one run does (by path).
  json.end_array().begin_array("error_paths");
  for (const Error& error : report.errors) json.string(error.path);
  json.end_array();
  if (const std::optional<StateUse>& use = report.state_use) {
    json.line_break().begin_object("state");
    json.num("known", use->known).num("read", use->read).num("changed", use->changed);
    json.num("rechecked", use->rechecked).num("differed", use->differed);
    json.raw("recheck_fraction", fmt::format("{}", use->recheck_fraction));
    json.num("recheck_seed", use->recheck_seed).end_object();
  }
  json.line_break().begin_array("findings");
  for (const Finding& finding : report.findings) {
    json.line_break().begin_object().str("kind", kind_word(finding.kind));
    json.boolean("backfill", finding.backfill).str("status", status_word(finding.status));
    json.key("reason").string_or_null(finding.reason);
    json.str("s3_uri", finding.s3_uri());
    json.key("path").string_or_null(finding.path);
    json.key("account").string_or_null(finding.folder.account);
    json.key("region").string_or_null(finding.folder.region);
    json.key("trail").string_or_null(finding.trail);
    // With the folder's prefix and organization, the time findings are sorted by: reports of
    // parts of a mirror can be merged into the order of one report.
    json.key("prefix").string_or_null(finding.folder.prefix);
    json.key("organization").string_or_null(finding.folder.org_id);
    json.key("time").time_or_null(finding.time != 0 ? std::optional(finding.time) : std::nullopt);
    json.key("start").time_or_null(finding.start);
    json.key("end").time_or_null(finding.end);
    if (finding.kind == FindingKind::kChain) json.num("missing", finding.missing);
    json.end_object();
  }
  json.line_break().end_array().end_object();
  out += '\n';
  return out;
}

}  // namespace trailsift
