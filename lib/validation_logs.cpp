// SPDX-License-Identifier: MIT
// The log file checks of validate_mirror: every log file a digest lists is hashed once and
// compared with what each digest claims; a log file no digest lists is judged by the time
// verified digests cover; every other file of the mirror is reported.
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>

#include "trailsift/ascii.hpp"
#include "trailsift/text_pattern.hpp"
#include "validation_internal.hpp"

namespace trailsift::validation_detail {
namespace {

namespace fs = std::filesystem;

/// How long after the time in its name a log file may be delivered. A log file no digest lists
/// is called forged only when this whole window is covered by verified digests.
constexpr UnixSeconds kDeliveryDelay = 900;

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
  Reading reading;
  bool found = false;  ///< found by the walk, in range: reported even when no digest lists it
};

/// Periods verified standard digests cover, merged, by folder.
using Coverage = std::map<TrailFolder, std::vector<std::pair<UnixSeconds, UnixSeconds>>>;

void hash_log(const Run& run, LogFile& log, Buffers& buffers) {
  const ResolvedKey where = run.resolve(log.key);
  if (where.place == KeyPlace::kMissing) {
    log.problem = "not found";
    return;
  }
  if (where.place == KeyPlace::kOutside) {
    log.problem = outside_reason(where);
    log.outside = true;
    return;
  }
  const LoadedFile loaded = run.load(log.key, where, false, buffers);
  log.reading = loaded.reading;
  log.problem = loaded.problem;
  log.unreadable = loaded.unreadable;
  log.gzip = loaded.gzip;
  log.bytes = loaded.bytes.size();
  if (!log.problem.empty()) return;
  if (loaded.trailing_data) {
    log.problem = "unexpected data after end of compressed stream";
    return;
  }
  log.sha256 = loaded.sha256;
}

/// A log file delivered inside a period verified digests cover and listed by no digest is forged.
Coverage verified_coverage(const Run& run) {
  Coverage coverage;
  for (const DigestFile& d : run.digests) {
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

/// --exclude: a glob with a '/' is matched against the whole key, one without against the file
/// name, as rsync and .gitignore do.
bool excluded(const Run& run, const std::string& key) {
  const std::string_view name = std::string_view(key).substr(key.rfind('/') + 1);
  return std::any_of(
      run.spec.exclude.begin(), run.spec.exclude.end(), [&](const std::string& glob) {
        return glob_match(glob, glob.find('/') == std::string::npos ? name : std::string_view(key),
                          false);
      });
}

void report_log(Run& run, const LogFile& log, const Coverage& coverage) {
  Finding finding;
  finding.kind = FindingKind::kLog;
  finding.bucket = log.bucket;
  finding.key = log.key;
  if (!log.outside) finding.path = run.join(log.key);
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
        covered = covered ||
                  (start <= log.name->delivered && log.name->delivered + kDeliveryDelay <= end);
      }
    }
    finding.status = covered ? FindingStatus::kInvalid : FindingStatus::kUnverified;
    finding.reason = covered ? "not listed in any digest file, though verified digest files cover "
                               "its delivery time"
                     : log.listed_by_invalid ? "listed only in INVALID digest files"
                                             : "not listed in any digest file";
    run.add(std::move(finding));
    return;
  }
  if (!log.gzip && log.problem.empty()) ++run.report.inflated_files;
  if (log.unreadable) run.report.errors.push_back(make_error(finding.path, log.problem));
  bool verified = false;
  bool matches = true;
  for (const Listing& listing : log.listings) {
    verified = verified || run.digests[listing.digest].status == FindingStatus::kValid;
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
  run.add(std::move(finding));
}

/// The keys of those of `paths` that lie under `root`, compared as written (lexically): the
/// files a run reads besides the mirror may sit in it.
std::set<std::string> mirror_keys(const std::string& root, const std::vector<std::string>& paths) {
  std::set<std::string> keys;
  std::error_code error;
  const fs::path base = fs::absolute(root, error).lexically_normal();
  for (const std::string& path : paths) {
    const fs::path relative = fs::absolute(path, error).lexically_normal().lexically_relative(base);
    if (!error && !relative.empty() && *relative.begin() != "..")
      keys.insert(relative.generic_string());
  }
  return keys;
}

}  // namespace

