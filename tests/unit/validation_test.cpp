// SPDX-License-Identifier: MIT
// Validating mirrors built in the test with a test-only key: what the golden cases do not show
// (determinism across threads, counting, the cross-checks, progress, warnings).
#include "trailsift/validation.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>
#include <map>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "signer.hpp"

using namespace trailsift;
using namespace trailsift::signer;
namespace fs = std::filesystem;

namespace {

constexpr UnixSeconds kStart = 1407628800;  // 2014-08-10T00:00:00Z

UnixSeconds hour(int h) { return kStart + h * 3600 + 244; }

const TestKey& test_key() {
  static const TestKey key = TestKey::generate();
  return key;
}

ChainSpec chain_in(std::string region) {
  ChainSpec chain;
  chain.bucket = "acme-trail";
  chain.folder.account = "123456789012";
  chain.folder.region = std::move(region);
  return chain;
}

/// A scratch mirror, removed at the end of the test.
class Mirror {
 public:
  Mirror()
      : root_(fs::temp_directory_path() / ("trailsift-validation-" + std::to_string(::getpid()) +
                                           "-" + std::to_string(counter_++))) {
    fs::create_directories(root_);
  }
  ~Mirror() { fs::remove_all(root_); }

  std::string root() const { return root_.string(); }
  void put(std::string_view key, std::string_view bytes) const { write_file(root_, key, bytes); }
  void put(const SignedDigest& digest) const { put(digest.key, gzip(digest.json)); }
  void remove(std::string_view key) const { fs::remove(root_ / std::string(key)); }
  LogEntry log(const ChainSpec& chain, UnixSeconds delivered, const std::string& unique,
               const std::string& json) const {
    return write_log(root_, chain, delivered, unique, json);
  }
  /// `count` hourly digests of `chain`, one log file each; all written.
  std::vector<SignedDigest> hourly(const ChainSpec& chain, int count, int first_hour = 0) const {
    ChainBuilder builder(chain, test_key());
    std::vector<SignedDigest> digests;
    for (int i = first_hour; i < first_hour + count; ++i) {
      digests.push_back(builder.add(
          hour(i + 1),
          {log(chain, hour(i) + 1800, "log" + std::to_string(i) + "aaaaaaaaaaaa", "{}")}));
      put(digests.back());
    }
    return digests;
  }

 private:
  static inline int counter_ = 0;
  fs::path root_;
};

Keyring keyring(UnixSeconds from = 0, UnixSeconds until = 4102444800) {
  Keyring keys;
  REQUIRE(keys.add_document(
      public_keys_json({{test_key().pkcs1_der(), test_key().fingerprint(), from, until}})));
  return keys;
}

ValidationReport validate(const Mirror& mirror, const Keyring& keys,
                          const SignatureMap& signatures = {}, unsigned threads = 2,
                          const ValidationProgress& progress = {}) {
  ValidationSpec spec;
  spec.root = mirror.root();
  spec.threads = threads;
  Result<ValidationReport> report = validate_mirror(spec, keys, signatures, progress);
  REQUIRE(report);
  return std::move(*report);
}

std::vector<std::string> lines(const ValidationReport& report) {
  std::vector<std::string> out;
  for (const Finding& finding : report.findings) out.push_back(format_finding(finding));
  return out;
}

SignatureMap saved(const std::vector<SignedDigest>& digests) {
  return *parse_signatures(signatures_tsv(digests));
}

}  // namespace

TEST_CASE("The report does not depend on the number of threads", "[validation]") {
  Mirror mirror;
  std::vector<SignedDigest> east = mirror.hourly(chain_in("us-east-1"), 5);
  std::vector<SignedDigest> west = mirror.hourly(chain_in("us-west-2"), 4);
  mirror.remove(east[2].key);
  mirror.put(west[0].key.substr(0, west[0].key.size() - 8) + "_x.json", "not a digest");
  mirror.log(chain_in("us-west-2"), hour(1) + 600, "forgedaaaaaaaaaa", "{}");
  mirror.put(log_key(chain_in("us-east-1").folder, hour(0) + 1800, "log0aaaaaaaaaaaa"),
             gzip("changed"));
  const Keyring keys = keyring();
  const ValidationReport one = validate(mirror, keys, saved({east[4]}), 1);
  CHECK(one.failed(false));
  for (unsigned threads : {2u, 3u, 8u}) {
    const ValidationReport many = validate(mirror, keys, saved({east[4]}), threads);
    CHECK(lines(many) == lines(one));
    CHECK(format_report_json({{}, false, many}) == format_report_json({{}, false, one}));
  }
}

TEST_CASE("Continuity counts every digest deleted in a run, not only the one named",
          "[validation]") {
  Mirror mirror;
  const std::vector<SignedDigest> d = mirror.hourly(chain_in("us-east-1"), 6);
  for (int i : {1, 2, 3}) mirror.remove(d[i].key);
  const ValidationReport report = validate(mirror, keyring(), saved({d[0], d[5]}));
  CHECK(report.digests.valid == 3);
  CHECK(report.digests.invalid == 3);  // d3 by name (d4 links to it), d1 and d2 by continuity
  std::size_t chains = 0;
  for (const Finding& finding : report.findings) {
    if (finding.kind != FindingKind::kChain) continue;
    ++chains;
    CHECK(finding.missing == 2);
    CHECK(finding.reason ==
          "trail foo: no digest file covers 2014-08-10T01:04:04Z to 2014-08-10T03:04:04Z: about 2 "
          "missing");
  }
  CHECK(chains == 1);
}

