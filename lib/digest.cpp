// SPDX-License-Identifier: MIT
// Digest files and the cryptography that proves them: OpenSSL EVP for SHA-256, MD5 and
// SHA256withRSA, simdjson's DOM for the small JSON documents (digests, key lists, signatures).
// The signing string and key handling follow aws-cli's validate-logs; see
// docs/man/trailsift-validate.1.md.
#include "trailsift/digest.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <simdjson.h>

#include "trailsift/ascii.hpp"

namespace trailsift {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

/// OpenSSL's reason for the last failure, for messages.
std::string openssl_error() {
  char text[256] = "unknown OpenSSL error";
  if (const unsigned long code = ERR_get_error(); code != 0)
    ERR_error_string_n(code, text, sizeof text);
  ERR_clear_error();
  return text;
}

std::string_view algorithm_name(HashAlgorithm algorithm) {
  return algorithm == HashAlgorithm::kSha256 ? "SHA-256" : "MD5";
}

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_region(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

/// `YYYYMMDDTHHMM[SS]Z` as seconds; `seconds` says whether the stamp has them. A leap second
/// (:60), which parse_iso8601 allows in event times, is refused: it would name the next minute,
/// so that two names could stand for one time.
std::optional<UnixSeconds> parse_compact_time(std::string_view stamp, bool seconds) {
  const std::size_t size = seconds ? 16 : 14;
  if (stamp.size() != size || stamp[8] != 'T' || stamp.back() != 'Z') return std::nullopt;
  if (seconds && stamp.substr(13, 2) > "59") return std::nullopt;
  const std::string iso =
      fmt::format("{}-{}-{}T{}:{}:{}Z", stamp.substr(0, 4), stamp.substr(4, 2), stamp.substr(6, 2),
                  stamp.substr(9, 2), stamp.substr(11, 2), seconds ? stamp.substr(13, 2) : "00");
  if (!all_digits(stamp.substr(0, 8)) || !all_digits(stamp.substr(9, size - 10)))
    return std::nullopt;
  return parse_iso8601(iso);
}

/// Splits `[prefix/]AWSLogs/[o-org/]ACCOUNT/<type>/REGION/YYYY/MM/DD/NAME` into the folder and
/// NAME; the name must start with `ACCOUNT_<type>_REGION_`, which is removed.
std::optional<std::pair<TrailFolder, std::string_view>> parse_trail_path(std::string_view key,
                                                                         std::string_view type) {
  constexpr std::string_view kRoot = "AWSLogs/";
  for (std::size_t at = key.find(kRoot); at != std::string_view::npos;
       at = key.find(kRoot, at + 1)) {
    if (at > 0 && key[at - 1] != '/') continue;
    std::vector<std::string_view> parts;
    for (std::size_t pos = at + kRoot.size(); pos <= key.size();) {
      const std::size_t slash = std::min(key.find('/', pos), key.size());
      parts.push_back(key.substr(pos, slash - pos));
      pos = slash + 1;
    }
    TrailFolder folder;
    folder.prefix = std::string(key.substr(0, at));
    std::size_t i = 0;
    if (parts.size() == 8 && parts[0].size() > 2 && parts[0].substr(0, 2) == "o-") {
      folder.org_id = std::string(parts[i++]);
    }
    if (parts.size() - i != 7) continue;
    folder.account = std::string(parts[i]);
    folder.region = std::string(parts[i + 2]);
    if (folder.account.size() != 12 || !all_digits(folder.account) || parts[i + 1] != type ||
        !is_region(folder.region) || parts[i + 3].size() != 4 || !all_digits(parts[i + 3]) ||
        parts[i + 4].size() != 2 || !all_digits(parts[i + 4]) || parts[i + 5].size() != 2 ||
        !all_digits(parts[i + 5])) {
      continue;
    }
    const std::string name_start = fmt::format("{}_{}_{}_", folder.account, type, folder.region);
    std::string_view name = parts[i + 6];
    if (name.substr(0, name_start.size()) != name_start) continue;
    name.remove_prefix(name_start.size());
    return std::pair{std::move(folder), name};
  }
  return std::nullopt;
}

bool strip_suffix(std::string_view& text, std::string_view suffix) {
  if (text.size() < suffix.size() || text.substr(text.size() - suffix.size()) != suffix)
    return false;
  text.remove_suffix(suffix.size());
  return true;
}

Error format_error(std::string_view message) {
  return make_error("", fmt::format("invalid format: {}", message));
}

/// Copies the string field `name` into `out`; false if it is absent or not a string.
bool read_string(const object& fields, std::string_view name, std::string& out) {
  std::string_view value;
  if (fields[name].get_string().get(value) != simdjson::SUCCESS) return false;
  out = std::string(value);
  return true;
}

/// A field that may be a string or null: nullopt for null or absent; an error for another type
/// or, when `required`, for an absent field.
Result<std::optional<std::string>> nullable_string(const object& fields, std::string_view name,
                                                   bool required) {
  element value;
  if (fields[name].get(value) != simdjson::SUCCESS) {
    if (required) return format_error(fmt::format("{} is missing", name));
    return std::optional<std::string>();
  }
  if (value.is_null()) return std::optional<std::string>();
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) {
    return format_error(fmt::format("{} is not a string or null", name));
  }
  return std::optional<std::string>(std::string(text));
}

simdjson::dom::parser& thread_parser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

/// Whole seconds (rounded down) from epoch seconds that may hold a fraction. A time beyond what
/// UnixSeconds holds (hundreds of billions of years) is taken as its end of the range rather
/// than converted, which would be undefined; NaN is no time.
std::optional<UnixSeconds> whole_seconds(double seconds) {
  constexpr double kLimit = 9.2e18;  // a double just inside the range of std::int64_t
  if (std::isnan(seconds)) return std::nullopt;
  return static_cast<UnixSeconds>(std::clamp(std::floor(seconds), -kLimit, kLimit));
}

/// A validity time of a key: epoch seconds as a number or a string, or ISO 8601.
std::optional<UnixSeconds> key_time(const object& fields, std::string_view name) {
  element value;
  if (fields[name].get(value) != simdjson::SUCCESS) return std::nullopt;
  double number = 0;
  if (value.get_double().get(number) == simdjson::SUCCESS) return whole_seconds(number);
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) return std::nullopt;
  if (auto iso = parse_iso8601(text)) return iso;
  const std::string copy(text);
  char* end = nullptr;
  const double parsed = std::strtod(copy.c_str(), &end);
  if (copy.empty() || end != copy.c_str() + copy.size()) return std::nullopt;
  return whole_seconds(parsed);
}

