// SPDX-License-Identifier: MIT
// Rendering for `trailsift stats`: the table, JSON, CSV and chart made of an EventStats's counts.
#include <algorithm>
#include <functional>
#include <iterator>

#include <fmt/format.h>

#include "json_writer.hpp"
#include "trailsift/event_format.hpp"
#include "trailsift/event_stats.hpp"

namespace trailsift {
namespace {

using detail::JsonWriter;

constexpr std::int64_t kDay = 86400;

/// `"count":N,"first_seen":T,"last_seen":T`
void write_counts(JsonWriter& json, const Counts& counts) {
  json.num("count", counts.count);
  json.key("first_seen").time_or_null(counts.first);
  json.key("last_seen").time_or_null(counts.last);
}

std::string fraction(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? "null"
                    : fmt::format("{:.4f}", static_cast<double>(part) / static_cast<double>(whole));
}

std::string percent(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? ""
                    : fmt::format("{:.1f}%",
                                  100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

std::string table_time(std::optional<UnixSeconds> time) {
  return time ? format_iso8601(*time) : "-";
}

/// Empty values must stay visible in a table.
std::string table_value(std::string_view value) {
  return value.empty() ? "(none)" : std::string(value);
}

/// The head of every JSON form: selection, interval, top, and the totals both forms share
/// (the totals object is left open).
void write_json_head(JsonWriter& json, const EventStats& stats, const StatsContext& context) {
  const StatsSpec& spec = stats.spec();
  json.begin_object().raw("selection", context.selection_json);
  if (!spec.by.empty()) {
    json.begin_array("by");
    for (const EventField& field : spec.by) json.string(field.name());
    json.end_array();
  }
  if (spec.interval > 0) {
    json.str("interval", format_interval(spec.interval));
  } else {
    json.null("interval");
  }
  if (context.top > 0) {
    json.num("top", context.top);
  } else {
    json.null("top");
  }
  const StatsTotals& totals = stats.totals();
  json.line_break().begin_object("totals");
  json.num("events", totals.events.count).num("files", context.files);
  json.num("files_failed", context.files_failed);
  json.key("first_event").time_or_null(totals.events.first);
  json.key("last_event").time_or_null(totals.events.last);
  json.num("events_without_time", totals.without_time);
  if (context.left_out_without_time > 0) {
    json.num("left_out_without_time", context.left_out_without_time);
  }
}

void write_overview_json(JsonWriter& json, const EventStats& stats, const StatsContext& context) {
  const StatsTotals& totals = stats.totals();
  const std::uint64_t events = totals.events.count;
  json.num("read_only", totals.read_only).num("write", totals.write);
  json.num("read_only_unknown", totals.read_only_unknown).num("errors", totals.errors);
  json.raw("error_rate", fraction(totals.errors, events)).end_object();
  json.line_break().begin_object("top_values");
  for (const StatsTopList& list : stats.top_lists(context.top)) {
    if (list.field == "insight" && list.total == 0) continue;  // only where there are some
    std::uint64_t shown = 0;
    for (const StatsGroup& value : list.top) shown += value.counts.count;
    json.line_break().begin_object(list.field);
    json.num("distinct", list.distinct).num("others", list.total - shown).begin_array("values");
    for (const StatsGroup& value : list.top) {
      json.begin_object().str("value", value.key[0]);
      write_counts(json, value.counts);
      json.raw("share", fraction(value.counts.count, events)).end_object();
    }
    json.end_array().end_object();
  }
  json.end_object();
  json.line_break().begin_array("timeline");
  const auto timeline = stats.timeline();
  for (const auto& [start, count] : timeline) {
    json.line_break().begin_object().time("start", start).num("count", count).end_object();
  }
  if (!timeline.empty()) json.line_break();
  json.end_array().end_object();
}

void write_groups_json(JsonWriter& json, const EventStats& stats, const StatsContext& context) {
  const StatsSpec& spec = stats.spec();
  json.num("groups", stats.group_count()).end_object();
  json.line_break().begin_array("groups");
  bool any = false;
  stats.for_each_group(context.top, [&](const StatsGroup& group) {
    any = true;
    json.line_break().begin_object().begin_object("key");
    for (std::size_t f = 0; f < spec.by.size(); ++f) {
      json.str(column_key(spec.by[f].name()), group.key[f]);
    }
    json.end_object();
    write_counts(json, group.counts);
    if (spec.interval > 0) {
      json.begin_array("buckets");
      for (const StatsBucket& bucket : group.buckets) {
        json.begin_object().key("start").time_or_null(bucket.start);
        write_counts(json, bucket.counts);
        json.end_object();
      }
      json.end_array();
    }
    json.end_object();
  });
  if (any) json.line_break();
  json.end_array().end_object();
}

/// Calls `visit` with the header, then one row per group (or per group and bucket with an
/// interval), for the table and CSV forms; rows are made one at a time.
void for_each_group_row(const EventStats& stats, const StatsContext& context, bool for_table,
                        const std::function<void(std::vector<std::string>&&)>& visit) {
  const bool buckets = stats.spec().interval > 0;
  auto time_cell = [for_table](std::optional<UnixSeconds> time) {
    return for_table ? table_time(time) : time ? format_iso8601(*time) : std::string();
  };
  std::vector<std::string> header;
  for (const EventField& field : stats.spec().by) {
    header.push_back(for_table ? column_title(field.name()) : column_key(field.name()));
  }
  constexpr std::string_view kCsvTitles[] = {"bucket_start", "count", "first_seen", "last_seen"};
  constexpr std::string_view kTableTitles[] = {"BUCKET START", "COUNT", "FIRST SEEN", "LAST SEEN"};
  for (std::size_t i = buckets ? 0 : 1; i < std::size(kCsvTitles); ++i) {
    header.emplace_back(for_table ? kTableTitles[i] : kCsvTitles[i]);
  }
  visit(std::move(header));
  auto row = [&](const StatsGroup& group, const StatsBucket* bucket) {
    std::vector<std::string> cells;
    for (const std::string& value : group.key) {
      cells.push_back(for_table ? table_value(value) : value);
    }
    const Counts& counts = bucket ? bucket->counts : group.counts;
    if (bucket) cells.push_back(time_cell(bucket->start));
    cells.push_back(fmt::format("{}", counts.count));
    cells.push_back(time_cell(counts.first));
    cells.push_back(time_cell(counts.last));
    visit(std::move(cells));
  };
  stats.for_each_group(context.top, [&](const StatsGroup& group) {
    if (!buckets) row(group, nullptr);
    for (const StatsBucket& bucket : group.buckets) row(group, &bucket);
  });
}

std::string overview_table(const EventStats& stats, const StatsContext& context) {
  const StatsTotals& totals = stats.totals();
  const std::uint64_t events = totals.events.count;
  auto number = [](std::uint64_t n) { return fmt::format("{}", n); };
  auto part = [events](std::uint64_t n) {
    return events == 0 ? fmt::format("{}", n) : fmt::format("{} ({})", n, percent(n, events));
  };
  std::vector<std::vector<std::string>> totals_rows = {
      {"events", number(events)},
      {"files", fmt::format("{} ({} failed)", context.files, context.files_failed)},
      {"first event", table_time(totals.events.first)},
      {"last event", table_time(totals.events.last)},
      {"without time", part(totals.without_time)},
      {"read-only", part(totals.read_only)},
      {"write", part(totals.write)},
      {"read-only unknown", part(totals.read_only_unknown)},
      {"errors", part(totals.errors)},
  };
  if (context.left_out_without_time > 0) {
    totals_rows.insert(totals_rows.begin() + 5,
                       {"left out", fmt::format("{} without eventTime: not in the time range",
                                                context.left_out_without_time)});
  }
  std::string out = format_table(std::move(totals_rows));
  if (context.chart && stats.spec().interval > 0) {
    const std::string chart = format_timeline_chart(stats.timeline(), stats.spec().interval);
    if (!chart.empty()) out += '\n' + chart;
  }
  for (const StatsTopList& list : stats.top_lists(context.top)) {
    if (list.top.empty()) continue;
    std::vector<std::vector<std::string>> rows = {{column_title(list.field), "COUNT", "SHARE"}};
    std::uint64_t shown = 0;
    for (const StatsGroup& value : list.top) {
      rows.push_back({table_value(value.key[0]), number(value.counts.count),
                      percent(value.counts.count, events)});
      shown += value.counts.count;
    }
    if (list.distinct > list.top.size()) {
      rows.push_back({fmt::format("({} more)", list.distinct - list.top.size()),
                      number(list.total - shown), percent(list.total - shown, events)});
    }
    out += '\n' + format_table(std::move(rows), context.paint);
  }
  return out;
}

}  // namespace

std::string format_stats_table(const EventStats& stats, const StatsContext& context) {
  if (stats.spec().by.empty()) return overview_table(stats, context);
  // Aligning the columns needs every row: the table is the one form held whole.
  std::vector<std::vector<std::string>> rows;
  for_each_group_row(stats, context, true,
                     [&](std::vector<std::string>&& row) { rows.push_back(std::move(row)); });
  std::string out = format_table(std::move(rows), context.paint);
  const std::size_t groups = stats.group_count();
  const std::string shown = context.top > 0 && context.top < groups
                                ? fmt::format(", the first {} shown", context.top)
                                : "";
  auto counted = [](std::uint64_t n, std::string_view noun) {
    return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
  };
  fmt::format_to(std::back_inserter(out), "\n{} in {}{}; {}, {} failed\n",
                 counted(stats.totals().events.count, "event"), counted(groups, "group"), shown,
                 counted(context.files, "file"), context.files_failed);
  return out;
}

std::string format_stats_json(const EventStats& stats, const StatsContext& context) {
  std::string out;
  JsonWriter json(out);
  write_json_head(json, stats, context);
  if (stats.spec().by.empty()) {
    write_overview_json(json, stats, context);
  } else {
    write_groups_json(json, stats, context);
  }
  out += '\n';
  return out;
}

std::string format_stats_csv(const EventStats& stats, const StatsContext& context,
                             Delimited format) {
  std::string out;
  if (stats.spec().by.empty()) return out;
  for_each_group_row(stats, context, false, [&](std::vector<std::string>&& row) {
    append_delimited_line(out, format, row);
  });
  return out;
}

std::string format_timeline_chart(
    const std::vector<std::pair<UnixSeconds, std::uint64_t>>& timeline, std::int64_t interval) {
  if (timeline.empty() || interval <= 0) return {};
  constexpr std::int64_t kMaxCells = 1000;  // about 40 lines
  constexpr std::string_view kBlocks[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  const UnixSeconds first = timeline.front().first;
  const UnixSeconds last = timeline.back().first;
  // Too many buckets for a small chart: one character stands for several, a round time (an
  // hour, a day, a week...) when one is a multiple of the interval and not much longer.
  const std::int64_t buckets = (last - first) / interval + 1;
  std::int64_t cell = interval * ((buckets + kMaxCells - 1) / kMaxCells);
  for (const std::int64_t round : {3600, 7200, 10800, 21600, 43200, 86400, 2 * 86400, 7 * 86400,
                                   14 * 86400, 28 * 86400, 91 * 86400, 364 * 86400}) {
    if (cell > interval && round >= cell && round <= 4 * cell && round % interval == 0) {
      cell = round;
      break;
    }
  }
  // Lines of 12 to 96 characters that start at a round time of day (a day of hours, six hours
  // of 5 minutes), so that a column is a time of day; else 60 characters from the first.
  std::int64_t line_span = 60 * cell;
  UnixSeconds origin = bucket_start(first, cell);
  for (const std::int64_t span :
       {kDay, kDay / 2, kDay / 4, kDay / 6, kDay / 8, kDay / 12, kDay / 24}) {
    if (span % cell == 0 && span / cell >= 12 && span / cell <= 96) {
      line_span = span;
      origin = bucket_start(first, span);
      break;
    }
  }
  const auto per_line = static_cast<std::size_t>(line_span / cell);
  std::vector<std::uint64_t> cells(static_cast<std::size_t>((last - origin) / cell + 1));
  for (const auto& [start, count] : timeline) {
    cells[static_cast<std::size_t>((start - origin) / cell)] += count;
  }
  const std::uint64_t peak = *std::max_element(cells.begin(), cells.end());

  std::string out = fmt::format("EVENTS PER {}  (█ = {})\n", format_interval(cell), peak);
  for (std::size_t line_start = 0; line_start < cells.size(); line_start += per_line) {
    out += format_iso8601(origin + static_cast<std::int64_t>(line_start / per_line) * line_span);
    out += "  ";
    std::uint64_t total = 0;
    for (std::size_t i = line_start; i < line_start + per_line; ++i) {
      const std::uint64_t count = i < cells.size() ? cells[i] : 0;
      total += count;
      out += count == 0 ? " " : kBlocks[(count * 8 + peak - 1) / peak - 1];
    }
    fmt::format_to(std::back_inserter(out), "  {}\n", total);
  }
  return out;
}

}  // namespace trailsift
