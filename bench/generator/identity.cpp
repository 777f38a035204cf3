// SPDX-License-Identifier: MIT
// Identity services: IAM, STS, Organizations and console sign-in.
#include <array>
#include <iterator>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "services.hpp"
#include "trailsift/time.hpp"

namespace trailsift::generator {
namespace {

void write_credentials(JsonWriter& j, const Ctx& c, std::int64_t expiration) {
  j.begin_object("credentials");
  j.key("accessKeyId").string(make_id(c.rng, "ASIA", c.acct.key_infix, 20));
  j.custom("sessionToken", [&c](std::string& o) { session_token(o, c.rng); });
  j.custom("expiration", [expiration](std::string& o) { append_aws_date(o, expiration); });
  j.end_object();
}

}  // namespace

void session_token(std::string& out, Rng& rng) {
  out += "IQoJb3JpZ2luX2VjE";
  append_random(out, rng, kBase64, rng.between(300, 560));
}

void assume_role_body(const Ctx& c, Record& r, const Role& target, std::string_view session_name) {
  const bool long_session = c.rng.per_mille(300);
  JsonWriter p(r.request_parameters);
  p.begin_object().str("roleArn", target.arn).str("roleSessionName", session_name);
  if (long_session) p.num("durationSeconds", 43200);
  p.end_object();
  JsonWriter resp(r.response_elements);
  resp.begin_object();
  write_credentials(resp, c, r.time + (long_session ? 43200 : 3600));
  resp.begin_object("assumedRoleUser");
  resp.key("assumedRoleId").string(fmt::format("{}:{}", target.principal_id, session_name));
  resp.key("arn").string(
      fmt::format("arn:aws:sts::{}:assumed-role/{}/{}", c.acct.id, target.name, session_name));
  resp.end_object().end_object();
  r.primary_arn = target.arn;
  single_resource(r, c.acct.id, "AWS::IAM::Role", target.arn);
}

void console_login(const Ctx& c, Record& r, bool success, bool mfa) {
  r.event_type = "AwsConsoleSignIn";
  r.request_id = RequestIdStyle::kNone;
  r.read_only = false;
  r.tls = true;
  r.tls_host = "signin.aws.amazon.com";
  JsonWriter resp(r.response_elements);
  resp.begin_object().str("ConsoleLogin", success ? "Success" : "Failure").end_object();
  JsonWriter extra(r.additional_event_data);
  extra.begin_object().custom("LoginTo", [&c](std::string& o) {
    o += "https://console.aws.amazon.com/console/"
         "home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_";
    append_random(o, c.rng, kHexDigits, 16);
  });
  extra.str("MobileVersion", "No").str("MFAUsed", mfa ? "Yes" : "No").end_object();
  if (!success) r.error_message = "Failed authentication";
}

void fill_identity_body(const Ctx& c, Record& r) {
  Rng& rng = c.rng;
  const Account& acct = c.acct;
  JsonWriter p(r.request_parameters);
  JsonWriter resp(r.response_elements);
  switch (r.ev) {
    // --- IAM ------------------------------------------------------------------------------------
    case Ev::GetUser:
    case Ev::ListAttachedUserPolicies:
    case Ev::ListAccessKeys:
    case Ev::ListMFADevices:
    case Ev::CreateUser:
    case Ev::CreateAccessKey: {
      const Principal& user = acct.users[rng.below(static_cast<std::uint32_t>(acct.users.size()))];
      std::string user_name = user.name;
      if (r.ev == Ev::CreateUser) {
        const std::uint32_t number = rng.below(100);
        user_name = fmt::format("{}-{}", rng.pick(kServiceUsers), number);
      }
      p.begin_object().str("userName", user_name).end_object();
      r.primary_arn = fmt::format("arn:aws:iam::{}:user/{}", acct.id, user_name);
      if (r.ev == Ev::CreateAccessKey) {
        resp.begin_object().begin_object("accessKey").str("userName", user_name);
        resp.key("accessKeyId")
            .string(make_id(rng, "AKIA", acct.key_infix, 20))
            .str("status", "Active");
        resp.custom("createDate", [&](std::string& o) { append_aws_date(o, r.time); });
        resp.end_object().end_object();
      } else if (r.ev == Ev::CreateUser) {
        resp.begin_object().begin_object("user").str("path", "/").str("userName", user_name);
        resp.key("userId")
            .string(make_id(rng, "AIDA", acct.key_infix, 21))
            .str("arn", r.primary_arn);
        resp.custom("createDate", [&](std::string& o) { append_aws_date(o, r.time); });
        resp.end_object().end_object();
      }
      break;
    }
    case Ev::DeleteAccessKey:
    case Ev::UpdateAccessKey: {
      const Principal& user = acct.users[rng.below(static_cast<std::uint32_t>(acct.users.size()))];
      p.begin_object().str("userName", user.name);
      p.key("accessKeyId")
          .string(user.access_keys.empty() ? make_id(rng, "AKIA", acct.key_infix, 20)
                                           : user.access_keys.front());
      if (r.ev == Ev::UpdateAccessKey) p.str("status", "Inactive");
      p.end_object();
      r.primary_arn = user.arn;
      break;
    }
    case Ev::ListUsers:
    case Ev::ListRoles:
      if (rng.per_mille(500)) p.begin_object().num("maxItems", 1000).end_object();
      r.primary_arn =
          fmt::format("arn:aws:iam::{}:{}/", acct.id, r.ev == Ev::ListUsers ? "user" : "role");
      break;
    case Ev::GetRole:
    case Ev::ListAttachedRolePolicies:
    case Ev::ListRolePolicies:
    case Ev::AttachRolePolicy:
    case Ev::PutRolePolicy: {
      const Role& role = c.rng.pick(acct.roles);
      p.begin_object().str("roleName", role.name);
      if (r.ev == Ev::AttachRolePolicy) p.str("policyArn", rng.pick(kManagedPolicies));
      if (r.ev == Ev::PutRolePolicy) {
        p.str("policyName", "inline-s3-access");
        p.key("policyDocument")
            .string(fmt::format(
                "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {{\n      \"Effect\": "
                "\"Allow\",\n      \"Action\": [\"s3:GetObject\", \"s3:PutObject\"],\n      "
                "\"Resource\": \"arn:aws:s3:::{}/*\"\n    }}\n  ]\n}}",
                pick_bucket(c)));
      }
      p.end_object();
      r.primary_arn = role.arn;
      break;
    }
    case Ev::CreateRole: {
      const std::uint32_t number = rng.below(100);
      const std::string name = fmt::format("{}-role-{}", rng.pick(kFunctionNames), number);
      p.begin_object().str("roleName", name);
      p.str("assumeRolePolicyDocument",
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
            "{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}");
      p.end_object();
      r.primary_arn = fmt::format("arn:aws:iam::{}:role/{}", acct.id, name);
      resp.begin_object().begin_object("role").str("path", "/").str("roleName", name);
      resp.key("roleId").string(make_id(rng, "AROA", acct.key_infix, 21)).str("arn", r.primary_arn);
      resp.custom("createDate", [&](std::string& o) { append_aws_date(o, r.time); });
      resp.end_object().end_object();
      break;
    }
    case Ev::AttachUserPolicy: {
      const Principal& user = acct.users[rng.below(static_cast<std::uint32_t>(acct.users.size()))];
      p.begin_object()
          .str("userName", user.name)
          .str("policyArn", rng.pick(kManagedPolicies))
          .end_object();
      r.primary_arn = user.arn;
      break;
    }
    case Ev::GetPolicy:
    case Ev::GetPolicyVersion:
      p.begin_object().str("policyArn", rng.pick(kManagedPolicies));
      if (r.ev == Ev::GetPolicyVersion)
        p.key("versionId").string(fmt::format("v{}", rng.between(1, 9)));
      p.end_object();
      break;
    // --- STS ------------------------------------------------------------------------------------
    case Ev::AssumeRole: {
      const Role& target = acct.roles[rng.below(static_cast<std::uint32_t>(acct.roles.size()))];
      const Principal& session = rng.pick(target.sessions);
      assume_role_body(c, r, target, session.name);
      break;
    }
    case Ev::GetCallerIdentity: break;
    case Ev::GetSessionToken:
      p.begin_object().num("durationSeconds", 43200).end_object();
      resp.begin_object();
      write_credentials(resp, c, r.time + 43200);
      resp.end_object();
      break;
    // --- Sign-in: built by console_login() ------------------------------------------------------
    case Ev::ConsoleLogin: break;
    // --- Organizations --------------------------------------------------------------------------
    case Ev::DescribeOrganization:
    case Ev::ListPolicies:
      if (r.ev == Ev::ListPolicies)
        p.begin_object().str("filter", "SERVICE_CONTROL_POLICY").end_object();
      break;
    case Ev::ListAccounts: break;
    case Ev::DescribeAccount: {
      const Account& target = c.rng.pick(c.world.accounts);
      p.begin_object().str("accountId", target.id).end_object();
      break;
    }
    default: break;
  }
}

}  // namespace trailsift::generator
