// SPDX-License-Identifier: MIT
// Fuzz target: parse_iso8601 (eventTime) and parse_time_argument (--since, --until), against a
// reference made of a regular expression and std::chrono's calendar; and format_iso8601 on
// any time, whose output must parse back to the same time.
#include <array>
#include <charconv>
#include <chrono>
#include <cstring>
#include <optional>
#include <regex>
#include <string>

#include "fuzz_support.hpp"
#include "trailsift/time.hpp"

namespace {

using trailsift::UnixSeconds;

int number(const std::ssub_match& digits) { return digits.matched ? std::stoi(digits.str()) : 0; }

std::optional<std::chrono::sys_days> reference_date(const std::smatch& match, int first) {
  using namespace std::chrono;
  const year_month_day date{year{number(match[first])},
                            month{static_cast<unsigned>(number(match[first + 1]))},
                            day{static_cast<unsigned>(number(match[first + 2]))}};
  if (!date.ok()) return std::nullopt;
  return sys_days{date};
}

/// What the documentation says parse_iso8601 accepts, written another way.
std::optional<UnixSeconds> reference_iso8601(const std::string& text) {
  static const std::regex kForm(
      R"((\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(?:[Zz]|([+-])(\d{2}):?(\d{2})))");
  std::smatch match;
  if (!std::regex_match(text, match, kForm)) return std::nullopt;
  const std::optional<std::chrono::sys_days> date = reference_date(match, 1);
  const int hour = number(match[4]), minute = number(match[5]), second = number(match[6]);
  const int offset_hours = number(match[8]), offset_minutes = number(match[9]);
  if (!date || hour > 23 || minute > 59 || second > 60 || offset_hours > 23 ||
      offset_minutes > 59) {
    return std::nullopt;
  }
  const std::chrono::seconds offset =
      std::chrono::hours(offset_hours) + std::chrono::minutes(offset_minutes);
  const std::chrono::sys_seconds time =
      *date + std::chrono::hours(hour) + std::chrono::minutes(minute) +
      std::chrono::seconds(second) - (match[7] == "-" ? -offset : offset);
  return time.time_since_epoch().count();
}

/// What parse_time_argument accepts beyond parse_iso8601: the date and the time each in the
/// extended or the basic form, and no zone (UTC).
std::optional<UnixSeconds> reference_argument_date_time(const std::string& text) {
  static const std::array<std::regex, 4> kForms = [] {
    const std::string dates[] = {R"((\d{4})-(\d{2})-(\d{2}))", R"((\d{4})(\d{2})(\d{2}))"};
    const std::string times[] = {R"((\d{2}):(\d{2})(?::(\d{2}))?)", R"((\d{2})(\d{2})(\d{2})?)"};
    const std::string rest = R"((?:\.\d+)?(?:[Zz]|([+-])(\d{2}):?(\d{2}))?)";
    return std::array<std::regex, 4>{std::regex(dates[0] + "[T ]" + times[0] + rest),
                                     std::regex(dates[0] + "[T ]" + times[1] + rest),
                                     std::regex(dates[1] + "[T ]" + times[0] + rest),
                                     std::regex(dates[1] + "[T ]" + times[1] + rest)};
  }();
  for (const std::regex& form : kForms) {
    std::smatch match;
    if (!std::regex_match(text, match, form)) continue;
    const std::optional<std::chrono::sys_days> date = reference_date(match, 1);
    const int hour = number(match[4]), minute = number(match[5]), second = number(match[6]);
    const int offset_hours = number(match[8]), offset_minutes = number(match[9]);
    if (!date || hour > 23 || minute > 59 || second > 60 || offset_hours > 23 ||
        offset_minutes > 59) {
      return std::nullopt;
    }
    const std::chrono::seconds offset =
        std::chrono::hours(offset_hours) + std::chrono::minutes(offset_minutes);
    const std::chrono::sys_seconds time =
        *date + std::chrono::hours(hour) + std::chrono::minutes(minute) +
        std::chrono::seconds(second) - (match[7] == "-" ? -offset : offset);
    return time.time_since_epoch().count();
  }
  return std::nullopt;
}

/// What parse_time_argument accepts: a bare date (the whole day), ISO 8601 in more forms than
/// eventTime's, epoch seconds.
std::optional<UnixSeconds> reference_argument(const std::string& text, trailsift::RangeEnd end) {
  static const std::regex kDate(R"((\d{4})-(\d{2})-(\d{2}))");
  static const std::regex kEpoch(R"(-?\d+)");
  std::smatch match;
  if (std::regex_match(text, match, kDate)) {
    const std::optional<std::chrono::sys_days> date = reference_date(match, 1);
    if (!date) return std::nullopt;
    const UnixSeconds start = std::chrono::sys_seconds(*date).time_since_epoch().count();
    return end == trailsift::RangeEnd::kStart ? start : start + 86399;
  }
  if (std::optional<UnixSeconds> time = reference_argument_date_time(text)) return time;
  if (!std::regex_match(text, kEpoch)) return std::nullopt;
  errno = 0;
  const long long epoch = std::strtoll(text.c_str(), nullptr, 10);
  if (errno == ERANGE) return std::nullopt;
  return epoch;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace trailsift;
  if (size > 256) return 0;  // times are short; std::regex is slow on long texts
  const std::string text(fuzz::as_text(data, size));

  const std::optional<UnixSeconds> time = parse_iso8601(text);
  FUZZ_CHECK(time == reference_iso8601(text));
  if (time) {
    const std::string formatted = format_iso8601(*time);
    FUZZ_CHECK(parse_iso8601(formatted) == time || formatted.front() == '-');  // year -1
  }
  for (RangeEnd end : {RangeEnd::kStart, RangeEnd::kEnd}) {
    Result<UnixSeconds> argument = parse_time_argument(text, end);
    const std::optional<UnixSeconds> expected = reference_argument(text, end);
    FUZZ_CHECK(argument.has_value() == expected.has_value());
    if (argument) FUZZ_CHECK(*argument == *expected);
    if (!argument) FUZZ_CHECK(!argument.error().message.empty());
  }

  // Any time at all can be written out (validate prints the range it was given).
  if (size >= sizeof(UnixSeconds)) {
    UnixSeconds any = 0;
    std::memcpy(&any, data, sizeof any);
    const std::string formatted = format_iso8601(any);
    FUZZ_CHECK(formatted.ends_with("Z"));
  }
  return 0;
}
