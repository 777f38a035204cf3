// SPDX-License-Identifier: MIT
// Fuzz target: JsonCanonicalizer, differential against simdjson's DOM, and diff_canonical_json.
// - What simdjson reads as an object or array has a canonical form (unless a number's exponent
//   is out of range), and what has one is JSON.
// - The canonical form holds the same values as the input, as simdjson reads both.
// - canonical(canonical(x)) == canonical(x).
// - After a 0xFF byte (never in JSON) comes a second document: diff_canonical_json finds no
//   difference between the two exactly when their canonical forms are equal.
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "fuzz_support.hpp"
#include "trailsift/canonical_json.hpp"

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

bool is_number(element_type type) {
  return type == element_type::INT64 || type == element_type::UINT64 ||
         type == element_type::DOUBLE;
}

/// Equal numbers: exactly when both are integers, else as the doubles nearest to them (the
/// canonical form may write 1.0 as 1, which simdjson then reads as an integer).
bool same_number(element a, element b) {
  if (a.type() != element_type::DOUBLE && b.type() != element_type::DOUBLE) {
    const bool a_signed = a.type() == element_type::INT64;
    const bool b_signed = b.type() == element_type::INT64;
    if (a_signed && b_signed) return std::int64_t(a) == std::int64_t(b);
    if (!a_signed && !b_signed) return std::uint64_t(a) == std::uint64_t(b);
    const std::int64_t s = a_signed ? std::int64_t(a) : std::int64_t(b);
    const std::uint64_t u = a_signed ? std::uint64_t(b) : std::uint64_t(a);
    return s >= 0 && static_cast<std::uint64_t>(s) == u;
  }
  auto as_double = [](element e) {
    switch (e.type()) {
      case element_type::INT64: return static_cast<double>(std::int64_t(e));
      case element_type::UINT64: return static_cast<double>(std::uint64_t(e));
      default: return double(e);
    }
  };
  return as_double(a) == as_double(b);
}

bool same_value(element a, element b);

/// An object's members as JSON readers such as jq see them: a repeated key keeps its last value.
std::map<std::string_view, element> members_of(simdjson::dom::object object) {
  std::map<std::string_view, element> members;
  for (auto [key, value] : object) members.insert_or_assign(key, value);
  return members;
}

/// Objects are equal when their members pair up: same key, same value, whatever the order.
bool same_object(simdjson::dom::object a, simdjson::dom::object b) {
  const auto left = members_of(a);
  const auto right = members_of(b);
  if (left.size() != right.size()) return false;
  for (auto i = left.begin(), j = right.begin(); i != left.end(); ++i, ++j) {
    if (i->first != j->first || !same_value(i->second, j->second)) return false;
  }
  return true;
}

bool same_value(element a, element b) {
  if (is_number(a.type()) && is_number(b.type())) return same_number(a, b);
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case element_type::STRING: return std::string_view(a) == std::string_view(b);
    case element_type::BOOL: return bool(a) == bool(b);
    case element_type::NULL_VALUE: return true;
    case element_type::ARRAY: {
      simdjson::dom::array x = a, y = b;
      if (x.size() != y.size()) return false;
      for (auto i = x.begin(), j = y.begin(); i != x.end(); ++i, ++j) {
        if (!same_value(*i, *j)) return false;
      }
      return true;
    }
    default: return same_object(a, b);
  }
}

/// An integer beyond 64 bits outside strings (below INT64_MIN, or above UINT64_MAX): the
/// canonical form writes integers below 1e21 in full, and simdjson refuses those.
bool has_long_integer(std::string_view json) {
  bool in_string = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\') ++i;
      if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    if (c != '-' && (c < '0' || c > '9')) continue;
    // A number: its whole token, then whether it is an integer that fits neither type.
    const std::size_t end = std::min(json.find_first_of(",]} \n", i), json.size());
    const std::string_view token = json.substr(i, end - i);
    i = end;
    if (token.find_first_of(".eE") != std::string_view::npos) continue;
    std::int64_t signed_value = 0;
    std::uint64_t unsigned_value = 0;
    const bool fits =
        token.front() == '-'
            ? std::from_chars(token.data(), token.data() + token.size(), signed_value).ec ==
                  std::errc()
            : std::from_chars(token.data(), token.data() + token.size(), unsigned_value).ec ==
                  std::errc();
    if (!fits) return true;
  }
  return false;
}

/// Checks one document; returns its canonical form, or nothing when it has none.
std::optional<std::string> check_document(std::string_view json) {
  static trailsift::JsonCanonicalizer canonicalizer;
  static simdjson::dom::parser input_parser;
  static simdjson::dom::parser canonical_parser;

  const simdjson::padded_string padded_json(json);
  element input;
  const simdjson::error_code input_error = input_parser.parse(padded_json).get(input);
  const bool input_is_container =
      !input_error && (input.type() == element_type::OBJECT || input.type() == element_type::ARRAY);

  trailsift::Result<std::string_view> canonical = canonicalizer.canonicalize(json);
  if (!canonical) {
    // Refusing exponents beyond 10^15 is documented; simdjson reads the tiny ones as 0.
    FUZZ_CHECK(!input_is_container ||
               canonical.error().message.find("a number out of range") != std::string::npos);
    return std::nullopt;
  }
  std::string text(*canonical);

  const simdjson::padded_string padded_canonical(text);
  element output;
  const simdjson::error_code output_error = canonical_parser.parse(padded_canonical).get(output);
  if (output_error) {
    // simdjson refuses some numbers that are JSON: beyond 64-bit integers or beyond a double.
    FUZZ_CHECK(output_error == simdjson::NUMBER_ERROR &&
               (input_error == simdjson::NUMBER_ERROR || has_long_integer(text)));
  } else if (!input_error) {
    FUZZ_CHECK(same_value(input, output));
  }

  trailsift::Result<std::string_view> again = canonicalizer.canonicalize(text);
  FUZZ_CHECK(again && *again == text);
  return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = trailsift::fuzz::as_text(data, size);
  const std::size_t split = bytes.find('\xff');
  const std::optional<std::string> left = check_document(bytes.substr(0, split));
  if (split == std::string_view::npos) return 0;
  const std::optional<std::string> right = check_document(bytes.substr(split + 1));
  if (!left || !right) return 0;
  FUZZ_CHECK(trailsift::diff_canonical_json(*left, *left).empty());
  const std::vector<trailsift::FieldDifference> differences =
      trailsift::diff_canonical_json(*left, *right);
  FUZZ_CHECK(differences.empty() == (*left == *right));
  for (const trailsift::FieldDifference& difference : differences) {
    FUZZ_CHECK(difference.left || difference.right);
    FUZZ_CHECK(difference.left != difference.right);
  }
  return 0;
}
