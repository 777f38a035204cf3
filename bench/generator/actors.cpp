// SPDX-License-Identifier: MIT
#include "actors.hpp"

#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trailsift::generator {
namespace {

// Console and federation credentials are minted hourly: the latest instant <= t that is `offset`
// seconds past an hour.
std::int64_t session_start(std::int64_t t, std::uint32_t offset) {
  const std::int64_t phase = ((t - offset) % 3600 + 3600) % 3600;
  return t - phase;
}

std::string session_key(const Ctx& c, std::string_view who, std::int64_t started) {
  Rng key_rng(mix_seed({c.world.seed, fnv1a(who), static_cast<std::uint64_t>(started)}));
  return make_id(key_rng, "ASIA", c.acct.key_infix, 20);
}

std::string_view principal_ip(const Ctx& c, const Principal& p) {
  if (c.rng.per_mille(920)) return c.world.ips[p.ip];
  const auto kind = static_cast<std::size_t>(c.world.ip_kinds[p.ip]);
  return c.world.ips[c.rng.pick(c.world.ips_by_kind[kind])];
}

std::string_view console_agent(const Ctx& c, Ev ev) {
  if (spec_of(ev).service == "s3") return kS3ConsoleAgent;
  return c.rng.per_mille(700) ? std::string_view("AWS Internal") : c.rng.pick(kBrowserAgents);
}

constexpr std::array<std::string_view, 3> kFederatedNames = {"partner-portal-upload",
                                                             "vendor-support", "jenkins-federated"};

// With --identities, the share of user and role session calls the crowd makes, per mille.
constexpr std::uint32_t kCrowdShare = 500;

}  // namespace

void set_vpc_endpoint(const Ctx& c, Record& r) {
  // Calls from inside a VPC reach the service through an interface endpoint.
  const std::string_view ip = r.actor.source_ip;
  if (ip.starts_with("10.") && c.rng.per_mille(700)) r.vpc_endpoint = vpc_endpoint_id(c);
}

void choose_principal_actor(const Ctx& c, Record& r, IdentityType type) {
  Actor& a = r.actor;
  const Account& acct = c.acct;
  Rng& rng = c.rng;
  const bool login = r.ev == Ev::ConsoleLogin;
  a.type = type;
  switch (type) {
    case IdentityType::kIamUser: {
      const Principal* u = &acct.users[acct.user_table.pick(rng)];
      if (login && !u->human) u = &acct.users[rng.pick(acct.human_users)];
      if (!login && !acct.crowd_users.empty() && rng.per_mille(kCrowdShare)) {
        u = &pick_crowd(acct.crowd_users, rng);
      }
      a.principal = u;
      a.mfa = u->mfa;
      a.source_ip = principal_ip(c, *u);
      if (login) {
        a.has_access_key = false;
        a.user_agent = rng.pick(kBrowserAgents);
      } else if (u->access_keys.empty() ||
                 (u->client == ClientKind::kConsole && rng.per_mille(500))) {
        a.console = true;
        a.session_created = session_start(r.time, u->session_offset);
        a.access_key = session_key(c, u->principal_id, a.session_created);
        a.user_agent = console_agent(c, r.ev);
      } else {
        a.access_key = rng.pick(u->access_keys);
        a.user_agent = u->user_agent;
      }
      break;
    }
    case IdentityType::kAssumedRole: {
      const Role* role = &acct.roles[acct.role_table.pick(rng)];
      if (login) role = &acct.roles[rng.between(1, 3)];  // SSO permission-set roles sign in
      if (r.ev == Ev::UpdateInstanceInformation) role = &acct.roles[6];  // the SSM agent's role
      const Principal* session = &rng.pick(role->sessions);
      if (!login && r.ev != Ev::UpdateInstanceInformation && !acct.crowd_sessions.empty() &&
          rng.per_mille(kCrowdShare)) {
        session = &pick_crowd(acct.crowd_sessions, rng);
        role = &acct.roles[session->role];
      }
      const Principal& s = *session;
      a.role = role;
      a.principal = &s;
      a.mfa = s.mfa;
      a.session_created = session_start(r.time, s.session_offset);
      a.access_key = s.access_keys.front();
      if (role->kind == RoleKind::kService) {
        a.source_ip = role->service;
        a.user_agent = role->service;
      } else {
        a.source_ip = principal_ip(c, s);
        if (login) {
          a.has_access_key = false;
          a.user_agent = rng.pick(kBrowserAgents);
        } else if (s.client == ClientKind::kConsole) {
          a.console = true;
          a.user_agent = console_agent(c, r.ev);
        } else {
          a.user_agent = s.user_agent;
        }
      }
      break;
    }
    case IdentityType::kRoot: {
      const Principal& owner = acct.users[acct.human_users.front()];
      a.mfa = true;
      a.source_ip = c.world.ips[owner.ip];
      if (login) {
        a.access_key.clear();  // real root sign-ins carry "accessKeyId":""
        a.user_agent = rng.pick(kBrowserAgents);
      } else {
        a.console = true;
        a.session_created = session_start(r.time, 1234);
        a.access_key = session_key(c, acct.root_arn, a.session_created);
        a.user_agent = console_agent(c, r.ev);
      }
      break;
    }
    case IdentityType::kFederatedUser: {
      const Principal& issuer = acct.users[acct.machine_users.front()];
      a.issuer = &issuer;
      a.federated_name = rng.pick(kFederatedNames);
      a.session_created = session_start(r.time, issuer.session_offset);
      a.access_key = session_key(c, a.federated_name, a.session_created);
      a.source_ip = principal_ip(c, issuer);
      a.user_agent = login ? rng.pick(kBrowserAgents) : issuer.user_agent;
      break;
    }
    case IdentityType::kAwsService:
    case IdentityType::kNone: break;
  }
  // AWS services calling KMS on a principal's behalf (Secrets Manager, S3 SSE-KMS...).
  if ((r.ev == Ev::Decrypt || r.ev == Ev::GenerateDataKey) && rng.per_mille(450)) {
    static constexpr std::array<std::string_view, 4> kCallers = {
        "secretsmanager.amazonaws.com", "s3.amazonaws.com", "dynamodb.amazonaws.com",
        "ssm.amazonaws.com"};
    a.invoked_by = rng.pick(kCallers);
    a.source_ip = a.invoked_by;
    a.user_agent = a.invoked_by;
    r.tls = false;
  }
  if (spec_of(r.ev).service == "s3" && !a.console && a.user_agent != "AWS Internal" &&
      a.invoked_by.empty() && r.actor.type != IdentityType::kRoot) {
    a.bracket_agent = true;
  }
  if (a.user_agent == "AWS Internal") r.tls = false;
}

