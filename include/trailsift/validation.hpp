// SPDX-License-Identifier: MIT
// Offline validation of a CloudTrail bucket mirror: every digest chain it holds, every log file
// the digests list, and the log files no digest lists.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "trailsift/digest.hpp"
#include "trailsift/input.hpp"
#include "trailsift/result.hpp"
#include "trailsift/time.hpp"
#include "trailsift/validation_state.hpp"

namespace trailsift {

/// What to validate: a mirror, narrowed as `aws cloudtrail validate-logs` narrows it.
struct ValidationSpec {
  std::string root;                      ///< the mirror: a file's path under it is its S3 key
  std::optional<std::string> s3_bucket;  ///< the mirror's bucket; else each digest's own
  /// --s3-prefix: only the trails whose key prefix is this (with its trailing '/'; "" for none).
  std::optional<std::string> prefix;
  std::vector<std::string> accounts;  ///< only these accounts (empty: all)
  std::vector<std::string> regions;   ///< only digests and logs delivered from these regions
  std::string trail;                  ///< only this trail (empty: all)
  std::string home_region;            ///< only trails whose home region is this (empty: all)
  TimeRange range;                    ///< --start-time/--end-time, with the AWS CLI's meaning
  unsigned threads = 1;               ///< files are read, inflated and hashed on this many threads
  ReadLimits limits;                  ///< largest file accepted, inflated
  /// --exclude: globs of the files no digest lists that are not reported (a glob with a '/' is
  /// matched against the key, one without against the file name).
  std::vector<std::string> exclude;
  /// Files the run reads besides the mirror (keys, signatures): not reported if they sit in it.
  std::vector<std::string> own_files;
  /// --state: what earlier runs learned; a file it knows with the same size is not read again
  /// (nullptr: every file is read).
  const ValidationState* known = nullptr;
  bool record_state = false;       ///< fill ValidationReport::state, for the next run
  double recheck_fraction = 0;     ///< --recheck-fraction: known files read again all the same
  std::uint64_t recheck_seed = 0;  ///< picks them (see picked_for_recheck)
};

/// What a finding is about.
enum class FindingKind {
  kDigest,  ///< one digest file (see Finding::backfill)
  kLog,     ///< one log file
  kGap,     ///< a chain restarted: logging or validation was off in between
  kChain,   ///< a chain as a whole: digest files missing by continuity, or it ends early
  kOther,   ///< a file that is neither a CloudTrail log file nor a digest file
};

/// What was found. Exit status: any kInvalid is a failure; kUnverified fails with --strict.
enum class FindingStatus {
  kValid,       ///< proven authentic and unchanged
  kInvalid,     ///< tampered, missing, forged, unreadable or malformed
  kUnverified,  ///< no proof either way offline (no signature, or not listed by a verified digest)
  kWarning,     ///< odd but not disproving: e.g. data after a digest's gzip stream
  kNote,        ///< information: a gap, a chain continuing in another bucket
};

/// One line of the report.
struct Finding {
  FindingKind kind = FindingKind::kDigest;
  FindingStatus status = FindingStatus::kValid;
  bool backfill = false;  ///< about a backfill digest, or a backfill chain
  std::string bucket;     ///< S3 bucket of the file (see s3_uri)
  std::string key;        ///< S3 key of the file; a chain's digest folder for kChain
  std::string path;       ///< local path, root/key; empty when the key leads outside the mirror
  std::string reason;     ///< why (empty when valid); for kGap the whole sentence
  std::optional<UnixSeconds> start;  ///< digest period, log file events, or the interval at issue
  std::optional<UnixSeconds> end;
  TrailFolder folder;         ///< where it belongs, for sorting and reporting
  std::string trail;          ///< trail name, when known (digests, gaps, chains)
  UnixSeconds time = 0;       ///< the time it is sorted by within its folder
  std::uint64_t missing = 0;  ///< kChain: digest files estimated missing

  /// `s3://bucket/key`.
  std::string s3_uri() const;
};

/// How many files of one kind ended up in each state.
struct FindingCounts {
  std::uint64_t valid = 0;
  std::uint64_t invalid = 0;
  std::uint64_t unverified = 0;

  std::uint64_t total() const { return valid + invalid + unverified; }
};

/// How a run used --state, file by file.
struct StateUse {
  std::uint64_t known = 0;      ///< known and unchanged: not read
  std::uint64_t read = 0;       ///< read: new, changed, or picked for a recheck
  std::uint64_t changed = 0;    ///< of those read, known before with another size
  std::uint64_t rechecked = 0;  ///< of those read, known and unchanged but picked for a recheck
  std::uint64_t differed = 0;   ///< of the rechecked, those whose bytes are not what was known
  double recheck_fraction = 0;  ///< as ValidationSpec said
  std::uint64_t recheck_seed = 0;
};

/// Everything validation found, sorted by folder (prefix, organization, account, region), then
/// time, then kind and key: the same for any number of threads.
struct ValidationReport {
  std::vector<Finding> findings;
  FindingCounts digests;           ///< standard digest files (and those estimated missing)
  FindingCounts backfill_digests;  ///< backfill digest files
  FindingCounts logs;              ///< log files, each counted once however many digests list it
  FindingCounts others;            ///< files that are neither log nor digest files
  /// The period the valid digests cover, within the requested range (the AWS CLI's "found").
  std::optional<UnixSeconds> found_start;
  std::optional<UnixSeconds> found_end;
  std::vector<Error> errors;         ///< files that exist but could not be read, by path
  std::uint64_t inflated_files = 0;  ///< files stored without gzip compression, hashed as they are
  std::uint64_t log_bytes = 0;       ///< inflated bytes of log files hashed
  std::uint64_t excluded_files = 0;  ///< files no digest lists, not reported because of --exclude
  /// Of excluded_files, those outside every trail folder: every run over the mirror counts them,
  /// whatever its selection (a merge counts them once).
  std::uint64_t excluded_outside_trails = 0;
  std::optional<StateUse> state_use;  ///< with ValidationSpec::known or record_state
  ValidationState state;              ///< with ValidationSpec::record_state: what to save