/// Lowercase metadata name without `x-amz-meta-`.
std::string metadata_name(std::string_view name) {
  std::string lower = ascii_lowercase(name);
  constexpr std::string_view kMeta = "x-amz-meta-";
  if (lower.compare(0, kMeta.size(), kMeta) == 0) lower.erase(0, kMeta.size());
  return lower;
}

Result<SavedSignature> signature_entry(std::string_view key, element value) {
  SavedSignature saved;
  std::string_view text;
  if (value.get_string().get(text) == simdjson::SUCCESS) {
    if (text.empty()) return make_error("", fmt::format("{}: no signature", key));
    saved.signature = std::string(text);
    return saved;
  }
  object fields;
  if (value.get_object().get(fields) != simdjson::SUCCESS) {
    return make_error("", fmt::format("{}: expected a signature string or an object", key));
  }
  for (auto [name, field] : fields) {
    const std::string lower = metadata_name(name);
    if (lower == "metadata") return signature_entry(key, field);
    if (field.get_string().get(text) != simdjson::SUCCESS) continue;
    if (lower == "signature") saved.signature = std::string(text);
    if (lower == "signature-algorithm") saved.algorithm = std::string(text);
    if (lower == "backfill-generation-timestamp")
      saved.backfill_generation_timestamp = std::string(text);
  }
  if (saved.signature.empty()) return make_error("", fmt::format("{}: no signature", key));
  return saved;
}