Status check_logs(Run& run, Workers& workers, const ValidationProgress& progress) {
  std::unordered_map<std::string, LogFile> logs;  // by key; findings are sorted later
  std::set<std::string_view> listed_later;        // by the first digest after the range
  for (std::size_t i = 0; i < run.digests.size(); ++i) {
    const DigestFile& d = run.digests[i];
    if (!d.digest) continue;
    const bool invalid = d.status == FindingStatus::kInvalid;
    for (const DigestLogFile& entry : d.digest->log_files) {
      // What an INVALID digest lists is not accounted for: a file it names is reported on its own.
      if (!invalid) run.account_for(entry.s3_object);
      if (!d.reported) {
        listed_later.insert(entry.s3_object);
        continue;
      }
      LogFile& log = logs[entry.s3_object];
      if (log.key.empty()) {
        log.key = entry.s3_object;
        log.bucket = entry.s3_bucket;
        log.name = parse_log_key(entry.s3_object);
        log.oldest_event = parse_iso8601(entry.oldest_event_time);
        log.newest_event = parse_iso8601(entry.newest_event_time);
        if (!log.name && d.chain) log.name = LogKey{d.chain->folder, end_of(d)};
      }
      if (invalid) {
        log.listed_by_invalid = true;
      } else {
        log.listings.push_back({i, ascii_lowercase(entry.hash_value)});
      }
    }
  }
  std::vector<LogFile*> to_hash;
  for (auto& [key, log] : logs) {
    if (!log.listings.empty()) to_hash.push_back(&log);
  }
  Status hashed = workers.run(
      to_hash.size(),
      [&](std::size_t item, Buffers& buffers) { hash_log(run, *to_hash[item], buffers); },
      [&](std::size_t item) {
        const LogFile& log = *to_hash[item];
        std::optional<KnownFile> known;
        if (log.problem.empty()) known = KnownFile{0, log.sha256, log.gzip, false, std::nullopt};
        run.remember(log.key, log.reading, std::move(known));
        run.report.log_bytes += log.bytes;
        if (progress) progress(item + 1, to_hash.size(), run.report.log_bytes);
      });
  if (!hashed) return hashed;

  const Coverage coverage = verified_coverage(run);
  for (std::size_t index : run.found_logs) {
    const std::string& key = run.files[index].key;
    if (listed_later.contains(key)) continue;
    LogFile& log = logs[key];
    if (!log.listings.empty()) {
      log.found = true;
      continue;
    }
    if (excluded(run, key)) {
      ++run.report.excluded_files;
      continue;
    }
    log.found = true;
    log.key = key;
    log.bucket = run.bucket;
    log.name = parse_log_key(key);
  }
  for (auto& [key, log] : logs) report_log(run, log, coverage);
  return {};
}

void report_unexpected_files(Run& run) {
  const std::set<std::string> own_keys = mirror_keys(run.spec.root, run.spec.own_files);
  for (std::size_t i = 0; i < run.files.size(); ++i) {
    const MirrorFile& file = run.files[i];
    if (run.accounted[i] || own_keys.contains(file.key)) continue;
    if (excluded(run, file.key)) {
      ++run.report.excluded_files;
      ++run.report.excluded_outside_trails;
      continue;
    }
    Finding finding;
    finding.bucket = run.bucket;
    finding.key = file.key;
    finding.path = run.join(file.key);
    if (is_event_file_name(file.key.substr(file.key.rfind('/') + 1))) {
      finding.kind = FindingKind::kLog;
      finding.status = FindingStatus::kInvalid;
      finding.reason = "not a CloudTrail log file that any digest lists";
      if (!file.not_a_file.empty()) finding.reason += " (" + file.not_a_file + ")";
    } else {
      finding.kind = FindingKind::kOther;
      finding.status = FindingStatus::kUnverified;
      finding.reason =
          file.not_a_file.empty() ? "not a CloudTrail log or digest file" : file.not_a_file;
    }
    run.add(std::move(finding));
  }
}

}  // namespace trailsift::validation_detail
