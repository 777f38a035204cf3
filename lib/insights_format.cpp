// SPDX-License-Identifier: MIT
// Insights as CloudTrail writes them (NDJSON, or a log file's {"Records":[...]}), and as a table.
#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "json_writer.hpp"
#include "trailsift/digest.hpp"
#include "trailsift/event_format.hpp"
#include "trailsift/insights.hpp"
#include "trailsift/text_escape.hpp"

namespace trailsift {
namespace {

using detail::JsonWriter;

/// A JSON number: at most ten significant digits, as CloudTrail's own (85.4202380952).
std::string number(double value) { return fmt::format("{:.10g}", value); }

/// A UUID-shaped identifier made from `text`: the same insight always gets the same IDs.
Result<std::string> stable_uuid(std::string_view text) {
  Result<std::string> sha256 = sha256_hex(text);
  if (!sha256) return sha256.error();
  const std::string& hex = *sha256;
  return fmt::format("{}-{}-{}-{}-{}", hex.substr(0, 8), hex.substr(8, 4), hex.substr(12, 4),
                     hex.substr(16, 4), hex.substr(20, 12));
}

void write_attribution_values(JsonWriter& json, std::string_view name,
                              const std::vector<InsightAttribution>& values) {
  json.begin_array(name);
  for (const InsightAttribution& value : values) {
    json.begin_object().str("value", value.value).raw("average", number(value.average));
    json.end_object();
  }
  json.end_array();
}

/// One Insights record, in the key order of CloudTrail's: the Start or the End of `insight`.
Status append_record(std::string& out, const Insight& insight, bool start) {
  const std::string identity =
      fmt::format("trailsift insights\n{}\n{}\n{}\n{}\n{}\n{}\n{}", insight.account, insight.region,
                  insight.event_source, insight.event_name, insight_type_name(insight.type),
                  insight.error_code, insight.start);
  Result<std::string> event_id = stable_uuid(identity + (start ? "\nStart" : "\nEnd"));
  if (!event_id) return event_id.error();
  Result<std::string> shared_event_id = stable_uuid(identity);
  if (!shared_event_id) return shared_event_id.error();
  JsonWriter json(out);
  json.begin_object().str("eventVersion", "1.07");
  json.time("eventTime", start ? insight.start : insight.end);
  json.str("awsRegion", insight.region).str("eventID", *event_id);
  json.str("eventType", "AwsCloudTrailInsight").str("recipientAccountId", insight.account);
  json.str("sharedEventID", *shared_event_id);
  json.begin_object("insightDetails").str("state", start ? "Start" : "End");
  json.str("eventSource", insight.event_source).str("eventName", insight.event_name);
  json.str("insightType", insight_type_name(insight.type));
  if (insight.type == InsightType::kErrorRate) json.str("errorCode", insight.error_code);
  json.begin_object("insightContext").begin_object("statistics");
  json.begin_object("baseline").raw("average", number(insight.baseline_average)).end_object();
  json.begin_object("insight").raw("average", number(insight.insight_average)).end_object();
  json.num("insightDuration", insight.duration_minutes);
  json.num("baselineDuration", insight.baseline_minutes).end_object();
  json.begin_array("attributions");
  for (const InsightAttributions& list : insight.attributions) {
    json.begin_object().str("attribute", list.attribute);
    write_attribution_values(json, "insight", list.insight);
    write_attribution_values(json, "baseline", list.baseline);
    json.end_object();
  }
  json.end_array().end_object().end_object().str("eventCategory", "Insight");
  // The marker: real Insights events never have a "trailsift" key (trailsift-insights(1)).
  json.begin_object("trailsift").str("computedBy", "trailsift insights");
  json.begin_object("expected").raw("average", number(insight.expected_average)).end_object();
  json.raw("evidence", number(insight.evidence)).num("calls", insight.calls);
  json.boolean("ongoing", insight.ongoing);
  json.boolean("attributionsComplete", insight.attributions_complete).end_object().end_object();
  return {};
}

/// Calls `write(insight, start)` for every Start and End record, by eventTime (for equal
/// times, in the insights' order, a Start before its End), until one fails.
template <typename Write>
Status for_each_record(const InsightsReport& report, Write&& write) {
  struct Record {
    UnixSeconds time;
    std::size_t insight;
    bool start;
  };
  std::vector<Record> records;
  for (std::size_t i = 0; i < report.insights.size(); ++i) {
    records.push_back({report.insights[i].start, i, true});
    records.push_back({report.insights[i].end, i, false});
  }
  std::stable_sort(records.begin(), records.end(),
                   [](const Record& a, const Record& b) { return a.time < b.time; });
  for (const Record& record : records) {
    if (Status written = write(report.insights[record.insight], record.start); !written)
      return written;
  }
  return {};
}

std::string rate(double per_minute) { return fmt::format("{:.3g}/min", per_minute); }

/// The principal with the most calls during the insight; empty when none is known.
std::string top_principal(const Insight& insight) {
  if (insight.attributions.empty() || insight.attributions.front().insight.empty()) return {};
  return insight.attributions.front().insight.front().value;
}

}  // namespace

Result<std::string> format_insights_ndjson(const InsightsReport& report) {
  std::string out;
  Status written = for_each_record(report, [&](const Insight& insight, bool start) {
    Status appended = append_record(out, insight, start);
    out += '\n';
    return appended;
  });
  if (!written) return written.error();
  return out;
}

Result<std::string> format_insights_json(const InsightsReport& report) {
  std::string out = "{\"Records\":[";
  bool first = true;
  Status written = for_each_record(report, [&](const Insight& insight, bool start) {
    out += first ? "\n" : ",\n";
    first = false;
    return append_record(out, insight, start);
  });
  if (!written) return written.error();
  out += first ? "]}\n" : "\n]}\n";
  return out;
}

std::string format_insights_table(const InsightsReport& report, const CellPainter& paint) {
  std::vector<std::vector<std::string>> rows = {
      {"START", "END", "ACCOUNT", "REGION", "API", "TYPE", "BASELINE", "INSIGHT", "TOP PRINCIPAL"}};
  for (const Insight& insight : report.insights) {
    const std::string_view source = insight.event_source;
    // format_table escapes every cell.
    std::string api(source.substr(0, source.find('.')));
    api += ':';
    api += insight.event_name;
    std::string end = format_iso8601(insight.end);
    if (insight.ongoing) end += " (open)";
    const std::string principal = top_principal(insight);
    rows.push_back({format_iso8601(insight.start), std::move(end), insight.account, insight.region,
                    std::move(api),
                    insight.type == InsightType::kCallRate ? std::string("calls")
                                                           : "errors " + insight.error_code,
                    rate(insight.baseline_average), rate(insight.insight_average),
                    principal.empty() ? std::string("-") : principal});
  }
  return format_table(std::move(rows), paint);
}

const std::vector<std::string>& insights_columns() {
  static const std::vector<std::string> columns = {
      "start_time",       "end_time",        "account",          "region",
      "event_source",     "event_name",      "insight_type",     "error_code",
      "baseline_average", "insight_average", "expected_average", "duration_minutes",
      "baseline_minutes", "calls",           "evidence",         "ongoing",
      "top_principal"};
  return columns;
}

std::string format_insights_delimited(const InsightsReport& report, Delimited format) {
  std::string out;
  append_delimited_line(out, format, insights_columns());
  for (const Insight& insight : report.insights) {
    append_delimited_line(
        out, format,
        {format_iso8601(insight.start), format_iso8601(insight.end), insight.account,
         insight.region, insight.event_source, insight.event_name,
         std::string(insight_type_name(insight.type)), insight.error_code,
         number(insight.baseline_average), number(insight.insight_average),
         number(insight.expected_average), std::to_string(insight.duration_minutes),
         std::to_string(insight.baseline_minutes), std::to_string(insight.calls),
         number(insight.evidence), insight.ongoing ? "true" : "false", top_principal(insight)});
  }
  return out;
}

}  // namespace trailsift
