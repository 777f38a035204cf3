// SPDX-License-Identifier: MIT
// The simulated organization: its accounts, their users, roles and role sessions, the addresses
// they call from, and the resources their calls name. Built once from the seed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "random.hpp"
#include "vocabulary.hpp"

namespace trailsift::generator {

/// What a role is for: it decides its sessions' names, clients and addresses.
enum class RoleKind : std::uint8_t {
  kAdmin,
  kSso,
  kEc2,
  kLambda,
  kEcs,
  kCi,
  kThirdParty,
  kService
};

/// An IAM user, or one session of a role.
/// An IAM user, or one session of a role.
struct Principal {
  std::string name;          // user name or role session name
  std::string principal_id;  // AIDA... for users, AROA...:session for sessions
  std::string arn;
  std::vector<std::string> access_keys;  // AKIA... for users; one ASIA... for sessions
  ClientKind client = ClientKind::kCli;
  std::string_view user_agent;
  std::uint32_t ip = 0;  // index of the usual source address in World::ips
  std::uint32_t session_offset =
      0;  // how long before each hour the session credentials were minted
  bool human = false;
  bool mfa = false;
  std::size_t role = 0;  // owning role (sessions only)
};

/// A role, the same ~20 in every account, with its sessions.
struct Role {
  std::string name;
  std::string principal_id;  // AROA...
  std::string arn;
  RoleKind kind;
  std::uint32_t weight;
  std::vector<Principal> sessions;
  std::string_view service;  // for service roles: the service that uses the role
};

/// One account: its principals, roles and resources, and how busy it is.
struct Account {
  std::string id;
  std::string alias;
  std::string key_infix;  // real keys/IDs of one account share a middle part
  std::uint32_t weight = 0;
  bool management = false;  // the Organizations management account
  std::vector<Principal> users;
  std::vector<std::size_t> human_users;
  std::vector<std::size_t> machine_users;
  WeightedTable user_table;
  std::vector<Role> roles;
  WeightedTable role_table;
  std::vector<std::string> buckets;
  std::vector<std::string> secret_suffixes;
  std::string root_arn;
  std::string org_id;
  // --identities: many more users and role sessions, as large organizations have. A session's
  // Principal::role is its role's index in `roles`.
  std::vector<Principal> crowd_users;
  std::vector<Principal> crowd_sessions;
};

/// Where a source address is: the internet, AWS, a VPC (private) or IPv6.
enum class IpKind : std::uint8_t { kPublic, kAws, kPrivate, kIpv6 };

/// The whole simulated organization.
struct World {
  std::uint64_t seed = 0;
  std::vector<Account> accounts;
  std::vector<RegionInfo> regions;
  std::vector<std::string> ips;
  std::vector<IpKind> ip_kinds;
  std::array<std::vector<std::uint32_t>, 4> ips_by_kind;
  bool story_mode = false;  // example scenario: keep alarming events for the story only
};

/// An account whose identifiers are given, not drawn (the example's, which the README names).
struct FixedAccount {
  std::string_view id, alias, infix;
};

/// `prefix` + `infix` + random upper-case letters and digits, `total` characters in all: the
/// shape of access key IDs (AKIA..., ASIA...) and unique IDs (AIDA..., AROA...).
std::string make_id(Rng& rng, std::string_view prefix, std::string_view infix, std::size_t total);

/// The organization of `account_count` accounts in the first `region_count` regions of
/// kRegions; the first accounts take the identifiers of `fixed_accounts`. `story_mode` leaves
/// the alarming events to the example's story. `identities` adds that many users and role
/// sessions, spread over the accounts by weight, to the ~50 users and ~70 sessions there are
/// anyway.
World build_world(std::uint64_t seed, std::uint32_t account_count, std::uint32_t region_count,
                  std::span<const FixedAccount> fixed_accounts, bool story_mode,
                  std::uint32_t identities);

/// One of a crowd, the first ones far more often: a few principals are busy, most are seldom
/// seen, as in real organizations.
const Principal& pick_crowd(const std::vector<Principal>& crowd, Rng& rng);

}  // namespace trailsift::generator
