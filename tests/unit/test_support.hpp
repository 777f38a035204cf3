// SPDX-License-Identifier: MIT
// Helpers shared by the unit tests: gzip in memory, and collecting what a reader hands out.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <zlib.h>

#include "trailsift/event_reader.hpp"

namespace trailsift::test {

/// One gzip member holding `text`.
inline std::string gzip(std::string_view text) {
  z_stream stream{};
  if (deflateInit2(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2");
  }
  std::string out(deflateBound(&stream, static_cast<uLong>(text.size())) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

/// What one read gave: a copy of each event's JSON, event names and user names.
struct Collected {
  ReadReport report;
  std::vector<std::string> json;
  std::vector<std::string> names;
  std::vector<std::string> usernames;
  std::vector<std::uint64_t> records;
};

inline Collected read_all(std::string_view bytes, std::string_view name = "input.json") {
  Collected collected;
  EventReader reader;
  collected.report = reader.read_bytes(name, bytes, [&](const Event& event) {
    collected.json.emplace_back(event.json);
    collected.names.emplace_back(event.event_name);
    collected.usernames.emplace_back(event.username());
    collected.records.push_back(event.record);
    return Visit::kContinue;
  });
  return collected;
}

}  // namespace trailsift::test