TEST_CASE("previousDigestHashValue: a wrong one in an unverified digest makes it INVALID",
          "[validation]") {
  Mirror mirror;
  const ChainSpec chain = chain_in("us-east-1");
  ChainBuilder builder(chain, test_key());
  const SignedDigest d0 = builder.add(hour(1), {});
  SignedDigest d1 = builder.add(hour(2), {});
  const std::string hash = *sha256_hex(d0.json);
  d1.json.replace(d1.json.find(hash), hash.size(), std::string(64, '0'));
  mirror.put(d0);
  mirror.put(d1);
  const ValidationReport report = validate(mirror, keyring());
  REQUIRE(report.findings.size() == 2);
  // d0 is proven by d1's previousDigestSignature; d1, unverified, contradicts it.
  CHECK(report.findings[0].status == FindingStatus::kValid);
  CHECK(report.findings[1].status == FindingStatus::kInvalid);
  CHECK(report.findings[1].reason == "previousDigestHashValue doesn't match the previous digest");
}

TEST_CASE("A log file listed by several digests is hashed and counted once", "[validation]") {
  Mirror mirror;
  const ChainSpec chain = chain_in("us-east-1");
  ChainSpec backfill = chain;
  backfill.backfill = true;
  const LogEntry log = mirror.log(chain, hour(0) + 1800, "keyaaaaaaaaaaaaa", R"({"Records":[]})");
  const SignedDigest standard = ChainBuilder(chain, test_key()).add(hour(1), {log});
  const SignedDigest late = ChainBuilder(backfill, test_key()).add(hour(2), {log});
  mirror.put(standard);
  mirror.put(late);
  std::vector<std::pair<std::size_t, std::size_t>> calls;
  const ValidationReport report =
      validate(mirror, keyring(), saved({standard, late}), 2,
               [&](std::size_t done, std::size_t total, std::uint64_t bytes) {
                 calls.emplace_back(done, total);
                 CHECK(bytes == 14);
               });
  CHECK(report.digests.valid == 1);
  CHECK(report.backfill_digests.valid == 1);
  CHECK(report.logs.valid == 1);
  CHECK(report.logs.total() == 1);
  CHECK(report.log_bytes == 14);
  CHECK(calls == std::vector<std::pair<std::size_t, std::size_t>>{{1, 1}});
}

TEST_CASE("A log file no digest lists is forged only inside verified coverage", "[validation]") {
  Mirror mirror;
  const ChainSpec chain = chain_in("us-east-1");
  const std::vector<SignedDigest> d = mirror.hourly(chain, 3);
  mirror.log(chain, hour(1) + 1200, "insideaaaaaaaaaa", "{}");  // d1's hour, d0..d2 verified
  mirror.log(chain, hour(3) - 600, "edgeaaaaaaaaaaaa", "{}");   // 10 min before the last end
  mirror.log(chain, hour(3) + 600, "afteraaaaaaaaaaa", "{}");   // not digested yet
  const ValidationReport report = validate(mirror, keyring(), saved({d[2]}));
  std::map<std::string, FindingStatus> unlisted;
  for (const Finding& finding : report.findings) {
    if (finding.kind == FindingKind::kLog && finding.status != FindingStatus::kValid) {
      unlisted[finding.key.substr(finding.key.size() - 24, 16)] = finding.status;
    }
  }
  CHECK(unlisted ==
        std::map<std::string, FindingStatus>{{"insideaaaaaaaaaa", FindingStatus::kInvalid},
                                             {"edgeaaaaaaaaaaaa", FindingStatus::kUnverified},
                                             {"afteraaaaaaaaaaa", FindingStatus::kUnverified}});
  CHECK(report.failed(false));
}

TEST_CASE("A digest signed outside its key's validity window is a warning, not a failure",
          "[validation]") {
  Mirror mirror;
  const std::vector<SignedDigest> d = mirror.hourly(chain_in("us-east-1"), 1);
  const ValidationReport report =
      validate(mirror, keyring(kStart + 86400, kStart + 2 * 86400), saved(d));
  REQUIRE(report.findings.size() == 3);  // the log, the digest, the warning about it
  CHECK(report.findings[1].status == FindingStatus::kValid);
  CHECK(report.findings[2].status == FindingStatus::kWarning);
  CHECK(report.findings[2].reason ==
        "signed at 2014-08-10T01:04:04Z, outside the validity of public key " +
            test_key().fingerprint() + " (2014-08-11T00:00:00Z to 2014-08-12T00:00:00Z)");
  CHECK_FALSE(report.failed(true));
}

TEST_CASE("A saved signature whose digest is gone is a digest not found", "[validation]") {
  Mirror mirror;
  const std::vector<SignedDigest> d = mirror.hourly(chain_in("us-east-1"), 4);
  mirror.remove(d[3].key);
  mirror.remove(d[1].key);
  const ValidationReport report = validate(mirror, keyring(), saved(d));
  CHECK(report.digests.valid == 2);
  CHECK(report.digests.invalid == 2);
  std::vector<std::string> missing;
  for (const Finding& finding : report.findings) {
    if (finding.status == FindingStatus::kInvalid)
      missing.push_back(finding.key + ": " + finding.reason);
  }
  CHECK(missing == std::vector<std::string>{d[1].key + ": not found", d[3].key + ": not found"});
}

