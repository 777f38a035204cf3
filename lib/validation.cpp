// SPDX-License-Identifier: MIT
// Validating a mirror in passes, so that the result never depends on the order files are met:
//   1. list the mirror; sort digest files into chains (folder, trail, home region, backfill) and
//      keep those in range; note the log files;
//   2. load the digests in parallel (inflate the first gzip member, hash, parse), then load
//      whatever they point to that is inside the mirror, until nothing new is pointed to;
//   3. verify each digest (verify_digest) with the signatures it can have: the
//      previousDigestSignature of every digest pointing to it, and the saved S3 signature;
//      cross-check previousDigestHashValue;
//   4. walk each chain in time order for gaps, continuity holes and an early end
//      (validation_chains.cpp);
//   5. hash the listed log files in parallel; classify the log files no digest lists, and every
//      other file of the mirror (validation_logs.cpp).
#include "trailsift/validation.hpp"

#include <algorithm>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "trailsift/ascii.hpp"
#include "trailsift/parallel.hpp"
#include "validation_internal.hpp"

namespace trailsift {
namespace validation_detail {
namespace {

bool wanted(const std::vector<std::string>& allowed, const std::string& value) {
  return allowed.empty() || std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

}  // namespace

/// Whether the spec selects the files of this folder (key prefix, account, region).
bool selects_folder(const ValidationSpec& spec, const TrailFolder& folder) {
  return (!spec.prefix || folder.prefix == *spec.prefix) && wanted(spec.accounts, folder.account) &&
         wanted(spec.regions, folder.region);
}

bool selects_chain(const ValidationSpec& spec, const DigestKey& name) {
  return selects_folder(spec, name.folder) && (spec.trail.empty() || name.trail == spec.trail) &&
         (spec.home_region.empty() || name.home_region == spec.home_region);
}

/// Counts the findings and sorts them by folder, time, kind and key; the errors by path.
void finish_report(ValidationReport& report) {
  for (const Finding& finding : report.findings) {
    FindingCounts* counts = finding.kind == FindingKind::kLog     ? &report.logs
                            : finding.kind == FindingKind::kOther ? &report.others
                            : finding.backfill                    ? &report.backfill_digests
                                                                  : &report.digests;
    if (finding.kind == FindingKind::kChain && finding.status == FindingStatus::kInvalid) {
      counts->invalid += finding.missing;
    }
    if (finding.kind == FindingKind::kGap || finding.kind == FindingKind::kChain) continue;
    if (finding.status == FindingStatus::kValid) ++counts->valid;
    if (finding.status == FindingStatus::kInvalid) ++counts->invalid;
    if (finding.status == FindingStatus::kUnverified) ++counts->unverified;
  }
  auto order = [](const Finding& f) {
    return std::tie(f.folder.prefix, f.folder.org_id, f.folder.account, f.folder.region, f.time,
                    f.kind, f.backfill, f.trail, f.key, f.status);
  };
  std::stable_sort(report.findings.begin(), report.findings.end(),
                   [&](const Finding& a, const Finding& b) { return order(a) < order(b); });
  std::sort(report.errors.begin(), report.errors.end(), [](const Error& a, const Error& b) {
    return std::tie(a.path, a.message) < std::tie(b.path, b.message);
  });
}

std::string outside_reason(const ResolvedKey& where) {
  return "leads outside the mirror (" + where.reason + "): not read";
}

UnixSeconds end_of(const DigestFile& d) {
  if (d.digest) {
    if (auto end = parse_iso8601(d.digest->digest_end_time)) return *end;
  }
  return d.name->end;
}

Result<Workers> Workers::create(unsigned threads) {
  Workers workers;
  for (unsigned i = 0; i < std::clamp(threads, 1u, kMaxThreads); ++i) {
    Result<Hasher> sha256 = Hasher::create(HashAlgorithm::kSha256);
    if (!sha256) return sha256.error();
    workers.buffers_.push_back({ByteBuffer(), ByteBuffer(), std::move(*sha256)});
  }
  return workers;
}

Status Workers::run(std::size_t count, const std::function<void(std::size_t, Buffers&)>& work,
                    const std::function<void(std::size_t)>& done) {
  return run_in_order(
      count, static_cast<unsigned>(buffers_.size()), buffers_.size() * 4,
      [&](std::size_t item, std::size_t, unsigned worker) { work(item, buffers_[worker]); },
      [&](std::size_t item, std::size_t) {
        if (done) done(item);
      });
}

Run::Run(const ValidationSpec& run_spec, std::vector<MirrorFile> mirror_files)
    : spec(run_spec),
      files(std::move(mirror_files)),
      accounted(files.size(), false),
      remembered(files.size(), false) {
  for (std::size_t i = 0; i < files.size(); ++i) file_index.emplace(files[i].key, i);
}

std::string Run::join(std::string_view key) const {
  std::string path = spec.root;
  if (!path.empty() && path.back() != '/') path += '/';
  path += key;
  return path;
}

ResolvedKey Run::resolve(std::string_view key) const {
  auto found = file_index.find(std::string(key));
  if (found != file_index.end() && !files[found->second].symlink &&
      files[found->second].not_a_file.empty()) {
    return {KeyPlace::kInside, join(key), ""};
  }
  return resolve_mirror_key(spec.root, key);
}

LoadedFile Run::load(const std::string& key, const ResolvedKey& where, bool digest,
                     Buffers& buffers) const {
  LoadedFile loaded;
  const KnownFile* known = nullptr;
  if (auto listed = file_index.find(key); listed != file_index.end()) {
    loaded.reading.listed = true;
    loaded.reading.size = files[listed->second].size;
    if (spec.known) {
      auto entry = spec.known->files.find(key);
      if (entry != spec.known->files.end() && entry->second.digest_json.has_value() == digest) {
        known = &entry->second;
      }
    }
  }
  if (known && known->size != loaded.reading.size) {
    loaded.reading.changed = true;
    known = nullptr;
  }
  if (known && picked_for_recheck(key, spec.recheck_fraction, spec.recheck_seed)) {
    loaded.reading.rechecked = true;
  } else if (known) {
    // A digest's bytes are hashed again (its signature covers the hash); a log file's hash is
    // taken as known: what --state saves reading.
    loaded.reading.known = true;
    loaded.gzip = known->gzip;
    loaded.trailing_data = known->trailing_data;
    if (!digest) {
      loaded.sha256 = known->sha256;
      return loaded;
    }
    loaded.bytes = *known->digest_json;
  }
  if (!loaded.reading.known) {
    if (Status read = read_mirror_file(spec.root, where.path, spec.limits, buffers.raw); !read) {
      loaded.unreadable = true;
      loaded.problem = "cannot be read: " + read.error().message;
    } else {
      loaded.gzip = is_gzip(buffers.raw.view());
      loaded.bytes = buffers.raw.view();
    }
    if (loaded.problem.empty() && loaded.gzip) {
      Result<std::size_t> used =
          inflate_gzip_member(buffers.raw.view(), spec.limits, buffers.inflated);
      if (used) {
        loaded.trailing_data = *used < buffers.raw.size();
        loaded.bytes = buffers.inflated.view();
      } else {
        loaded.problem = "invalid format: " + used.error().message;
      }
    }
  }
  if (loaded.problem.empty()) {
    Result<std::string> sha256 = buffers.sha256.hex(loaded.bytes);
    if (sha256) {
      loaded.sha256 = std::move(*sha256);
    } else {
      loaded.unreadable = true;
      loaded.problem = "cannot be hashed: " + sha256.error().message;
    }
  }
  if (loaded.reading.rechecked) {
    loaded.reading.differed =
        !loaded.problem.empty() || loaded.gzip != known->gzip ||
        (digest ? loaded.bytes != *known->digest_json : loaded.sha256 != known->sha256);
  }
  return loaded;
}

void Run::remember(const std::string& key, const Reading& reading, std::optional<KnownFile> file) {
  if (!report.state_use) return;
  StateUse& use = *report.state_use;
  use.known += reading.known;
  use.read += !reading.known && reading.listed;
  use.changed += reading.changed;
  use.rechecked += reading.rechecked;
  use.differed += reading.differed;
  if (!reading.listed) return;
  remembered[file_index.at(key)] = true;
  if (spec.record_state && file) {
    file->size = reading.size;
    report.state.files.insert_or_assign(key, std::move(*file));
  }
}

void Run::account_for(const std::string& key) {
  if (auto found = file_index.find(key); found != file_index.end()) accounted[found->second] = true;
}

/// The bucket a digest is reported in: --s3-bucket, else the one it names.
std::string bucket_of(const Run& run, const DigestFile& digest) {
  if (run.spec.s3_bucket) return *run.spec.s3_bucket;
  if (digest.digest) return digest.digest->digest_s3_bucket;
  for (std::size_t next : digest.next) {
    if (run.digests[next].digest && run.digests[next].digest->previous_digest_s3_bucket) {
      return *run.digests[next].digest->previous_digest_s3_bucket;
    }
  }
  return run.bucket;
}

Finding digest_finding(const Run& run, const DigestFile& d) {
  Finding finding;
  finding.kind = FindingKind::kDigest;
  finding.bucket = bucket_of(run, d);
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

}  // namespace validation_detail

namespace {

using namespace validation_detail;

// ---- discovery ----------------------------------------------------------------------------------

/// Digest keys by chain, as (end time, key), and the folders they are in.
struct NamedDigests {
  std::map<ChainId, std::vector<std::pair<UnixSeconds, std::string>>> chains;
  std::set<TrailFolder> folders;

