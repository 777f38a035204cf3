// SPDX-License-Identifier: MIT
// TEST-ONLY: writes CloudTrail digest files signed with keys generated for tests, so that
// `trailsift validate` can be tested and benchmarked without AWS. Used by the unit tests, the
// golden-case fixtures (tests/fixtures), the bench signer and the example bucket. It never
// touches a real AWS key: CloudTrail's private keys never leave AWS.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "trailsift/digest.hpp"
#include "trailsift/time.hpp"

namespace trailsift::signer {

/// A test RSA key pair (2048 bits, as CloudTrail's). Errors throw: this is test tooling.
class TestKey {
 public:
  static TestKey generate();
  static TestKey from_pem(std::string_view private_key_pem);

  std::string private_pem() const;
  std::string pkcs1_der() const;  ///< RSAPublicKey DER, as CloudTrail publishes its keys
  std::string spki_der() const;   ///< SubjectPublicKeyInfo DER
  std::string fingerprint() const { return *md5_hex(pkcs1_der()); }
  /// Hex SHA256withRSA (PKCS#1 v1.5) signature of `message`: deterministic.
  std::string sign_hex(std::string_view message) const;

 private:
  std::shared_ptr<void> key_;  // EVP_PKEY
};

/// One entry of `aws cloudtrail list-public-keys` output.
struct KeyListing {
  std::string der;          ///< the public key
  std::string fingerprint;  ///< as stated (normally md5_hex(der))
  UnixSeconds valid_from = 0;
  UnixSeconds valid_until = 0;
};

/// The shapes users hand in: CLI v1 (epoch numbers), CLI v2 (ISO 8601 strings), and the AWS
/// docs' hand-edited `publicKeyList` with epoch strings.
enum class KeyListStyle { kCliV1, kCliV2, kDocs };

/// A `list-public-keys` document.
std::string public_keys_json(const std::vector<KeyListing>& keys,
                             KeyListStyle style = KeyListStyle::kCliV1);

/// Gzip with a pinned header (no name, mtime 0, OS Unix): the same bytes on every machine with
/// the same zlib.
std::string gzip(std::string_view data, int level = 6);

/// Standard base64 with padding.
std::string base64(std::string_view bytes);

/// Which chain a digest belongs to, and where its files go.
struct ChainSpec {
  std::string bucket;
  TrailFolder folder;  ///< prefix, organization, account, delivery region
  std::string trail = "foo";
  std::string home_region = "us-east-1";
  bool backfill = false;
  std::string fingerprint;  ///< the fingerprint digests state; empty: the signing key's
};

/// The S3 key of the chain's digest ending at `end`.
std::string digest_key(const ChainSpec& chain, UnixSeconds end);

/// The S3 key of a log file of `folder` delivered at `delivered` (to the minute).
std::string log_key(const TrailFolder& folder, UnixSeconds delivered, std::string_view unique);

/// One entry of a digest's logFiles.
struct LogEntry {
  std::string bucket;
  std::string key;
  std::string hash;    ///< lowercase hex SHA-256 of the inflated log file
  std::string oldest;  ///< event times
  std::string newest;
};

/// A digest as written: its key, JSON bytes (inflated) and signature.
struct SignedDigest {
  std::string bucket;
  std::string key;
  std::string json;
  std::string signature;  ///< hex, as in the x-amz-meta-signature metadata
};

/// Builds a chain one digest at a time, as CloudTrail does: each digest links to the previous
/// one (previousDigest*), and the first one, or one after restart(), starts a chain.
class ChainBuilder {
 public:
  ChainBuilder(ChainSpec chain, const TestKey& key);

  /// The next digest, covering (previous end, end]; a chain's first covers the hour before.
  /// `escape_slashes` writes '/' as "\/" as CloudTrail does.
  SignedDigest add(UnixSeconds end, const std::vector<LogEntry>& logs, bool escape_slashes = true);
  /// Validation was turned off: the next digest starts a new chain (previousDigest* null).
  void restart() { previous_.reset(); }
  /// The chain continues in another place (bucket change): later digests are written there.
  void move_to(ChainSpec chain) { chain_ = std::move(chain); }
  /// The next digest links to `previous` (which may have been altered) instead.
  void link_to(SignedDigest previous) { previous_ = std::move(previous); }

 private:
  ChainSpec chain_;
  const TestKey* key_;
  std::optional<SignedDigest> previous_;
  UnixSeconds previous_end_ = 0;
};

/// Saved S3 signatures for `--signatures`: JSON `{"s3://bucket/key": {"signature": ...,
/// "signature-algorithm": "SHA256withRSA"}}`, or lines of `key<TAB>signature`.
std::string signatures_json(const std::vector<SignedDigest>& digests);
std::string signatures_tsv(const std::vector<SignedDigest>& digests);

/// The whole content of the file at `path`. Throws on failure.
std::string read_file(const std::filesystem::path& path);

/// Writes `bytes` at root/key, creating folders. Throws on failure.
void write_file(const std::filesystem::path& root, std::string_view key, std::string_view bytes);

/// Writes a gzipped log file holding `json` into the mirror at `root`, delivered by `chain`'s
/// folder at `delivered`, and returns its entry for a digest (events 5 and 1 minutes before).
LogEntry write_log(const std::filesystem::path& root, const ChainSpec& chain, UnixSeconds delivered,
                   std::string_view unique, std::string_view json);

}  // namespace trailsift::signer
