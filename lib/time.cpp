// SPDX-License-Identifier: MIT
// Hand-written ISO 8601 parsing: eventTime is parsed for every record when a time range is
// given, so this avoids locale-dependent, allocating std::get_time/strptime.
#include "trailsift/time.hpp"

#include <charconv>

#include <fmt/format.h>

namespace trailsift {
namespace {

// Days from 1970-01-01 to the given civil date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

bool is_leap(std::int64_t year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

unsigned days_in_month(std::int64_t year, unsigned month) {
  constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

/// Reads exactly `width` digits at `pos`.
bool read_digits(std::string_view text, std::size_t& pos, std::size_t width, unsigned& value) {
  if (pos + width > text.size()) return false;
  value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  pos += width;
  return true;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

/// YYYY-MM-DD at `pos`, as days since the epoch.
std::optional<std::int64_t> parse_date(std::string_view text, std::size_t& pos) {
  unsigned year = 0, month = 0, day = 0;
  if (!read_digits(text, pos, 4, year) || !expect(text, pos, '-') ||
      !read_digits(text, pos, 2, month) || !expect(text, pos, '-') ||
      !read_digits(text, pos, 2, day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return std::nullopt;
  return days_from_civil(year, month, day);
}

/// The forms a date-time may take beyond CloudTrail's own `2024-03-01T12:00:00Z`.
struct DateTimeForms {
  bool basic = false;          ///< the date or time without separators: 20240301T120000Z
  bool zone_optional = false;  ///< no zone: UTC
};

/// YYYYMMDD at `pos`, as days since the epoch.
std::optional<std::int64_t> parse_basic_date(std::string_view text, std::size_t& pos) {
  unsigned year = 0, month = 0, day = 0;
  if (!read_digits(text, pos, 4, year) || !read_digits(text, pos, 2, month) ||
      !read_digits(text, pos, 2, day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return std::nullopt;
  return days_from_civil(year, month, day);
}

bool next_is_digit(std::string_view text, std::size_t pos) {
  return pos < text.size() && text[pos] >= '0' && text[pos] <= '9';
}

std::optional<UnixSeconds> parse_date_time(std::string_view text, DateTimeForms forms) {
  std::size_t pos = 0;
  std::optional<std::int64_t> days = parse_date(text, pos);
  if (!days && forms.basic) {
    pos = 0;
    days = parse_basic_date(text, pos);
  }
  if (!days || pos >= text.size() || (text[pos] != 'T' && text[pos] != ' ')) return std::nullopt;
  ++pos;
  unsigned hour = 0, minute = 0, second = 0;
  if (!read_digits(text, pos, 2, hour)) return std::nullopt;
  if (forms.basic && next_is_digit(text, pos)) {  // hhmm[ss]
    if (!read_digits(text, pos, 2, minute)) return std::nullopt;
    if (next_is_digit(text, pos) && !read_digits(text, pos, 2, second)) return std::nullopt;
  } else {  // hh:mm[:ss]
    if (!expect(text, pos, ':') || !read_digits(text, pos, 2, minute)) return std::nullopt;
    if (pos < text.size() && text[pos] == ':' && !(++pos, read_digits(text, pos, 2, second))) {
      return std::nullopt;
    }
  }
  if (pos < text.size() && text[pos] == '.') {  // fractions of a second do not count
    ++pos;
    const std::size_t digits_start = pos;
    while (next_is_digit(text, pos)) ++pos;
    if (pos == digits_start) return std::nullopt;
  }
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
  std::int64_t offset = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    unsigned offset_hours = 0, offset_minutes = 0;
    if (!read_digits(text, pos, 2, offset_hours)) return std::nullopt;
    if (pos < text.size() && text[pos] == ':') ++pos;
    if (!read_digits(text, pos, 2, offset_minutes) || offset_hours > 23 || offset_minutes > 59) {
      return std::nullopt;
    }
    offset = sign * static_cast<std::int64_t>(offset_hours * 3600 + offset_minutes * 60);
  } else if (!forms.zone_optional) {
    return std::nullopt;  // eventTime: a time without a zone is not CloudTrail's
  }
  if (pos != text.size()) return std::nullopt;
  return *days * 86400 + hour * 3600 + minute * 60 + second - offset;
}

}  // namespace

std::optional<UnixSeconds> parse_iso8601(std::string_view text) {
  return parse_date_time(text, DateTimeForms{});
}

Result<UnixSeconds> parse_time_argument(std::string_view text, RangeEnd end) {
  std::size_t pos = 0;
  if (const std::optional<std::int64_t> days = parse_date(text, pos); days && pos == text.size()) {
    return end == RangeEnd::kStart ? *days * 86400 : *days * 86400 + 86399;
  }
  // As the AWS CLI reads --start-time: also the basic form, and no zone is UTC (never the
  // machine's zone, so that a command means the same everywhere).
  if (const std::optional<UnixSeconds> time =
          parse_date_time(text, DateTimeForms{.basic = true, .zone_optional = true})) {
    return *time;
  }
  UnixSeconds epoch = 0;
  const auto [next, error] = std::from_chars(text.data(), text.data() + text.size(), epoch);
  if (!text.empty() && error == std::errc() && next == text.data() + text.size()) return epoch;
  return make_error("", fmt::format("invalid time '{}': expected ISO 8601 (2024-03-01T12:00:00Z, "
                                    "2024-03-01T13:00:00+01:00, 20240301T120000Z, "
                                    "2024-03-01 12:00 in UTC), a date (2024-03-01) or epoch "
                                    "seconds (1709294400)",
                                    text));
}

CivilTime civil_time(UnixSeconds seconds) {
  std::int64_t days = seconds / 86400;
  std::int64_t rest = seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  // Inverse of days_from_civil.
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(days - era * 146097);
  const unsigned year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned mp = (5 * day_of_year + 2) / 153;
  const unsigned day = day_of_year - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2);
  const auto second_of_day = static_cast<unsigned>(rest);
  return {year, month, day, second_of_day / 3600, second_of_day / 60 % 60, second_of_day % 60};
}

void append_iso8601(std::string& out, UnixSeconds seconds) {
  const CivilTime time = civil_time(seconds);
  if (time.year < 0 || time.year > 9999) {  // outside what four digits hold: rare, keep it exact
    fmt::format_to(std::back_inserter(out), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", time.year,
                   time.month, time.day, time.hour, time.minute, time.second);
    return;
  }
  // By hand: the benchmark generator writes one per record.
  char text[] = "0000-00-00T00:00:00Z";
  const auto put = [&text](std::size_t at, unsigned value, std::size_t width) {
    for (std::size_t i = width; i-- > 0; value /= 10)
      text[at + i] = static_cast<char>('0' + value % 10);
  };
  put(0, static_cast<unsigned>(time.year), 4);
  put(5, time.month, 2);
  put(8, time.day, 2);
  put(11, time.hour, 2);
  put(14, time.minute, 2);
  put(17, time.second, 2);
  out.append(text, sizeof text - 1);
}

std::string format_iso8601(UnixSeconds seconds) {
  std::string out;
  append_iso8601(out, seconds);
  return out;
}

}  // namespace trailsift
