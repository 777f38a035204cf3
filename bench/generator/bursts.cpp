// SPDX-License-Identifier: MIT
#include "bursts.hpp"

#include <charconv>
#include <utility>

#include <fmt/format.h>

#include "actors.hpp"
#include "background.hpp"
#include "failures.hpp"
#include "trailsift/time.hpp"

namespace trailsift::generator {
namespace {

std::optional<std::uint32_t> parse_count(std::string_view text, std::uint32_t lo,
                                         std::uint32_t hi) {
  std::uint32_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < lo ||
      value > hi) {
    return std::nullopt;
  }
  return value;
}

FailureKind failure_kind(Err error) {
  switch (error) {
    case Err::kThrottling:
    case Err::kRequestLimitExceeded:
    case Err::kSlowDown: return FailureKind::kThrottled;
    case Err::kNoSuchBucket:
    case Err::kNoSuchKey:
    case Err::kNoSuchBucketPolicy:
    case Err::kNoSuchEntity:
    case Err::kResourceNotFound:
    case Err::kParameterNotFound:
    case Err::kInstanceNotFound:
    case Err::kDbInstanceNotFound: return FailureKind::kNotFound;
    default: return FailureKind::kDenied;
  }
}

}  // namespace

std::optional<std::uint64_t> parse_thousandths(std::string_view text) {
  const std::size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if (whole.empty() || fraction.size() > 3 || (dot != std::string_view::npos && fraction.empty()) ||
      whole.size() > 9) {
    return std::nullopt;
  }
  std::uint64_t value = 0;
  for (const char c : whole) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  for (const char c : fraction) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  for (std::size_t decimals = fraction.size(); decimals < 3; ++decimals) value *= 10;
  return value;
}

std::string format_thousandths(std::uint64_t value) {
  std::string text = fmt::format("{}.{:03}", value / 1000, value % 1000);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

Result<Burst> parse_burst(std::string_view spec, std::uint32_t accounts, std::uint32_t regions) {
  const auto fail = [spec](std::string_view why) {
    return make_error("", fmt::format("--burst '{}': {}", spec, why));
  };
  Burst burst;
  bool have_event = false, have_start = false;
  std::string_view region = "us-east-1";
  std::string_view rest = spec;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? "" : rest.substr(comma + 1);
    const std::size_t equals = item.find('=');
    if (equals == std::string_view::npos) return fail(fmt::format("'{}' is not KEY=VALUE", item));
    const std::string_view key = item.substr(0, equals), value = item.substr(equals + 1);
    if (key == "event") {
      const std::optional<Ev> ev = find_event(value);
      if (!ev) return fail(fmt::format("no event named '{}'", value));
      burst.ev = *ev;
      have_event = true;
    } else if (key == "start") {
      const Result<UnixSeconds> start = parse_time_argument(value, RangeEnd::kStart);
      if (!start) return fail(start.error().message);
      burst.start = *start - ((*start % 60) + 60) % 60;
      have_start = true;
    } else if (key == "minutes") {
      const std::optional<std::uint32_t> minutes = parse_count(value, 1, 100'000);
      if (!minutes) return fail("minutes must be a whole number from 1 to 100000");
      burst.minutes = *minutes;
    } else if (key == "factor") {
      const std::optional<std::uint32_t> factor = parse_count(value, 2, 1000);
      if (!factor) return fail("factor must be a whole number from 2 to 1000");
      burst.factor = *factor;
    } else if (key == "per-minute") {
      const std::optional<std::uint64_t> rate = parse_thousandths(value);
      if (!rate || *rate == 0 || *rate > 100'000'000) {
        return fail("per-minute must be a number from 0.001 to 100000 (3 decimals at most)");
      }
      burst.per_minute_milli = *rate;
    } else if (key == "error") {
      burst.error = find_error(value);
      if (!burst.error)
        return fail(fmt::format("'{}' is not an error code the generator knows", value));
    } else if (key == "account") {
      const std::optional<std::uint32_t> account = parse_count(value, 1, accounts);
      if (!account) return fail(fmt::format("account must be from 1 to {}", accounts));
      burst.account = *account - 1;
    } else if (key == "region") {
      region = value;
    } else {
      return fail(fmt::format("unknown key '{}'", key));
    }
  }
  if (!have_event || !have_start || burst.minutes == 0) {
    return fail("event=, start= and minutes= are required");
  }
  if ((burst.factor == 0) == (burst.per_minute_milli == 0)) {
    return fail("give one of factor= and per-minute=");
  }
  bool region_found = false;
  for (std::uint32_t r = 0; r < regions && !region_found; ++r) {
    if (kRegions[r].name == region) {
      burst.region = r;
      region_found = true;
    }
  }
  if (!region_found) return fail(fmt::format("region '{}' is not one of the mirror's", region));
  const EventSpec& spec_ = spec_of(burst.ev);
  if (spec_.principal_weight == 0 || burst.ev == Ev::ConsoleLogin) {
    return fail(fmt::format("{} is not an API call principals make", spec_.name));
  }
  if ((spec_.flags & kGlobal) && burst.region != 0) {
    return fail(fmt::format("{} is recorded in us-east-1 only", spec_.name));
  }
  if ((spec_.flags & kManagementOnly) && burst.account != 0) {
    return fail(fmt::format("{} happens in the management account (1) only", spec_.name));
  }
  return burst;
}

BurstActor burst_actor(const World& world, const Burst& burst, std::size_t index) {
  const Account& acct = world.accounts[burst.account];
  if (index % 2 == 0) {
    const std::size_t user = acct.machine_users[index / 2 % acct.machine_users.size()];
    return {&acct.users[user], nullptr};
  }
  for (const Role& role : acct.roles) {
    if (role.kind == RoleKind::kCi)
      return {&role.sessions[index / 2 % role.sessions.size()], &role};
  }
  return {&acct.users[acct.machine_users.front()],
          nullptr};  // unreachable: every account has CI roles
}

void fill_burst_call(const Ctx& c, Record& r, const Burst& burst, const BurstActor& actor) {
  r.ev = burst.ev;
  r.read_only = (spec_of(r.ev).flags & kReadOnly) != 0;
  r.tls_suite =
      static_cast<std::uint8_t>(c.rng.below(static_cast<std::uint32_t>(kTlsSuites.size())));
  act_as(c, r, *actor.principal, actor.role);
  fill_body(c, r);
  if (burst.error) {
    apply_failure(c, r, failure_kind(*burst.error));
    r.error = *burst.error;  // the storm's code, even where the service would word it otherwise
  }
  set_vpc_endpoint(c, r);
  r.event_version = event_version_for(spec_of(r.ev).service);
}

}  // namespace trailsift::generator