TEST_CASE("UNVERIFIED fails only with --strict", "[validation]") {
  Mirror mirror;
  mirror.hourly(chain_in("us-east-1"), 2);
  const ValidationReport report = validate(mirror, keyring());
  CHECK(report.digests.unverified == 1);
  CHECK_FALSE(report.failed(false));
  CHECK(report.failed(true));
}

TEST_CASE("The summary in the AWS CLI's layout", "[validation]") {
  ValidationReport report;
  const TimeRange range{kStart, kStart + 86400};
  CHECK(format_summary(report, range) ==
        "Results requested for 2014-08-10T00:00:00Z to 2014-08-11T00:00:00Z\nNo digests found\n");
  report.logs.unverified = 2;
  CHECK(format_summary(report, {}) ==
        "Results requested for the beginning to the end\nNo digests found\n\n"
        "0/2 log files valid, 2/2 log files UNVERIFIED\n");
  report.digests = {3, 1, 0};
  report.backfill_digests = {1, 0, 0};
  report.found_start = kStart;
  report.found_end = kStart + 3600;
  CHECK(format_summary(report, {}) ==
        "Results requested for the beginning to the end\n"
        "Results found for 2014-08-10T00:00:00Z to 2014-08-10T01:00:00Z:\n\n"
        "3/4 digest files valid, 1/4 digest files INVALID\n"
        "1/1 backfill digest files valid\n"
        "0/2 log files valid, 2/2 log files UNVERIFIED\n");
  Finding gap;
  gap.kind = FindingKind::kGap;
  gap.backfill = true;
  gap.reason = "No log files were delivered by CloudTrail between A and B";
  CHECK(format_finding(gap) ==
        "(backfill) No log files were delivered by CloudTrail between A and B");
}

TEST_CASE("Every file no digest accounts for is reported: event files INVALID, others UNVERIFIED",
          "[validation]") {
  Mirror mirror;
  const ChainSpec chain = chain_in("us-east-1");
  const std::vector<SignedDigest> d = mirror.hourly(chain, 2);
  const std::string day = "AWSLogs/123456789012/CloudTrail/us-east-1/2014/08/10/";
  mirror.put(day + "123456789012_CloudTrail_us-east-1_20140810T0105Z_forgedFORGED0001.json", "{}");
  mirror.put(day + "sub/x.json.gz", gzip("{}"));
  mirror.put("AWSLogs/evil.ndjson", "{}\n");
  mirror.put("root.jsonl", "{}\n");
  mirror.put("README", "notes");
  mirror.put("AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2014/08/10/notes.txt", "notes");
  REQUIRE(::mkfifo((fs::path(mirror.root()) / "pipe.json").c_str(), 0600) == 0);  // never opened
  const ValidationReport report = validate(mirror, keyring(), saved({d[1]}));
  std::map<std::string, std::string> unexpected;
  for (const Finding& finding : report.findings) {
    if (finding.status != FindingStatus::kValid) {
      unexpected[finding.key] =
          format_finding(finding).substr(0, format_finding(finding).find('\t'));
      unexpected[finding.key] += ": " + finding.reason;
    }
  }
  const std::string forged = "Log file: not a CloudTrail log file that any digest lists";
  CHECK(
      unexpected ==
      std::map<std::string, std::string>{
          {day + "123456789012_CloudTrail_us-east-1_20140810T0105Z_forgedFORGED0001.json", forged},
          {day + "sub/x.json.gz", forged},
          {"AWSLogs/evil.ndjson", forged},
          {"root.jsonl", forged},
          {"pipe.json", forged + " (a FIFO)"},
          {"README", "Other file: not a CloudTrail log or digest file"},
          {"AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2014/08/10/notes.txt",
           "Other file: not a CloudTrail log or digest file"}});
  CHECK(report.logs.valid == 2);
  CHECK(report.logs.invalid == 5);
  CHECK(report.others.unverified == 2);
  CHECK(report.digests.valid == 2);
}

TEST_CASE("Files excluded on purpose, and the run's own files, are not reported", "[validation]") {
  Mirror mirror;
  const ChainSpec chain = chain_in("us-east-1");
  const std::vector<SignedDigest> d = mirror.hourly(chain, 2);
  mirror.put("signatures.tsv", signatures_tsv({d[1]}));
  mirror.put("notes/a.json", "{}");
  mirror.put("notes/deep/b.txt", "b");
  mirror.put("keep/README", "r");
  mirror.put("other/README", "r");
  mirror.log(chain, hour(2) + 600, "lateaaaaaaaaaaaa", "{}");  // no digest lists it yet
  ValidationSpec spec;
  spec.root = mirror.root();
  spec.own_files = {(fs::path(mirror.root()) / "keep" / ".." / "signatures.tsv").string()};
  spec.exclude = {"notes/*", "README", "*_lateaaaaaaaaaaaa.json.gz"};
  Result<ValidationReport> report = validate_mirror(spec, keyring(), saved({d[1]}));
  REQUIRE(report);
  CHECK(report->excluded_files == 5);  // notes/a.json, notes/deep/b.txt, both READMEs, the late log
  CHECK_FALSE(report->failed(true));
  for (const Finding& finding : report->findings) CHECK(finding.status == FindingStatus::kValid);
  // Excluding a log file a digest lists does not stop it from being checked.
  mirror.put(log_key(chain.folder, hour(0) + 1800, "log0aaaaaaaaaaaa"), gzip("changed"));
  spec.exclude.push_back("*.json.gz");
  report = validate_mirror(spec, keyring(), saved({d[1]}));
  REQUIRE(report);
  CHECK(report->logs.invalid == 1);
}

