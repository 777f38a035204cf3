// SPDX-License-Identifier: MIT
// Times: CloudTrail's eventTime, and the time arguments users type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "trailsift/result.hpp"

namespace trailsift {

/// Seconds since the Unix epoch, UTC.
using UnixSeconds = std::int64_t;

/// Parses ISO 8601 date-times as CloudTrail writes them (`2024-03-01T12:00:00Z`), also with
/// fractional seconds, a `+hh:mm` offset or a space for the `T`. nullopt if it is not one.
std::optional<UnixSeconds> parse_iso8601(std::string_view text);

/// Which end of an inclusive range a time argument bounds: a bare date as an end means the
/// whole of that day.
enum class RangeEnd { kStart, kEnd };

/// Parses a user's time argument as the AWS CLI reads one: ISO 8601 with `Z`, an offset or no
/// zone (UTC), in the extended or basic form (`2024-03-01 12:00`, `20240301T120000Z`,
/// `20240301T12:00:00Z`); a bare date `YYYY-MM-DD`; or epoch seconds. The error names the forms.
Result<UnixSeconds> parse_time_argument(std::string_view text, RangeEnd end);

/// `2024-03-01T12:00:00Z`.
std::string format_iso8601(UnixSeconds seconds);

/// Appends `2024-03-01T12:00:00Z` to `out` (format_iso8601 without a new string).
void append_iso8601(std::string& out, UnixSeconds seconds);

/// A UTC calendar date and time of day (proleptic Gregorian calendar).
struct CivilTime {
  std::int64_t year = 1970;
  unsigned month = 1;  ///< 1 to 12
  unsigned day = 1;    ///< 1 to 31
  unsigned hour = 0;
  unsigned minute = 0;
  unsigned second = 0;
};

/// The UTC calendar date and time of `seconds`.
CivilTime civil_time(UnixSeconds seconds);

/// An inclusive range of times; an unset end is unbounded.
struct TimeRange {
  std::optional<UnixSeconds> start;
  std::optional<UnixSeconds> end;

  bool bounded() const { return start || end; }
  bool contains(UnixSeconds time) const {
    return (!start || time >= *start) && (!end || time <= *end);
  }
};

}  // namespace trailsift
