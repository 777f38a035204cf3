// SPDX-License-Identifier: MIT
// Digest files, keys and signatures: known answers from aws-cli's tests and from the real
// digest and public keys in shared/realdata/digests, and round trips with test-only keys.
#include "trailsift/digest.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "signer.hpp"

using namespace trailsift;

namespace {

const std::filesystem::path kRealDigests =
    std::filesystem::path(TRAILSIFT_REALDATA_DIR) / "digests";
constexpr const char* kRealDigestName =
    "327878933619_CloudTrail-Digest_ap-northeast-1_llm-guard-trail_us-west-2_20231015T230404Z.json";

std::string read_file_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// One test key for the whole run: 2048-bit generation takes a moment.
const signer::TestKey& test_key() {
  static const signer::TestKey key = signer::TestKey::generate();
  return key;
}

}  // namespace

TEST_CASE("SHA-256 known answers (aws-cli's functional tests)", "[digest]") {
  CHECK(*sha256_hex("{}") == "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  CHECK(*sha256_hex(R"({"foo":"bar"})") ==
        "7a38bf81f383f69433ad6e900d35b3e2385593f76a7b7ab5d4355b8ba41ee24b");
  CHECK(*sha256_hex(R"({"baz":"qux"})") ==
        "5b1070294963f40cb5b3c7a05d3fbaf7ffe4e5d226632026e39cfeb32d349c0c");
}

TEST_CASE("The signing string: aws-cli's test_properly_signs_when_no_previous_signature",
          "[digest]") {
  Digest digest;
  digest.digest_end_time = "a";
  digest.digest_s3_bucket = "b";
  digest.digest_s3_object = "c";
  CHECK(digest_signing_string(digest, *sha256_hex("abc")) ==
        "a\nb/c\nba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\nnull");
  digest.previous_digest_signature = "00ff";
  CHECK(digest_signing_string(digest, "h") == "a\nb/c\nh\n00ff");
}

TEST_CASE("The real digest: parsing and the signing string (known answers)", "[digest][realdata]") {
  const std::string bytes = read_file_text(kRealDigests / kRealDigestName);
  if (bytes.empty()) {
    WARN("skipped: no real data in " << kRealDigests.string());
    return;
  }
  REQUIRE(bytes.size() == 3324);
  CHECK(*sha256_hex(bytes) == "4277102dccf54c0c247738ca5e6e3504b7370206ef1c82855994ec23441ae1ed");
  const Result<Digest> digest = parse_digest(bytes);
  REQUIRE(digest);
  // The JSON escapes '/' as "\/"; fields hold the decoded strings.
  const std::string key =
      "AWSLogs/327878933619/CloudTrail-Digest/ap-northeast-1/2023/10/15/"
      "327878933619_CloudTrail-Digest_ap-northeast-1_llm-guard-trail_us-west-2_20231015T230404Z."
      "json.gz";
  CHECK(digest->digest_s3_object == key);
  CHECK(digest->digest_s3_bucket == "llm-guard-trail");
  CHECK(digest->digest_public_key_fingerprint == "be2f0b997552f44942837300ba1aba9d");
  CHECK(digest->previous_digest_hash_value ==
        "8f953371d3e85eddb89b05ed6b9e680791055315c73e1025ab5dba7bb2aee189");
  CHECK(digest->previous_digest_signature->substr(0, 8) == "11c11e25");
  REQUIRE(digest->log_files.size() == 5);
  CHECK(digest->log_files[0].hash_value ==
        "4309c6161e37538de72ec6f679e86b7e45aebed71fa7e76af70c3019fef44e19");

  const std::string to_sign = digest_signing_string(*digest, *sha256_hex(bytes));
  const std::string start = "2023-10-15T23:04:04Z\nllm-guard-trail/" + key +
                            "\n4277102dccf54c0c247738ca5e6e3504b7370206ef1c82855994ec23441ae1ed\n";
  CHECK(to_sign.substr(0, start.size()) == start);
  CHECK(to_sign.substr(start.size()) == *digest->previous_digest_signature);
  CHECK(*sha256_hex(to_sign) == "cdb7d440831d2bfa92e10186f087e753e01bc32b331262fa37f1b0c3d406f073");

  const std::optional<DigestKey> name = parse_digest_key(key);
  REQUIRE(name);
  CHECK(name->folder.account == "327878933619");
  CHECK(name->folder.region == "ap-northeast-1");
  CHECK(name->trail == "llm-guard-trail");
  CHECK(name->home_region == "us-west-2");
  CHECK(name->end == *parse_iso8601("2023-10-15T23:04:04Z"));
  const std::optional<LogKey> log = parse_log_key(digest->log_files[0].s3_object);
  REQUIRE(log);
  CHECK(log->delivered == *parse_iso8601("2023-10-15T22:05:00Z"));
  CHECK(log->folder == name->folder);
}

