// SPDX-License-Identifier: MIT
// Fuzz target: what validate reads of digest files. The input is taken both as the JSON of a
// digest (parse_digest) and as an S3 key (parse_digest_key, parse_log_key); what a parser
// accepts must agree with the text it came from.
#include <string>

#include "fuzz_support.hpp"
#include "trailsift/digest.hpp"

namespace {

using namespace trailsift;

/// `YYYYMMDDTHHMM[SS]Z`, as digest and log file names write a time.
std::string compact_time(UnixSeconds time, bool seconds) {
  const std::string iso = format_iso8601(time);  // YYYY-MM-DDTHH:MM:SSZ
  return iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 5) + iso.substr(14, 2) +
         (seconds ? iso.substr(17, 2) : "") + "Z";
}

bool is_account(std::string_view text) {
  return text.size() == 12 && text.find_first_not_of("0123456789") == std::string_view::npos;
}

void check_folder(const TrailFolder& folder, std::string_view key) {
  FUZZ_CHECK(key.starts_with(folder.account_path()));
  FUZZ_CHECK(is_account(folder.account));
  FUZZ_CHECK(!folder.region.empty());
  FUZZ_CHECK(folder.prefix.empty() || folder.prefix.back() == '/');
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(fuzz::as_text(data, size));

  if (Result<Digest> digest = parse_digest(text)) {
    const Result<std::string> sha256 = sha256_hex(text);
    FUZZ_CHECK(sha256);
    const std::string signing = digest_signing_string(*digest, *sha256);
    FUZZ_CHECK(signing.starts_with(digest->digest_end_time + "\n"));
    // A second parse by the same (per-thread) parser gives the same digest.
    Result<Digest> again = parse_digest(text);
    FUZZ_CHECK(again && digest_signing_string(*again, *sha256) == signing);
    FUZZ_CHECK(again->log_files.size() == digest->log_files.size());
  }

  if (std::optional<DigestKey> key = parse_digest_key(text)) {
    check_folder(key->folder, text);
    FUZZ_CHECK(text.find("/CloudTrail-Digest/" + key->folder.region + "/") != std::string::npos);
    FUZZ_CHECK(text.ends_with(compact_time(key->end, true) + (key->backfill ? "_backfill" : "") +
                              ".json.gz"));
    FUZZ_CHECK(text.find("_" + key->trail + "_" + key->home_region + "_") != std::string::npos);
    FUZZ_CHECK(!parse_log_key(text));  // a digest is never also a log file
  }

  if (std::optional<LogKey> key = parse_log_key(text)) {
    check_folder(key->folder, text);
    FUZZ_CHECK(text.find("/CloudTrail/" + key->folder.region + "/") != std::string::npos);
    FUZZ_CHECK(text.find("_CloudTrail_" + key->folder.region + "_" +
                         compact_time(key->delivered, false) + "_") != std::string::npos);
    FUZZ_CHECK(text.ends_with(".json.gz"));
  }
  return 0;
}
