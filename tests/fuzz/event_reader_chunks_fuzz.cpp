// SPDX-License-Identifier: MIT
// Fuzz target: the streaming reader must give exactly what reading whole gives, wherever the
// input is cut. The same bytes are read whole, then framed in chunks of a few sizes with the raw
// bytes (gzip included) taken a few at a time; every read must see the same events, errors and
// record numbers (ReadChecker), and each read is checked as fuzz_event_reader checks one. Corrupt
// gzip data is the one exception: the events before it may end sooner or later (see below).
#include "event_reader_checks.hpp"

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
  return 0;
}