TEST_CASE("The Elastic digest sample: '/' not escaped", "[digest][realdata]") {
  const std::string bytes =
      read_file_text(std::filesystem::path(TRAILSIFT_REALDATA_DIR) / "elastic_digest_file.json");
  if (bytes.empty()) {
    WARN("skipped: no real data");
    return;
  }
  const Result<Digest> digest = parse_digest(bytes);
  REQUIRE(digest);
  CHECK(digest->log_files.size() == 3);
  const std::optional<DigestKey> name = parse_digest_key(digest->digest_s3_object);
  REQUIRE(name);
  CHECK(name->trail == "leh-ct-test");
  CHECK(format_iso8601(name->end) == digest->digest_end_time);
}

TEST_CASE("Real AWS public keys: fingerprint is the MD5 of the DER, PKCS#1 or SPKI",
          "[digest][realdata]") {
  const std::string json = read_file_text(kRealDigests / "public-keys-from-aws-docs.json");
  if (json.empty()) {
    WARN("skipped: no real data");
    return;
  }
  Keyring keys;
  REQUIRE(keys.add_document(json));
  REQUIRE(keys.entries().size() == 4);
  for (const auto& [fingerprint, entry] : keys.entries()) {
    INFO(fingerprint);
    CHECK(entry.problem.empty());
    REQUIRE(entry.key);
    CHECK(entry.key->spki() == (fingerprint == "31e8b5433410dfb61a9dc45cc65b22ff"));
  }
  const PublicKeyEntry* key = keys.find("7F3F401420072E50A65A141430817AB3");
  REQUIRE(key);
  CHECK(key->valid_from == 1453076702);
  CHECK(key->valid_until == 1455668702);
  CHECK(keys.find("be2f0b997552f44942837300ba1aba9d") == nullptr);  // the real digest's key
  // aws-cli's test_does_not_expose_underlying_validation_error: VALID_TEST_KEY, signature "aeff".
  CHECK_FALSE(
      keys.find("8eba5db5bea9b640d1c96a77256fe7f2")->key->verify("message", *hex_decode("aeff")));
}

TEST_CASE("Digest key names", "[digest]") {
  const auto org = parse_digest_key(
      "AWSLogs/o-wwwwwwgggg/234567890123/CloudTrail-Digest/ca-central-1/2020/02/14/"
      "234567890123_CloudTrail-Digest_ca-central-1_POrgTrail_us-east-1_20200214T001007Z.json.gz");
  REQUIRE(org);
  CHECK(org->folder.org_id == "o-wwwwwwgggg");
  CHECK(org->folder.account_path() == "AWSLogs/o-wwwwwwgggg/234567890123/");
  CHECK(org->trail == "POrgTrail");
  const auto backfill = parse_digest_key(
      "my-prefix/AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2015/08/16/"
      "123456789012_CloudTrail-Digest_us-east-1_my_trail.v2_eu-west-1_20150816T230550Z_backfill."
      "json.gz");
  REQUIRE(backfill);
  CHECK(backfill->backfill);
  CHECK(backfill->folder.prefix == "my-prefix/");
  CHECK(backfill->trail == "my_trail.v2");
  CHECK(backfill->home_region == "eu-west-1");
  CHECK(format_iso8601(backfill->end) == "2015-08-16T23:05:50Z");
  // aws-cli's test_is_backfill_digest_key_handles_edge_cases, and keys of other accounts.
  for (const char* key :
       {"file.txt", "file_backfill.txt", "file.json.gz", "file_backfill_other.json.gz",
        "foo/baz/bar",
        "AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2015/08/16/"
        "999999999999_CloudTrail-Digest_us-east-1_foo_us-east-1_20150816T230550Z.json.gz",
        "AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2015/08/16/"
        "123456789012_CloudTrail-Digest_us-east-1_foo_us-east-1_20150816T230550Z_backfill_other."
        "json.gz",
        "AWSLogs/123456789012/CloudTrail/us-east-1/2015/08/16/"
        "123456789012_CloudTrail_us-east-1_20150816T2305Z_abcdefghijklmnop.json.gz"}) {
    INFO(key);
    CHECK_FALSE(parse_digest_key(key));
  }
  CHECK_FALSE(parse_log_key(
      "AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2015/08/16/"
      "123456789012_CloudTrail-Digest_us-east-1_foo_us-east-1_20150816T230550Z.json.gz"));
}