TEST_CASE("No digest at all fails --strict: an empty folder, or one whose AWSLogs leads out",
          "[validation]") {
  Mirror empty;
  ValidationReport report = validate(empty, keyring());
  CHECK(report.found_no_digests());
  CHECK_FALSE(report.failed(false));
  CHECK(report.failed(true));

  Mirror elsewhere;
  elsewhere.hourly(chain_in("us-east-1"), 2);
  Mirror linked;
  fs::create_symlink(fs::path(elsewhere.root()) / "AWSLogs", fs::path(linked.root()) / "AWSLogs");
  report = validate(linked, keyring());
  CHECK(report.found_no_digests());
  REQUIRE(report.findings.size() == 1);
  CHECK(format_finding(report.findings[0]) ==
        "Other file\ts3://" + fs::path(linked.root()).filename().string() +
            "/AWSLogs\tUNVERIFIED: a symbolic link to a folder outside the mirror: not walked");
  CHECK(report.failed(true));
}

TEST_CASE("A link to a folder inside the mirror is walked - its files are read through it",
          "[validation]") {
  Mirror mirror;
  const ChainSpec chain = chain_in("us-east-1");
  const std::vector<SignedDigest> d = mirror.hourly(chain, 2);
  const fs::path root = mirror.root();
  fs::rename(root / "AWSLogs/123456789012/CloudTrail", root / "moved");
  fs::create_symlink("../../moved", root / "AWSLogs/123456789012/CloudTrail");
  ValidationSpec spec;
  spec.root = mirror.root();
  spec.exclude = {"moved/*"};
  Result<ValidationReport> report = validate_mirror(spec, keyring(), saved({d[1]}));
  REQUIRE(report);
  CHECK(report->logs.valid == 2);
  CHECK(report->excluded_files == 2);
  CHECK_FALSE(report->failed(true));
}

