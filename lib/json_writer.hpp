// SPDX-License-Identifier: MIT
// Internal: the one writer of JSON documents (reports, counts, partial results, the generator's
// records). It appends compact JSON to a caller's string and places the commas; strings are
// escaped by append_json_string (control characters as \u00XX, other bytes as they are).
#pragma once

#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include <fmt/format.h>

#include "trailsift/event_format.hpp"
#include "trailsift/time.hpp"

namespace trailsift::detail {

/// Writes JSON values, keys and containers into `out`, a comma before every value or key that
/// follows another in the same container. Nothing is checked: the caller pairs begin and end and
/// gives every member of an object a key. Method names differ by value type on purpose: an
/// overload set taking both bool and std::string_view would silently turn string literals into
/// `true`.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }

  /// The key of the next value.
  JsonWriter& key(std::string_view name) {
    separate();
    append_json_string(out_, name);
    out_ += ':';
    comma_ = false;
    return *this;
  }
  JsonWriter& string(std::string_view text) {
    separate();
    append_json_string(out_, text);
    return done();
  }
  /// A string, or null when it is empty (a field the record or file did not have).
  JsonWriter& string_or_null(std::string_view text) { return text.empty() ? null() : string(text); }
  /// An integer.
  template <typename Integer>
  JsonWriter& number(Integer value) {
    static_assert(std::is_integral_v<Integer> && !std::is_same_v<Integer, bool>);
    separate();
    fmt::format_to(std::back_inserter(out_), "{}", value);
    return done();
  }
  JsonWriter& boolean(bool value) { return raw(value ? "true" : "false"); }
  JsonWriter& null() { return raw("null"); }
  /// A time as an ISO 8601 string (`2024-03-01T12:00:00Z`).
  JsonWriter& time(UnixSeconds time) {
    separate();
    out_ += '"';
    append_iso8601(out_, time);
    out_ += '"';
    return done();
  }
  /// A time, or null when there is none.
  JsonWriter& time_or_null(std::optional<UnixSeconds> time) {
    return time ? this->time(*time) : null();
  }
  /// A value that is JSON already (a record, a number formatted by the caller...).
  JsonWriter& raw(std::string_view json) {
    separate();
    out_ += json;
    return done();
  }

  /// The next key, value or closing bracket starts on a new line (after its comma): for
  /// documents read line by line.
  JsonWriter& line_break() {
    line_break_ = true;
    return *this;
  }

  // Members in one call, for records of many fields.
  JsonWriter& begin_object(std::string_view name) { return key(name).begin_object(); }
  JsonWriter& begin_array(std::string_view name) { return key(name).begin_array(); }
  JsonWriter& str(std::string_view name, std::string_view text) { return key(name).string(text); }
  template <typename Integer>
  JsonWriter& num(std::string_view name, Integer value) {
    return key(name).number(value);
  }
  JsonWriter& boolean(std::string_view name, bool value) { return key(name).boolean(value); }
  JsonWriter& null(std::string_view name) { return key(name).null(); }
  JsonWriter& raw(std::string_view name, std::string_view json) { return key(name).raw(json); }
  JsonWriter& time(std::string_view name, UnixSeconds time) { return key(name).time(time); }
  JsonWriter& empty_object(std::string_view name) { return key(name).raw("{}"); }
  /// A string value written by `append(std::string&)`, which must need no escaping.
  template <typename Append>
  JsonWriter& custom(std::string_view name, Append&& append) {
    key(name);
    out_ += '"';
    append(out_);
    out_ += '"';
    return done();
  }

 private:
  JsonWriter& open(char bracket) {
    separate();
    out_ += bracket;
    comma_ = false;
    return *this;
  }
  JsonWriter& close(char bracket) {
    take_line_break();
    out_ += bracket;
    return done();
  }
  JsonWriter& done() {
    comma_ = true;
    return *this;
  }
  void separate() {
    if (comma_) out_ += ',';
    take_line_break();
  }
  void take_line_break() {
    if (line_break_) out_ += '\n';
    line_break_ = false;
  }

  std::string& out_;
  bool comma_ = false;       // a value was written: the next one needs a comma
  bool line_break_ = false;  // see line_break()
};

}  // namespace trailsift::detail
