// SPDX-License-Identifier: MIT
// Injected bursts (--burst): one API called far more often than usual for a while, or failing
// with one error code (an error storm), in one account and region, by one principal. They give
// `trailsift insights` something known to find.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog.hpp"
#include "organization.hpp"
#include "record.hpp"
#include "services.hpp"
#include "trailsift/result.hpp"

namespace trailsift::generator {

/// One burst as given on the command line.
struct Burst {
  Ev ev = Ev::GetObject;
  std::optional<Err> error;   ///< set: an error storm, every injected call fails with it
  std::uint32_t account = 0;  ///< index into World::accounts
  std::uint32_t region = 0;   ///< index into World::regions
  std::int64_t start = 0;     ///< epoch seconds, a whole minute
  std::uint32_t minutes = 0;
  std::uint32_t factor = 0;            ///< the API at `factor` times its usual rate, or 0 and:
  std::uint64_t per_minute_milli = 0;  ///< this many more calls per minute (x1000)

  std::int64_t end() const { return start + std::int64_t{minutes} * 60; }
};

/// Parses `event=NAME,start=TIME,minutes=M,factor=N` (or `per-minute=R` for factor), with
/// optional `error=CODE`, `account=K` (1-based, default 1) and `region=NAME` (default
/// us-east-1), for a mirror of `accounts` accounts and the first `regions` regions.
Result<Burst> parse_burst(std::string_view spec, std::uint32_t accounts, std::uint32_t regions);

/// A decimal number with at most three decimals ("2", "0.25"), in thousandths.
std::optional<std::uint64_t> parse_thousandths(std::string_view text);

/// Thousandths as a decimal number: 2500 is "2.5".
std::string format_thousandths(std::uint64_t value);

/// The principal that makes a burst's calls: the account's machine users for even bursts, a
/// CI role session for odd ones (by position on the command line).
struct BurstActor {
  const Principal* principal = nullptr;
  const Role* role = nullptr;  ///< set for a role session
};
BurstActor burst_actor(const World& world, const Burst& burst, std::size_t index);

/// Fills `r` (time, account and region set) as one of the burst's calls.
void fill_burst_call(const Ctx& c, Record& r, const Burst& burst, const BurstActor& actor);

}  // namespace trailsift::generator
