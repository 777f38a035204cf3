// SPDX-License-Identifier: MIT
// The chain walk of validate_mirror: each chain of digests, oldest first, for what single digests
// cannot show: restarts, time no digest covers (deletions the AWS CLI does not see), an early end.
#include <cstdlib>

#include <fmt/format.h>

#include "validation_internal.hpp"

namespace trailsift::validation_detail {
namespace {

/// Digest boundaries that differ by less than this are the same instant for continuity.
constexpr UnixSeconds kContinuitySlack = 300;

Finding chain_finding(const Run& run, const ChainId& chain, FindingKind kind) {
  Finding finding;
  finding.kind = kind;
  finding.backfill = chain.backfill;
  finding.folder = chain.folder;
  finding.trail = chain.trail;
  finding.bucket = run.bucket;
  finding.key = chain.folder.account_path() + "CloudTrail-Digest/" + chain.folder.region + "/";
  finding.path = run.join(finding.key);
  return finding;
}

/// Looks at each pair of consecutive digests of a chain, oldest first: a restart is a gap (the
/// AWS CLI's message); time no digest covers, beyond what was reported missing, is digests
/// missing by continuity (which the AWS CLI does not see, aws-cli issue 7054).
void walk_chain(Run& run, const ChainId& chain, const std::vector<std::size_t>& members) {
  for (std::size_t i = 1; i < members.size(); ++i) {
    const DigestFile& older = run.digests[members[i - 1]];
    const DigestFile& newer = run.digests[members[i]];
    const UnixSeconds older_end = end_of(older);
    UnixSeconds covered_from = newer.name->end - kDigestPeriod;  // unknown: a nominal hour
    if (newer.digest) {
      const Digest& digest = *newer.digest;
      covered_from = parse_iso8601(digest.digest_start_time).value_or(covered_from);
      if (!digest.previous_digest_s3_object) {
        Finding gap = chain_finding(run, chain, FindingKind::kGap);
        gap.status = FindingStatus::kNote;
        gap.start = older.name->end;
        gap.end = covered_from;
        gap.time = covered_from;
        gap.reason = fmt::format("No log files were delivered by CloudTrail between {} and {}",
                                 format_iso8601(older.name->end), format_iso8601(covered_from));
        run.add(std::move(gap));
        continue;
      }
      if (newer.previous == members[i - 1]) {
        if (std::abs(covered_from - older_end) > kContinuitySlack) {
          Finding warning = digest_finding(run, newer);
          warning.status = FindingStatus::kWarning;
          warning.reason =
              fmt::format("digestStartTime {} is not the previous digest's digestEndTime {}",
                          digest.digest_start_time, format_iso8601(older_end));
          run.add(std::move(warning));
        }
        continue;
      }
      if (newer.link == LinkEnd::kOtherBucket || newer.previous != SIZE_MAX) continue;
      const bool reported_missing =
          newer.status != FindingStatus::kInvalid &&
          (newer.link == LinkEnd::kMissing || newer.link == LinkEnd::kOutside);
      if (reported_missing) {
        const std::optional<DigestKey> missing =
            parse_digest_key(*digest.previous_digest_s3_object);
        covered_from = (missing ? missing->end : covered_from) - kDigestPeriod;
      }
    }
    const UnixSeconds hole = covered_from - older_end;
    if (hole <= kContinuitySlack) continue;
    Finding finding = chain_finding(run, chain, FindingKind::kChain);
    finding.status = FindingStatus::kInvalid;
    finding.missing = std::max<UnixSeconds>(1, (hole + kDigestPeriod / 2) / kDigestPeriod);
    finding.start = older_end;
    finding.end = covered_from;
    finding.time = covered_from;
    finding.reason =
        fmt::format("trail {}: no digest file covers {} to {}: about {} missing", chain.trail,
                    format_iso8601(older_end), format_iso8601(covered_from), finding.missing);
    run.add(std::move(finding));
  }
  const std::optional<UnixSeconds>& range_end = run.spec.range.end;
  if (range_end && !members.empty()) {
    const DigestFile& newest = run.digests[members.back()];
    if (newest.name->end + kDigestPeriod < *range_end) {
      Finding finding = chain_finding(run, chain, FindingKind::kChain);
      finding.status = FindingStatus::kWarning;
      finding.start = newest.name->end;
      finding.end = *range_end;
      finding.time = newest.name->end;
      finding.reason =
          fmt::format("trail {}: the newest digest file ends at {}, before --end-time {}",
                      chain.trail, format_iso8601(newest.name->end), format_iso8601(*range_end));
      run.add(std::move(finding));
    }
  }
}

}  // namespace

void walk_chains(Run& run) {
  for (const auto& [chain, members] : run.chains) walk_chain(run, chain, members);
}

}  // namespace trailsift::validation_detail
