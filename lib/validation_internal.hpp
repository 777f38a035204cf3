// SPDX-License-Identifier: MIT
// What the passes of validate_mirror share, for lib/validation*.cpp only: digest files as
// validation sees them, the state of one run, and per-thread buffers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "trailsift/digest.hpp"
#include "trailsift/input.hpp"
#include "trailsift/validation.hpp"

namespace trailsift::validation_detail {

/// CloudTrail delivers a digest about every hour; continuity estimates use it.
inline constexpr UnixSeconds kDigestPeriod = 3600;

/// One chain of digests: CloudTrail links a digest to the previous one of the same trail,
/// account and region.
struct ChainId {
  TrailFolder folder;
  std::string trail;
  std::string home_region;
  bool backfill = false;
  friend auto operator<=>(const ChainId&, const ChainId&) = default;
};

/// Counts the findings into the report's counts (which start at 0) and sorts them by folder,
/// time, kind and key; the errors by path. The last step of validate_mirror, and of a merge.
void finish_report(ValidationReport& report);

/// The words of a finding's status and kind in reports (`INVALID`, `log`...), which
/// parse_report_json reads back.
std::string_view status_word(FindingStatus status);
std::string_view kind_word(FindingKind kind);

/// Where a digest's previousDigest* link leads: nowhere to worry about (no link, or a loaded
/// digest), or somewhere it cannot be followed.
enum class LinkEnd { kFollowed, kMissing, kOutside, kOtherBucket, kBeforeRange };

/// How a file's bytes or hash were had, with --state: counted, and remembered for the next run.
struct Reading {
  bool listed = false;     ///< in the listing, so its size is known (else never remembered)
  std::uint64_t size = 0;  ///< its size on disk
  bool known = false;      ///< from the state: not read
  bool changed = false;    ///< the state knew it with another size
  bool rechecked = false;  ///< known, read all the same
  bool differed = false;   ///< rechecked, and not what the state knew
};

struct DigestFile {
  std::string key;
  std::string path;
  std::optional<DigestKey> name;  ///< nullopt: not named like a digest (reached by a link)
  std::optional<ChainId> chain;   ///< from the name, or from the digest that links to it
  bool reported = true;           ///< false: loaded only to borrow its previousDigestSignature
  // Loading.
  std::string not_read;  ///< missing, or leads outside the mirror: never read
  bool outside = false;
  std::string read_error;  ///< the file exists but could not be read
  bool gzip = true;
  bool trailing_data = false;
  std::string sha256;  ///< of the inflated bytes
  std::string json;    ///< the inflated bytes, kept for --state
  Reading reading;
  std::optional<Digest> digest;
  std::string format_error;
  // Following its previousDigest* link.
  LinkEnd link = LinkEnd::kFollowed;
  std::size_t previous = SIZE_MAX;  ///< index of the digest it links to, when loaded
  std::string link_reason;          ///< for kOutside
  std::vector<std::size_t> next;    ///< digests whose link leads here
  // Verdict.
  FindingStatus status = FindingStatus::kValid;
  std::string reason;
  std::vector<std::string> warnings;
  std::string signature;  ///< when valid: the one that verified it
};

/// Per-thread buffers for reading, inflating and hashing.
struct Buffers {
  ByteBuffer raw;
  ByteBuffer inflated;
  Hasher sha256;
};

/// A file of the mirror read for hashing: its first gzip member inflated, or the file as it is
/// when it is not gzip (a copy something already inflated: the hash covers the inflated bytes
/// either way), and the SHA-256 of those bytes.
struct LoadedFile {
  std::string_view bytes;  ///< valid until the buffers are reused
  std::string sha256;
  std::string problem;  ///< why there are no bytes or no hash; empty when there are
  bool unreadable = false;
  bool gzip = true;
  bool trailing_data = false;  ///< bytes after the first gzip member
  Reading reading;
};

/// One set of Buffers per thread, and work run on all of them.
class Workers {
 public:
  static Result<Workers> create(unsigned threads);

  /// Runs `work(item, buffers)` for items [0, count) on all threads; `done(item)` runs on the
  /// calling thread, in item order. Fails when the threads cannot be started.
  Status run(std::size_t count, const std::function<void(std::size_t, Buffers&)>& work,
             const std::function<void(std::size_t)>& done = {});

 private:
  std::vector<Buffers> buffers_;
};

/// One run of validate_mirror: what to validate, the mirror's files, the digests found, and the
/// report every pass adds to.
struct Run {
  Run(const ValidationSpec& spec, std::vector<MirrorFile> files);

  const ValidationSpec& spec;
  std::vector<MirrorFile> files;
  std::unordered_map<std::string, std::size_t> file_index;
  std::vector<bool> accounted;   ///< by file index: a digest, or a log file a digest lists
  std::vector<bool> remembered;  ///< by file index: looked at by this run (for --state)
  std::vector<DigestFile> digests;
  std::map<ChainId, std::vector<std::size_t>> chains;  ///< reported digests, oldest first
  std::vector<std::size_t> found_logs;                 ///< file indexes of log files in range
  std::string bucket;  ///< the mirror's bucket when nothing else says
  ValidationReport report;

  /// root/key.
  std::string join(std::string_view key) const;
  /// Where a key leads: a file listed by the walk (not a link) needs no more checks.
  ResolvedKey resolve(std::string_view key) const;
  /// Reads, inflates and hashes the file at `key`, which resolve() found inside; or takes what
  /// --state knows of it (a digest's bytes, a log file's hash) when its size is unchanged.
  LoadedFile load(const std::string& key, const ResolvedKey& where, bool digest,
                  Buffers& buffers) const;
  /// Counts how a file was had and, for --state, remembers it (calling thread only).
  void remember(const std::string& key, const Reading& reading, std::optional<KnownFile> file);
  /// Notes that a file of the mirror is a digest or a log file a digest lists.
  void account_for(const std::string& key);
  void add(Finding finding) { report.findings.push_back(std::move(finding)); }
};

/// `leads outside the mirror (WHY): not read`.
std::string outside_reason(const ResolvedKey& where);
/// The digest's end time: digestEndTime, else the time in its name.
UnixSeconds end_of(const DigestFile& digest);
/// A finding about a digest file, before its status (validation.cpp).
Finding digest_finding(const Run& run, const DigestFile& digest);

/// Whether the spec selects the files of this folder (key prefix, account, region).
bool selects_folder(const ValidationSpec& spec, const TrailFolder& folder);
/// Whether the spec selects the digests of this chain (prefix, account, region, trail).
bool selects_chain(const ValidationSpec& spec, const DigestKey& name);

/// Fails when --state does not match the mirror: another bucket, a chain that went backwards
/// (validation_state.cpp).
Status check_known_state(const Run& run);
/// Completes ValidationReport::state: chain heads, and the files known before that this run
/// did not look at and that are unchanged (validation_state.cpp).
void record_state(Run& run);

/// Walks each chain oldest first: restarts, holes, an early end (validation_chains.cpp).
void walk_chains(Run& run);
/// Hashes the log files the digests list and classifies those they do not (validation_logs.cpp).
Status check_logs(Run& run, Workers& workers, const ValidationProgress& progress);
/// Reports every file that is neither a digest nor a log file a digest lists (validation_logs.cpp).
void report_unexpected_files(Run& run);

}  // namespace trailsift::validation_detail
