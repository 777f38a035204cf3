// SPDX-License-Identifier: MIT
// Writing the mirror: one 5-minute window after the other, each account and region's window in
// its own files, on all cores, and the summary of what was written.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "bursts.hpp"
#include "catalog.hpp"
#include "organization.hpp"
#include "story.hpp"

namespace trailsift::generator {

/// CloudTrail delivers a file per account and region about every five minutes.
inline constexpr std::int64_t kSlotSeconds = 300;

/// What to write, from the command line.
struct Settings {
  std::filesystem::path out;
  std::uint64_t size_bytes = 100'000'000;
  std::uint64_t seed = 1;
  std::uint32_t accounts = 4;
  std::uint32_t regions = 6;
  std::int64_t start = 0;
  bool plain = false;
  std::optional<std::filesystem::path> summary;
  std::uint32_t hours = 0;  // 0: stop on the size target instead
  std::uint32_t jobs = 0;
  bool example = false;
  std::uint64_t rate_percent_milli = 100'000;  // --rate-percent, in thousandths
  // Records per slot (x1000) for weights 1000/1000 at an hour factor of 100%.
  std::uint64_t base_rate_milli = 0;
  std::uint32_t identities = 0;  // --identities
  std::vector<Burst> bursts;     // --burst, in the order given
};

/// Counts of what was written.
struct Stats {
  std::uint64_t files = 0, records = 0, raw_bytes = 0, stored_bytes = 0;
  std::array<std::uint64_t, kEventCount> events{};
  std::array<std::uint64_t, kErrorCodes.size()> errors{};
  std::array<std::uint64_t, kIdentityNames.size()> identities{};
  std::vector<std::uint64_t> burst_calls;        // per burst: calls injected
  std::vector<std::uint64_t> burst_usual_milli;  // calls of that API expected meanwhile (x1000)

  void add(const Stats& o);
  void count(Ev ev, Err error, IdentityType type);
};

/// The whole mirror's counts, and the number of 5-minute windows it spans.
struct MirrorTotals {
  Stats stats;
  std::uint64_t slots = 0;
};

/// Writes the mirror into settings.out/AWSLogs, with the story's records in their windows.
/// nullopt after an I/O error, which is reported on stderr.
std::optional<MirrorTotals> write_mirror(const Settings& settings, const World& world,
                                         std::vector<StoryItem> story);

/// Writes the summary JSON (counts, time range, accounts, regions...) to `path`; throws on an
/// I/O error.
void write_summary(const std::filesystem::path& path, const Settings& settings, const World& world,
                   const MirrorTotals& totals);

}  // namespace trailsift::generator
