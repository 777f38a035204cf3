// SPDX-License-Identifier: MIT
// TEST-ONLY digest writer and signer; see signer.hpp. The signing string is built here on its
// own, not with the library's digest_signing_string, so that tests check one against the other.
#include "signer.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <zlib.h>

namespace trailsift::signer {
namespace {

EVP_PKEY* pkey(const std::shared_ptr<void>& key) { return static_cast<EVP_PKEY*>(key.get()); }

std::shared_ptr<void> own(EVP_PKEY* key) {
  if (!key) throw std::runtime_error("OpenSSL: no key");
  return {key, [](void* p) { EVP_PKEY_free(static_cast<EVP_PKEY*>(p)); }};
}

template <typename Encode>
std::string der(Encode encode) {
  unsigned char* out = nullptr;
  const int length = encode(&out);
  if (length <= 0) throw std::runtime_error("OpenSSL: cannot encode the key");
  std::string bytes(reinterpret_cast<char*>(out), static_cast<std::size_t>(length));
  OPENSSL_free(out);
  return bytes;
}

/// A JSON string literal; CloudTrail escapes '/' as "\/".
std::string json_string(std::string_view text, bool escape_slashes) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\' || (c == '/' && escape_slashes)) out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", c);
      continue;
    }
    out += c;
  }
  return out + '"';
}

std::string json_or_null(const std::optional<std::string>& text, bool escape_slashes) {
  return text ? json_string(*text, escape_slashes) : "null";
}

std::string compact_time(UnixSeconds time, bool seconds) {
  std::string iso = format_iso8601(time);  // 2014-08-10T01:04:04Z
  std::erase(iso, '-');
  std::erase(iso, ':');
  if (!seconds) iso.erase(13, 2);
  return iso;
}

}  // namespace

TestKey TestKey::generate() {
  TestKey key;
  key.key_ = own(EVP_RSA_gen(2048));
  return key;
}

TestKey TestKey::from_pem(std::string_view private_key_pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size())), &BIO_free);
  TestKey key;
  key.key_ = own(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  return key;
}

std::string TestKey::private_pem() const {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  PEM_write_bio_PrivateKey(bio.get(), pkey(key_), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(length));
}

std::string TestKey::pkcs1_der() const {
  return der([&](unsigned char** out) { return i2d_PublicKey(pkey(key_), out); });
}

std::string TestKey::spki_der() const {
  return der([&](unsigned char** out) { return i2d_PUBKEY(pkey(key_), out); });
}

std::string TestKey::sign_hex(std::string_view message) const {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                  &EVP_MD_CTX_free);
  EVP_PKEY_CTX* key_context = nullptr;
  std::size_t length = 0;
  if (EVP_DigestSignInit(context.get(), &key_context, EVP_sha256(), nullptr, pkey(key_)) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_PADDING) != 1 ||
      EVP_DigestSign(context.get(), nullptr, &length, nullptr, 0) != 1) {
    throw std::runtime_error("OpenSSL: cannot sign");
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1) {
    throw std::runtime_error("OpenSSL: cannot sign");
  }
  std::string hex;
  for (std::size_t i = 0; i < length; ++i)
    hex += fmt::format("{:02x}", static_cast<unsigned char>(signature[i]));
  return hex;
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                     reinterpret_cast<const unsigned char*>(bytes.data()),
                                     static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(length));
  return out;
}

std::string public_keys_json(const std::vector<KeyListing>& keys, KeyListStyle style) {
  auto time = [&](UnixSeconds seconds) {
    switch (style) {
      case KeyListStyle::kCliV1: return fmt::format("{}.0", seconds);
      case KeyListStyle::kCliV2:
        return fmt::format("\"{}+00:00\"", format_iso8601(seconds).substr(0, 19));
      case KeyListStyle::kDocs: return fmt::format("\"{}.0\"", seconds);
    }
    return std::string();
  };
  std::string out = fmt::format("{{\n    \"{}\": [",
                                style == KeyListStyle::kDocs ? "publicKeyList" : "PublicKeyList");
  for (std::size_t i = 0; i < keys.size(); ++i) {
    out += fmt::format(
        "{}\n        {{\n            \"ValidityStartTime\": {},\n            \"ValidityEndTime\": "
        "{},\n"
        "            \"Value\": \"{}\",\n            \"Fingerprint\": \"{}\"\n        }}",
        i == 0 ? "" : ",", time(keys[i].valid_from), time(keys[i].valid_until), base64(keys[i].der),
        keys[i].fingerprint);
  }
  return out + "\n    ]\n}\n";
}