Status add_signature(SignatureMap& map, std::string key, SavedSignature saved) {
  auto [it, inserted] = map.try_emplace(key, saved);
  if (!inserted && ascii_lowercase(it->second.signature) != ascii_lowercase(saved.signature)) {
    return make_error("", fmt::format("{}: two different signatures", key));
  }
  return {};
}

/// Text saved by some Windows editors starts with a UTF-8 byte order mark, which JSON forbids.
std::string_view without_byte_order_mark(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  return text;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

Result<SignatureMap> parse_signature_lines(std::string_view text) {
  SignatureMap map;
  std::size_t line_number = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t newline = std::min(text.find('\n', pos), text.size());
    const std::string_view line = trim(text.substr(pos, newline - pos));
    pos = newline + 1;
    ++line_number;
    if (line.empty() || line.front() == '#') continue;
    const std::size_t split = line.find('\t');
    const std::string_view key = split == std::string_view::npos ? "" : trim(line.substr(0, split));
    const std::string_view signature =
        split == std::string_view::npos ? "" : trim(line.substr(split + 1));
    if (key.empty() || signature.empty()) {
      Error error = make_error("", "expected KEY<TAB>SIGNATURE");
      error.line = line_number;
      return error;
    }
    if (Status added = add_signature(map, std::string(key), {std::string(signature), "", ""});
        !added) {
      Error error = added.error();
      error.line = line_number;
      return error;
    }
  }
  return map;
}

}  // namespace

struct Hasher::Impl {
  std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> md{nullptr, &EVP_MD_free};
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context{nullptr, &EVP_MD_CTX_free};
  HashAlgorithm algorithm = HashAlgorithm::kSha256;
};

Hasher::Hasher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;
Hasher::~Hasher() = default;

Result<Hasher> Hasher::create(HashAlgorithm algorithm) {
  auto impl = std::make_unique<Impl>();
  impl->algorithm = algorithm;
  impl->md.reset(
      EVP_MD_fetch(nullptr, algorithm == HashAlgorithm::kSha256 ? "SHA256" : "MD5", nullptr));
  impl->context.reset(EVP_MD_CTX_new());
  if (!impl->md || !impl->context) {
    return make_error(
        "", fmt::format("{} is not available: {}", algorithm_name(algorithm), openssl_error()));
  }
  return Hasher(std::move(impl));
}

