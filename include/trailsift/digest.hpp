// SPDX-License-Identifier: MIT
// CloudTrail digest files: their names, their JSON, the string AWS signs, AWS's public keys,
// saved S3 signatures, and SHA256withRSA verification.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "trailsift/result.hpp"
#include "trailsift/time.hpp"

namespace trailsift {

/// The hash functions CloudTrail uses: SHA-256 for files and signatures, MD5 for the
/// fingerprints of its public keys.
enum class HashAlgorithm { kSha256, kMd5 };

/// One OpenSSL hash context, fetched once and reused (a fetch is slow), freed on destruction.
/// Every OpenSSL call is checked. Not thread-safe: one per thread.
class Hasher {
 public:
  /// Fails when OpenSSL does not provide the algorithm (MD5 under a FIPS provider).
  static Result<Hasher> create(HashAlgorithm algorithm);

  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;
  ~Hasher();

  /// Lowercase hex of the hash of `bytes`.
  Result<std::string> hex(std::string_view bytes);

 private:
  struct Impl;
  explicit Hasher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// Lowercase hex of the SHA-256 of `bytes`.
Result<std::string> sha256_hex(std::string_view bytes);

/// Lowercase hex of the MD5 of `bytes` (how CloudTrail fingerprints its public keys); an error
/// when MD5 is not available, never an empty string.
Result<std::string> md5_hex(std::string_view bytes);

/// Decodes hex digits in either case; nullopt for an odd length or a non-hex character.
std::optional<std::string> hex_decode(std::string_view hex);

/// Decodes standard base64 with padding, ignoring whitespace; nullopt if it is not base64.
std::optional<std::string> base64_decode(std::string_view text);

/// Where a CloudTrail file lives, from its S3 key:
/// `[prefix/]AWSLogs/[o-org/]ACCOUNT/CloudTrail[-Digest]/REGION/YYYY/MM/DD/NAME`.
struct TrailFolder {
  std::string prefix;  ///< the trail's key prefix with its trailing '/', or empty
  std::string org_id;  ///< `o-...` for an organization trail, else empty
  std::string account;
  std::string region;  ///< the region the file was delivered from

  /// `[prefix/]AWSLogs/[o-org/]ACCOUNT/`.
  std::string account_path() const;
  friend bool operator==(const TrailFolder&, const TrailFolder&) = default;
  friend auto operator<=>(const TrailFolder&, const TrailFolder&) = default;
};

/// What a digest file's key says:
/// `..._CloudTrail-Digest_REGION_TRAIL_HOME_YYYYMMDDTHHMMSSZ[_backfill].json.gz`.
struct DigestKey {
  TrailFolder folder;
  std::string trail;        ///< trail name
  std::string home_region;  ///< the trail's home region
  UnixSeconds end = 0;      ///< the digest's end time (digestEndTime)
  bool backfill = false;    ///< a `_backfill` digest
};

/// Parses a digest file's S3 key; nullopt if it is not one.
std::optional<DigestKey> parse_digest_key(std::string_view key);

/// What a log file's key says: `..._CloudTrail_REGION_YYYYMMDDTHHMMZ_UNIQUE.json.gz`.
struct LogKey {
  TrailFolder folder;
  UnixSeconds delivered = 0;  ///< delivery time (to the minute)
};

/// Parses a log file's S3 key; nullopt if it is not one.
std::optional<LogKey> parse_log_key(std::string_view key);

/// One entry of a digest's `logFiles`.
struct DigestLogFile {
  std::string s3_bucket;
  std::string s3_object;
  std::string hash_value;
  std::string oldest_event_time;
  std::string newest_event_time;
};

/// The fields of a digest file that validation uses, with JSON escapes decoded.
struct Digest {
  std::string aws_account_id;
  std::string digest_start_time;
  std::string digest_end_time;
  std::string digest_s3_bucket;
  std::string digest_s3_object;
  std::string digest_public_key_fingerprint;
  std::string digest_signature_algorithm;
  /// The `previousDigest*` fields; all null (nullopt) in a digest that starts a chain.
  std::optional<std::string> previous_digest_s3_bucket;
  std::optional<std::string> previous_digest_s3_object;
  std::optional<std::string> previous_digest_hash_value;
  std::optional<std::string> previous_digest_signature;
  std::vector<DigestLogFile> log_files;
};

/// Parses the inflated bytes of a digest file. Fails ("invalid format: ...") when it is not a
/// JSON object or misses a field the AWS CLI requires, or when a field has the wrong type.
Result<Digest> parse_digest(std::string_view json);

/// The string CloudTrail signs: end time, `bucket/key`, the lowercase hex SHA-256 of the
/// inflated digest bytes, and the previous signature (or `null`), joined by '\n'.
std::string digest_signing_string(const Digest& digest, std::string_view digest_sha256_hex);

/// An RSA public key as CloudTrail publishes it (DER: PKCS#1 RSAPublicKey or
/// SubjectPublicKeyInfo). Cheap to copy; safe to use from several threads.
class PublicKey {
 public:
  /// Loads DER bytes, trying PKCS#1 first, then SubjectPublicKeyInfo.
  static Result<PublicKey> from_der(std::string_view der);

