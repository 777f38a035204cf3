// SPDX-License-Identifier: MIT
#include "trailsift/time.hpp"

#include <catch2/catch.hpp>

using trailsift::format_iso8601;
using trailsift::parse_iso8601;
using trailsift::parse_time_argument;
using trailsift::RangeEnd;

TEST_CASE("eventTime in CloudTrail's own form", "[time]") {
  CHECK(parse_iso8601("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_iso8601("2024-03-01T12:00:00Z") == 1709294400);
  CHECK(parse_iso8601("2024-02-29T23:59:59Z") == 1709251199);  // leap day
  CHECK(parse_iso8601("2000-03-01T00:00:00Z") == 951868800);
}

TEST_CASE("ISO 8601 variants are converted to UTC", "[time]") {
  CHECK(parse_iso8601("2024-03-01T13:00:00+01:00") == 1709294400);
  CHECK(parse_iso8601("2024-03-01T04:00:00-0800") == 1709294400);
  CHECK(parse_iso8601("2024-03-01 12:00:00Z") == 1709294400);
  CHECK(parse_iso8601("2024-03-01T12:00:00.999Z") == 1709294400);
  CHECK(parse_iso8601("2024-03-01T12:00Z") == 1709294400);
  CHECK(parse_iso8601("2022-02-08 09:23:37+11:00") == parse_iso8601("2022-02-07T22:23:37Z"));
}

TEST_CASE("Not a time: nothing is guessed", "[time]") {
  for (const char* text :
       {"", "2024-03-01", "2024-03-01T12:00:00", "2024-13-01T00:00:00Z", "2023-02-29T00:00:00Z",
        "2024-03-01T24:00:00Z", "2024-03-01T12:00:00Zjunk", "2024-3-1T12:00:00Z", "yesterday",
        "2024-03-01T12:00:00+25:00"}) {
    INFO(text);
    CHECK_FALSE(parse_iso8601(text));
  }
}

TEST_CASE("Time arguments: dates bound whole days - epoch seconds - clear errors", "[time]") {
  CHECK(*parse_time_argument("2024-03-01", RangeEnd::kStart) == 1709251200);
  CHECK(*parse_time_argument("2024-03-01", RangeEnd::kEnd) == 1709251200 + 86399);
  CHECK(*parse_time_argument("1709294400", RangeEnd::kStart) == 1709294400);
  CHECK(*parse_time_argument("2024-03-01T13:00:00+01:00", RangeEnd::kEnd) == 1709294400);
  const auto bad = parse_time_argument("last tuesday", RangeEnd::kStart);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message ==
        "invalid time 'last tuesday': expected ISO 8601 (2024-03-01T12:00:00Z, "
        "2024-03-01T13:00:00+01:00, 20240301T120000Z, 2024-03-01 12:00 in UTC), a date "
        "(2024-03-01) or epoch seconds (1709294400)");
}

TEST_CASE("Time arguments: the forms the AWS CLI accepts - no zone is UTC", "[time]") {
  // Expected values from `date -u -d 2016-01-29T19:00:00Z +%s` and `date -u -d '2024-03-01 10:00Z'
  // +%s`.
  for (const char* text : {"20160129T19:00:00Z", "20160129T190000Z", "2016-01-29T190000Z",
                           "20160129T1900Z", "20160129 19:00", "2016-01-29T19:00:00",
                           "2016-01-29T20:00:00+01:00", "20160129T200000+0100"}) {
    INFO(text);
    const auto time = parse_time_argument(text, RangeEnd::kStart);
    REQUIRE(time);
    CHECK(*time == 1454094000);
  }
  CHECK(*parse_time_argument("2024-03-01 10:00", RangeEnd::kEnd) == 1709287200);
  CHECK(*parse_time_argument("2024-03-01T10:00:30.5", RangeEnd::kEnd) == 1709287230);
  // Not dates: half-basic forms, a basic date alone (that is epoch seconds), a cut time.
  CHECK(*parse_time_argument("20240301", RangeEnd::kStart) == 20240301);
  for (const char* text : {"2024-0301T10:00Z", "20240301T10:0000Z", "20240301T100Z", "20240301T10",
                           "20240301T1000:00", "20241301T100000Z", "2024-03-01T10:00:00 UTC"}) {
    INFO(text);
    CHECK_FALSE(parse_time_argument(text, RangeEnd::kStart));
  }
}

TEST_CASE("eventTime keeps CloudTrail's form: no basic form, a zone required", "[time]") {
  for (const char* text : {"20160129T19:00:00Z", "2016-01-29T190000Z", "2016-01-29T19:00:00"}) {
    INFO(text);
    CHECK_FALSE(parse_iso8601(text));
  }
}

TEST_CASE("format_iso8601 inverts parse_iso8601", "[time]") {
  for (std::int64_t seconds : {0LL, 951868800LL, 1709251199LL, 1709294400LL, 4102444799LL}) {
    CHECK(parse_iso8601(format_iso8601(seconds)) == seconds);
  }
  CHECK(format_iso8601(1709294400) == "2024-03-01T12:00:00Z");
}

TEST_CASE("civil_time gives the UTC calendar date and time", "[time]") {
  using trailsift::civil_time;
  const trailsift::CivilTime leap_day = civil_time(1709251199);  // date -u -d @1709251199
  CHECK(leap_day.year == 2024);
  CHECK(leap_day.month == 2);
  CHECK(leap_day.day == 29);
  CHECK(leap_day.hour == 23);
  CHECK(leap_day.minute == 59);
  CHECK(leap_day.second == 59);
  const trailsift::CivilTime before_epoch = civil_time(-1);
  CHECK(before_epoch.year == 1969);
  CHECK(before_epoch.month == 12);
  CHECK(before_epoch.day == 31);
  CHECK(before_epoch.hour == 23);
  CHECK(civil_time(951782400).month == 2);  // 2000-02-29: a leap year though divisible by 100
  CHECK(civil_time(951782400).day == 29);
}

TEST_CASE("append_iso8601 appends, and agrees with format_iso8601", "[time]") {
  std::string out = "at ";
  trailsift::append_iso8601(out, 1709294400);
  CHECK(out == "at 2024-03-01T12:00:00Z");
  CHECK(format_iso8601(-1) == "1969-12-31T23:59:59Z");
  CHECK(format_iso8601(253402300800) == "10000-01-01T00:00:00Z");  // past four digits
}