Result<std::string> Hasher::hex(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> hash{};
  unsigned int length = 0;
  if (EVP_DigestInit_ex2(impl_->context.get(), impl_->md.get(), nullptr) != 1 ||
      EVP_DigestUpdate(impl_->context.get(), bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(impl_->context.get(), hash.data(), &length) != 1) {
    return make_error(
        "", fmt::format("{} failed: {}", algorithm_name(impl_->algorithm), openssl_error()));
  }
  std::string hex;
  hex.reserve(length * 2);
  constexpr char kDigits[] = "0123456789abcdef";
  for (unsigned int i = 0; i < length; ++i) {
    hex += kDigits[hash[i] >> 4];
    hex += kDigits[hash[i] & 15];
  }
  return hex;
}

Result<std::string> sha256_hex(std::string_view bytes) {
  Result<Hasher> hasher = Hasher::create(HashAlgorithm::kSha256);
  if (!hasher) return hasher.error();
  return hasher->hex(bytes);
}

Result<std::string> md5_hex(std::string_view bytes) {
  Result<Hasher> hasher = Hasher::create(HashAlgorithm::kMd5);
  if (!hasher) return hasher.error();
  return hasher->hex(bytes);
}

std::optional<std::string> hex_decode(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string bytes(hex.size() / 2, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const int high = nibble(hex[2 * i]);
    const int low = nibble(hex[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    bytes[i] = static_cast<char>(high << 4 | low);
  }
  return bytes;
}

std::optional<std::string> base64_decode(std::string_view text) {
  std::string bytes;
  std::uint32_t bits = 0;
  int bit_count = 0;
  std::size_t symbols = 0;
  std::size_t padding = 0;
  for (const char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    int value = -1;
    if (c >= 'A' && c <= 'Z') value = c - 'A';
    if (c >= 'a' && c <= 'z') value = c - 'a' + 26;
    if (c >= '0' && c <= '9') value = c - '0' + 52;
    if (c == '+') value = 62;
    if (c == '/') value = 63;
    if (c == '=') {
      ++padding;
      continue;
    }
    if (value < 0 || padding > 0) return std::nullopt;  // a symbol after padding
    ++symbols;
    bits = bits << 6 | static_cast<std::uint32_t>(value);
    bit_count += 6;
    if (bit_count >= 8) {
      bit_count -= 8;
      bytes += static_cast<char>(bits >> bit_count & 0xff);
    }
  }
  if ((symbols + padding) % 4 != 0 || padding > 2 || symbols % 4 == 1) return std::nullopt;
  return bytes;
}

std::string TrailFolder::account_path() const {
  return prefix + "AWSLogs/" + (org_id.empty() ? "" : org_id + "/") + account + "/";
}

std::optional<DigestKey> parse_digest_key(std::string_view key) {
  auto parsed = parse_trail_path(key, "CloudTrail-Digest");
  if (!parsed) return std::nullopt;
  DigestKey digest;
  digest.folder = std::move(parsed->first);
  std::string_view name = parsed->second;  // TRAIL_HOME_STAMP[_backfill].json.gz
  if (!strip_suffix(name, ".json.gz")) return std::nullopt;
  digest.backfill = strip_suffix(name, "_backfill");
  if (name.size() < 17 || name[name.size() - 17] != '_') return std::nullopt;
  const std::optional<UnixSeconds> end = parse_compact_time(name.substr(name.size() - 16), true);
  name.remove_suffix(17);
  const std::size_t split = name.rfind('_');
  if (!end || split == std::string_view::npos || split == 0) return std::nullopt;
  digest.trail = std::string(name.substr(0, split));
  digest.home_region = std::string(name.substr(split + 1));
  if (!is_region(digest.home_region)) return std::nullopt;
  digest.end = *end;
  return digest;
}

std::optional<LogKey> parse_log_key(std::string_view key) {
  auto parsed = parse_trail_path(key, "CloudTrail");
  if (!parsed) return std::nullopt;
  std::string_view name = parsed->second;  // STAMP_UNIQUE.json.gz
  if (!strip_suffix(name, ".json.gz") || name.size() < 16 || name[14] != '_') return std::nullopt;
  const std::optional<UnixSeconds> delivered = parse_compact_time(name.substr(0, 14), false);
  if (!delivered) return std::nullopt;
  return LogKey{std::move(parsed->first), *delivered};
}

Result<Digest> parse_digest(std::string_view json) {
  element root;
  if (thread_parser().parse(json.data(), json.size()).get(root) != simdjson::SUCCESS) {
    return format_error("not JSON");
  }
  object fields;
  if (root.get_object().get(fields) != simdjson::SUCCESS) return format_error("not a JSON object");
  Digest digest;
  // The fields the AWS CLI requires, then those it reads with a default.
  for (auto [name, value] :
       {std::pair{"digestStartTime", &digest.digest_start_time},
        std::pair{"digestEndTime", &digest.digest_end_time},
        std::pair{"digestS3Bucket", &digest.digest_s3_bucket},
        std::pair{"digestS3Object", &digest.digest_s3_object},
        std::pair{"digestPublicKeyFingerprint", &digest.digest_public_key_fingerprint}}) {
    if (!read_string(fields, name, *value))
      return format_error(fmt::format("{} is missing or not a string", name));
  }
  read_string(fields, "awsAccountId", digest.aws_account_id);
  read_string(fields, "digestSignatureAlgorithm", digest.digest_signature_algorithm);
  for (auto [name, value] :
       {std::pair{"previousDigestS3Bucket", &digest.previous_digest_s3_bucket},
        std::pair{"previousDigestS3Object", &digest.previous_digest_s3_object},
        std::pair{"previousDigestHashValue", &digest.previous_digest_hash_value},
        std::pair{"previousDigestSignature", &digest.previous_digest_signature}}) {
    Result<std::optional<std::string>> field =
        nullable_string(fields, name, std::string_view(name) == "previousDigestSignature");
    if (!field) return field.error();
    *value = std::move(*field);
  }
  simdjson::dom::array logs;
  if (fields["logFiles"].get_array().get(logs) != simdjson::SUCCESS) {
    return format_error("logFiles is missing or not an array");
  }
  for (element entry : logs) {
    object log;
    DigestLogFile file;
    if (entry.get_object().get(log) != simdjson::SUCCESS ||
        !read_string(log, "s3Bucket", file.s3_bucket) ||
        !read_string(log, "s3Object", file.s3_object) ||
        !read_string(log, "hashValue", file.hash_value)) {
      return format_error("a logFiles entry lacks s3Bucket, s3Object or hashValue");
    }
    read_string(log, "oldestEventTime", file.oldest_event_time);
    read_string(log, "newestEventTime", file.newest_event_time);
    digest.log_files.push_back(std::move(file));
  }
  return digest;
}

std::string digest_signing_string(const Digest& digest, std::string_view digest_sha256_hex) {
  // A starting digest signs the literal "null" ("to match the Java implementation").
  return fmt::format("{}\n{}/{}\n{}\n{}", digest.digest_end_time, digest.digest_s3_bucket,
                     digest.digest_s3_object, digest_sha256_hex,
                     digest.previous_digest_signature.value_or("null"));
}

struct PublicKey::Impl {
  EVP_PKEY* key = nullptr;
  ~Impl() { EVP_PKEY_free(key); }
};

Result<PublicKey> PublicKey::from_der(std::string_view der) {
  auto impl = std::make_shared<Impl>();
  PublicKey key;
  const auto* start = reinterpret_cast<const unsigned char*>(der.data());
  const auto length = static_cast<long>(der.size());
  const unsigned char* cursor = start;
  impl->key = d2i_PublicKey(EVP_PKEY_RSA, nullptr, &cursor, length);
  if (!impl->key || cursor != start + length) {
    EVP_PKEY_free(impl->key);
    cursor = start;
    impl->key = d2i_PUBKEY(nullptr, &cursor, length);
    key.spki_ = true;
    if (impl->key &&
        (cursor != start + length || EVP_PKEY_get_base_id(impl->key) != EVP_PKEY_RSA)) {
      EVP_PKEY_free(impl->key);
      impl->key = nullptr;
    }
  }
  if (!impl->key)
    return make_error("", "not an RSA public key in PKCS#1 or SubjectPublicKeyInfo DER");
  key.impl_ = std::move(impl);
  return key;
}

Status PublicKey::verify(std::string_view message, std::string_view signature) const {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                  &EVP_MD_CTX_free);
  EVP_PKEY_CTX* key_context = nullptr;
  if (!context ||
      EVP_DigestVerifyInit_ex(context.get(), &key_context, "SHA256", nullptr, nullptr, impl_->key,
                              nullptr) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_PADDING) != 1) {
    return make_error("", "cannot check SHA256withRSA signatures: " + openssl_error());
  }
  const int verified = EVP_DigestVerify(
      context.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
      reinterpret_cast<const unsigned char*>(message.data()), message.size());
  ERR_clear_error();  // a signature that does not verify leaves its reasons queued
  if (verified != 1) return make_error("", "signature verification failed");  // the AWS CLI's words
  return {};
}

Status Keyring::add_document(std::string_view json) {
  json = without_byte_order_mark(json);
  element root;
  if (thread_parser().parse(json.data(), json.size()).get(root) != simdjson::SUCCESS) {
    return make_error("", "not JSON: expected the output of aws cloudtrail list-public-keys");
  }
  simdjson::dom::array list;
  if (root["PublicKeyList"].get_array().get(list) != simdjson::SUCCESS &&
      root["publicKeyList"].get_array().get(list) != simdjson::SUCCESS) {
    return make_error("",
                      "no PublicKeyList: expected the output of aws cloudtrail list-public-keys");
  }
  Result<Hasher> md5 = Hasher::create(HashAlgorithm::kMd5);
  if (!md5) return make_error("", "cannot check the keys' fingerprints: " + md5.error().message);
  std::size_t index = 0;
  for (element item : list) {
    ++index;
    object fields;
    std::string_view fingerprint;
    std::string_view value;
    if (item.get_object().get(fields) != simdjson::SUCCESS ||
        fields["Fingerprint"].get_string().get(fingerprint) != simdjson::SUCCESS ||
        fields["Value"].get_string().get(value) != simdjson::SUCCESS) {
      return make_error(
          "", fmt::format("key {}: expected an object with Fingerprint and Value strings", index));
    }
    PublicKeyEntry entry;
    entry.fingerprint = ascii_lowercase(fingerprint);
    entry.valid_from = key_time(fields, "ValidityStartTime");
    entry.valid_until = key_time(fields, "ValidityEndTime");
    const std::optional<std::string> der = base64_decode(value);
    Result<PublicKey> key =
        der ? PublicKey::from_der(*der) : Result<PublicKey>(make_error("", "base64"));
    Result<std::string> md5_of_value = md5->hex(der.value_or(""));
    if (!md5_of_value) return md5_of_value.error();
    if (der && *md5_of_value != entry.fingerprint) {
      entry.problem =
          fmt::format("public key with fingerprint {} refused: the MD5 of its value is {}",
                      entry.fingerprint, *md5_of_value);
    } else if (!key) {
      // The AWS CLI's words.
      entry.problem =
          fmt::format("Unable to load PKCS #1 key with fingerprint {}", entry.fingerprint);
    } else {
      entry.key = std::move(*key);
    }
    auto found = entries_.find(entry.fingerprint);
    if (found == entries_.end()) {
      entries_.emplace(entry.fingerprint, std::move(entry));
    } else if (entry.key || !found->second.key) {
      found->second = std::move(entry);  // as the AWS CLI: a later duplicate wins, unless refused
    }
  }
  return {};
}

const PublicKeyEntry* Keyring::find(std::string_view fingerprint) const {
  auto found = entries_.find(ascii_lowercase(fingerprint));
  return found == entries_.end() ? nullptr : &found->second;
}

Result<SignatureMap> parse_signatures(std::string_view text) {
  text = without_byte_order_mark(text);
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || text[first] != '{') return parse_signature_lines(text);
  element root;
  object entries;
  if (thread_parser().parse(text.data(), text.size()).get(root) != simdjson::SUCCESS ||
      root.get_object().get(entries) != simdjson::SUCCESS) {
    return make_error("", "not a JSON object of S3 URI or key to signature");
  }
  SignatureMap map;
  for (auto [key, value] : entries) {
    Result<SavedSignature> saved = signature_entry(key, value);
    if (!saved) return saved.error();
    if (Status added = add_signature(map, std::string(key), std::move(*saved)); !added)
      return added.error();
  }
  return map;
}

const SavedSignature* find_signature(const SignatureMap& signatures, std::string_view bucket,
                                     std::string_view key) {
  auto found = signatures.find(fmt::format("s3://{}/{}", bucket, key));
  if (found == signatures.end()) found = signatures.find(key);
  return found == signatures.end() ? nullptr : &found->second;
}

}  // namespace trailsift
