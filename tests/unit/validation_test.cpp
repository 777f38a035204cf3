// SPDX-License-Identifier: MIT
// Validating mirrors built in the test with a test-only key: what the golden cases do not show
// (determinism across threads, counting, the cross-checks, progress, warnings).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>

#include "signer.hpp"
#include "trailsift/validation.hpp"

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
  Mirror() : root_(fs::temp_directory_path() / ("trailsift-validation-" + std::to_string(::getpid()) + "-" +
                                                std::to_string(counter_++))) {
    fs::create_directories(root_);
  }
  ~Mirror() { fs::remove_all(root_); }

  std::string root() const { return root_.string(); }
  void put(std::string_view key, std::string_view bytes) const { write_file(root_, key, bytes); }
  void put(const SignedDigest& digest) const { put(digest.key, gzip(digest.json)); }
  void remove(std::string_view key) const { fs::remove(root_ / std::string(key)); }
  LogEntry log(const ChainSpec& chain, UnixSeconds delivered, const std::string& unique, const std::string& json) const {
    return write_log(root_, chain, delivered, unique, json);
  }
  /// `count` hourly digests of `chain`, one log file each; all written.
  std::vector<SignedDigest> hourly(const ChainSpec& chain, int count, int first_hour = 0) const {
    ChainBuilder builder(chain, test_key());
    std::vector<SignedDigest> digests;
    for (int i = first_hour; i < first_hour + count; ++i) {
      digests.push_back(builder.add(hour(i + 1), {log(chain, hour(i) + 1800, "log" + std::to_string(i) + "aaaaaaaaaaaa", "{}")}));
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
  REQUIRE(keys.add_document(public_keys_json({{test_key().pkcs1_der(), test_key().fingerprint(), from, until}})));
  return keys;
}

ValidationReport validate(const Mirror& mirror, const Keyring& keys, const SignatureMap& signatures = {},
                          unsigned threads = 2, const ValidationProgress& progress = {}) {
  ValidationOptions options;
  options.root = mirror.root();
  options.threads = threads;
  Result<ValidationReport> report = validate_mirror(options, keys, signatures, progress);
  REQUIRE(report);
  return std::move(*report);
}

std::vector<std::string> lines(const ValidationReport& report) {
  std::vector<std::string> out;
  for (const Finding& finding : report.findings) out.push_back(format_finding(finding));
  return out;
}

SignatureMap saved(const std::vector<SignedDigest>& digests) { return *parse_signatures(signatures_tsv(digests)); }

}  // namespace

TEST_CASE("The report does not depend on the number of threads", "[validation]") {
  Mirror mirror;
  std::vector<SignedDigest> east = mirror.hourly(chain_in("us-east-1"), 5);
  std::vector<SignedDigest> west = mirror.hourly(chain_in("us-west-2"), 4);
  mirror.remove(east[2].key);
  mirror.put(west[0].key.substr(0, west[0].key.size() - 8) + "_x.json", "not a digest");
  mirror.log(chain_in("us-west-2"), hour(1) + 600, "forgedaaaaaaaaaa", "{}");
  mirror.put(log_key(chain_in("us-east-1").folder, hour(0) + 1800, "log0aaaaaaaaaaaa"), gzip("changed"));
  const Keyring keys = keyring();
  const ValidationReport one = validate(mirror, keys, saved({east[4]}), 1);
  CHECK(one.failed(false));
  for (unsigned threads : {2u, 3u, 8u}) {
    const ValidationReport many = validate(mirror, keys, saved({east[4]}), threads);
    CHECK(lines(many) == lines(one));
    CHECK(format_report_json(many, {}) == format_report_json(one, {}));
  }
}

TEST_CASE("Continuity counts every digest deleted in a run, not only the one named", "[validation]") {
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
    CHECK(finding.reason == "trail foo: no digest file covers 2014-08-10T01:04:04Z to 2014-08-10T03:04:04Z: about 2 missing");
  }
  CHECK(chains == 1);
}

TEST_CASE("previousDigestHashValue: a wrong one in an unverified digest makes it INVALID", "[validation]") {
  Mirror mirror;
  const ChainSpec chain = chain_in("us-east-1");
  ChainBuilder builder(chain, test_key());
  const SignedDigest d0 = builder.add(hour(1), {});
  SignedDigest d1 = builder.add(hour(2), {});
  const std::string hash = sha256_hex(d0.json);
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
  const ValidationReport report = validate(mirror, keyring(), saved({standard, late}), 2,
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
  mirror.log(chain, hour(1) + 1200, "insideaaaaaaaaaa", "{}");     // d1's hour, d0..d2 verified
  mirror.log(chain, hour(3) - 600, "edgeaaaaaaaaaaaa", "{}");      // 10 min before the last end
  mirror.log(chain, hour(3) + 600, "afteraaaaaaaaaaa", "{}");      // not digested yet
  const ValidationReport report = validate(mirror, keyring(), saved({d[2]}));
  std::map<std::string, FindingStatus> unlisted;
  for (const Finding& finding : report.findings) {
    if (finding.kind == FindingKind::kLog && finding.status != FindingStatus::kValid) {
      unlisted[finding.key.substr(finding.key.size() - 24, 16)] = finding.status;
    }
  }
  CHECK(unlisted == std::map<std::string, FindingStatus>{{"insideaaaaaaaaaa", FindingStatus::kInvalid},
                                                         {"edgeaaaaaaaaaaaa", FindingStatus::kUnverified},
                                                         {"afteraaaaaaaaaaa", FindingStatus::kUnverified}});
  CHECK(report.failed(false));
}

TEST_CASE("A digest signed outside its key's validity window is a warning, not a failure", "[validation]") {
  Mirror mirror;
  const std::vector<SignedDigest> d = mirror.hourly(chain_in("us-east-1"), 1);
  const ValidationReport report = validate(mirror, keyring(kStart + 86400, kStart + 2 * 86400), saved(d));
  REQUIRE(report.findings.size() == 3);  // the log, the digest, the warning about it
  CHECK(report.findings[1].status == FindingStatus::kValid);
  CHECK(report.findings[2].status == FindingStatus::kWarning);
  CHECK(report.findings[2].reason ==
        "signed at 2014-08-10T01:04:04Z, outside the validity of public key " + test_key().fingerprint() +
            " (2014-08-11T00:00:00Z to 2014-08-12T00:00:00Z)");
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
    if (finding.status == FindingStatus::kInvalid) missing.push_back(finding.key + ": " + finding.reason);
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
  CHECK(format_finding(gap) == "(backfill) No log files were delivered by CloudTrail between A and B");
}
