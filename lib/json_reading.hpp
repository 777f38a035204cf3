// SPDX-License-Identifier: MIT
// Internal: reading back the JSON documents trailsift writes (partial results, validate's
// reports), where the shape is checked and a wrong one is the caller's error to word.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

namespace trailsift::detail {

/// The strings of a JSON array, or nothing when `value` is not an array of strings only.
inline std::optional<std::vector<std::string>> string_list(simdjson::dom::element value) {
  simdjson::dom::array items;
  if (value.get_array().get(items) != simdjson::SUCCESS) return std::nullopt;
  std::vector<std::string> strings;
  strings.reserve(items.size());
  for (simdjson::dom::element item : items) {
    std::string_view text;
    if (item.get_string().get(text) != simdjson::SUCCESS) return std::nullopt;
    strings.emplace_back(text);
  }
  return strings;
}

}  // namespace trailsift::detail
