// SPDX-License-Identifier: MIT
// Validating a mirror in passes, so that the result never depends on the order files are met:
//   1. list the mirror; sort digest files into chains (folder, trail, home region, backfill) and
//      keep those in range; note the log files;
//   2. load the digests in parallel (inflate the first gzip member, hash, parse), then load
//      whatever they point to that is inside the mirror, until nothing new is pointed to;
//   3. verify each digest with the signatures it can have: the previousDigestSignature of every
//      digest pointing to it, and the saved S3 signature; cross-check previousDigestHashValue;
//   4. walk each chain in time order for gaps, continuity holes and an early end;
//   5. hash the listed log files in parallel; classify the log files no digest lists.
#include "trailsift/validation.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>

#include "trailsift/parallel.hpp"
#include "trailsift/text_pattern.hpp"

namespace trailsift {
namespace {

namespace fs = std::filesystem;

/// CloudTrail delivers a digest about every hour; continuity estimates use it.
constexpr UnixSeconds kDigestPeriod = 3600;
/// Digest boundaries that differ by less than this are the same instant for continuity.
constexpr UnixSeconds kContinuitySlack = 300;
/// How long after the time in its name a log file may be delivered. A log file no digest lists
/// is called forged only when this whole window is covered by verified digests.
constexpr UnixSeconds kDeliveryDelay = 900;

/// One chain of digests: CloudTrail links a digest to the previous one of the same trail,
/// account and region.
struct ChainId {
  TrailFolder folder;
  std::string trail;
  std::string home_region;
  bool backfill = false;
  friend auto operator<=>(const ChainId&, const ChainId&) = default;
};

/// Where a digest's previousDigest* link leads: nowhere to worry about (no link, or a loaded
/// digest), or somewhere it cannot be followed.
enum class LinkEnd { kFollowed, kMissing, kOutside, kOtherBucket, kBeforeRange };

struct DigestFile {
  std::string key;
  std::string path;
  std::optional<DigestKey> name;  ///< nullopt: not named like a digest (reached by a link)
  std::optional<ChainId> chain;   ///< from the name, or from the digest that links to it
  bool reported = true;           ///< false: loaded only to borrow its previousDigestSignature
  // Loading.
  std::string not_read;           ///< missing, or leads outside the mirror: never read
  bool outside = false;
  std::string read_error;         ///< the file exists but could not be read
  bool gzip = true;
  bool trailing_data = false;
  std::string sha256;             ///< of the inflated bytes
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
};

/// One claim that a log file has some hash.
struct Listing {
  std::size_t digest;
  std::string hash;
};

struct LogFile {
  std::string key;
  std::string bucket;
  std::optional<LogKey> name;
  std::vector<Listing> listings;  ///< from valid or unverified digests
  bool listed_by_invalid = false;
  std::optional<UnixSeconds> oldest_event;
  std::optional<UnixSeconds> newest_event;
  // Hashing.
  std::string problem;  ///< why it could not be hashed, in the AWS CLI's words where it has them
  bool unreadable = false;
  bool outside = false;
  bool gzip = true;
  std::uint64_t bytes = 0;  ///< inflated size
  std::string sha256;
  bool found = false;       ///< found by the walk, in range: reported even when no digest lists it
};

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return out;
}

/// The keys of those of `paths` that lie under `root`, compared as written (lexically): the
/// files a run reads besides the mirror may sit in it.
std::set<std::string> mirror_keys(const std::string& root, const std::vector<std::string>& paths) {
  std::set<std::string> keys;
  std::error_code error;
  const fs::path base = fs::absolute(root, error).lexically_normal();
  for (const std::string& path : paths) {
    const fs::path relative = fs::absolute(path, error).lexically_normal().lexically_relative(base);
    if (!error && !relative.empty() && *relative.begin() != "..") keys.insert(relative.generic_string());
  }
  return keys;
}

bool wanted(const std::vector<std::string>& allowed, const std::string& value) {
  return allowed.empty() || std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

/// Per-thread buffers for reading and inflating.
struct Buffers {
  ByteBuffer raw;
  ByteBuffer inflated;
};

/// A file's bytes to hash: its first gzip member inflated, or the file as it is when it is not
/// gzip (a copy something already inflated: the hash covers the inflated bytes either way).
struct LoadedBytes {
  std::string_view bytes;  ///< valid until the buffers are reused
  std::string problem;     ///< why there are no bytes; empty when there are
  bool unreadable = false;
  bool gzip = true;
  bool trailing_data = false;  ///< bytes after the first gzip member
};

LoadedBytes load_bytes(const std::string& root, const std::string& path, const ReadLimits& limits,
                       Buffers& buffers) {
  LoadedBytes loaded;
  if (Status read = read_mirror_file(root, path, limits, buffers.raw); !read) {
    loaded.unreadable = true;
    loaded.problem = "cannot be read: " + read.error().message;
    return loaded;
  }
  loaded.gzip = is_gzip(buffers.raw.view());
  if (!loaded.gzip) {
    loaded.bytes = buffers.raw.view();
    return loaded;
  }
  Result<std::size_t> used = inflate_gzip_member(buffers.raw.view(), limits, buffers.inflated);
  if (!used) {
    loaded.problem = "invalid format: " + used.error().message;
    return loaded;
  }
  loaded.trailing_data = *used < buffers.raw.size();
  loaded.bytes = buffers.inflated.view();
  return loaded;
}

class Validator {
 public:
  Validator(const ValidationOptions& options, const Keyring& keys, const SignatureMap& signatures,
            const ValidationProgress& progress)
      : options_(options), keys_(keys), signatures_(signatures), progress_(progress) {}

  Result<ValidationReport> run() {
    Result<std::vector<MirrorFile>> listing = list_mirror(options_.root);
    if (!listing) return listing.error();
    files_ = std::move(*listing);
    for (std::size_t i = 0; i < files_.size(); ++i) file_index_.emplace(files_[i].key, i);
    accounted_.assign(files_.size(), false);
    buffers_.resize(std::max(1u, options_.threads));

    discover();
    load_chain_digests();
    mirror_bucket_ = mirror_bucket();
    in_parallel(0, digests_.size(), [&](std::size_t i, Buffers&) { verify(digests_[i]); });
    cross_check_hashes();
    report_digests();
    for (const auto& [chain, members] : chains_) walk_chain(chain, members);
    check_logs();
    report_unexpected_files();
    finish();
    return std::move(report_);
  }

 private:
  // ---- discovery ------------------------------------------------------------------------------

  bool in_range_end(UnixSeconds end) const {
    // As the AWS CLI: a digest ending up to an hour after --end-time still covers it.
    return !options_.range.end || end <= *options_.range.end + kDigestPeriod;
  }

  /// Digest keys by chain, as (end time, key).
  using NamedDigests = std::map<ChainId, std::vector<std::pair<UnixSeconds, std::string>>>;

  void add_named(NamedDigests& named, const std::string& key) {
    const std::optional<DigestKey> name = parse_digest_key(key);
    if (!name || !wanted(options_.accounts, name->folder.account) || !wanted(options_.regions, name->folder.region) ||
        (!options_.trail.empty() && name->trail != options_.trail) ||
        (!options_.home_region.empty() && name->home_region != options_.home_region)) {
      return;
    }
    named[ChainId{name->folder, name->trail, name->home_region, name->backfill}].emplace_back(name->end, key);
    log_folders_.insert(name->folder);
  }

  void discover() {
    NamedDigests named;
    for (std::size_t i = 0; i < files_.size(); ++i) {
      const std::string& key = files_[i].key;
      if (!files_[i].not_a_file.empty()) continue;
      if (parse_digest_key(key)) {
        accounted_[i] = true;
        add_named(named, key);
      } else if (std::optional<LogKey> log = parse_log_key(key)) {
        accounted_[i] = true;
        if (wanted(options_.accounts, log->folder.account) && wanted(options_.regions, log->folder.region) &&
            options_.range.contains(log->delivered)) {
          found_logs_.push_back(i);
        }
      }
    }
    // Log files do not name their trail: with a trail filter, only the folders of its digests.
    if (!options_.trail.empty() || !options_.home_region.empty()) {
      std::erase_if(found_logs_, [&](std::size_t i) { return !log_folders_.contains(parse_log_key(files_[i].key)->folder); });
    }
    // A saved signature is an anchor: its digest must be in the mirror (it then loads as
    // "not found"), even when no other digest names it, as the newest of a chain.
    for (const auto& [name, saved] : signatures_) {
      std::string_view key = name;
      if (key.starts_with("s3://")) {
        const std::size_t slash = key.find('/', 5);
        if (slash == std::string_view::npos) continue;
        if (options_.s3_bucket && key.substr(5, slash - 5) != *options_.s3_bucket) continue;
        key.remove_prefix(slash + 1);
      }
      if (!file_index_.contains(std::string(key))) add_named(named, std::string(key));
    }
    for (auto& [chain, keys] : named) {
      std::vector<std::size_t>& members = chains_[chain];
      std::sort(keys.begin(), keys.end());
      keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
      for (const auto& [end, key] : keys) {
        if (options_.range.start && end < *options_.range.start) continue;
        const bool reported = in_range_end(end);
        const std::size_t digest = add_digest(key, chain, reported);
        if (!reported) break;  // the first digest after the range: only its signature is used
        members.push_back(digest);
      }
    }
  }

  std::size_t add_digest(const std::string& key, std::optional<ChainId> chain, bool reported) {
    DigestFile digest;
    digest.key = key;
    digest.path = join(key);
    digest.name = parse_digest_key(key);
    digest.chain = std::move(chain);
    digest.reported = reported;
    account_for(key);
    digest_index_.emplace(key, digests_.size());
    digests_.push_back(std::move(digest));
    return digests_.size() - 1;
  }

  std::string join(std::string_view key) const {
    std::string path = options_.root;
    if (!path.empty() && path.back() != '/') path += '/';
    path += key;
    return path;
  }

  static std::string outside_reason(const ResolvedKey& where) {
    return "leads outside the mirror (" + where.reason + "): not read";
  }

  /// Where a key leads: a file listed by the walk (not a link) needs no more checks.
  ResolvedKey resolve(std::string_view key) const {
    auto found = file_index_.find(std::string(key));
    if (found != file_index_.end() && !files_[found->second].symlink) {
      return {KeyPlace::kInside, join(key), ""};
    }
    return resolve_mirror_key(options_.root, key);
  }

  // ---- loading --------------------------------------------------------------------------------

  void load_digest(DigestFile& digest, Buffers& buffers) const {
    const ResolvedKey where = resolve(digest.key);
    if (where.place != KeyPlace::kInside) {
      digest.not_read = where.place == KeyPlace::kMissing ? "not found" : outside_reason(where);
      digest.outside = where.place == KeyPlace::kOutside;
      return;
    }
    const LoadedBytes loaded = load_bytes(options_.root, digest.path, options_.limits, buffers);
    digest.gzip = loaded.gzip;
    digest.trailing_data = loaded.trailing_data;
    (loaded.unreadable ? digest.read_error : digest.format_error) = loaded.problem;
    if (!loaded.problem.empty()) return;
    digest.sha256 = sha256_hex(loaded.bytes);
    Result<Digest> parsed = parse_digest(loaded.bytes);
    if (parsed) {
      digest.digest = std::move(*parsed);
    } else {
      digest.format_error = parsed.error().message;
    }
  }

  /// Runs `work(item, buffers)` for items [first, end) on all threads; `done(item)` runs on this
  /// thread, in item order.
  void in_parallel(std::size_t first, std::size_t end, const std::function<void(std::size_t, Buffers&)>& work,
                   const std::function<void(std::size_t)>& done = {}) {
    run_in_order(
        end - first, static_cast<unsigned>(buffers_.size()), buffers_.size() * 4,
        [&](std::size_t item, std::size_t, unsigned worker) { work(first + item, buffers_[worker]); },
        [&](std::size_t item, std::size_t) {
          if (done) done(first + item);
        });
  }

  /// Loads the digests found by the walk, then those they link to that the walk did not find
  /// (links through symbolic links, names not in the digest pattern), until none is new.
  void load_chain_digests() {
    std::size_t loaded = 0;
    while (loaded < digests_.size()) {
      const std::size_t first = loaded;
      loaded = digests_.size();
      in_parallel(first, loaded, [&](std::size_t i, Buffers& buffers) { load_digest(digests_[i], buffers); });
      for (std::size_t i = first; i < loaded; ++i) link(i);
    }
  }

  /// Follows digest i's previousDigest* link, adding what it leads to when that is new.
  void link(std::size_t i) {
    if (!digests_[i].digest || !digests_[i].digest->previous_digest_s3_object) return;
    // Copies: adding a digest below may move digests_.
    const std::string key = *digests_[i].digest->previous_digest_s3_object;
    const std::string bucket =
        digests_[i].digest->previous_digest_s3_bucket.value_or(digests_[i].digest->digest_s3_bucket);
    const std::string own_bucket = digests_[i].digest->digest_s3_bucket;
    if (auto found = digest_index_.find(key); found != digest_index_.end()) {
      digests_[i].previous = found->second;
      digests_[found->second].next.push_back(i);
      return;
    }
    const std::optional<DigestKey> name = parse_digest_key(key);
    if (options_.range.start && name && name->end < *options_.range.start) {
      digests_[i].link = LinkEnd::kBeforeRange;
      return;
    }
    const ResolvedKey where = resolve(key);
    const bool other_bucket = options_.s3_bucket ? bucket != *options_.s3_bucket
                                                 : bucket != own_bucket && where.place != KeyPlace::kInside;
    if (other_bucket) {
      digests_[i].link = LinkEnd::kOtherBucket;
    } else if (where.place == KeyPlace::kMissing) {
      digests_[i].link = LinkEnd::kMissing;
    } else if (where.place == KeyPlace::kOutside) {
      digests_[i].link = LinkEnd::kOutside;
      digests_[i].link_reason = outside_reason(where);
    } else if (digests_[i].reported) {
      std::optional<ChainId> chain = digests_[i].chain;
      if (name) chain = ChainId{name->folder, name->trail, name->home_region, name->backfill};
      const std::size_t added = add_digest(key, std::move(chain), true);
      digests_[i].previous = added;
      digests_[added].next.push_back(i);
    }
  }

  // ---- verification ---------------------------------------------------------------------------

  /// The bucket a digest is reported in: --s3-bucket, else the one it names.
  std::string bucket_of(const DigestFile& digest) const {
    if (options_.s3_bucket) return *options_.s3_bucket;
    if (digest.digest) return digest.digest->digest_s3_bucket;
    for (std::size_t next : digest.next) {
      if (digests_[next].digest && digests_[next].digest->previous_digest_s3_bucket) {
        return *digests_[next].digest->previous_digest_s3_bucket;
      }
    }
    return mirror_bucket_;
  }

  /// The mirror's bucket when nothing else says: --s3-bucket, else the bucket most digests
  /// name, else the mirror directory's name (as `aws s3 sync s3://BUCKET BUCKET` makes it).
  std::string mirror_bucket() const {
    if (options_.s3_bucket) return *options_.s3_bucket;
    std::map<std::string, std::size_t> votes;
    for (const DigestFile& digest : digests_) {
      if (digest.digest) ++votes[digest.digest->digest_s3_bucket];
    }
    if (!votes.empty()) {
      return std::max_element(votes.begin(), votes.end(),
                              [](const auto& a, const auto& b) { return a.second < b.second; })->first;
    }
    std::string root = options_.root;
    while (root.size() > 1 && root.back() == '/') root.pop_back();
    const std::size_t slash = root.rfind('/');
    return slash == std::string::npos ? root : root.substr(slash + 1);
  }

  static void fail(DigestFile& digest, FindingStatus status, std::string reason) {
    digest.status = status;
    digest.reason = std::move(reason);
  }

  void verify(DigestFile& d) const {
    if (!d.not_read.empty()) return fail(d, FindingStatus::kInvalid, d.not_read);
    if (!d.read_error.empty()) return fail(d, FindingStatus::kInvalid, d.read_error);
    if (!d.digest) return fail(d, FindingStatus::kInvalid, d.format_error);
    const Digest& digest = *d.digest;
    const std::string bucket = bucket_of(d);
    if (d.trailing_data) {
      d.warnings.push_back("unexpected data after end of compressed stream (ignored, as the AWS CLI does: "
                           "the signature covers the first gzip member only)");
    }
    if (digest.digest_s3_object != d.key || (options_.s3_bucket && digest.digest_s3_bucket != *options_.s3_bucket)) {
      return fail(d, FindingStatus::kInvalid, "has been moved from its original location");
    }
    const PublicKeyEntry* key = keys_.find(digest.digest_public_key_fingerprint);
    if (!key) {
      // The AWS CLI names the trail's home region; the key that signs a digest is the one of
      // the region it was delivered from, so that is the list the user needs.
      const std::string region = d.chain ? d.chain->folder.region : "unknown";
      return fail(d, FindingStatus::kInvalid,
                  fmt::format("public key not found in region {} for fingerprint {}", region,
                              digest.digest_public_key_fingerprint));
    }
    if (!key->key) return fail(d, FindingStatus::kInvalid, key->problem);

    // Where the signature comes from: the digests that link here, and the saved S3 metadata.
    std::set<std::string> from_chain;
    for (std::size_t next : d.next) {
      const DigestFile& later = digests_[next];
      if (later.digest && later.digest->previous_digest_signature) {
        from_chain.insert(lowercase(*later.digest->previous_digest_signature));
      }
    }
    const SavedSignature* saved = find_signature(signatures_, bucket, d.key);
    if (from_chain.size() > 1) {
      return fail(d, FindingStatus::kInvalid, "the digest files that follow it disagree about its signature");
    }
    if (!from_chain.empty() && saved && lowercase(saved->signature) != *from_chain.begin()) {
      return fail(d, FindingStatus::kInvalid,
                  "its signature in --signatures differs from the next digest's previousDigestSignature");
    }
    add_time_warnings(d, *key, saved);
    if (from_chain.empty() && !saved) {
      return fail(d, FindingStatus::kUnverified,
                  "no signature offline: no later digest file links to it and --signatures has none for it");
    }
    const std::string signature_hex = from_chain.empty() ? saved->signature : *from_chain.begin();
    const std::optional<std::string> signature = hex_decode(signature_hex);
    if (!signature) {
      return fail(d, FindingStatus::kInvalid,
                  from_chain.empty() ? "its signature in --signatures is not hexadecimal"
                                     : "the next digest's previousDigestSignature is not hexadecimal");
    }
    if (!key->key->verify(digest_signing_string(digest, d.sha256), *signature)) {
      return fail(d, FindingStatus::kInvalid, "signature verification failed");
    }
    if (saved && !saved->algorithm.empty() && saved->algorithm != "SHA256withRSA") {
      d.warnings.push_back(fmt::format("signature-algorithm is {}, not SHA256withRSA", saved->algorithm));
    }
    if (!digest.digest_signature_algorithm.empty() && digest.digest_signature_algorithm != "SHA256withRSA") {
      d.warnings.push_back(
          fmt::format("digestSignatureAlgorithm is {}, not SHA256withRSA", digest.digest_signature_algorithm));
    }
  }

  /// Warnings about times: the name's and the key's (never failures, as for the AWS CLI).
  static void add_time_warnings(DigestFile& d, const PublicKeyEntry& key, const SavedSignature* saved) {
    const std::optional<UnixSeconds> end = parse_iso8601(d.digest->digest_end_time);
    if (d.name && end != d.name->end) {
      d.warnings.push_back(fmt::format("digestEndTime {} is not the time in its name", d.digest->digest_end_time));
    }
    std::optional<UnixSeconds> signed_at = end;
    if (saved && !saved->backfill_generation_timestamp.empty()) {
      signed_at = parse_iso8601(saved->backfill_generation_timestamp);
    }
    if (signed_at && ((key.valid_from && *signed_at < *key.valid_from) ||
                      (key.valid_until && *signed_at > *key.valid_until))) {
      d.warnings.push_back(fmt::format("signed at {}, outside the validity of public key {} ({} to {})",
                                       format_iso8601(*signed_at), key.fingerprint,
                                       key.valid_from ? format_iso8601(*key.valid_from) : "?",
                                       key.valid_until ? format_iso8601(*key.valid_until) : "?"));
    }
  }

  /// previousDigestHashValue is the second proof of a digest's bytes: it must match when the
  /// digest that states it is not itself invalid.
  void cross_check_hashes() {
    for (DigestFile& later : digests_) {
      if (!later.reported || later.previous == SIZE_MAX || later.status == FindingStatus::kInvalid) continue;
      const std::optional<std::string>& stated = later.digest->previous_digest_hash_value;
      DigestFile& earlier = digests_[later.previous];
      if (!stated || earlier.sha256.empty() || lowercase(*stated) == earlier.sha256) continue;
      if (earlier.status == FindingStatus::kInvalid) {
        earlier.reason += "; its hash doesn't match the next digest's previousDigestHashValue";
      } else if (later.status == FindingStatus::kValid) {
        fail(earlier, FindingStatus::kInvalid, "hash value doesn't match the next digest's previousDigestHashValue");
      } else {
        // The earlier digest is proven (its signature came from `later`): `later` is wrong.
        fail(later, FindingStatus::kInvalid, "previousDigestHashValue doesn't match the previous digest");
      }
    }
  }

  // ---- digest findings ------------------------------------------------------------------------

  Finding digest_finding(const DigestFile& d) const {
    Finding finding;
    finding.kind = FindingKind::kDigest;
    finding.bucket = bucket_of(d);
    finding.key = d.key;
    if (!d.outside) finding.path = d.path;
    if (d.chain) {
      finding.backfill = d.chain->backfill;
      finding.folder = d.chain->folder;
      finding.trail = d.chain->trail;
    }
    if (d.digest) {
      finding.start = parse_iso8601(d.digest->digest_start_time);
      finding.end = parse_iso8601(d.digest->digest_end_time);
    }
    finding.time = d.name ? d.name->end : finding.end.value_or(0);
    return finding;
  }

  void report_digests() {
    for (const DigestFile& d : digests_) {
      if (!d.reported) continue;
      Finding finding = digest_finding(d);
      if (!d.gzip && d.digest) ++report_.inflated_files;
      for (const std::string& warning : d.warnings) {
        Finding note = finding;
        note.status = FindingStatus::kWarning;
        note.reason = warning;
        add(std::move(note));
      }
      finding.status = d.status;
      finding.reason = d.reason;
      if (!d.read_error.empty()) report_.errors.push_back(make_error(d.path, d.read_error));
      if (d.status == FindingStatus::kValid) note_found(finding);
      add(std::move(finding));
      report_link(d);
    }
  }

  /// A link that leads nowhere in the mirror. Links from invalid digests are not followed, as the
  /// AWS CLI does not follow them (continuity still counts what they would have led to).
  void report_link(const DigestFile& d) {
    if (d.link == LinkEnd::kFollowed || d.link == LinkEnd::kBeforeRange || d.status == FindingStatus::kInvalid) return;
    const Digest& digest = *d.digest;
    Finding finding = digest_finding(d);
    finding.key = *digest.previous_digest_s3_object;
    finding.bucket = digest.previous_digest_s3_bucket.value_or(finding.bucket);
    finding.path = join(finding.key);
    finding.start.reset();
    finding.end.reset();
    if (const std::optional<DigestKey> name = parse_digest_key(finding.key)) {
      finding.time = name->end;
      finding.end = name->end;
    }
    if (d.link == LinkEnd::kOtherBucket) {
      finding.status = FindingStatus::kNote;
      finding.reason = fmt::format("not in this mirror: the chain continues in bucket {}", finding.bucket);
    } else if (d.link == LinkEnd::kMissing) {
      finding.status = FindingStatus::kInvalid;
      finding.reason = "not found";
    } else {
      finding.status = FindingStatus::kInvalid;
      finding.reason = d.link_reason;
      finding.path.clear();
    }
    add(std::move(finding));
  }

  void note_found(const Finding& finding) {
    if (!finding.start || !finding.end) return;
    const UnixSeconds start = options_.range.start ? std::max(*finding.start, *options_.range.start) : *finding.start;
    const UnixSeconds end = options_.range.end ? std::min(*finding.end, *options_.range.end) : *finding.end;
    report_.found_start = report_.found_start ? std::min(*report_.found_start, start) : start;
    report_.found_end = report_.found_end ? std::max(*report_.found_end, end) : end;
  }

  // ---- chains ---------------------------------------------------------------------------------

  UnixSeconds end_of(const DigestFile& d) const {
    if (d.digest) {
      if (auto end = parse_iso8601(d.digest->digest_end_time)) return *end;
    }
    return d.name->end;
  }

  Finding chain_finding(const ChainId& chain, FindingKind kind) const {
    Finding finding;
    finding.kind = kind;
    finding.backfill = chain.backfill;
    finding.folder = chain.folder;
    finding.trail = chain.trail;
    finding.bucket = mirror_bucket_;
    finding.key = chain.folder.account_path() + "CloudTrail-Digest/" + chain.folder.region + "/";
    finding.path = join(finding.key);
    return finding;
  }

  /// Looks at each pair of consecutive digests of a chain, oldest first: a restart is a gap
  /// (the AWS CLI's message); time no digest covers, beyond what was reported missing, is
  /// digests missing by continuity (which the AWS CLI does not see, aws-cli issue 7054).
  void walk_chain(const ChainId& chain, const std::vector<std::size_t>& members) {
    for (std::size_t i = 1; i < members.size(); ++i) {
      const DigestFile& older = digests_[members[i - 1]];
      const DigestFile& newer = digests_[members[i]];
      const UnixSeconds older_end = end_of(older);
      UnixSeconds covered_from = newer.name->end - kDigestPeriod;  // unknown: a nominal hour
      if (newer.digest) {
        const Digest& digest = *newer.digest;
        covered_from = parse_iso8601(digest.digest_start_time).value_or(covered_from);
        if (!digest.previous_digest_s3_object) {
          Finding gap = chain_finding(chain, FindingKind::kGap);
          gap.status = FindingStatus::kNote;
          gap.start = older.name->end;
          gap.end = covered_from;
          gap.time = covered_from;
          gap.reason = fmt::format("No log files were delivered by CloudTrail between {} and {}",
                                   format_iso8601(older.name->end), format_iso8601(covered_from));
          add(std::move(gap));
          continue;
        }
        if (newer.previous == members[i - 1]) {
          if (std::abs(covered_from - older_end) > kContinuitySlack) {
            Finding warning = digest_finding(newer);
            warning.status = FindingStatus::kWarning;
            warning.reason = fmt::format("digestStartTime {} is not the previous digest's digestEndTime {}",
                                         digest.digest_start_time, format_iso8601(older_end));
            add(std::move(warning));
          }
          continue;
        }
        if (newer.link == LinkEnd::kOtherBucket || newer.previous != SIZE_MAX) continue;
        const bool reported_missing = newer.status != FindingStatus::kInvalid &&
                                      (newer.link == LinkEnd::kMissing || newer.link == LinkEnd::kOutside);
        if (reported_missing) {
          const std::optional<DigestKey> missing = parse_digest_key(*digest.previous_digest_s3_object);
          covered_from = (missing ? missing->end : covered_from) - kDigestPeriod;
        }
      }
      const UnixSeconds hole = covered_from - older_end;
      if (hole <= kContinuitySlack) continue;
      Finding finding = chain_finding(chain, FindingKind::kChain);
      finding.status = FindingStatus::kInvalid;
      finding.missing = std::max<UnixSeconds>(1, (hole + kDigestPeriod / 2) / kDigestPeriod);
      finding.start = older_end;
      finding.end = covered_from;
      finding.time = covered_from;
      finding.reason = fmt::format("trail {}: no digest file covers {} to {}: about {} missing", chain.trail,
                                   format_iso8601(older_end), format_iso8601(covered_from),
                                   finding.missing);
      add(std::move(finding));
    }
    if (options_.range.end && !members.empty()) {
      const DigestFile& newest = digests_[members.back()];
      if (newest.name->end + kDigestPeriod < *options_.range.end) {
        Finding finding = chain_finding(chain, FindingKind::kChain);
        finding.status = FindingStatus::kWarning;
        finding.start = newest.name->end;
        finding.end = *options_.range.end;
        finding.time = newest.name->end;
        finding.reason = fmt::format("trail {}: the newest digest file ends at {}, before --end-time {}",
                                     chain.trail, format_iso8601(newest.name->end),
                                     format_iso8601(*options_.range.end));
        add(std::move(finding));
      }
    }
  }

  // ---- log files ------------------------------------------------------------------------------

  void hash_log(LogFile& log, Buffers& buffers) const {
    const ResolvedKey where = resolve(log.key);
    if (where.place == KeyPlace::kMissing) {
      log.problem = "not found";
      return;
    }
    if (where.place == KeyPlace::kOutside) {
      log.problem = outside_reason(where);
      log.outside = true;
      return;
    }
    const LoadedBytes loaded = load_bytes(options_.root, where.path, options_.limits, buffers);
    log.problem = loaded.problem;
    log.unreadable = loaded.unreadable;
    log.gzip = loaded.gzip;
    log.bytes = loaded.bytes.size();
    if (!log.problem.empty()) return;
    if (loaded.trailing_data) {
      log.problem = "unexpected data after end of compressed stream";
      return;
    }
    log.sha256 = sha256_hex(loaded.bytes);
  }

  /// Periods verified standard digests cover, merged, by folder: a log file delivered inside one
  /// and listed by no digest is forged.
  std::map<TrailFolder, std::vector<std::pair<UnixSeconds, UnixSeconds>>> verified_coverage() const {
    std::map<TrailFolder, std::vector<std::pair<UnixSeconds, UnixSeconds>>> coverage;
    for (const DigestFile& d : digests_) {
      if (!d.reported || d.status != FindingStatus::kValid || !d.chain || d.chain->backfill) continue;
      const auto start = parse_iso8601(d.digest->digest_start_time);
      const auto end = parse_iso8601(d.digest->digest_end_time);
      if (start && end) coverage[d.chain->folder].emplace_back(*start, *end);
    }
    for (auto& [folder, periods] : coverage) {
      std::sort(periods.begin(), periods.end());
      std::vector<std::pair<UnixSeconds, UnixSeconds>> merged;
      for (const auto& period : periods) {
        if (!merged.empty() && period.first <= merged.back().second) {
          merged.back().second = std::max(merged.back().second, period.second);
        } else {
          merged.push_back(period);
        }
      }
      periods = std::move(merged);
    }
    return coverage;
  }

  void check_logs() {
    std::map<std::string, LogFile> logs;  // by key
    std::set<std::string_view> listed_later;  // by the first digest after the range
    for (std::size_t i = 0; i < digests_.size(); ++i) {
      const DigestFile& d = digests_[i];
      if (!d.digest) continue;
      if (!d.reported) {
        for (const DigestLogFile& entry : d.digest->log_files) {
          account_for(entry.s3_object);
          listed_later.insert(entry.s3_object);
        }
        continue;
      }
      for (const DigestLogFile& entry : d.digest->log_files) {
        account_for(entry.s3_object);
        LogFile& log = logs[entry.s3_object];
        if (log.key.empty()) {
          log.key = entry.s3_object;
          log.bucket = entry.s3_bucket;
          log.name = parse_log_key(entry.s3_object);
          log.oldest_event = parse_iso8601(entry.oldest_event_time);
          log.newest_event = parse_iso8601(entry.newest_event_time);
          if (!log.name && d.chain) log.name = LogKey{d.chain->folder, end_of(d)};
        }
        if (d.status == FindingStatus::kInvalid) {
          log.listed_by_invalid = true;
        } else {
          log.listings.push_back({i, lowercase(entry.hash_value)});
        }
      }
    }
    std::vector<LogFile*> to_hash;
    for (auto& [key, log] : logs) {
      if (!log.listings.empty()) to_hash.push_back(&log);
    }
    in_parallel(
        0, to_hash.size(), [&](std::size_t item, Buffers& buffers) { hash_log(*to_hash[item], buffers); },
        [&](std::size_t item) {
          report_.log_bytes += to_hash[item]->bytes;
          if (progress_) progress_(item + 1, to_hash.size(), report_.log_bytes);
        });

    const auto coverage = verified_coverage();
    for (std::size_t index : found_logs_) {
      const std::string& key = files_[index].key;
      if (listed_later.contains(key)) continue;
      LogFile& log = logs[key];
      if (!log.listings.empty()) {
        log.found = true;
        continue;
      }
      if (excluded(key)) {
        ++report_.excluded_files;
        continue;
      }
      log.found = true;
      log.key = key;
      log.bucket = mirror_bucket_;
      log.name = parse_log_key(key);
    }
    for (auto& [key, log] : logs) report_log(log, coverage);
  }

  void report_log(const LogFile& log,
                  const std::map<TrailFolder, std::vector<std::pair<UnixSeconds, UnixSeconds>>>& coverage) {
    Finding finding;
    finding.kind = FindingKind::kLog;
    finding.bucket = log.bucket;
    finding.key = log.key;
    if (!log.outside) finding.path = join(log.key);
    finding.start = log.oldest_event;
    finding.end = log.newest_event;
    if (log.name) {
      finding.folder = log.name->folder;
      finding.time = log.name->delivered;
    }
    if (log.listings.empty()) {
      if (!log.found) return;  // listed only by invalid digests, and not in the mirror
      bool covered = false;
      if (auto periods = coverage.find(log.name->folder); periods != coverage.end()) {
        for (const auto& [start, end] : periods->second) {
          covered = covered || (start <= log.name->delivered && log.name->delivered + kDeliveryDelay <= end);
        }
      }
      finding.status = covered ? FindingStatus::kInvalid : FindingStatus::kUnverified;
      finding.reason = covered ? "not listed in any digest file, though verified digest files cover its delivery time"
                       : log.listed_by_invalid ? "listed only in INVALID digest files"
                                               : "not listed in any digest file";
      add(std::move(finding));
      return;
    }
    if (!log.gzip && log.problem.empty()) ++report_.inflated_files;
    if (log.unreadable) report_.errors.push_back(make_error(finding.path, log.problem));
    bool verified = false;
    bool matches = true;
    for (const Listing& listing : log.listings) {
      verified = verified || digests_[listing.digest].status == FindingStatus::kValid;
      matches = matches && listing.hash == log.sha256;
    }
    if (!log.problem.empty()) {
      finding.status = FindingStatus::kInvalid;
      finding.reason = log.problem;
    } else if (!matches) {
      finding.status = FindingStatus::kInvalid;
      finding.reason = "hash value doesn't match";
    } else if (!verified) {
      finding.status = FindingStatus::kUnverified;
      finding.reason = "listed only in digest files that could not be verified";
    }
    add(std::move(finding));
  }

  // ---- files that are neither ------------------------------------------------------------------

  /// Notes that a file of the mirror is a digest or a log file a digest lists.
  void account_for(const std::string& key) {
    if (auto found = file_index_.find(key); found != file_index_.end()) accounted_[found->second] = true;
  }

  /// Every other file of the mirror: one that filter would read as events is a forged log file
  /// (INVALID); anything else is listed (UNVERIFIED), unless excluded on purpose.
  void report_unexpected_files() {
    const std::set<std::string> own_keys = mirror_keys(options_.root, options_.own_files);
    for (std::size_t i = 0; i < files_.size(); ++i) {
      const MirrorFile& file = files_[i];
      if (accounted_[i] || own_keys.contains(file.key)) continue;
      if (excluded(file.key)) {
        ++report_.excluded_files;
        continue;
      }
      Finding finding;
      finding.bucket = mirror_bucket_;
      finding.key = file.key;
      finding.path = join(file.key);
      const std::string name = file.key.substr(file.key.rfind('/') + 1);
      if (is_event_file_name(name)) {
        finding.kind = FindingKind::kLog;
        finding.status = FindingStatus::kInvalid;
        finding.reason = "not a CloudTrail log file that any digest lists";
        if (!file.not_a_file.empty()) finding.reason += " (" + file.not_a_file + ")";
      } else {
        finding.kind = FindingKind::kOther;
        finding.status = FindingStatus::kUnverified;
        finding.reason = file.not_a_file.empty() ? "not a CloudTrail log or digest file" : file.not_a_file;
      }
      add(std::move(finding));
    }
  }

  /// --exclude: a glob with a '/' is matched against the whole key, one without against the
  /// file name, as rsync and .gitignore do.
  bool excluded(const std::string& key) const {
    const std::string_view name = std::string_view(key).substr(key.rfind('/') + 1);
    return std::any_of(options_.exclude.begin(), options_.exclude.end(), [&](const std::string& glob) {
      return glob_match(glob, glob.find('/') == std::string::npos ? name : std::string_view(key), false);
    });
  }

  // ---- the report -----------------------------------------------------------------------------

  void add(Finding finding) { report_.findings.push_back(std::move(finding)); }

  void finish() {
    for (const Finding& finding : report_.findings) {
      FindingCounts* counts = finding.kind == FindingKind::kLog     ? &report_.logs
                              : finding.kind == FindingKind::kOther ? &report_.others
                              : finding.backfill                    ? &report_.backfill_digests
                                                                    : &report_.digests;
      if (finding.kind == FindingKind::kChain && finding.status == FindingStatus::kInvalid) {
        counts->invalid += finding.missing;
      }
      if (finding.kind == FindingKind::kGap || finding.kind == FindingKind::kChain) continue;
      if (finding.status == FindingStatus::kValid) ++counts->valid;
      if (finding.status == FindingStatus::kInvalid) ++counts->invalid;
      if (finding.status == FindingStatus::kUnverified) ++counts->unverified;
    }
    auto order = [](const Finding& f) {
      return std::tie(f.folder.prefix, f.folder.org_id, f.folder.account, f.folder.region, f.time, f.kind,
                      f.backfill, f.trail, f.key, f.status);
    };
    std::stable_sort(report_.findings.begin(), report_.findings.end(),
                     [&](const Finding& a, const Finding& b) { return order(a) < order(b); });
  }

  const ValidationOptions& options_;
  const Keyring& keys_;
  const SignatureMap& signatures_;
  const ValidationProgress& progress_;

  std::vector<MirrorFile> files_;
  std::unordered_map<std::string, std::size_t> file_index_;
  std::vector<DigestFile> digests_;
  std::unordered_map<std::string, std::size_t> digest_index_;
  std::map<ChainId, std::vector<std::size_t>> chains_;  ///< reported digests, oldest first
  std::set<TrailFolder> log_folders_;
  std::vector<std::size_t> found_logs_;  ///< file indexes of log files in range
  std::vector<bool> accounted_;          ///< by file index: a digest, or a log file a digest lists
  std::vector<Buffers> buffers_;
  std::string mirror_bucket_;
  ValidationReport report_;
};

}  // namespace

std::string Finding::s3_uri() const { return fmt::format("s3://{}/{}", bucket, key); }

bool ValidationReport::found_no_digests() const {
  return digests.total() == 0 && backfill_digests.total() == 0;
}

bool ValidationReport::failed(bool strict) const {
  if (strict && found_no_digests()) return true;
  return std::any_of(findings.begin(), findings.end(), [&](const Finding& finding) {
    return finding.status == FindingStatus::kInvalid || (strict && finding.status == FindingStatus::kUnverified);
  });
}

Result<ValidationReport> validate_mirror(const ValidationOptions& options, const Keyring& keys,
                                         const SignatureMap& signatures, const ValidationProgress& progress) {
  return Validator(options, keys, signatures, progress).run();
}

}  // namespace trailsift