TEST_CASE("Digest key names: one time, one name (no leap second)", "[digest]") {
  // The property of tests/fuzz/digest_fuzz.cpp: the time a key gives is the time it writes.
  // T235960Z was read as the next day's T000000Z, so two digest names stood for one end time.
  const std::string name =
      "AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2014/08/10/"
      "123456789012_CloudTrail-Digest_us-east-1_foo_us-east-1_20140810T";
  CHECK_FALSE(parse_digest_key(name + "235960Z.json.gz"));
  CHECK_FALSE(parse_digest_key(name + "235999Z.json.gz"));
  const auto last = parse_digest_key(name + "235959Z.json.gz");
  REQUIRE(last);
  CHECK(format_iso8601(last->end) == "2014-08-10T23:59:59Z");
  CHECK_FALSE(
      parse_log_key("AWSLogs/123456789012/CloudTrail/us-east-1/2014/08/10/"
                    "123456789012_CloudTrail_us-east-1_20140810T2460Z_abcdefghijklmnop.json.gz"));
}

TEST_CASE("Digests that are not: invalid format, as the AWS CLI says", "[digest]") {
  CHECK(parse_digest("{}").error().message ==
        "invalid format: digestStartTime is missing or not a string");
  CHECK(parse_digest("{{{").error().message == "invalid format: not JSON");
  CHECK(parse_digest("[]").error().message == "invalid format: not a JSON object");
  const std::string fields =
      R"("digestStartTime":"s","digestEndTime":"e","digestS3Bucket":"b","digestS3Object":"o",)"
      R"("digestPublicKeyFingerprint":"f")";
  CHECK(parse_digest("{" + fields + "}").error().message ==
        "invalid format: previousDigestSignature is missing");
  CHECK(parse_digest("{" + fields + R"(,"previousDigestSignature":null})").error().message ==
        "invalid format: logFiles is missing or not an array");
  CHECK(parse_digest("{" + fields + R"(,"previousDigestSignature":1,"logFiles":[]})")
            .error()
            .message == "invalid format: previousDigestSignature is not a string or null");
  CHECK(parse_digest("{" + fields + R"(,"previousDigestSignature":null,"logFiles":[{}]})")
            .error()
            .message == "invalid format: a logFiles entry lacks s3Bucket, s3Object or hashValue");
  const Result<Digest> starting =
      parse_digest("{" + fields + R"(,"previousDigestSignature":null,"logFiles":[]})");
  REQUIRE(starting);
  CHECK_FALSE(starting->previous_digest_s3_object);
  CHECK_FALSE(starting->previous_digest_signature);
}

TEST_CASE("Signatures verify only with SHA256withRSA, the right key and message", "[digest]") {
  const signer::TestKey& key = test_key();
  const std::string signature = *hex_decode(key.sign_hex("to sign"));
  for (const std::string& der : {key.pkcs1_der(), key.spki_der()}) {
    const Result<PublicKey> loaded = PublicKey::from_der(der);
    REQUIRE(loaded);
    CHECK(loaded->spki() == (der == key.spki_der()));
    CHECK(loaded->verify("to sign", signature));
    CHECK_FALSE(loaded->verify("to sign!", signature));
    CHECK(loaded->verify("to sign!", signature).error().message == "signature verification failed");
    CHECK_FALSE(loaded->verify("to sign", signature.substr(1)));
  }
  CHECK_FALSE(PublicKey::from_der("a\n"));
  CHECK_FALSE(PublicKey::from_der(key.pkcs1_der() + "x"));

  // A PKCS#1 v1.5 signature over SHA-1 is refused (aws-cli v1 accepted any hash).
  const std::string pem = key.private_pem();
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> private_key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                  &EVP_MD_CTX_free);
  std::string sha1_signature(256, '\0');
  std::size_t length = sha1_signature.size();
  REQUIRE(EVP_DigestSignInit(context.get(), nullptr, EVP_sha1(), nullptr, private_key.get()) == 1);
  REQUIRE(EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(sha1_signature.data()),
                         &length, reinterpret_cast<const unsigned char*>("to sign"), 7) == 1);
  CHECK_FALSE(PublicKey::from_der(key.pkcs1_der())->verify("to sign", sha1_signature));
}