  void add(const ValidationSpec& spec, const std::string& key) {
    const std::optional<DigestKey> name = parse_digest_key(key);
    if (!name || !selects_chain(spec, *name)) return;
    chains[ChainId{name->folder, name->trail, name->home_region, name->backfill}].emplace_back(
        name->end, key);
    folders.insert(name->folder);
  }
};

std::size_t add_digest(Run& run, const std::string& key, std::optional<ChainId> chain,
                       bool reported) {
  DigestFile digest;
  digest.key = key;
  digest.path = run.join(key);
  digest.name = parse_digest_key(key);
  digest.chain = std::move(chain);
  digest.reported = reported;
  run.account_for(key);
  run.digests.push_back(std::move(digest));
  return run.digests.size() - 1;
}

void discover(Run& run, const SignatureMap& signatures) {
  const ValidationSpec& spec = run.spec;
  NamedDigests named;
  for (std::size_t i = 0; i < run.files.size(); ++i) {
    const std::string& key = run.files[i].key;
    if (!run.files[i].not_a_file.empty()) continue;
    if (parse_digest_key(key)) {
      run.accounted[i] = true;
      named.add(spec, key);
    } else if (std::optional<LogKey> log = parse_log_key(key)) {
      run.accounted[i] = true;
      if (selects_folder(spec, log->folder) && spec.range.contains(log->delivered)) {
        run.found_logs.push_back(i);
      }
    }
  }
  // Log files do not name their trail: with a trail filter, only the folders of its digests.
  if (!spec.trail.empty() || !spec.home_region.empty()) {
    std::erase_if(run.found_logs, [&](std::size_t i) {
      return !named.folders.contains(parse_log_key(run.files[i].key)->folder);
    });
  }
  // A saved signature is an anchor: its digest must be in the mirror (it then loads as
  // "not found"), even when no other digest names it, as the newest of a chain.
  for (const auto& [name, saved] : signatures) {
    std::string_view key = name;
    if (key.starts_with("s3://")) {
      const std::size_t slash = key.find('/', 5);
      if (slash == std::string_view::npos) continue;
      if (spec.s3_bucket && key.substr(5, slash - 5) != *spec.s3_bucket) continue;
      key.remove_prefix(slash + 1);
    }
    if (!run.file_index.contains(std::string(key))) named.add(spec, std::string(key));
  }
  for (auto& [chain, keys] : named.chains) {
    std::vector<std::size_t>& members = run.chains[chain];
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (const auto& [end, key] : keys) {
      if (spec.range.start && end < *spec.range.start) continue;
      // As the AWS CLI: a digest ending up to an hour after --end-time still covers it.
      const bool reported = !spec.range.end || end <= *spec.range.end + kDigestPeriod;
      const std::size_t digest = add_digest(run, key, chain, reported);
      if (!reported) break;  // the first digest after the range: only its signature is used
      members.push_back(digest);
    }
  }
}

// ---- loading ------------------------------------------------------------------------------------

void load_digest(const Run& run, DigestFile& digest, Buffers& buffers) {
  const ResolvedKey where = run.resolve(digest.key);
  if (where.place != KeyPlace::kInside) {
    digest.not_read = where.place == KeyPlace::kMissing ? "not found" : outside_reason(where);
    digest.outside = where.place == KeyPlace::kOutside;
    return;
  }
  const LoadedFile loaded = run.load(digest.key, where, true, buffers);
  digest.reading = loaded.reading;
  digest.gzip = loaded.gzip;
  digest.trailing_data = loaded.trailing_data;
  (loaded.unreadable ? digest.read_error : digest.format_error) = loaded.problem;
  if (!loaded.problem.empty()) return;
  digest.sha256 = loaded.sha256;
  Result<Digest> parsed = parse_digest(loaded.bytes);
  if (parsed) {
    digest.digest = std::move(*parsed);
    if (run.spec.record_state) digest.json = loaded.bytes;
  } else {
    digest.format_error = parsed.error().message;
  }
}

/// Follows digest i's previousDigest* link, adding what it leads to when that is new.
void link(Run& run, const std::unordered_map<std::string, std::size_t>& by_key, std::size_t i) {
  DigestFile& d = run.digests[i];
  if (!d.digest || !d.digest->previous_digest_s3_object) return;
  const std::string key = *d.digest->previous_digest_s3_object;
  const std::string bucket =
      d.digest->previous_digest_s3_bucket.value_or(d.digest->digest_s3_bucket);
  const std::string own_bucket = d.digest->digest_s3_bucket;
  if (auto found = by_key.find(key); found != by_key.end()) {
    d.previous = found->second;
    run.digests[found->second].next.push_back(i);
    return;
  }
  const std::optional<DigestKey> name = parse_digest_key(key);
  if (run.spec.range.start && name && name->end < *run.spec.range.start) {
    d.link = LinkEnd::kBeforeRange;
    return;
  }
  const ResolvedKey where = run.resolve(key);
  const bool other_bucket = run.spec.s3_bucket
                                ? bucket != *run.spec.s3_bucket
                                : bucket != own_bucket && where.place != KeyPlace::kInside;
  if (other_bucket) {
    d.link = LinkEnd::kOtherBucket;
  } else if (where.place == KeyPlace::kMissing) {
    d.link = LinkEnd::kMissing;
  } else if (where.place == KeyPlace::kOutside) {
    d.link = LinkEnd::kOutside;
    d.link_reason = outside_reason(where);
  } else if (d.reported) {
    std::optional<ChainId> chain = d.chain;
    if (name) chain = ChainId{name->folder, name->trail, name->home_region, name->backfill};
    const std::size_t added = add_digest(run, key, std::move(chain), true);  // may move d
    run.digests[i].previous = added;
    run.digests[added].next.push_back(i);
  }
}

/// Loads the digests found by the walk, then those they link to that the walk did not find
/// (links through symbolic links, names not in the digest pattern), until none is new.
Status load_chain_digests(Run& run, Workers& workers) {
  std::unordered_map<std::string, std::size_t> by_key;
  std::size_t loaded = 0;
  while (loaded < run.digests.size()) {
    const std::size_t first = loaded;
    loaded = run.digests.size();
    for (std::size_t i = first; i < loaded; ++i) by_key.emplace(run.digests[i].key, i);
    Status ran = workers.run(loaded - first, [&](std::size_t item, Buffers& buffers) {
      load_digest(run, run.digests[first + item], buffers);
    });
    if (!ran) return ran;
    for (std::size_t i = first; i < loaded; ++i) {
      DigestFile& d = run.digests[i];
      std::optional<KnownFile> known;
      if (d.digest) known = KnownFile{0, "", d.gzip, d.trailing_data, std::move(d.json)};
      run.remember(d.key, d.reading, std::move(known));
      const std::size_t before = run.digests.size();
      link(run, by_key, i);
      for (std::size_t added = before; added < run.digests.size(); ++added)
        by_key.emplace(run.digests[added].key, added);
    }
  }
  return {};
}

/// The mirror's bucket when nothing else says: --s3-bucket, else the bucket most digests name,
/// else the mirror directory's name (as `aws s3 sync s3://BUCKET BUCKET` makes it).
std::string mirror_bucket(const Run& run) {
  if (run.spec.s3_bucket) return *run.spec.s3_bucket;
  std::map<std::string, std::size_t> votes;
  for (const DigestFile& digest : run.digests) {
    if (digest.digest) ++votes[digest.digest->digest_s3_bucket];
  }
  if (!votes.empty()) {
    return std::max_element(votes.begin(), votes.end(),
                            [](const auto& a, const auto& b) { return a.second < b.second; })
        ->first;
  }
  std::string root = run.spec.root;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  const std::size_t slash = root.rfind('/');
  return slash == std::string::npos ? root : root.substr(slash + 1);
}

// ---- verification -------------------------------------------------------------------------------

void verify(const Run& run, DigestFile& d, const Keyring& keys, const SignatureMap& signatures) {
  const std::string& unread = !d.not_read.empty()     ? d.not_read
                              : !d.read_error.empty() ? d.read_error
                                                      : d.format_error;
  if (!d.digest || !unread.empty()) {
    d.status = FindingStatus::kInvalid;
    d.reason = unread;
    return;
  }
  DigestEvidence evidence;
  evidence.key = d.key;
  if (d.name) evidence.named_end = d.name->end;
  // The AWS CLI names the trail's home region; the key that signs a digest is the one of the
  // region it was delivered from, so that is the list the user needs.
  evidence.region = d.chain ? d.chain->folder.region : "unknown";
  evidence.sha256 = d.sha256;
  evidence.trailing_data = d.trailing_data;
  evidence.bucket = run.spec.s3_bucket;
  for (std::size_t next : d.next) {
    const DigestFile& later = run.digests[next];
    if (later.digest && later.digest->previous_digest_signature) {
      evidence.chain_signatures.push_back(*later.digest->previous_digest_signature);
    }
  }
  evidence.saved = find_signature(signatures, bucket_of(run, d), d.key);
  DigestVerdict verdict = verify_digest(*d.digest, evidence, keys);
  d.status = verdict.status;
  d.reason = std::move(verdict.reason);
  d.warnings = std::move(verdict.warnings);
  d.signature = std::move(verdict.signature);
}

/// previousDigestHashValue is the second proof of a digest's bytes: it must match when the
/// digest that states it is not itself invalid.
void cross_check_hashes(Run& run) {
  for (DigestFile& later : run.digests) {
    if (!later.reported || later.previous == SIZE_MAX || later.status == FindingStatus::kInvalid)
      continue;
    const std::optional<std::string>& stated = later.digest->previous_digest_hash_value;
    DigestFile& earlier = run.digests[later.previous];
    if (!stated || earlier.sha256.empty() || ascii_lowercase(*stated) == earlier.sha256) continue;
    if (earlier.status == FindingStatus::kInvalid) {
      earlier.reason += "; its hash doesn't match the next digest's previousDigestHashValue";
    } else if (later.status == FindingStatus::kValid) {
      earlier.status = FindingStatus::kInvalid;
      earlier.reason = "hash value doesn't match the next digest's previousDigestHashValue";
    } else {
      // The earlier digest is proven (its signature came from `later`): `later` is wrong.
      later.status = FindingStatus::kInvalid;
      later.reason = "previousDigestHashValue doesn't match the previous digest";
    }
  }
}

// ---- digest findings ----------------------------------------------------------------------------

/// Widens the period the report found valid digests for, within the requested range.
void note_found(Run& run, const Finding& finding) {
  if (!finding.start || !finding.end) return;
  const TimeRange& range = run.spec.range;
  const UnixSeconds start = range.start ? std::max(*finding.start, *range.start) : *finding.start;
  const UnixSeconds end = range.end ? std::min(*finding.end, *range.end) : *finding.end;
  ValidationReport& report = run.report;
  report.found_start = report.found_start ? std::min(*report.found_start, start) : start;
  report.found_end = report.found_end ? std::max(*report.found_end, end) : end;
}

/// A link that leads nowhere in the mirror. Links from invalid digests are not followed, as the
/// AWS CLI does not follow them (continuity still counts what they would have led to).
void report_link(Run& run, const DigestFile& d) {
  if (d.link == LinkEnd::kFollowed || d.link == LinkEnd::kBeforeRange ||
      d.status == FindingStatus::kInvalid)
    return;
  const Digest& digest = *d.digest;
  Finding finding = digest_finding(run, d);
  finding.key = *digest.previous_digest_s3_object;
  finding.bucket = digest.previous_digest_s3_bucket.value_or(finding.bucket);
  finding.path = run.join(finding.key);
  finding.start.reset();
  finding.end.reset();
  if (const std::optional<DigestKey> name = parse_digest_key(finding.key)) {
    finding.time = name->end;
    finding.end = name->end;
  }
  if (d.link == LinkEnd::kOtherBucket) {
    finding.status = FindingStatus::kNote;
    finding.reason =
        fmt::format("not in this mirror: the chain continues in bucket {}", finding.bucket);
  } else if (d.link == LinkEnd::kMissing) {
    finding.status = FindingStatus::kInvalid;
    finding.reason = "not found";
  } else {
    finding.status = FindingStatus::kInvalid;
    finding.reason = d.link_reason;
    finding.path.clear();
  }
  run.add(std::move(finding));
}

void report_digests(Run& run) {
  for (const DigestFile& d : run.digests) {
    if (!d.reported) continue;
    Finding finding = digest_finding(run, d);
    if (!d.gzip && d.digest) ++run.report.inflated_files;
    for (const std::string& warning : d.warnings) {
      Finding note = finding;
      note.status = FindingStatus::kWarning;
      note.reason = warning;
      run.add(std::move(note));
    }
    finding.status = d.status;
    finding.reason = d.reason;
    if (!d.read_error.empty()) run.report.errors.push_back(make_error(d.path, d.read_error));
    if (d.status == FindingStatus::kValid) note_found(run, finding);
    run.add(std::move(finding));
    report_link(run, d);
  }
}

// ---- the report ---------------------------------------------------------------------------------

/// Warnings about times, the name's and the key's: never failures, as for the AWS CLI.
void add_time_warnings(std::vector<std::string>& warnings, const Digest& digest,
                       const DigestEvidence& evidence, const PublicKeyEntry& key) {
  const std::optional<UnixSeconds> end = parse_iso8601(digest.digest_end_time);
  if (evidence.named_end && end != evidence.named_end) {
    warnings.push_back(
        fmt::format("digestEndTime {} is not the time in its name", digest.digest_end_time));
  }
  std::optional<UnixSeconds> signed_at = end;
  if (evidence.saved && !evidence.saved->backfill_generation_timestamp.empty()) {
    signed_at = parse_iso8601(evidence.saved->backfill_generation_timestamp);
  }
  if (signed_at && ((key.valid_from && *signed_at < *key.valid_from) ||
                    (key.valid_until && *signed_at > *key.valid_until))) {
    warnings.push_back(fmt::format("signed at {}, outside the validity of public key {} ({} to {})",
                                   format_iso8601(*signed_at), key.fingerprint,
                                   key.valid_from ? format_iso8601(*key.valid_from) : "?",
                                   key.valid_until ? format_iso8601(*key.valid_until) : "?"));
  }
}

}  // namespace

DigestVerdict verify_digest(const Digest& digest, const DigestEvidence& evidence,
                            const Keyring& keys) {
  DigestVerdict verdict;
  auto fail = [&](FindingStatus status, std::string reason) {
    verdict.status = status;
    verdict.reason = std::move(reason);
    return verdict;
  };
  if (evidence.trailing_data) {
    verdict.warnings.push_back(
        "unexpected data after end of compressed stream (ignored, as the AWS CLI does: "
        "the signature covers the first gzip member only)");
  }
  if (digest.digest_s3_object != evidence.key ||
      (evidence.bucket && digest.digest_s3_bucket != *evidence.bucket)) {
    return fail(FindingStatus::kInvalid, "has been moved from its original location");
  }
  const PublicKeyEntry* key = keys.find(digest.digest_public_key_fingerprint);
  if (!key) {
    return fail(FindingStatus::kInvalid,
                fmt::format("public key not found in region {} for fingerprint {}", evidence.region,
                            digest.digest_public_key_fingerprint));
  }
  if (!key->key) return fail(FindingStatus::kInvalid, key->problem);

  // Where the signature comes from: the digests that link here, and the saved S3 metadata.
  std::set<std::string> from_chain;
  for (const std::string& signature : evidence.chain_signatures)
    from_chain.insert(ascii_lowercase(signature));
  const SavedSignature* saved = evidence.saved;
  if (from_chain.size() > 1) {
    return fail(FindingStatus::kInvalid,
                "the digest files that follow it disagree about its signature");
  }
  if (!from_chain.empty() && saved && ascii_lowercase(saved->signature) != *from_chain.begin()) {
    return fail(
        FindingStatus::kInvalid,
        "its signature in --signatures differs from the next digest's previousDigestSignature");
  }
  add_time_warnings(verdict.warnings, digest, evidence, *key);
  if (from_chain.empty() && !saved) {
    return fail(
        FindingStatus::kUnverified,
        "no signature offline: no later digest file links to it and --signatures has none for it");
  }
  const std::optional<std::string> signature =
      hex_decode(from_chain.empty() ? saved->signature : *from_chain.begin());
  if (!signature) {
    return fail(FindingStatus::kInvalid,
                from_chain.empty()
                    ? "its signature in --signatures is not hexadecimal"
                    : "the next digest's previousDigestSignature is not hexadecimal");
  }
  if (Status verified =
          key->key->verify(digest_signing_string(digest, evidence.sha256), *signature);
      !verified) {
    return fail(FindingStatus::kInvalid, verified.error().message);
  }
  if (saved && !saved->algorithm.empty() && saved->algorithm != "SHA256withRSA") {
    verdict.warnings.push_back(
        fmt::format("signature-algorithm is {}, not SHA256withRSA", saved->algorithm));
  }
  if (!digest.digest_signature_algorithm.empty() &&
      digest.digest_signature_algorithm != "SHA256withRSA") {
    verdict.warnings.push_back(fmt::format("digestSignatureAlgorithm is {}, not SHA256withRSA",
                                           digest.digest_signature_algorithm));
  }
  verdict.signature = ascii_lowercase(from_chain.empty() ? saved->signature : *from_chain.begin());
  return verdict;
}

std::string Finding::s3_uri() const { return fmt::format("s3://{}/{}", bucket, key); }

bool ValidationReport::found_no_digests() const {
  return digests.total() == 0 && backfill_digests.total() == 0;
}

bool ValidationReport::failed(bool strict) const {
  if (strict && found_no_digests()) return true;
  return std::any_of(findings.begin(), findings.end(), [&](const Finding& finding) {
    return finding.status == FindingStatus::kInvalid ||
           (strict && finding.status == FindingStatus::kUnverified);
  });
}

Result<ValidationReport> validate_mirror(const ValidationSpec& spec, const Keyring& keys,
                                         const SignatureMap& signatures,
                                         const ValidationProgress& progress) {
  Result<std::vector<MirrorFile>> listing = list_mirror(spec.root);
  if (!listing) return listing.error();
  Result<Workers> workers = Workers::create(spec.threads);
  if (!workers) return workers.error();
  Run run(spec, std::move(*listing));
  if (spec.known || spec.record_state) {
    run.report.state_use = StateUse{};
    run.report.state_use->recheck_fraction = spec.recheck_fraction;
    run.report.state_use->recheck_seed = spec.recheck_seed;
  }

  discover(run, signatures);
  if (Status loaded = load_chain_digests(run, *workers); !loaded) return loaded.error();
  run.bucket = mirror_bucket(run);
  if (Status matches = check_known_state(run); !matches) return matches.error();
  Status verified = workers->run(run.digests.size(), [&](std::size_t i, Buffers&) {
    verify(run, run.digests[i], keys, signatures);
  });
  if (!verified) return verified.error();
  cross_check_hashes(run);
  report_digests(run);
  walk_chains(run);
  if (Status checked = check_logs(run, *workers, progress); !checked) return checked.error();
  report_unexpected_files(run);
  record_state(run);
  finish_report(run.report);
  return std::move(run.report);
}

}  // namespace trailsift