  /// Succeeds if `signature` is a SHA256withRSA (PKCS#1 v1.5) signature of `message`. Fails
  /// with "signature verification failed", or with why OpenSSL cannot check it at all.
  Status verify(std::string_view message, std::string_view signature) const;

  /// True if the DER was SubjectPublicKeyInfo rather than PKCS#1.
  bool spki() const { return spki_; }

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
  bool spki_ = false;
};

/// One key of a `list-public-keys` document, loaded or refused.
struct PublicKeyEntry {
  std::string fingerprint;
  std::optional<UnixSeconds> valid_from;
  std::optional<UnixSeconds> valid_until;
  std::optional<PublicKey> key;  ///< nullopt when refused
  std::string problem;           ///< why it was refused, in the words digests report
};

/// AWS's public keys, by fingerprint, from `aws cloudtrail list-public-keys` output.
class Keyring {
 public:
  /// Adds every key of one document: `{"PublicKeyList": [...]}` (or `publicKeyList`) with
  /// `Value` (base64 DER), `Fingerprint`, and validity times as epoch numbers, numeric
  /// strings or ISO 8601. A key whose MD5 is not its fingerprint, or that does not load, is
  /// kept as refused. Fails when the document itself is not of that shape, or when MD5 is not
  /// available to check fingerprints.
  Status add_document(std::string_view json);

  /// The key with this fingerprint (compared without regard to case), or nullptr.
  const PublicKeyEntry* find(std::string_view fingerprint) const;

  /// Every entry, by fingerprint.
  const std::map<std::string, PublicKeyEntry>& entries() const { return entries_; }

 private:
  std::map<std::string, PublicKeyEntry> entries_;
};

/// A digest's signature as saved from its S3 object metadata.
struct SavedSignature {
  std::string signature;                      ///< hex
  std::string algorithm;                      ///< `signature-algorithm`, when saved
  std::string backfill_generation_timestamp;  ///< `backfill-generation-timestamp`, when saved
};

/// Saved signatures by `s3://bucket/key` or bare key, as they were written.
using SignatureMap = std::map<std::string, SavedSignature, std::less<>>;

/// Parses a signatures file: a JSON object mapping `s3://bucket/key` (or the key) to the hex
/// signature or to the metadata object (`signature`, `signature-algorithm`,
/// `backfill-generation-timestamp`; names compared without regard to case, an `x-amz-meta-`
/// prefix allowed, a `head-object` `Metadata` wrapper allowed); or lines of `key<TAB>signature`.
Result<SignatureMap> parse_signatures(std::string_view text);

/// The saved signature of the digest at `bucket`/`key`: `s3://bucket/key` first, then `key`.
const SavedSignature* find_signature(const SignatureMap& signatures, std::string_view bucket,
                                     std::string_view key);

}  // namespace trailsift
