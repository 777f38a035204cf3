// SPDX-License-Identifier: MIT
// Fuzz target: parse_signatures (validate --signatures), in both of its forms (a JSON object,
// lines of KEY<TAB>SIGNATURE). Every signature it returns can be found again by its key.
#include <string>

#include "fuzz_support.hpp"
#include "trailsift/digest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace trailsift;
  const std::string text(fuzz::as_text(data, size));
  Result<SignatureMap> signatures = parse_signatures(text);
  if (!signatures) {
    FUZZ_CHECK(!signatures.error().message.empty());
    return 0;
  }
  for (const auto& [key, saved] : *signatures) {
    FUZZ_CHECK(!saved.signature.empty());
    // By its key, unless the same key in that bucket is there too, and comes first.
    const SavedSignature* found = find_signature(*signatures, "bucket", key);
    FUZZ_CHECK(found == &saved || signatures->contains("s3://bucket/" + key));
  }
  return 0;
}
