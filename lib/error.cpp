// SPDX-License-Identifier: MIT
#include <fmt/format.h>

#include "trailsift/result.hpp"

namespace trailsift {

std::string Error::to_string() const {
  std::string text;
  auto append = [&](std::string_view part) {
    if (!text.empty()) text += ": ";
    text += part;
  };
  if (!path.empty()) append(path);
  if (line) append(fmt::format("line {}", *line));
  if (record) append(fmt::format("record {}", *record));
  if (offset) append(fmt::format("byte {}", *offset));
  append(message);
  return text;
}

}  // namespace trailsift
