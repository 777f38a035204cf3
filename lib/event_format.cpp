// SPDX-License-Identifier: MIT
#include "trailsift/event_format.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <simdjson.h>

#include "trailsift/text_escape.hpp"

namespace trailsift {
namespace {

std::size_t display_width(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;  // count lead bytes only
  }));
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  // Runs of bytes that need no escape are appended whole: most text has no escape at all.
  std::size_t run_start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text, run_start, i - run_start);
    run_start = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(c));
    }
  }
  out.append(text, run_start, text.size() - run_start);
  out += '"';
}

void append_compact_json(std::string& out, std::string_view json) {
  const std::size_t start = out.size();
  // simdjson's minifier reads in 64-byte blocks; give it room past the end.
  out.resize(start + json.size() + simdjson::SIMDJSON_PADDING);
  std::size_t length = 0;
  if (simdjson::minify(json.data(), json.size(), out.data() + start, length) != simdjson::SUCCESS) {
    out.resize(start);
    out.append(json);  // unreachable for parsed records; keep the bytes rather than lose them
    return;
  }
  out.resize(start + length);
}

void append_csv_field(std::string& out, std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(text);
    return;
  }
  out += '"';
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

const std::vector<std::string_view>& console_csv_columns() {
  static const std::vector<std::string_view> kColumns = {
      "User name",  "AWS access key", "Event time",           "Event source",
      "Event name", "AWS region",     "Source IP address",    "User agent",
      "Error code", "Resources",      "Request ID",           "Event ID",
      "Read-only",  "Event type",     "Recipient Account Id", "Event category"};
  return kColumns;
}

void append_tsv_field(std::string& out, std::string_view text) { append_escaped_text(out, text); }

void append_delimited_field(std::string& out, Delimited format, std::string_view text) {
  if (format == Delimited::kCsv) {
    append_csv_field(out, text);
  } else {
    append_tsv_field(out, text);
  }
}

std::string column_key(std::string_view name) {
  std::string key(name);
  std::replace(key.begin(), key.end(), '-', '_');
  return key;
}

std::string column_title(std::string_view name) {
  std::string title(name);
  for (char& c : title) {
    if (c == '-' || c == '_') c = ' ';
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return title;
}

void append_delimited_line(std::string& out, Delimited format,
                           const std::vector<std::string>& cells) {
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out += format == Delimited::kCsv ? ',' : '\t';
    append_delimited_field(out, format, cells[i]);
  }
  out += '\n';
}

void append_console_csv_header(std::string& out, Delimited format) {
  const auto& columns = console_csv_columns();
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) out += format == Delimited::kCsv ? ',' : '\t';
    out.append(columns[i]);
  }
  out += '\n';
}

Status append_console_csv_row(std::string& out, const Event& event, Delimited format) {
  std::string resources;
  const Status read = for_each_resource(event, [&](std::string_view name, std::string_view type) {
    resources += resources.empty() ? "[" : ",";
    resources += "{\"resourceType\":";
    if (type.empty()) {
      resources += "null";
    } else {
      append_json_string(resources, type);
    }
    resources += ",\"resourceName\":";
    append_json_string(resources, name);
    resources += '}';
  });
  if (!resources.empty()) resources += ']';

  const std::string_view fields[] = {event.username(),
                                     event.user_identity.access_key_id,
                                     event.event_time,
                                     event.event_source,
                                     event.event_name,
                                     event.aws_region,
                                     event.source_ip_address,
                                     event.user_agent,
                                     event.error_code,
                                     resources,
                                     event.request_id,
                                     event.event_id,
                                     event.read_only,
                                     event.event_type,
                                     event.recipient_account_id,
                                     event.event_category};
  for (std::size_t i = 0; i < std::size(fields); ++i) {
    if (i > 0) out += format == Delimited::kCsv ? ',' : '\t';
    append_delimited_field(out, format, fields[i]);
  }
  out += '\n';
  if (!read) return make_error("", "the Resources column: " + read.error().message);
  return {};
}

std::string format_table(std::vector<std::vector<std::string>> rows, const CellPainter& paint) {
  // Cells come from the logs: control characters could move a terminal's cursor or forge rows.
  TableLayout layout(paint);
  for (auto& row : rows) {
    for (std::string& cell : row) cell = escape_text(cell);
    layout.fit(row);
  }
  std::string out;
  for (const auto& row : rows) layout.append_row(out, row);
  return out;
}

void TableLayout::fit(const std::vector<std::string>& row) {
  if (row.size() > widths_.size()) widths_.resize(row.size(), 0);
  for (std::size_t i = 0; i < row.size(); ++i)
    widths_[i] = std::max(widths_[i], display_width(row[i]));
}

void TableLayout::append_row(std::string& out, const std::vector<std::string>& row) {
  for (std::size_t i = 0; i < row.size(); ++i) {
    const CellMarks marks = paint_ ? paint_(rows_appended_, i, row[i]) : CellMarks{};
    out.append(marks.before).append(row[i]).append(marks.after);
    if (i + 1 < row.size()) {
      const std::size_t width = i < widths_.size() ? widths_[i] : 0;
      out.append(std::max(width, display_width(row[i])) - display_width(row[i]) + 2, ' ');
    }
  }
  // Empty last cells leave no trailing blanks.
  while (!out.empty() && out.back() == ' ') out.pop_back();
  out += '\n';
  ++rows_appended_;
}

}  // namespace trailsift