TEST_CASE("Keyring: every list-public-keys shape - refused keys are kept with a reason",
          "[digest]") {
  const signer::TestKey& key = test_key();
  const signer::KeyListing listing{key.pkcs1_der(), key.fingerprint(), 1406851200, 1409529600};
  for (auto style :
       {signer::KeyListStyle::kCliV1, signer::KeyListStyle::kCliV2, signer::KeyListStyle::kDocs}) {
    Keyring keys;
    REQUIRE(keys.add_document(signer::public_keys_json({listing}, style)));
    const PublicKeyEntry* entry = keys.find(key.fingerprint());
    REQUIRE(entry);
    CHECK(entry->key);
    CHECK(entry->valid_from == 1406851200);
    CHECK(entry->valid_until == 1409529600);
  }
  Keyring keys;
  const std::string not_a_key =
      "a\n";  // "YQo=", aws-cli's test_does_not_expose_underlying_key_decoding_error
  REQUIRE(keys.add_document(
      signer::public_keys_json({{key.pkcs1_der(), "0123456789abcdef0123456789abcdef", 0, 0},
                                {not_a_key, *md5_hex(not_a_key), 0, 0}})));
  CHECK(keys.find("0123456789abcdef0123456789abcdef")->problem ==
        "public key with fingerprint 0123456789abcdef0123456789abcdef refused: the MD5 of its "
        "value is " +
            key.fingerprint());
  CHECK(keys.find(*md5_hex(not_a_key))->problem ==
        "Unable to load PKCS #1 key with fingerprint 60b725f10c9c85c70d97880dfe8191b3");
  // A refused duplicate does not replace a loaded key; a loaded one replaces a refused one.
  REQUIRE(keys.add_document(signer::public_keys_json({listing})));
  REQUIRE(keys.add_document(signer::public_keys_json({{"junk", key.fingerprint(), 0, 0}})));
  CHECK(keys.find(key.fingerprint())->key);

  CHECK(keys.add_document("[").error().message ==
        "not JSON: expected the output of aws cloudtrail list-public-keys");
  CHECK(keys.add_document("{}").error().message ==
        "no PublicKeyList: expected the output of aws cloudtrail list-public-keys");
  CHECK(keys.add_document(R"({"PublicKeyList":[{"Value":"YQo="}]})").error().message ==
        "key 1: expected an object with Fingerprint and Value strings");
}

TEST_CASE("Keyring: validity times beyond any date are clamped, not undefined", "[digest]") {
  // Found by tests/fuzz/keyring_fuzz.cpp: a huge ValidityEndTime was converted from double to
  // int64 directly (undefined behaviour; UBSan stops there).
  Keyring keys;
  REQUIRE(keys.add_document(
      R"({"PublicKeyList":[{"Fingerprint":"a","Value":"YQo=","ValidityStartTime":-1e300,)"
      R"("ValidityEndTime":1.4e103},{"Fingerprint":"b","Value":"YQo=","ValidityStartTime":"nan",)"
      R"("ValidityEndTime":"1e400"}]})"));
  CHECK(keys.find("a")->valid_from < -9'000'000'000'000'000'000);
  CHECK(keys.find("a")->valid_until > 9'000'000'000'000'000'000);
  CHECK_FALSE(keys.find("b")->valid_from);  // not a time
  CHECK(keys.find("b")->valid_until > 9'000'000'000'000'000'000);
}

TEST_CASE("hex and base64", "[digest]") {
  CHECK(hex_decode("00fFa0") == std::string("\x00\xff\xa0", 3));
  CHECK_FALSE(hex_decode("abc"));
  CHECK_FALSE(hex_decode("zz"));
  CHECK(base64_decode("YQo=") == "a\n");
  CHECK(base64_decode("TWFu\nTWE=") == "ManMa");
  CHECK(base64_decode("") == "");
  CHECK_FALSE(base64_decode("YQo"));
  CHECK_FALSE(base64_decode("Y=Qo"));
  CHECK_FALSE(base64_decode("YQ*="));
  CHECK(signer::base64("ManMa") == "TWFuTWE=");
}