// AWS services calling other services in their own name: {"type":"AWSService","invokedBy":...}.
void choose_service_actor(const Ctx& c, Record& r) {
  Rng& rng = c.rng;
  Actor& a = r.actor;
  a.type = IdentityType::kAwsService;
  a.has_access_key = false;
  switch (r.ev) {
    case Ev::AssumeRole: {
      static constexpr std::array<std::pair<std::string_view, RoleKind>, 4> kTrust = {{
          {"lambda.amazonaws.com", RoleKind::kLambda},
          {"ec2.amazonaws.com", RoleKind::kEc2},
          {"ecs-tasks.amazonaws.com", RoleKind::kEcs},
          {"config.amazonaws.com", RoleKind::kService},
      }};
      const auto& [service, kind] = rng.pick(kTrust);
      a.invoked_by = service;
      std::vector<const Role*> candidates;
      for (const Role& role : c.acct.roles) {
        if (role.kind == kind) candidates.push_back(&role);
      }
      const Role& target = *rng.pick(candidates);
      assume_role_body(c, r, target, rng.pick(target.sessions).name);
      r.shared_event_id = true;
      break;
    }
    case Ev::GetBucketAcl:
      a.invoked_by = rng.per_mille(700) ? "cloudtrail.amazonaws.com" : "config.amazonaws.com";
      fill_body(c, r);
      break;
    case Ev::GenerateDataKey:
      a.invoked_by = "cloudtrail.amazonaws.com";
      fill_body(c, r);
      r.shared_event_id = true;
      break;
    case Ev::Decrypt:
      a.invoked_by = rng.per_mille(500) ? "logs.amazonaws.com" : "sns.amazonaws.com";
      fill_body(c, r);
      r.shared_event_id = true;
      break;
    default:
      a.invoked_by =
          rng.per_mille(500) ? "autoscaling.amazonaws.com" : "elasticloadbalancing.amazonaws.com";
      fill_body(c, r);
      break;
  }
  a.source_ip = a.invoked_by;
  a.user_agent = a.invoked_by;
  r.tls = false;
}

// Service events: no caller at all, {"accountId":...,"invokedBy":...}.
void choose_service_event_actor(const Ctx& c, Record& r) {
  Actor& a = r.actor;
  a.type = IdentityType::kNone;
  a.has_access_key = false;
  a.invoked_by = r.ev == Ev::RotateKey ? "AWS Internal" : spec_of(r.ev).source;
  a.source_ip = a.invoked_by;
  a.user_agent = a.invoked_by;
  r.event_type = "AwsServiceEvent";
  r.request_id = RequestIdStyle::kNone;
  r.read_only = false;
  r.tls = false;
  r.shared_event_id = r.ev == Ev::SharedSnapshotVolumeCreated;
  fill_body(c, r);
}

void act_as(const Ctx& c, Record& r, const Principal& p, const Role* role) {
  Actor& a = r.actor;
  a.type = role != nullptr ? IdentityType::kAssumedRole : IdentityType::kIamUser;
  a.principal = &p;
  a.role = role;
  a.mfa = p.mfa;
  a.access_key = p.access_keys.front();
  if (role != nullptr) a.session_created = session_start(r.time, p.session_offset);
  a.source_ip = c.world.ips[p.ip];
  a.user_agent = p.user_agent;
  a.bracket_agent = spec_of(r.ev).service == "s3";
  if (a.user_agent == "AWS Internal") r.tls = false;
}

}  // namespace trailsift::generator
