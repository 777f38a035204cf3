// SPDX-License-Identifier: MIT
// Internal: a batch of an input's records as InputSplitter cuts it and EventReader parses it
// (docs/architecture.md, "Read").
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "json_framer.hpp"
#include "trailsift/event_reader.hpp"

namespace trailsift {

namespace detail {

/// One framed value (or structural error) of a batch, and where its bytes are in the batch.
struct BatchItem {
  detail::FrameItem::Kind kind = detail::FrameItem::Kind::kRecord;
  std::uint64_t offset = 0;  // in the input
  std::uint64_t length = 0;
  std::uint64_t line = 0;
  std::size_t pos = 0;  // in the batch's bytes (kRecord, kBroken)
  std::optional<Error> error;
  bool unparsed = false;  // a record without a required literal: counted, not held or parsed
};

}  // namespace detail

struct RecordBatch::Impl {
  std::string name;
  bool whole = false;  // `bytes` is the whole input
  ByteBuffer bytes;    // whole: the input; else runs `[r1,r2]` and broken values
  std::vector<detail::BatchItem> items;
  std::uint64_t first_record = 0;    // records of the input before this batch
  std::uint64_t input_bytes = 0;     // raw bytes of the input accounted for by this batch
  std::uint64_t inflated_bytes = 0;  // and the same, inflated
  std::vector<Error> end_errors;     // a read error that ended the input
  std::vector<Error> warnings;
  std::string not_json;
  bool last = false;
  bool in_run = false;
  bool log_file = false;  // a streamed input that starts_as_log_file (known from 64 bytes on)

  /// Copies a framed value out of `window` (which starts at input offset `window_offset`).
  void add(detail::FrameItem&& item, std::string_view window, std::uint64_t window_offset,
           bool unparsed = false) {
    detail::BatchItem entry;
    entry.kind = item.kind;
    entry.offset = item.offset;
    entry.length = item.length;
    entry.line = item.line;
    entry.unparsed = unparsed;
    const auto text = [&] { return window.substr(item.offset - window_offset, item.length); };
    switch (item.kind) {
      case detail::FrameItem::Kind::kRecord:
        if (unparsed) {
          close_run();
          break;
        }
        bytes.append(in_run ? "," : "[");
        in_run = true;
        entry.pos = bytes.size();
        bytes.append(text());
        break;
      case detail::FrameItem::Kind::kBroken:
        close_run();
        entry.pos = bytes.size();
        bytes.append(text());
        bytes.append(kSpaces);  // what the parser may look at after it is always the same
        break;
      case detail::FrameItem::Kind::kOversize: close_run(); break;
      case detail::FrameItem::Kind::kError:
        close_run();
        entry.error = std::move(item.error);
        break;
    }
    items.push_back(std::move(entry));
  }
  /// Whether take_records can take `window` (input bytes from `window_offset` on) for `records`:
  /// a batch not yet started, records only, each with a byte before it, and room for the `]`.
  bool can_take(const ByteBuffer& window, std::uint64_t window_offset,
                const std::vector<detail::FrameItem>& records) const {
    if (!items.empty() || records.empty()) return false;
    std::uint64_t previous_end = window_offset;
    for (const detail::FrameItem& item : records) {
      if (item.kind != detail::FrameItem::Kind::kRecord || item.offset <= previous_end) {
        return false;
      }
      previous_end = item.offset + item.length;
    }
    return previous_end - window_offset < window.capacity();
  }
  /// Takes `window` as this batch's bytes, without copying the records: the bytes around them
  /// become the `[`, `,` and `]` of one run (and simdjson's padding after it), in place. Only
  /// when can_take; whatever else the window held is overwritten.
  void take_records(ByteBuffer&& window, std::uint64_t window_offset,
                    const std::vector<detail::FrameItem>& records) {
    char* data = window.data();
    const auto pos = [&](std::uint64_t offset) {
      return static_cast<std::size_t>(offset - window_offset);
    };
    std::size_t separator = pos(records.front().offset) - 1;
    data[separator] = '[';
    for (const detail::FrameItem& item : records) {
      if (&item != &records.front()) {
        std::memset(data + separator, ' ', pos(item.offset) - separator);
        data[separator] = ',';
      }
      detail::BatchItem& entry = items.emplace_back();
      entry.offset = item.offset;
      entry.length = item.length;
      entry.line = item.line;
      entry.pos = pos(item.offset);
      separator = pos(item.offset + item.length);
    }
    data[separator] = ']';
    window.resize(separator + 1);
    window.pad_with_spaces();
    bytes = std::move(window);
  }
  void close_run() {
    if (in_run) {
      bytes.append("]");
      bytes.append(kSpaces);
    }
    in_run = false;
  }
  /// Spaces after each parsed document, as simdjson's padding: a malformed document's answers
  /// must not depend on what follows it in the batch, which depends on where the input was cut.
  static constexpr std::string_view kSpaces =
      "                                                                ";
  static bool counts_as_record(detail::FrameItem::Kind kind) {
    return kind != detail::FrameItem::Kind::kError;
  }
};

}  // namespace trailsift