TEST_CASE("Saved signatures: JSON map, S3 metadata, head-object output, TSV", "[digest]") {
  const auto json = parse_signatures(R"({
    "s3://b/k1": "AAAA",
    "k2": {"signature": "bb", "signature-algorithm": "SHA256withRSA", "backfill-generation-timestamp": "t"},
    "s3://b/k3": {"ContentType": "application/json", "Metadata": {"X-Amz-Meta-Signature": "cc"}}
  })");
  REQUIRE(json);
  CHECK(find_signature(*json, "b", "k1")->signature == "AAAA");
  CHECK(find_signature(*json, "other", "k2")->algorithm == "SHA256withRSA");
  CHECK(find_signature(*json, "b", "k2")->backfill_generation_timestamp == "t");
  CHECK(find_signature(*json, "b", "k3")->signature == "cc");
  CHECK(find_signature(*json, "other", "k1") == nullptr);

  const auto tsv = parse_signatures("# comment\n\nk1\taa\r\ns3://b/k2\tbb\n");
  REQUIRE(tsv);
  CHECK(find_signature(*tsv, "b", "k1")->signature == "aa");
  CHECK(find_signature(*tsv, "b", "k2")->signature == "bb");

  const auto no_tab = parse_signatures("k1\taa\nk2 bb\n");
  REQUIRE_FALSE(no_tab);
  CHECK(no_tab.error().to_string() == "line 2: expected KEY<TAB>SIGNATURE");
  CHECK(parse_signatures("k1\taa\nk1\tAA\n"));  // the same signature twice
  CHECK(parse_signatures("k1\taa\nk1\tbb\n").error().to_string() ==
        "line 2: k1: two different signatures");
  CHECK(parse_signatures(R"({"k": {"Metadata": {}}})").error().message == "k: no signature");
  CHECK(parse_signatures(R"({"k": 1})").error().message ==
        "k: expected a signature string or an object");
}

TEST_CASE("Key and signature files may start with a UTF-8 byte order mark", "[digest]") {
  const signer::TestKey& key = test_key();
  Keyring keys;
  REQUIRE(keys.add_document(
      "\xEF\xBB\xBF" + signer::public_keys_json({{key.pkcs1_der(), key.fingerprint(), 0, 0}})));
  CHECK(keys.find(key.fingerprint()) != nullptr);
  Result<SignatureMap> json = parse_signatures("\xEF\xBB\xBF{\"AWSLogs/k.json.gz\": \"abcd\"}");
  REQUIRE(json);
  CHECK(json->at("AWSLogs/k.json.gz").signature == "abcd");
  Result<SignatureMap> lines = parse_signatures(
      "\xEF\xBB\xBF"
      "AWSLogs/k.json.gz\tabcd\n");
  REQUIRE(lines);
  CHECK(lines->count("AWSLogs/k.json.gz") == 1);
}

TEST_CASE("Hashers: SHA-256 and MD5 known answers, reused", "[digest]") {
  Result<Hasher> sha256 = Hasher::create(HashAlgorithm::kSha256);
  Result<Hasher> md5 = Hasher::create(HashAlgorithm::kMd5);
  REQUIRE(sha256);
  REQUIRE(md5);
  for (int round = 0; round < 2; ++round) {
    CHECK(*sha256->hex("abc") ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(*md5->hex("abc") == "900150983cd24fb0d6963f7d28e17f72");
    CHECK(*md5->hex("") == "d41d8cd98f00b204e9800998ecf8427e");
  }
}

TEST_CASE("An unavailable hash is an error, never an empty answer", "[digest]") {
  const std::string key_list =
      signer::public_keys_json({{test_key().pkcs1_der(), test_key().fingerprint(), 0, 0}});
  // As under a FIPS provider without MD5: no algorithm of the default provider qualifies.
  REQUIRE(EVP_set_default_properties(nullptr, "fips=yes") == 1);
  const Result<std::string> md5 = md5_hex("abc");
  const Result<Hasher> sha256 = Hasher::create(HashAlgorithm::kSha256);
  Keyring keys;
  const Status added = keys.add_document(key_list);
  REQUIRE(EVP_set_default_properties(nullptr, "") == 1);
  REQUIRE_FALSE(md5);
  CHECK(md5.error().message.starts_with("MD5 is not available: "));
  REQUIRE_FALSE(sha256);
  CHECK(sha256.error().message.starts_with("SHA-256 is not available: "));
  REQUIRE_FALSE(added);
  CHECK(added.error().message.starts_with(
      "cannot check the keys' fingerprints: MD5 is not available"));
  CHECK(keys.entries().empty());
}

TEST_CASE("Saved signatures: an empty signature is refused in every form", "[digest]") {
  // Found by tests/fuzz/signatures_fuzz.cpp: {"k": ""} was taken as a saved signature, while
  // {"k": {"signature": ""}} and "k<TAB>" were refused.
  CHECK(parse_signatures(R"({"k": ""})").error().message == "k: no signature");
  CHECK(parse_signatures(R"({"k": {"signature": ""}})").error().message == "k: no signature");
  CHECK(parse_signatures("k\t\n").error().to_string() == "line 1: expected KEY<TAB>SIGNATURE");
}
