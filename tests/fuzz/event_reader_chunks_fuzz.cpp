// SPDX-License-Identifier: MIT
// Fuzz target: the streaming reader must give exactly what reading whole gives, wherever the
// input is cut. The same bytes are read whole, then framed in chunks of a few sizes with the raw
// bytes (gzip included) taken a few at a time; every read must see the same events, errors and
// record numbers (ReadChecker), and each read is checked as fuzz_event_reader checks one. Corrupt
// gzip data is the one exception: the events before it may end sooner or later (see below).
// Reads that screen records for a required literal must hand out the same matches.
#include <algorithm>
#include <cctype>
#include <string>

#include "event_reader_checks.hpp"

namespace {

/// The records named `event_name` that a read hands out, as text.
std::string named(trailsift::EventReader& reader, std::string_view bytes,
                  std::string_view event_name) {
  std::string out;
  reader.read_bytes("input.json", bytes, [&](const trailsift::Event& event) {
    if (event.event_name == event_name) {
      out += std::to_string(event.record) + ' ' + std::string(event.json) + '\n';
    }
    return trailsift::Visit::kContinue;
  });
  return out;
}

/// Records left unparsed by a selective query (set_required_literals) never hold a match:
/// asked for the first event name the input holds, a screened read, whole or in chunks, hands
/// out the same records of that name as a read that parses everything.
void check_screened_reads(std::string_view bytes, std::size_t chunk) {
  using namespace trailsift;
  std::string event_name;
  EventReader all(fuzz::fuzz_read_limits());
  all.read_bytes("input.json", bytes, [&](const Event& event) {
    const bool plain = std::all_of(event.event_name.begin(), event.event_name.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c));
    });
    if (event_name.empty() && !event.event_name.empty() && plain) {
      event_name = std::string(event.event_name);
    }
    return Visit::kContinue;
  });
  if (event_name.empty()) return;
  // Each screened read against the same read unscreened: where a corrupt gzip member stops a
  // read may depend on the cuts (see below), never on the screening.
  ReadLimits limits = fuzz::fuzz_read_limits();
  for (const bool in_chunks : {false, true}) {
    if (in_chunks) {
      limits.whole_bytes = 0;
      limits.chunk_bytes = chunk;
    }
    EventReader unscreened(limits);
    EventReader screened(limits);
    screened.set_required_literals({event_name});
    FUZZ_CHECK(named(screened, bytes, event_name) == named(unscreened, bytes, event_name));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace trailsift;
  const std::string_view bytes = fuzz::as_text(data, size);
  EventReader whole_reader(fuzz::fuzz_read_limits());
  fuzz::ReadChecker whole("input.json");
  const std::string expected =
      whole.finish(whole_reader.read_bytes("input.json", bytes, whole.visitor()));
  // Cut sizes: tiny (every byte a boundary), odd, and from the input itself.
  const std::size_t from_input = size > 0 ? 1 + data[0] % 61 : 1;
  for (const auto& [chunk, raw_chunk] : {std::pair<std::size_t, std::size_t>{1, 1},
                                         {7, 3},
                                         {from_input, from_input + 1},
                                         {64, SIZE_MAX}}) {
    ReadLimits limits = fuzz::fuzz_read_limits();
    limits.whole_bytes = 0;
    limits.chunk_bytes = chunk;
    EventReader reader(limits);
    fuzz::ReadChecker cut("input.json");
    const std::string& seen =
        cut.finish(reader.read_bytes("input.json", bytes, cut.visitor(), raw_chunk));
    if (whole.last_error().find("truncated gzip data") != std::string::npos) {
      // Where the framer stops in the record the truncation cut may differ (an error about the
      // bytes after the last whole record, or none); the events and the truncation may not.
      FUZZ_CHECK(cut.last_error() == whole.last_error());
      FUZZ_CHECK(cut.events() == whole.events());
    } else if (whole.last_error().find("corrupt gzip data") != std::string::npos) {
      // How far an inflater decodes before it finds corrupt data depends on the sizes of its
      // steps (ISA-L decodes small steps into a buffer of its own, lost at the error). What
      // holds: the same error, at the member's start, and the same events up to where the
      // shorter read stopped.
      FUZZ_CHECK(cut.last_error() == whole.last_error());
      const std::string_view a = cut.events(), b = whole.events();
      FUZZ_CHECK(a.starts_with(b) || b.starts_with(a));
    } else {
      FUZZ_CHECK(seen == expected);
    }
  }
  check_screened_reads(bytes, from_input);
  return 0;
}