TEST_CASE("Text reports escape control characters in keys - JSON keeps them exact",
          "[validation]") {
  Mirror mirror;
  mirror.hourly(chain_in("us-east-1"), 1);
  mirror.put("x\tvalid\n\x1b[2J.json", "{}");
  const ValidationReport report = validate(mirror, keyring());
  std::string text;
  for (const Finding& finding : report.findings) text += format_finding(finding) + "\n";
  CHECK(text.find("Log file\ts3://acme-trail/x\\tvalid\\n\\033[2J.json\tINVALID: not a CloudTrail "
                  "log file") != std::string::npos);
  CHECK(std::count(text.begin(), text.end(), '\n') == static_cast<long>(report.findings.size()));
  CHECK(format_report_json({{}, false, report})
            .find(R"("s3_uri":"s3://acme-trail/x\tvalid\n\u001b[2J.json")") != std::string::npos);
}

namespace {

/// Two linked digests of one chain, parsed, and what verify_digest knows about the first.
struct DigestPair {
  SignedDigest first_signed;
  SignedDigest second_signed;
  Digest first;
  DigestEvidence evidence;

  DigestPair() {
    ChainBuilder builder(chain_in("us-east-1"), test_key());
    first_signed = builder.add(hour(1), {});
    second_signed = builder.add(hour(2), {});
    first = *parse_digest(first_signed.json);
    evidence.key = first_signed.key;
    evidence.named_end = hour(1);
    evidence.region = "us-east-1";
    evidence.sha256 = *sha256_hex(first_signed.json);
    evidence.chain_signatures = {*parse_digest(second_signed.json)->previous_digest_signature};
  }
};

}  // namespace

TEST_CASE("verify_digest: a digest is proven by the next digest's signature or a saved one",
          "[validation]") {
  DigestPair pair;
  const Keyring keys = keyring();
  DigestVerdict verdict = verify_digest(pair.first, pair.evidence, keys);
  CHECK(verdict.status == FindingStatus::kValid);
  CHECK(verdict.reason.empty());
  CHECK(verdict.warnings.empty());

  const SavedSignature saved{pair.first_signed.signature, "SHA256withRSA", ""};
  pair.evidence.chain_signatures.clear();
  pair.evidence.saved = &saved;
  CHECK(verify_digest(pair.first, pair.evidence, keys).status == FindingStatus::kValid);

  pair.evidence.saved = nullptr;
  verdict = verify_digest(pair.first, pair.evidence, keys);
  CHECK(verdict.status == FindingStatus::kUnverified);
  CHECK(verdict.reason ==
        "no signature offline: no later digest file links to it and --signatures has none for it");
}

TEST_CASE("verify_digest: each rule, in the AWS CLI's order and words", "[validation]") {
  const Keyring keys = keyring();
  const std::string other_signature = DigestPair().second_signed.signature;
  auto verdict_of = [&](const std::function<void(DigestPair&)>& change) {
    DigestPair pair;
    change(pair);
    const DigestVerdict verdict = verify_digest(pair.first, pair.evidence, keys);
    return std::pair{verdict.status, verdict.reason};
  };
  using Verdict = std::pair<FindingStatus, std::string>;
  const SavedSignature wrong{other_signature, "", ""};
  const SavedSignature not_hex{"zz", "", ""};
  CHECK(verdict_of([](DigestPair& p) { p.evidence.key += "x"; }) ==
        Verdict{FindingStatus::kInvalid, "has been moved from its original location"});
  CHECK(verdict_of([](DigestPair& p) { p.evidence.bucket = "other-bucket"; }) ==
        Verdict{FindingStatus::kInvalid, "has been moved from its original location"});
  CHECK(verdict_of([](DigestPair& p) { p.evidence.bucket = "acme-trail"; }) ==
        Verdict{FindingStatus::kValid, ""});
  CHECK(verdict_of([](DigestPair& p) { p.first.digest_public_key_fingerprint = "abc"; }) ==
        Verdict{FindingStatus::kInvalid,
                "public key not found in region us-east-1 for fingerprint abc"});
  CHECK(verdict_of([&](DigestPair& p) {
          p.evidence.chain_signatures.push_back(other_signature);
        }) == Verdict{FindingStatus::kInvalid,
                      "the digest files that follow it disagree about its signature"});
  CHECK(
      verdict_of([&](DigestPair& p) { p.evidence.saved = &wrong; }) ==
      Verdict{
          FindingStatus::kInvalid,
          "its signature in --signatures differs from the next digest's previousDigestSignature"});
  CHECK(verdict_of([&](DigestPair& p) {
          p.evidence.chain_signatures.clear();
          p.evidence.saved = &not_hex;
        }) == Verdict{FindingStatus::kInvalid, "its signature in --signatures is not hexadecimal"});
  CHECK(verdict_of([&](DigestPair& p) {
          p.evidence.chain_signatures.clear();
          p.evidence.saved = &wrong;
        }) == Verdict{FindingStatus::kInvalid, "signature verification failed"});
  // The signature covers the hash of the bytes and every signed field.
  CHECK(verdict_of([](DigestPair& p) {
          p.evidence.sha256[0] = p.evidence.sha256[0] == '0' ? '1' : '0';
        }) == Verdict{FindingStatus::kInvalid, "signature verification failed"});
  CHECK(verdict_of([](DigestPair& p) { p.first.digest_end_time = "2014-08-10T01:04:05Z"; }) ==
        Verdict{FindingStatus::kInvalid, "signature verification failed"});
  // Signatures are hex: case does not matter.
  CHECK(verdict_of([](DigestPair& p) {
          for (char& c : p.evidence.chain_signatures[0])
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }) == Verdict{FindingStatus::kValid, ""});

  Keyring refused;
  const std::string not_a_key = *base64_decode("YQo=");
  REQUIRE(refused.add_document(public_keys_json({{not_a_key, test_key().fingerprint(), 0, 0}})));
  DigestPair pair;
  CHECK(verify_digest(pair.first, pair.evidence, refused).reason ==
        "public key with fingerprint " + test_key().fingerprint() +
            " refused: the MD5 of its value is " + *md5_hex(not_a_key));
}

TEST_CASE("verify_digest: odd but not disproving is a warning", "[validation]") {
  DigestPair pair;
  pair.evidence.trailing_data = true;
  pair.evidence.named_end = hour(1) + 60;
  const SavedSignature saved{pair.first_signed.signature, "SHA1withRSA", ""};
  pair.evidence.saved = &saved;
  const DigestVerdict verdict = verify_digest(pair.first, pair.evidence, keyring(hour(5), hour(6)));
  CHECK(verdict.status == FindingStatus::kValid);
  CHECK(verdict.warnings ==
        std::vector<std::string>{
            "unexpected data after end of compressed stream (ignored, as the AWS CLI does: "
            "the signature covers the first gzip member only)",
            "digestEndTime 2014-08-10T01:04:04Z is not the time in its name",
            "signed at 2014-08-10T01:04:04Z, outside the validity of public key " +
                test_key().fingerprint() + " (2014-08-10T05:04:04Z to 2014-08-10T06:04:04Z)",
            "signature-algorithm is SHA1withRSA, not SHA256withRSA"});
}

// ---- --state: incremental runs ------------------------------------------------------------------

namespace {

/// A chain that grows an hour at a time, one log file an hour, as CloudTrail delivers it.
class GrowingChain {
 public:
  GrowingChain(const Mirror& mirror, ChainSpec chain)
      : mirror_(mirror), chain_(chain), builder_(chain, test_key()) {}

  /// Delivers `hours` more hours; returns the digests written.
  std::vector<SignedDigest> grow(int hours) {
    std::vector<SignedDigest> digests;
    for (int i = 0; i < hours; ++i, ++next_) {
      const LogEntry log =
          mirror_.log(chain_, hour(next_) + 1800, "log" + std::to_string(next_) + "aaaaaaaaaaaa",
                      R"({"Records":[]})");
      digests.push_back(builder_.add(hour(next_ + 1), {log}));
      mirror_.put(digests.back());
    }
    return digests;
  }
  /// Logging was off for `hours`: the next digest starts a new chain.
  void pause(int hours) {
    next_ += hours;
    builder_.restart();
  }

 private:
  const Mirror& mirror_;
  ChainSpec chain_;
  ChainBuilder builder_;
  int next_ = 0;
};

/// validate_mirror with --state: `known` (or none), recording the next state.
ValidationReport validate_with(const Mirror& mirror, const ValidationState* known,
                               double recheck = 0, unsigned threads = 2) {
  ValidationSpec spec;
  spec.root = mirror.root();
  spec.threads = threads;
  spec.known = known;
  spec.record_state = true;
  spec.recheck_fraction = recheck;
  spec.recheck_seed = 7;
  Result<ValidationReport> report = validate_mirror(spec, keyring(), {}, {});
  REQUIRE(report);
  return std::move(*report);
}

/// What a run says: every finding, and the counts.
std::vector<std::string> verdict(const ValidationReport& report) {
  std::vector<std::string> out = lines(report);
  for (const FindingCounts* counts :
       {&report.digests, &report.backfill_digests, &report.logs, &report.others}) {
    out.push_back(fmt::format("{} {} {}", counts->valid, counts->invalid, counts->unverified));
  }
  return out;
}

}  // namespace

TEST_CASE("With a state, an incremental run finds what a full run finds, reading only what is new",
          "[validation]") {
  Mirror mirror;
  GrowingChain east(mirror, chain_in("us-east-1"));
  GrowingChain west(mirror, chain_in("us-west-2"));
  east.grow(4);
  west.grow(2);
  west.pause(1);
  west.grow(1);
  mirror.put("notes.txt", "not CloudTrail");                                    // an other file
  mirror.log(chain_in("us-east-1"), hour(1) + 1200, "forgedaaaaaaaaaa", "{}");  // forged, unlisted
  ValidationReport previous = validate_with(mirror, nullptr);
  CHECK(verdict(previous) == verdict(validate(mirror, keyring())));
  REQUIRE(previous.state_use);
  CHECK(previous.state_use->known == 0);

  for (int night = 0; night < 3; ++night) {
    const std::size_t known_files = previous.state.files.size();
    east.grow(3);
    west.grow(2);
    const ValidationReport incremental = validate_with(mirror, &previous.state);
    const ValidationReport full = validate(mirror, keyring());
    CHECK(verdict(incremental) == verdict(full));
    // Read: the 5 new digests and their 5 log files. Everything else is known, the night
    // before's newest digests too (UNVERIFIED then, proven now by the new ones' signatures).
    CHECK(incremental.state_use->read == 10);
    CHECK(incremental.state_use->known == known_files);
    CHECK(incremental.state_use->changed == 0);
    previous = incremental;
  }
}

TEST_CASE("With a state, a deleted or truncated old file is caught", "[validation]") {
  Mirror mirror;
  GrowingChain east(mirror, chain_in("us-east-1"));
  const std::vector<SignedDigest> d = east.grow(5);
  const ValidationReport first = validate_with(mirror, nullptr);
  CHECK_FALSE(first.failed(false));
  const std::string log3 =
      log_key(chain_in("us-east-1").folder, hour(3) + 1800, "log3aaaaaaaaaaaa");
  const std::string log2 =
      log_key(chain_in("us-east-1").folder, hour(2) + 1800, "log2aaaaaaaaaaaa");
  mirror.remove(log3);
  fs::resize_file(fs::path(mirror.root()) / log2, 10);
  mirror.remove(d[1].key);
  const ValidationReport incremental = validate_with(mirror, &first.state);
  CHECK(verdict(incremental) == verdict(validate(mirror, keyring())));
  std::map<std::string, std::string> invalid;
  for (const Finding& finding : incremental.findings) {
    if (finding.status == FindingStatus::kInvalid) invalid[finding.key] = finding.reason;
  }
  CHECK(invalid[log3] == "not found");
  CHECK(invalid[log2] == "invalid format: truncated gzip data");
  CHECK(invalid[d[1].key] == "not found");
  CHECK(incremental.state_use->changed == 1);  // the truncated log file, read again
  // What vanished is forgotten, so a later run cannot take it as known.
  CHECK_FALSE(incremental.state.files.contains(log3));
  CHECK_FALSE(incremental.state.files.contains(log2));
}

TEST_CASE("With a state, a digest cut out between runs is caught", "[validation]") {
  Mirror mirror;
  GrowingChain east(mirror, chain_in("us-east-1"));
  east.grow(3);
  const ValidationReport first = validate_with(mirror, nullptr);
  const std::vector<SignedDigest> night = east.grow(4);
  mirror.remove(night[0].key);  // the first digest after the state's newest
  mirror.remove(night[1].key);
  const ValidationReport incremental = validate_with(mirror, &first.state);
  CHECK(verdict(incremental) == verdict(validate(mirror, keyring())));
  CHECK(incremental.failed(false));
  CHECK(incremental.digests.invalid == 2);  // one by name, one by continuity
  std::vector<std::string> problems;
  for (const std::string& line : lines(incremental)) {
    if (line.find("INVALID") != std::string::npos) problems.push_back(line);
  }
  CHECK(problems ==
        std::vector<std::string>{
            "Digest "
            "chain\ts3://acme-trail/AWSLogs/123456789012/CloudTrail-Digest/us-east-1/\tINVALID: "
            "trail foo: no digest file covers 2014-08-10T03:04:04Z to 2014-08-10T04:04:04Z: about "
            "1 missing",
            "Digest file\ts3://acme-trail/" + night[1].key + "\tINVALID: not found"});
}

TEST_CASE("With a state, a state that does not match the mirror is an error", "[validation]") {
  Mirror mirror;
  GrowingChain east(mirror, chain_in("us-east-1"));
  const std::vector<SignedDigest> d = east.grow(3);
  const ValidationReport first = validate_with(mirror, nullptr);
  REQUIRE(first.state.heads.size() == 1);
  CHECK(first.state.heads.begin()->second.key == d[1].key);  // d[2] is UNVERIFIED: no signature

  ValidationState other_bucket = first.state;
  other_bucket.bucket = "another-bucket";
  ValidationSpec spec;
  spec.root = mirror.root();
  spec.known = &other_bucket;
  Result<ValidationReport> report = validate_mirror(spec, keyring(), {});
  REQUIRE_FALSE(report);
  CHECK(report.error().message ==
        "--state: the state is of bucket another-bucket, this mirror is of bucket acme-trail");

  mirror.remove(d[2].key);
  mirror.remove(d[1].key);  // the chain went backwards past what was verified
  spec.known = &first.state;
  report = validate_mirror(spec, keyring(), {});
  REQUIRE_FALSE(report);
  CHECK(report.error().message ==
        "--state: the chain AWSLogs/123456789012/CloudTrail-Digest/us-east-1/foo/us-east-1 went "
        "backwards: " +
            d[1].key + ", its newest digest file when the state was saved, is not in the mirror");
  spec.regions = {"eu-west-1"};  // another selection: that chain is not looked at
  CHECK(validate_mirror(spec, keyring(), {}));
}

TEST_CASE("With a state, a file changed but not in size is found only when rechecked",
          "[validation]") {
  Mirror mirror;
  GrowingChain east(mirror, chain_in("us-east-1"));
  east.grow(4);
  const ValidationReport first = validate_with(mirror, nullptr);
  const std::string log = log_key(chain_in("us-east-1").folder, hour(1) + 1800, "log1aaaaaaaaaaaa");
  const std::string original = signer::read_file(fs::path(mirror.root()) / log);
  mirror.put(log,
             gzip(R"({"Records":[{}]})").substr(0, original.size()));  // other bytes, same size
  REQUIRE(fs::file_size(fs::path(mirror.root()) / log) == original.size());
  // The documented cost of trusting sizes: without a recheck the change goes unseen...
  ValidationReport trusting = validate_with(mirror, &first.state);
  CHECK_FALSE(trusting.failed(false));
  // ... and a recheck of every file sees it, as a full run does.
  ValidationReport rechecked = validate_with(mirror, &first.state, 1.0);
  CHECK(verdict(rechecked) == verdict(validate(mirror, keyring())));
  CHECK(rechecked.failed(false));
  CHECK(rechecked.state_use->rechecked == first.state.files.size());
  CHECK(rechecked.state_use->differed == 1);
  CHECK(rechecked.state_use->recheck_seed == 7);
}

TEST_CASE("With a state, the saved state does not depend on threads, and round-trips",
          "[validation]") {
  Mirror mirror;
  GrowingChain east(mirror, chain_in("us-east-1"));
  GrowingChain west(mirror, chain_in("us-west-2"));
  east.grow(3);
  west.grow(3);
  const ValidationReport one = validate_with(mirror, nullptr, 0, 1);
  const ValidationReport many = validate_with(mirror, nullptr, 0, 4);
  CHECK(one.state == many.state);
  const Result<std::string> saved = format_validation_state(one.state);
  REQUIRE(saved);
  const Result<ValidationState> parsed = parse_validation_state(*saved);
  REQUIRE(parsed);
  CHECK(*parsed == one.state);
  CHECK(one.state.files.size() == 12);
  CHECK(one.state.heads.size() == 2);
}

TEST_CASE("A file that only an INVALID digest names is reported on its own", "[validation]") {
  Mirror mirror;
  const ChainSpec chain = chain_in("us-east-1");
  mirror.hourly(chain, 2);
  mirror.put("AWSLogs/forged.json", "{}");
  // A forged digest (no signature can prove it) listing the forged file, with a bad key.
  ChainSpec forged_chain = chain_in("us-west-2");
  forged_chain.fingerprint = "00000000000000000000000000000000";
  const SignedDigest forged =
      ChainBuilder(forged_chain, test_key())
          .add(hour(1), {{"acme-trail", "AWSLogs/forged.json", *sha256_hex("{}"), "", ""}});
  mirror.put(forged);
  const ValidationReport report = validate(mirror, keyring());
  std::map<std::string, std::string> invalid;
  for (const Finding& finding : report.findings) {
    if (finding.status == FindingStatus::kInvalid) invalid[finding.key] = finding.reason;
  }
  CHECK(invalid["AWSLogs/forged.json"] == "not a CloudTrail log file that any digest lists");
  CHECK(invalid[forged.key].starts_with("public key not found"));
}

namespace {

ValidationRun run_over(const Mirror& mirror, const Keyring& keys, std::vector<std::string> regions,
                       const SignatureMap& signatures = {}) {
  ValidationRun run;
  run.spec.root = mirror.root();
  run.spec.regions = std::move(regions);
  run.spec.threads = 2;
  Result<ValidationReport> report = validate_mirror(run.spec, keys, signatures);
  REQUIRE(report);
  run.report = std::move(*report);
  return run;
}

/// The JSON of `run`, read back and written again.
std::string round_trip(const ValidationRun& run) {
  Result<ValidationRun> read = parse_report_json(format_report_json(run));
  REQUIRE(read);
  return format_report_json(*read);
}

}  // namespace

TEST_CASE("A validation report's JSON reads back to the same report", "[validation][merge]") {
  Mirror mirror;
  const std::vector<SignedDigest> east = mirror.hourly(chain_in("us-east-1"), 4);
  mirror.hourly(chain_in("eu-west-1"), 3);
  mirror.put(log_key(chain_in("us-east-1").folder, hour(1) + 1800, "log1aaaaaaaaaaaa"),
             gzip("changed"));
  mirror.remove(east[2].key);
  mirror.put("README\tnotes", "x");
  ValidationRun run = run_over(mirror, keyring(), {}, saved({east[3]}));
  run.strict = true;
  run.spec.exclude = {"*.txt"};
  run.spec.range.start = kStart;
  run.report.errors = {make_error("m/a/b", "cannot be read: x"), make_error("m/a/b.c", "y: z")};
  run.report.state_use = StateUse{1, 2, 3, 4, 5, 0.25, 99};
  REQUIRE(run.report.failed(false));
  CHECK(round_trip(run) == format_report_json(run));
  Result<ValidationRun> read = parse_report_json(format_report_json(run));
  REQUIRE(read);
  CHECK(lines(read->report) == lines(run.report));
  CHECK(format_summary(read->report, read->spec.range) ==
        format_summary(run.report, run.spec.range));
  CHECK(read->report.errors[1].path == "m/a/b.c");
  CHECK(read->report.errors[1].message == "y: z");
  CHECK(read->strict);
}

TEST_CASE("Reports of shards by region merge into one run's report", "[validation][merge]") {
  Mirror mirror;
  const std::vector<SignedDigest> east = mirror.hourly(chain_in("us-east-1"), 4);
  mirror.hourly(chain_in("eu-west-1"), 3);
  mirror.hourly(chain_in("us-west-2"), 2);
  mirror.remove(log_key(chain_in("eu-west-1").folder, hour(1) + 1800, "log1aaaaaaaaaaaa"));
  mirror.put("other/notes.md", "x");
  const Keyring keys = keyring();
  const SignatureMap signatures = saved({east[3]});
  const ValidationRun one =
      run_over(mirror, keys, {"eu-west-1", "us-east-1", "us-west-2"}, signatures);
  std::vector<ValidationRun> shards;
  std::vector<std::string> names;
  for (const char* region : {"us-west-2", "eu-west-1", "us-east-1"}) {
    Result<ValidationRun> shard =
        parse_report_json(format_report_json(run_over(mirror, keys, {region}, signatures)));
    REQUIRE(shard);
    shards.push_back(std::move(*shard));
    names.push_back(region);
  }
  Result<ValidationRun> merged = merge_validation_runs(shards, names);
  REQUIRE(merged);
  CHECK(merged->report.failed(false));
  CHECK(merged->report.others.total() == 1);  // seen by every shard, reported once
  CHECK(format_report_json(*merged) == format_report_json(one));
  CHECK(lines(merged->report) == lines(one.report));

  SECTION("a shard twice is refused") {
    shards.push_back(shards.front());
    names.push_back("again");
    Result<ValidationRun> twice = merge_validation_runs(shards, names);
    REQUIRE_FALSE(twice);
    CHECK(twice.error().message.starts_with("us-west-2 and again: both hold"));
  }
  SECTION("other options are refused") {
    shards[1].strict = true;
    CHECK_FALSE(merge_validation_runs(shards, names));
    shards[1].strict = false;
    shards[2].spec.range.end = hour(3);
    CHECK_FALSE(merge_validation_runs(shards, names));
    shards[2].spec.range.end.reset();
    shards[2].spec.root += "/";
    CHECK_FALSE(merge_validation_runs(shards, names));
  }
  SECTION("another bucket is refused: a shard without digests names it after the folder") {
    for (Finding& finding : shards[1].report.findings) finding.bucket = "mirror";
    Result<ValidationRun> mixed = merge_validation_runs(shards, names);
    REQUIRE_FALSE(mixed);
    CHECK(mixed.error().message.starts_with("us-west-2 and eu-west-1: name the bucket"));
  }
}

TEST_CASE("What is not a validation report of this version is refused", "[validation][merge]") {
  Mirror mirror;
  mirror.hourly(chain_in("us-east-1"), 2);
  const std::string json = format_report_json(run_over(mirror, keyring(), {}));
  REQUIRE(parse_report_json(json));
  auto replaced = [&](std::string_view from, std::string_view to) {
    std::string text = json;
    const std::size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
  };
  CHECK(parse_report_json(replaced("\"trailsift_validate\":1", "\"trailsift_validate\":2"))
            .error()
            .message.find("version 2") != std::string::npos);
  CHECK_FALSE(parse_report_json(replaced("\"invalid\":0", "\"invalid\":1")));  // totals changed
  CHECK_FALSE(parse_report_json(replaced("\"status\":\"valid\"", "\"status\":\"fine\"")));
  CHECK_FALSE(parse_report_json(json.substr(0, json.size() / 2)));
  CHECK_FALSE(parse_report_json(R"({"trailsift_partial":1,"command":"stats"})"));
}
