// SPDX-License-Identifier: MIT
// Fuzz target: EventReader::read_bytes on the whole input (plain or gzip). The same bytes are
// read twice by one reader, which then reuses its grown buffers: both reads must give the same.
#include "event_reader_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace trailsift;
  const std::string_view bytes = fuzz::as_text(data, size);
  EventReader reader(fuzz::fuzz_read_limits());
  fuzz::ReadChecker first("input.json");
  const std::string seen = first.finish(reader.read_bytes("input.json", bytes, first.visitor()));
  fuzz::ReadChecker second("input.json");
  FUZZ_CHECK(second.finish(reader.read_bytes("input.json", bytes, second.visitor())) == seen);
  return 0;
}
