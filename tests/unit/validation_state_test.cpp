// SPDX-License-Identifier: MIT
// The saved state of validate (--state): its format, its checksum, and the recheck draw.
#include "trailsift/validation_state.hpp"

#include <set>

#include <catch2/catch.hpp>

#include "trailsift/digest.hpp"

using namespace trailsift;

namespace {

ValidationState sample() {
  ValidationState state;
  state.bucket = "acme-trail";
  const std::string digest_key =
      "AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2014/08/10/"
      "123456789012_CloudTrail-Digest_us-east-1_foo_us-east-1_20140810T010404Z.json.gz";
  state.heads[chain_name(digest_key)] = {digest_key, 1407632644, "abcd", std::string(64, 'e')};
  state.files["AWSLogs/log.json.gz"] = {42, std::string(64, 'a'), true, false, std::nullopt};
  // A digest's bytes exactly, escapes, quotes and all.
  state.files[digest_key] = {7, "", false, true,
                             R"({"digestS3Object":"AWSLogs\/x","q":"\"\u00e9\n"})"};
  state.files["odd \"key\"\twith\ncontrols"] = {0, std::string(64, 'b'), true, false, std::nullopt};
  return state;
}

}  // namespace

TEST_CASE("A saved state reads back as it was", "[validation_state]") {
  const Result<std::string> saved = format_validation_state(sample());
  REQUIRE(saved);
  const Result<ValidationState> parsed = parse_validation_state(*saved);
  REQUIRE(parsed);
  CHECK(*parsed == sample());
  CHECK(chain_name(sample().heads.begin()->second.key) ==
        "AWSLogs/123456789012/CloudTrail-Digest/us-east-1/foo/us-east-1");
}

TEST_CASE("A damaged, cut or foreign state is refused, never half-trusted", "[validation_state]") {
  const std::string saved = *format_validation_state(sample());
  auto refusal = [](std::string_view text) {
    const Result<ValidationState> parsed = parse_validation_state(text);
    REQUIRE_FALSE(parsed);
    return parsed.error().message;
  };
  std::string flipped = saved;
  flipped[saved.find("\"size\":42") + 8] = '3';  // a size changed, the checksum not
  CHECK(refusal(flipped) == "malformed state: its checksum does not match its content");
  CHECK(refusal(saved.substr(0, saved.size() / 2)) ==
        "malformed state: no checksum (not a state, or cut short)");
  CHECK(refusal(saved.substr(0, saved.size() - 5)) ==
        "malformed state: it does not end with its checksum");
  CHECK(refusal("") == "malformed state: no checksum (not a state, or cut short)");
  CHECK(refusal("{\"Records\":[]}") == "malformed state: no checksum (not a state, or cut short)");
  // Well-formed documents, their checksums right, that are not states of this version.
  auto with_checksum = [](const std::string& body) {
    return body + ",\n\"checksum\":\"" + *sha256_hex(body) + "\"}\n";
  };
  const std::string body = saved.substr(0, saved.rfind(",\n\"checksum\":\""));
  std::string other_version = body;
  other_version.replace(other_version.find(":1,"), 3, ":2,");
  CHECK(refusal(with_checksum(other_version)) ==
        "malformed state: not a version 1 state of trailsift validate");
  std::string no_size = body;
  no_size.replace(no_size.find("\"size\":42"), 9, "\"sise\":42");
  CHECK(refusal(with_checksum(no_size)) == "malformed state: a file lacks its size or gzip");
  CHECK(refusal(with_checksum("{\"trailsift_validate_state\":1")) ==
        "malformed state: bucket is missing or not a string");
  CHECK(refusal(with_checksum("[1")) == "malformed state: not a JSON object");
}

TEST_CASE("The recheck draw: the same seed picks the same files, about the fraction asked",
          "[validation_state]") {
  std::set<int> first;
  std::set<int> again;
  std::set<int> other_seed;
  for (int i = 0; i < 20000; ++i) {
    const std::string key =
        "AWSLogs/123456789012/CloudTrail/us-east-1/2024/03/01/file" + std::to_string(i);
    if (picked_for_recheck(key, 0.1, 42)) first.insert(i);
    if (picked_for_recheck(key, 0.1, 42)) again.insert(i);
    if (picked_for_recheck(key, 0.1, 43)) other_seed.insert(i);
    CHECK_FALSE(picked_for_recheck(key, 0, 42));
    CHECK(picked_for_recheck(key, 1, 42));
  }
  CHECK(first == again);
  CHECK(first != other_seed);
  CHECK(first.size() > 1800);  // 2000 expected; 4.7 standard deviations either side
  CHECK(first.size() < 2200);
}