  /// True when no digest file was found (in the selection): nothing was proven.
  bool found_no_digests() const;
  /// Whether the run failed: something is INVALID; with `strict`, also something UNVERIFIED,
  /// or no digest file found at all.
  bool failed(bool strict) const;
};

/// What verify_digest knows about one digest file besides its content.
struct DigestEvidence {
  std::string key;                       ///< where it is in the mirror: its S3 key
  std::optional<UnixSeconds> named_end;  ///< the end time in its file name, if named like a digest
  std::string region;                    ///< the region it was delivered from, for messages
  std::string sha256;                    ///< lowercase hex SHA-256 of its inflated bytes
  bool trailing_data = false;            ///< bytes follow its first gzip member
  std::optional<std::string> bucket;     ///< --s3-bucket: the bucket it must name
  /// The previousDigestSignature of every digest that names this one as its previous digest.
  std::vector<std::string> chain_signatures;
  const SavedSignature* saved = nullptr;  ///< its signature from --signatures, if any
};

/// What verify_digest concluded: the status, why (empty when valid), and warnings.
struct DigestVerdict {
  FindingStatus status = FindingStatus::kValid;
  std::string reason;
  std::vector<std::string> warnings;
  std::string signature;  ///< when valid: the signature (hex) that verified it
};

/// Checks a parsed digest as the AWS CLI does, in its order: where it is (`digestS3Object`,
/// and the bucket when one is required), its public key, then its signature, which comes from
/// the digests that link to it and from the saved metadata: they must agree, and without
/// either the digest is UNVERIFIED. Odd times and algorithms are warnings. Pure: no files.
DigestVerdict verify_digest(const Digest& digest, const DigestEvidence& evidence,
                            const Keyring& keys);

/// Called on the calling thread as log files are hashed: files done, files in all, bytes read.
using ValidationProgress =
    std::function<void(std::size_t done, std::size_t total, std::uint64_t bytes)>;

/// Validates the mirror at spec.root. Fails only when the root cannot be listed; problems
/// with the files in it are findings (and unreadable files are also in `errors`).
Result<ValidationReport> validate_mirror(const ValidationSpec& spec, const Keyring& keys,
                                         const SignatureMap& signatures,
                                         const ValidationProgress& progress = {});

/// What to put around the status words (`valid`, `INVALID`, `UNVERIFIED`, `WARNING`) of the
/// text layout, such as a terminal's colour codes. Empty: nothing.
struct StatusPaint {
  std::string_view valid;
  std::string_view invalid;
  std::string_view unverified;
  std::string_view warning;
  std::string_view reset;  ///< after a painted word
};

/// One finding in the AWS CLI's layout: `Digest file<TAB>s3://B/K<TAB>INVALID: reason`,
/// `(backfill) ` before backfill ones, and a gap as the CLI's sentence. No line break.
std::string format_finding(const Finding& finding, const StatusPaint& paint = {});

/// The AWS CLI's summary: `Results requested for ...`, then `Results found for ...:` (or why
/// not), then `N/M digest files valid, ...` for digests, backfill digests and log files.
std::string format_summary(const ValidationReport& report, const TimeRange& requested,
                           const StatusPaint& paint = {});

/// The version of `-o json` reports this build writes and the only one it merges.
inline constexpr std::uint64_t kReportVersion = 1;

/// A validation report with what it was made with: what its JSON holds.
struct ValidationRun {
  ValidationSpec spec;  ///< root, bucket, selection, range, --exclude, --max-size
  bool strict = false;  ///< --strict (the exit status depends on it)
  ValidationReport report;
};

/// The whole report as one JSON document: the version, the options the run was made with, the
/// requested and found periods, the totals, the errors, how --state was used, and every finding
/// (kind, status, reason, S3 URI, local path, account, region, trail, times): all that
/// merge_validation_runs needs. Ends in a newline.
std::string format_report_json(const ValidationRun& run);

/// Reads a report written by format_report_json (`report.state` stays empty, `log_bytes` 0).
/// Refuses another version, and totals that do not match the findings. Errors name what is
/// wrong, not the file.
Result<ValidationRun> parse_report_json(std::string_view text);

/// One report from reports of runs over shards of one mirror, one chain or more each: what one
/// run with the union of their selections writes. `names` name the reports in errors. Refuses
/// (naming the two reports) reports made with other options (root, bucket, time range,
/// --exclude, --max-size, --strict, --recheck-fraction and seed), and shards that overlap: a
/// chain (folder, trail, backfill), a digest or a log file in two reports. The files outside
/// every trail folder, which every shard sees, are reported once: as a run over all of them
/// reports them (only those no shard's digests list).
Result<ValidationRun> merge_validation_runs(std::vector<ValidationRun> runs,
                                            const std::vector<std::string>& names);

}  // namespace trailsift