std::string gzip(std::string_view data, int level) {
  z_stream stream{};
  if (deflateInit2(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("zlib: deflateInit2");
  }
  gz_header header{};
  header.os = 3;  // Unix, whatever the build platform
  deflateSetHeader(&stream, &header);
  std::string out(deflateBound(&stream, static_cast<uLong>(data.size())) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int result = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (result != Z_STREAM_END) throw std::runtime_error("zlib: deflate");
  return out;
}

std::string digest_key(const ChainSpec& chain, UnixSeconds end) {
  const std::string date = format_iso8601(end).substr(0, 10);  // YYYY-MM-DD
  return fmt::format("{}CloudTrail-Digest/{}/{}/{}/{}/{}_CloudTrail-Digest_{}_{}_{}_{}{}.json.gz",
                     chain.folder.account_path(), chain.folder.region, date.substr(0, 4),
                     date.substr(5, 2), date.substr(8, 2), chain.folder.account,
                     chain.folder.region, chain.trail, chain.home_region, compact_time(end, true),
                     chain.backfill ? "_backfill" : "");
}

std::string log_key(const TrailFolder& folder, UnixSeconds delivered, std::string_view unique) {
  const std::string date = format_iso8601(delivered).substr(0, 10);
  return fmt::format("{}CloudTrail/{}/{}/{}/{}/{}_CloudTrail_{}_{}_{}.json.gz",
                     folder.account_path(), folder.region, date.substr(0, 4), date.substr(5, 2),
                     date.substr(8, 2), folder.account, folder.region,
                     compact_time(delivered, false), unique);
}

ChainBuilder::ChainBuilder(ChainSpec chain, const TestKey& key)
    : chain_(std::move(chain)), key_(&key) {}

SignedDigest ChainBuilder::add(UnixSeconds end, const std::vector<LogEntry>& logs,
                               bool escape_slashes) {
  SignedDigest digest;
  digest.bucket = chain_.bucket;
  digest.key = digest_key(chain_, end);
  const UnixSeconds start = previous_ ? previous_end_ : end - 3600;
  std::optional<std::string> oldest;
  std::optional<std::string> newest;
  for (const LogEntry& log : logs) {
    if (!oldest || log.oldest < *oldest) oldest = log.oldest;
    if (!newest || log.newest > *newest) newest = log.newest;
  }
  auto text = [&](std::string_view value) { return json_string(value, escape_slashes); };
  std::string& json = digest.json;
  json = fmt::format(
      "{{\"awsAccountId\":{},\"digestStartTime\":{},\"digestEndTime\":{},\"digestS3Bucket\":{},"
      "\"digestS3Object\":{},\"digestPublicKeyFingerprint\":{},\"digestSignatureAlgorithm\":"
      "\"SHA256withRSA\","
      "\"newestEventTime\":{},\"oldestEventTime\":{},",
      text(chain_.folder.account), text(format_iso8601(start)), text(format_iso8601(end)),
      text(chain_.bucket), text(digest.key),
      text(chain_.fingerprint.empty() ? key_->fingerprint() : chain_.fingerprint),
      json_or_null(newest, escape_slashes), json_or_null(oldest, escape_slashes));
  if (previous_) {
    json += fmt::format(
        "\"previousDigestS3Bucket\":{},\"previousDigestS3Object\":{},\"previousDigestHashValue\":"
        "\"{}\","
        "\"previousDigestHashAlgorithm\":\"SHA-256\",\"previousDigestSignature\":\"{}\",",
        text(previous_->bucket), text(previous_->key), *sha256_hex(previous_->json),
        previous_->signature);
  } else {
    json +=
        "\"previousDigestS3Bucket\":null,\"previousDigestS3Object\":null,"
        "\"previousDigestHashValue\":null,"
        "\"previousDigestHashAlgorithm\":null,\"previousDigestSignature\":null,";
  }
  json += "\"logFiles\":[";
  for (std::size_t i = 0; i < logs.size(); ++i) {
    json += fmt::format(
        "{}{{\"s3Bucket\":{},\"s3Object\":{},\"hashValue\":\"{}\",\"hashAlgorithm\":\"SHA-256\","
        "\"newestEventTime\":{},\"oldestEventTime\":{}}}",
        i == 0 ? "" : ",", text(logs[i].bucket), text(logs[i].key), logs[i].hash,
        text(logs[i].newest), text(logs[i].oldest));
  }
  json += "]}";
  const std::string to_sign =
      fmt::format("{}\n{}/{}\n{}\n{}", format_iso8601(end), chain_.bucket, digest.key,
                  *sha256_hex(json), previous_ ? previous_->signature : "null");
  digest.signature = key_->sign_hex(to_sign);
  previous_ = digest;
  previous_end_ = end;
  return digest;
}

std::string signatures_json(const std::vector<SignedDigest>& digests) {
  std::string out = "{";
  for (std::size_t i = 0; i < digests.size(); ++i) {
    out += fmt::format(
        "{}\n  \"s3://{}/{}\": {{\"signature\": \"{}\", \"signature-algorithm\": "
        "\"SHA256withRSA\"}}",
        i == 0 ? "" : ",", digests[i].bucket, digests[i].key, digests[i].signature);
  }
  return out + "\n}\n";
}

std::string signatures_tsv(const std::vector<SignedDigest>& digests) {
  std::string out;
  for (const SignedDigest& digest : digests)
    out += fmt::format("{}\t{}\n", digest.key, digest.signature);
  return out;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_file(const std::filesystem::path& root, std::string_view key, std::string_view bytes) {
  const std::filesystem::path path = root / std::string(key);
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
}

LogEntry write_log(const std::filesystem::path& root, const ChainSpec& chain, UnixSeconds delivered,
                   std::string_view unique, std::string_view json) {
  LogEntry entry{chain.bucket, log_key(chain.folder, delivered, unique), *sha256_hex(json),
                 format_iso8601(delivered - 300), format_iso8601(delivered - 60)};
  write_file(root, entry.key, gzip(json));
  return entry;
}

}  // namespace trailsift::signer
