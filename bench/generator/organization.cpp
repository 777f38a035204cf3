// SPDX-License-Identifier: MIT
#include "organization.hpp"

#include <algorithm>
#include <array>
#include <iterator>
#include <utility>

#include <fmt/format.h>

namespace trailsift::generator {
namespace {

// The order in which function arguments are evaluated is unspecified (g++ goes last to first,
// clang first to last): two draws are never arguments of one call, so that every compiler
// writes the same mirror. Draws are made last to first, as g++ made them for the committed
// examples.

/// `first.last`
std::string human_name(Rng& rng) {
  const std::string_view last = rng.pick(kLastNames);
  return fmt::format("{}.{}", rng.pick(kFirstNames), last);
}

std::string random_ipv4(Rng& rng, IpKind kind) {
  static constexpr std::array<std::uint32_t, 24> kPublicFirst = {
      24, 38, 50, 63, 67,  71,  73,  76,  81,  84,  86,  88,
      90, 93, 95, 98, 104, 109, 151, 176, 178, 188, 212, 217};
  static constexpr std::array<std::uint32_t, 7> kAwsFirst = {3, 18, 34, 35, 44, 52, 54};
  std::uint32_t first = 10;
  if (kind == IpKind::kPublic) first = rng.pick(kPublicFirst);
  if (kind == IpKind::kAws) first = rng.pick(kAwsFirst);
  const std::uint32_t fourth = rng.between(1, 254);
  const std::uint32_t third = rng.below(256);
  return fmt::format("{}.{}.{}.{}", first, rng.below(256), third, fourth);
}

std::string random_ipv6(Rng& rng) {
  std::string s = rng.per_mille(500) ? "2600:1f18" : "2a02:8109";
  for (int i = 0; i < 6; ++i) fmt::format_to(std::back_inserter(s), ":{:x}", rng.below(0x10000));
  return s;
}

void build_ip_pool(World& world, Rng& rng) {
  // ~200 addresses: mostly public IPv4, then AWS-hosted, VPC-private and a few IPv6.
  const std::array<std::pair<IpKind, int>, 4> plan = {
      {{IpKind::kPublic, 110}, {IpKind::kAws, 50}, {IpKind::kPrivate, 20}, {IpKind::kIpv6, 20}}};
  for (const auto& [kind, count] : plan) {
    for (int i = 0; i < count; ++i) {
      std::string ip = kind == IpKind::kIpv6 ? random_ipv6(rng) : random_ipv4(rng, kind);
      if (std::find(world.ips.begin(), world.ips.end(), ip) != world.ips.end()) continue;
      world.ips_by_kind[static_cast<std::size_t>(kind)].push_back(
          static_cast<std::uint32_t>(world.ips.size()));
      world.ips.push_back(std::move(ip));
      world.ip_kinds.push_back(kind);
    }
  }
}

std::uint32_t pick_ip(World& world, Rng& rng, IpKind kind) {
  return rng.pick(world.ips_by_kind[static_cast<std::size_t>(kind)]);
}

std::string_view agent_for(ClientKind client, Rng& rng) {
  switch (client) {
    case ClientKind::kConsole: return "AWS Internal";
    case ClientKind::kCli: return rng.pick(kCliAgents);
    case ClientKind::kBoto3: return rng.pick(kBoto3Agents);
    case ClientKind::kGoSdk: return rng.pick(kGoAgents);
    case ClientKind::kJavaSdk: return rng.pick(kJavaAgents);
    case ClientKind::kNodeSdk: return rng.pick(kNodeAgents);
    case ClientKind::kTerraform: return kTerraformAgent;
    case ClientKind::kSsmAgent: return kSsmAgent;
    case ClientKind::kDatadog: return kDatadogAgent;
    case ClientKind::kService: return "AWS Internal";
  }
  return "AWS Internal";
}

struct RoleTemplate {
  std::string_view name;  // "{}" is replaced by 16 hex digits (SSO permission-set roles)
  RoleKind kind;
  std::uint32_t weight;
  std::string_view service;
};

constexpr std::array<RoleTemplate, 20> kRoleTemplates = {{
    {"OrganizationAccountAccessRole", RoleKind::kAdmin, 3, ""},
    {"AWSReservedSSO_AdministratorAccess_{}", RoleKind::kSso, 4, ""},
    {"AWSReservedSSO_ReadOnlyAccess_{}", RoleKind::kSso, 4, ""},
    {"AWSReservedSSO_PowerUserAccess_{}", RoleKind::kSso, 3, ""},
    {"app-server-instance-role", RoleKind::kEc2, 9, ""},
    {"batch-worker-instance-role", RoleKind::kEc2, 5, ""},
    {"AmazonSSMRoleForInstancesQuickSetup", RoleKind::kEc2, 6, ""},
    {"order-processor-lambda-role", RoleKind::kLambda, 8, ""},
    {"thumbnail-generator-lambda-role", RoleKind::kLambda, 6, ""},
    {"cloudtrail-log-shipper-role", RoleKind::kLambda, 4, ""},
    {"api-ecs-task-role", RoleKind::kEcs, 12, ""},
    {"github-actions-deploy", RoleKind::kCi, 5, ""},
    {"terraform-apply", RoleKind::kCi, 3, ""},
    {"DatadogIntegrationRole", RoleKind::kThirdParty, 8, ""},
    {"AWSServiceRoleForConfig", RoleKind::kService, 5, "config.amazonaws.com"},
    {"aws-controltower-AuditReadOnlyRole", RoleKind::kService, 2, "lambda.amazonaws.com"},
    {"AWSServiceRoleForAmazonGuardDuty", RoleKind::kService, 4, "guardduty.amazonaws.com"},
    {"AWSServiceRoleForSecurityHub", RoleKind::kService, 3, "securityhub.amazonaws.com"},
    {"data-pipeline-glue-role", RoleKind::kService, 3, "glue.amazonaws.com"},
    {"AWSBackupDefaultServiceRole", RoleKind::kService, 2, "backup.amazonaws.com"},
}};

Principal make_session(World& world, const Account& acct, const Role& role, std::size_t role_index,
                       Rng& rng, std::string session_name) {
  Principal s;
  s.name = std::move(session_name);
  s.principal_id = role.principal_id + ":" + s.name;
  s.arn = fmt::format("arn:aws:sts::{}:assumed-role/{}/{}", acct.id, role.name, s.name);
  s.access_keys.push_back(make_id(rng, "ASIA", acct.key_infix, 20));
  s.session_offset = rng.between(30, 3500);
  s.role = role_index;
  switch (role.kind) {
    case RoleKind::kAdmin:
    case RoleKind::kSso:
      s.human = true;
      s.mfa = rng.per_mille(700);
      s.client = rng.per_mille(500) ? ClientKind::kConsole : ClientKind::kCli;
      s.ip = pick_ip(world, rng, rng.per_mille(850) ? IpKind::kPublic : IpKind::kIpv6);
      break;
    case RoleKind::kEc2:
      s.client = role.name.starts_with("AmazonSSM") ? ClientKind::kSsmAgent
                 : rng.per_mille(500)               ? ClientKind::kBoto3
                                                    : ClientKind::kJavaSdk;
      s.ip = pick_ip(world, rng, rng.per_mille(600) ? IpKind::kAws : IpKind::kPrivate);
      break;
    case RoleKind::kLambda:
      s.client = rng.per_mille(500) ? ClientKind::kNodeSdk : ClientKind::kBoto3;
      s.ip = pick_ip(world, rng, IpKind::kAws);
      break;
    case RoleKind::kEcs:
      s.client = ClientKind::kJavaSdk;
      s.ip = pick_ip(world, rng, rng.per_mille(500) ? IpKind::kAws : IpKind::kPrivate);
      break;
    case RoleKind::kCi:
      s.client = role.name == "terraform-apply" ? ClientKind::kTerraform : ClientKind::kCli;
      s.ip = pick_ip(world, rng, IpKind::kAws);
      break;
    case RoleKind::kThirdParty:
      s.client = ClientKind::kDatadog;
      s.ip = pick_ip(world, rng, IpKind::kAws);
      break;
    case RoleKind::kService: s.client = ClientKind::kService; break;
  }
  s.user_agent = agent_for(s.client, rng);
  return s;
}

void add_session(World& world, Account& acct, Role& role, std::size_t role_index, Rng& rng,
                 std::string session_name) {
  role.sessions.push_back(
      make_session(world, acct, role, role_index, rng, std::move(session_name)));
}

void build_account(World& world, Account& acct, std::size_t index, std::uint32_t total_weight,
                   const std::vector<std::string>& humans_pool, std::size_t& next_human, Rng& rng) {
  acct.root_arn = fmt::format("arn:aws:iam::{}:root", acct.id);
  acct.management = index == 0;
  acct.org_id = "o-" + random_string(rng, "abcdefghijklmnopqrstuvwxyz0123456789", 10);

  // Users: about 50 across the organization, spread by account activity.
  const std::uint32_t user_count = std::max<std::uint32_t>(4, 50 * acct.weight / total_weight);
  std::vector<std::uint32_t> user_weights;
  for (std::uint32_t i = 0; i < user_count; ++i) {
    Principal u;
    const bool service_user = i % 5 == 3 || i % 5 == 4;  // 40% machine users
    if (service_user) {
      u.name = std::string(kServiceUsers[(index * 3 + i) % kServiceUsers.size()]);
      if (std::any_of(acct.users.begin(), acct.users.end(),
                      [&](const Principal& p) { return p.name == u.name; })) {
        u.name += fmt::format("-{}", i);
      }
    } else {
      u.name = humans_pool[next_human++ % humans_pool.size()];
      u.human = true;
    }
    u.principal_id = make_id(rng, "AIDA", acct.key_infix, 21);
    u.arn = fmt::format("arn:aws:iam::{}:user/{}", acct.id, u.name);
    if (u.human) {
      u.mfa = rng.per_mille(850);
      u.ip = pick_ip(world, rng, rng.per_mille(880) ? IpKind::kPublic : IpKind::kIpv6);
      u.client = rng.per_mille(600) ? ClientKind::kConsole : ClientKind::kCli;
      if (u.client == ClientKind::kCli || rng.per_mille(300)) {
        u.access_keys.push_back(make_id(rng, "AKIA", acct.key_infix, 20));
      }
    } else {
      static constexpr std::array<ClientKind, 5> kMachineClients = {
          ClientKind::kTerraform, ClientKind::kBoto3, ClientKind::kGoSdk, ClientKind::kCli,
          ClientKind::kJavaSdk};
      u.client = rng.pick(kMachineClients);
      u.ip = pick_ip(world, rng, rng.per_mille(700) ? IpKind::kAws : IpKind::kPublic);
      const std::uint32_t keys = rng.between(1, 2);
      for (std::uint32_t k = 0; k < keys; ++k) {
        u.access_keys.push_back(make_id(rng, "AKIA", acct.key_infix, 20));
      }
    }
    u.user_agent = agent_for(u.client, rng);
    u.session_offset = rng.between(60, 3500);
    user_weights.push_back(u.human ? rng.between(2, 10) : rng.between(8, 30));
    (u.human ? acct.human_users : acct.machine_users).push_back(acct.users.size());
    acct.users.push_back(std::move(u));
  }
  acct.user_table = WeightedTable(user_weights);

  // Roles: the same ~20 role names exist in every account, each with its own AROA id.
  std::vector<std::uint32_t> role_weights;
  for (const RoleTemplate& t : kRoleTemplates) {
    Role role;
    role.kind = t.kind;
    role.weight = t.weight;
    role.service = t.service;
    role.name = std::string(t.name);
    if (const std::size_t pos = role.name.find("{}"); pos != std::string::npos) {
      role.name.replace(pos, 2, random_string(rng, kHexDigits, 16));
    }
    role.principal_id = make_id(rng, "AROA", acct.key_infix, 21);
    role.arn = t.kind == RoleKind::kSso
                   ? fmt::format("arn:aws:iam::{}:role/aws-reserved/sso.amazonaws.com/{}", acct.id,
                                 role.name)
               : t.kind == RoleKind::kService && role.name.starts_with("AWSServiceRoleFor")
                   ? fmt::format("arn:aws:iam::{}:role/aws-service-role/{}/{}", acct.id, t.service,
                                 role.name)
                   : fmt::format("arn:aws:iam::{}:role/{}", acct.id, role.name);
    role_weights.push_back(t.weight);
    acct.roles.push_back(std::move(role));
  }
  acct.role_table = WeightedTable(role_weights);

  for (std::size_t r = 0; r < acct.roles.size(); ++r) {
    Role& role = acct.roles[r];
    switch (role.kind) {
      case RoleKind::kAdmin:
      case RoleKind::kSso: {
        const std::uint32_t n = rng.between(2, 4);
        for (std::uint32_t i = 0; i < n; ++i) {
          const std::string& human =
              humans_pool[rng.below(static_cast<std::uint32_t>(humans_pool.size()))];
          add_session(world, acct, role, r, rng,
                      role.kind == RoleKind::kSso ? human + "@acme-corp.com" : human);
        }
        break;
      }
      case RoleKind::kEc2: {
        const std::uint32_t n = rng.between(3, 6);
        for (std::uint32_t i = 0; i < n; ++i) {
          add_session(world, acct, role, r, rng, "i-0" + random_string(rng, kHexDigits, 16));
        }
        break;
      }
      case RoleKind::kLambda: {
        // Lambda names its session after the function: order-processor-lambda-role ->
        // order-processor.
        std::string_view function = role.name;
        for (const std::string_view suffix : {"-lambda-role", "-role"}) {
          if (function.ends_with(suffix)) {
            function.remove_suffix(suffix.size());
            break;
          }
        }
        add_session(world, acct, role, r, rng, std::string(function));
        break;
      }
      case RoleKind::kEcs: {
        const std::uint32_t n = rng.between(2, 4);
        for (std::uint32_t i = 0; i < n; ++i)
          add_session(world, acct, role, r, rng, random_string(rng, kHexDigits, 32));
        break;
      }
      case RoleKind::kCi: {
        const std::uint32_t n = rng.between(2, 3);
        for (std::uint32_t i = 0; i < n; ++i) {
          add_session(world, acct, role, r, rng,
                      role.name == "terraform-apply"
                          ? fmt::format("terraform-run-{}", 1709000000 + rng.below(900000))
                          : fmt::format("GitHubActions-{}", 8000000000ULL + rng.below(900000000)));
        }
        break;
      }
      case RoleKind::kThirdParty:
        add_session(world, acct, role, r, rng, "DatadogAWSIntegration");
        break;
      case RoleKind::kService: {
        static constexpr std::array<std::string_view, 3> kServiceSessions = {
            "AWSConfig-Describe", "AWSConfig-notify", "ServiceSession"};
        const std::uint32_t n = rng.between(1, 2);
        for (std::uint32_t i = 0; i < n; ++i) {
          std::string name =
              role.service == "config.amazonaws.com" ? std::string(kServiceSessions[i])
              : role.service == "guardduty.amazonaws.com"
                  ? fmt::format("GuardDuty-{}", rng.below(100000))
              : role.service == "backup.amazonaws.com"
                  ? fmt::format("AWSBackup-{}", random_string(rng, kHexDigits, 8))
              : role.service == "glue.amazonaws.com"
                  ? std::string("GlueJobRunnerSession")
                  : fmt::format("{}-{}", role.service.substr(0, role.service.find('.')),
                                rng.below(100000));
          add_session(world, acct, role, r, rng, std::move(name));
        }
        break;
      }
    }
  }

  // Resources that requestParameters refer to.
  for (const std::string_view suffix : kBucketSuffixes) {
    acct.buckets.push_back(fmt::format("{}-{}", acct.alias, suffix));
  }
  acct.buckets.push_back(
      fmt::format("aws-cloudtrail-logs-{}-{}", acct.id, random_string(rng, kHexDigits, 8)));
  acct.buckets.push_back(fmt::format("cdk-hnb659fds-assets-{}-us-east-1", acct.id));
  for (std::size_t i = 0; i < kSecretNames.size(); ++i)
    acct.secret_suffixes.push_back(random_string(rng, kAlnum, 6));
}

// --identities: about 40% more IAM users, the rest sessions of the roles people and jobs assume,
// each with its own name, IDs and access keys. Serial numbers keep names unique across the
// organization, as role session names often are in real ones (an instance, a task, a CI run).
void add_crowd(World& world, Account& acct, std::uint32_t count, std::uint32_t& serial, Rng& rng) {
  const std::uint32_t users = count * 2 / 5;
  for (std::uint32_t i = 0; i < users; ++i, ++serial) {
    Principal u;
    u.human = rng.per_mille(600);
    u.name = u.human ? human_name(rng) + std::to_string(serial)
                     : fmt::format("{}-{}", rng.pick(kServiceUsers), serial);
    u.principal_id = make_id(rng, "AIDA", acct.key_infix, 21);
    u.arn = fmt::format("arn:aws:iam::{}:user/{}", acct.id, u.name);
    u.mfa = u.human && rng.per_mille(850);
    u.client = u.human ? ClientKind::kCli : ClientKind::kBoto3;
    u.ip = pick_ip(world, rng, u.human ? IpKind::kPublic : IpKind::kAws);
    const std::uint32_t keys = rng.per_mille(300) ? 2 : 1;
    for (std::uint32_t k = 0; k < keys; ++k) {
      u.access_keys.push_back(make_id(rng, "AKIA", acct.key_infix, 20));
    }
    u.user_agent = agent_for(u.client, rng);
    u.session_offset = rng.between(60, 3500);
    acct.crowd_users.push_back(std::move(u));
  }
  std::vector<std::size_t> assumable;  // roles people and jobs assume (not service roles)
  for (std::size_t r = 0; r < acct.roles.size(); ++r) {
    if (acct.roles[r].kind != RoleKind::kService && acct.roles[r].kind != RoleKind::kThirdParty) {
      assumable.push_back(r);
    }
  }
  for (std::uint32_t i = users; i < count; ++i, ++serial) {
    const std::size_t r = rng.pick(assumable);
    const Role& role = acct.roles[r];
    std::string name;
    switch (role.kind) {
      case RoleKind::kAdmin:
      case RoleKind::kSso: name = fmt::format("{}{}@acme-corp.com", human_name(rng), serial); break;
      case RoleKind::kEc2: name = "i-0" + random_string(rng, kHexDigits, 16); break;
      case RoleKind::kEcs: name = random_string(rng, kHexDigits, 32); break;
      case RoleKind::kCi: name = fmt::format("GitHubActions-{}", 8'000'000'000ULL + serial); break;
      default:  // Lambda functions and scripts: boto's default session name
        name = fmt::format("botocore-session-{}", 1'700'000'000ULL + serial);
        break;
    }
    acct.crowd_sessions.push_back(make_session(world, acct, role, r, rng, std::move(name)));
  }
}

}  // namespace

std::string make_id(Rng& rng, std::string_view prefix, std::string_view infix, std::size_t total) {
  std::string s(prefix);
  s += infix;
  append_random(s, rng, kUpperAlnum, total - s.size());
  return s;
}

World build_world(std::uint64_t seed, std::uint32_t account_count, std::uint32_t region_count,
                  std::span<const FixedAccount> fixed_accounts, bool story_mode,
                  std::uint32_t identities) {
  World world;
  world.seed = seed;
  world.story_mode = story_mode;
  Rng rng(mix_seed({seed, 0x776f726c64}));  // "world"
  build_ip_pool(world, rng);
  for (std::uint32_t r = 0; r < region_count; ++r) world.regions.push_back(kRegions[r]);

  // A pool of unique human names shared by users and SSO sessions.
  std::vector<std::string> humans;
  while (humans.size() < 45) {
    std::string name = human_name(rng);
    if (std::find(humans.begin(), humans.end(), name) == humans.end())
      humans.push_back(std::move(name));
  }

  std::uint32_t total_weight = 0;
  for (std::uint32_t a = 0; a < account_count; ++a)
    total_weight += kAccountWeights[std::min<std::size_t>(a, 7)];
  std::size_t next_human = 0;
  for (std::uint32_t a = 0; a < account_count; ++a) {
    Account acct;
    if (a < fixed_accounts.size()) {
      acct.id = std::string(fixed_accounts[a].id);
      acct.alias = std::string(fixed_accounts[a].alias);
      acct.key_infix = std::string(fixed_accounts[a].infix);
    } else {
      // Real account IDs are 12 digits and may start with 0, which tools must keep as a string.
      do {
        acct.id = random_string(rng, "0123456789", 12);
      } while (std::any_of(world.accounts.begin(), world.accounts.end(),
                           [&](const Account& other) { return other.id == acct.id; }));
      acct.alias = a < kAccountAliases.size() ? std::string(kAccountAliases[a])
                                              : fmt::format("acme-team-{}", a);
      acct.key_infix = random_string(rng, kUpperAlnum, 8);
    }
    acct.weight = kAccountWeights[std::min<std::size_t>(a, 7)];
    build_account(world, acct, a, total_weight, humans, next_human, rng);
    world.accounts.push_back(std::move(acct));
  }
  for (Account& acct : world.accounts) acct.org_id = world.accounts.front().org_id;

  if (identities > 0) {
    // Its own stream: the population above is the same with or without --identities.
    Rng crowd_rng(mix_seed({seed, 0x63726f7764}));  // "crowd"
    std::uint32_t serial = 1;
    std::uint32_t given = 0;
    for (std::size_t a = 0; a < world.accounts.size(); ++a) {
      Account& acct = world.accounts[a];
      const std::uint32_t count =
          a + 1 == world.accounts.size()
              ? identities - given
              : static_cast<std::uint32_t>(std::uint64_t{identities} * acct.weight / total_weight);
      add_crowd(world, acct, count, serial, crowd_rng);
      given += count;
    }
  }
  return world;
}

const Principal& pick_crowd(const std::vector<Principal>& crowd, Rng& rng) {
  const auto size = static_cast<std::uint32_t>(crowd.size());
  return crowd[rng.below(rng.below(size) + 1)];  // density falls as log(size / index)
}

}  // namespace trailsift::generator
