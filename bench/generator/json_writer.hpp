// SPDX-License-Identifier: MIT
// A compact JSON writer for the generator's records, on the core library's string escaping and
// time format.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

#include "trailsift/event_format.hpp"
#include "trailsift/time.hpp"

namespace trailsift::generator {

/// Writes compact JSON into a caller's string. Method names differ by value type on purpose: an
/// overload set taking both bool and std::string_view would silently turn string literals into
/// `true`.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& begin_object(std::string_view k) { return key(k).open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& begin_array(std::string_view k) { return key(k).open('['); }
  JsonWriter& end_array() { return close(']'); }

  JsonWriter& key(std::string_view k) {
    separate();
    append_json_string(out_, k);
    out_ += ':';
    comma_ = false;
    return *this;
  }
  JsonWriter& string(std::string_view v) {
    separate();
    append_json_string(out_, v);
    comma_ = true;
    return *this;
  }
  JsonWriter& raw(std::string_view json) {
    separate();
    out_ += json;
    comma_ = true;
    return *this;
  }
  JsonWriter& number(std::int64_t v) {
    separate();
    fmt::format_to(std::back_inserter(out_), "{}", v);
    comma_ = true;
    return *this;
  }

  JsonWriter& str(std::string_view k, std::string_view v) { return key(k).string(v); }
  JsonWriter& num(std::string_view k, std::int64_t v) { return key(k).number(v); }
  JsonWriter& boolean(std::string_view k, bool v) { return key(k).raw(v ? "true" : "false"); }
  JsonWriter& null(std::string_view k) { return key(k).raw("null"); }
  JsonWriter& raw(std::string_view k, std::string_view json) { return key(k).raw(json); }
  JsonWriter& time(std::string_view k, std::int64_t epoch) {
    return custom(k, [epoch](std::string& o) { append_iso8601(o, epoch); });
  }
  JsonWriter& empty_object(std::string_view k) { return key(k).raw("{}"); }
  /// A string value produced by `append(std::string&)`; the value must need no escaping.
  template <typename Append>
  JsonWriter& custom(std::string_view k, Append&& append) {
    key(k);
    out_ += '"';
    append(out_);
    out_ += '"';
    comma_ = true;
    return *this;
  }

 private:
  JsonWriter& open(char c) {
    separate();
    out_ += c;
    comma_ = false;
    return *this;
  }
  JsonWriter& close(char c) {
    out_ += c;
    comma_ = true;
    return *this;
  }
  void separate() {
    if (comma_) out_ += ',';
  }

  std::string& out_;
  bool comma_ = false;
};

}  // namespace trailsift::generator
