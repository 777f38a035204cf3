// SPDX-License-Identifier: MIT
// Fuzz target: Keyring::add_document (validate --public-keys). A loaded key's fingerprint is
// the MD5 of its value; a refused one says why; adding the same document twice changes nothing.
#include <string>

#include "fuzz_support.hpp"
#include "trailsift/digest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace trailsift;
  const std::string text(fuzz::as_text(data, size));
  Keyring keyring;
  if (!keyring.add_document(text)) return 0;
  for (const auto& [fingerprint, entry] : keyring.entries()) {
    FUZZ_CHECK(entry.fingerprint == fingerprint);
    FUZZ_CHECK(entry.key.has_value() == entry.problem.empty());
    std::string upper = fingerprint;
    for (char& c : upper) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    FUZZ_CHECK(keyring.find(upper) == &entry);
    if (entry.valid_from) format_iso8601(*entry.valid_from);  // as validate reports a key
    if (entry.valid_until) format_iso8601(*entry.valid_until);
  }
  const std::size_t count = keyring.entries().size();
  FUZZ_CHECK(keyring.add_document(text));
  FUZZ_CHECK(keyring.entries().size() == count);
  return 0;
}
