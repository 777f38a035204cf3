// SPDX-License-Identifier: MIT
// A validation report as text (the AWS CLI's words and layout, so habits and scripts carry
// over) and as one JSON document.
#include <fmt/format.h>

#include "trailsift/event_format.hpp"
#include "trailsift/text_escape.hpp"
#include "trailsift/validation.hpp"

namespace trailsift {
namespace {

std::string_view status_word(FindingStatus status) {
  switch (status) {
    case FindingStatus::kValid:
      return "valid";
    case FindingStatus::kInvalid:
      return "INVALID";
    case FindingStatus::kUnverified:
      return "UNVERIFIED";
    case FindingStatus::kWarning:
      return "WARNING";
    case FindingStatus::kNote:
      return "note";
  }
  return "";
}

std::string_view kind_word(FindingKind kind) {
  switch (kind) {
    case FindingKind::kDigest:
      return "digest";
    case FindingKind::kLog:
      return "log";
    case FindingKind::kGap:
      return "gap";
    case FindingKind::kChain:
      return "chain";
    case FindingKind::kOther:
      return "other";
  }
  return "";
}

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

void append_time(std::string& out, const std::optional<UnixSeconds>& time) {
  if (time) {
    append_json_string(out, format_iso8601(*time));
  } else {
    out += "null";
  }
}

void append_nullable(std::string& out, std::string_view text) {
  if (text.empty()) {
    out += "null";
  } else {
    append_json_string(out, text);
  }
}

void append_counts(std::string& out, std::string_view name, const FindingCounts& counts) {
  out += fmt::format("\"{}\":{{\"total\":{},\"valid\":{},\"invalid\":{},\"unverified\":{}}}", name,
                     counts.total(), counts.valid, counts.invalid, counts.unverified);
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

std::string format_report_json(const ValidationReport& report, const TimeRange& requested) {
  std::string out = "{\"requested\":{\"start\":";
  append_time(out, requested.start);
  out += ",\"end\":";
  append_time(out, requested.end);
  out += "},\n\"found\":{\"start\":";
  append_time(out, report.found_start);
  out += ",\"end\":";
  append_time(out, report.found_end);
  out += "},\n\"totals\":{";
  append_counts(out, "digest_files", report.digests);
  out += ',';
  append_counts(out, "backfill_digest_files", report.backfill_digests);
  out += ',';
  append_counts(out, "log_files", report.logs);
  out += ',';
  append_counts(out, "other_files", report.others);
  out += fmt::format(",\"excluded_files\":{},\"inflated_files\":{}}},\n\"errors\":[",
                     report.excluded_files, report.inflated_files);
  const char* separator = "";
  for (const Error& error : report.errors) {
    out += separator;
    separator = ",";
    append_json_string(out, error.to_string());
  }
  out += ']';
  if (const std::optional<StateUse>& use = report.state_use) {
    out += fmt::format(
        ",\n\"state\":{{\"known\":{},\"read\":{},\"changed\":{},\"rechecked\":{},\"differed\":{},"
        "\"recheck_fraction\":{},\"recheck_seed\":{}}}",
        use->known, use->read, use->changed, use->rechecked, use->differed, use->recheck_fraction,
        use->recheck_seed);
  }
  out += ",\n\"findings\":[";
  bool first = true;
  for (const Finding& finding : report.findings) {
    out += first ? "\n" : ",\n";
    first = false;
    out += fmt::format("{{\"kind\":\"{}\",\"backfill\":{},\"status\":\"{}\",\"reason\":",
                       kind_word(finding.kind), finding.backfill, status_word(finding.status));
    append_nullable(out, finding.reason);
    out += ",\"s3_uri\":";
    append_json_string(out, finding.s3_uri());
    out += ",\"path\":";
    append_nullable(out, finding.path);
    out += ",\"account\":";
    append_nullable(out, finding.folder.account);
    out += ",\"region\":";
    append_nullable(out, finding.folder.region);
    out += ",\"trail\":";
    append_nullable(out, finding.trail);
    // With the folder's prefix and organization, the time findings are sorted by: reports of
    // parts of a mirror can be merged into the order of one report.
    out += ",\"prefix\":";
    append_nullable(out, finding.folder.prefix);
    out += ",\"organization\":";
    append_nullable(out, finding.folder.org_id);
    out += ",\"time\":";
    append_time(out, finding.time != 0 ? std::optional<UnixSeconds>(finding.time) : std::nullopt);
    out += ",\"start\":";
    append_time(out, finding.start);
    out += ",\"end\":";
    append_time(out, finding.end);
    if (finding.kind == FindingKind::kChain) out += fmt::format(",\"missing\":{}", finding.missing);
    out += '}';
  }
  out += "\n]}\n";
  return out;
}

}  // namespace trailsift
