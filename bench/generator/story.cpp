// SPDX-License-Identifier: MIT
#include "story.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "background.hpp"
#include "failures.hpp"
#include "json_writer.hpp"
#include "record.hpp"
#include "services.hpp"

namespace trailsift::generator {
namespace {

constexpr std::string_view kOfficeIp = "198.51.100.14";   // TEST-NET-2: the company office
constexpr std::string_view kHomeIp = "192.0.2.44";        // TEST-NET-1: a developer at home
constexpr std::string_view kAttackerIp = "203.0.113.77";  // TEST-NET-3: the intruder
constexpr std::string_view kAttackerAgentPrefix =
    "aws-cli/2.15.19 Python/3.11.6 Linux/6.6.9-amd64 exe/x86_64.kali.2024 prompt/off command/";
constexpr std::string_view kCloudShellAgent =
    "aws-cli/2.15.30 Python/3.11.8 Linux/6.1.79-99.164.amzn2023.x86_64 exec-env/CloudShell "
    "exe/x86_64.amzn.2023 prompt/off";

struct StoryCast {
  Principal maria, tom, ci, alex, ir_session;
  Role incident_responder;
  std::vector<std::string> agents;  // owns user agent strings that records point to
};

Principal story_user(std::string_view account, std::string name, std::string principal_id,
                     std::vector<std::string> keys, bool mfa) {
  Principal p;
  p.arn = fmt::format("arn:aws:iam::{}:user/{}", account, name);
  p.name = std::move(name);
  p.principal_id = std::move(principal_id);
  p.access_keys = std::move(keys);
  p.human = true;
  p.mfa = mfa;
  return p;
}

StoryCast make_cast() {
  StoryCast cast;
  const std::string_view prod = kExampleAccounts[0].id, dev = kExampleAccounts[1].id;
  cast.maria = story_user(prod, "maria.gonzalez", "AIDAWBQ4ZK7NMGZ3RT5QA", {}, true);
  cast.tom = story_user(prod, "tom.baker", "AIDAWBQ4ZK7NTBK8WJ2LC", {}, true);
  cast.ci =
      story_user(prod, "ci-deployer", "AIDAWBQ4ZK7NCID5PLY7H", {"AKIAWBQ4ZK7NT3LQ6F2V"}, false);
  cast.ci.human = false;
  cast.alex = story_user(dev, "alex.kim", "AIDAP3XDL6REAKM4VN8TS", {}, false);
  Role& ir = cast.incident_responder;
  ir.name = "IncidentResponder";
  ir.principal_id = "AROAWBQ4ZK7NIRS2HD6QF";
  ir.arn = fmt::format("arn:aws:iam::{}:role/IncidentResponder", prod);
  ir.kind = RoleKind::kAdmin;
  Principal& s = cast.ir_session;
  s.name = "tom.baker-ir";
  s.principal_id = ir.principal_id + ":" + s.name;
  s.arn = fmt::format("arn:aws:sts::{}:assumed-role/IncidentResponder/{}", prod, s.name);
  s.access_keys = {"ASIAWBQ4ZK7NQ2RMV8HD"};
  s.mfa = true;
  for (const std::string_view command :
       {"sts.get-caller-identity", "s3.ls", "iam.list-users", "iam.list-attached-user-policies",
        "ec2.describe-instances", "s3.cp", "cloudtrail.stop-logging", "s3api.delete-bucket"}) {
    cast.agents.push_back(fmt::format("{}{}", kAttackerAgentPrefix, command));
  }
  return cast;
}

class StoryWriter {
 public:
  StoryWriter(const World& world, std::int64_t start)
      : world_(world), start_(start), rng_(0x53544f5259ULL) {}

  // Starts a record at start + offset; the caller fills in the body, then calls finish().
  Record& begin(std::int64_t offset, std::uint32_t account, std::uint32_t region, Ev ev) {
    record_.reset();
    record_.time = start_ + offset;
    record_.ev = ev;
    record_.account = &world_.accounts[account];
    record_.region = world_.regions[region].name;
    record_.read_only = (spec_of(ev).flags & kReadOnly) != 0;
    record_.event_version = event_version_for(spec_of(ev).service);
    account_ = account;
    region_ = region;
    return record_;
  }
  Ctx ctx() {
    return Ctx{world_, world_.accounts[account_], account_, region_, record_.region, rng_};
  }

  void finish() {
    StoryItem item{record_.time,  account_,           region_, record_.ev,
                   record_.error, record_.actor.type, {}};
    write_record(item.json, record_, rng_);
    items_.push_back(std::move(item));
  }
  std::vector<StoryItem> take() {
    std::stable_sort(items_.begin(), items_.end(),
                     [](const StoryItem& a, const StoryItem& b) { return a.time < b.time; });
    return std::move(items_);
  }

 private:
  const World& world_;
  std::int64_t start_;
  Rng rng_;
  Record record_;
  std::uint32_t account_ = 0, region_ = 0;
  std::vector<StoryItem> items_;
};

void as_user(Record& r, const Principal& user, std::string_view ip, std::string_view agent) {
  r.actor.type = IdentityType::kIamUser;
  r.actor.principal = &user;
  r.actor.mfa = user.mfa;
  r.actor.source_ip = ip;
  r.actor.user_agent = agent;
  if (!user.access_keys.empty()) r.actor.access_key = user.access_keys.front();
}

void as_console(Record& r, const Principal& user, std::string_view key, std::int64_t login_time,
                std::string_view ip, std::string_view agent) {
  as_user(r, user, ip, agent);
  r.actor.console = true;
  r.actor.access_key = key;
  r.actor.session_created = login_time;
  r.tls = agent != "AWS Internal";
}

void login(StoryWriter& w, std::int64_t offset, std::uint32_t account, const Principal& user,
           std::string_view ip, std::string_view agent, bool success, bool mfa) {
  Record& r = w.begin(offset, account, 0, Ev::ConsoleLogin);
  as_user(r, user, ip, agent);
  r.actor.has_access_key = false;
  console_login(w.ctx(), r, success, mfa);
  w.finish();
}

}  // namespace

std::vector<StoryItem> build_story(const World& world, std::int64_t start) {
  const StoryCast cast = make_cast();
  StoryWriter w(world, start);
  constexpr std::uint32_t kProd = 0, kDev = 1, kUsEast1 = 0, kUsWest2 = 1, kEuWest1 = 2;
  const std::int64_t minute = 60;

  // 09:04 maria.gonzalez signs in with MFA from the office and looks around.
  login(w, 4 * minute + 12, kProd, cast.maria, kOfficeIp, kBrowserAgents[0], true, true);
  {
    Record& r = w.begin(6 * minute + 40, kProd, kUsEast1, Ev::ListBuckets);
    as_console(r, cast.maria, "ASIAWBQ4ZK7NMRG5CV3T", start + 4 * minute + 12, kOfficeIp,
               kS3ConsoleAgent);
    Ctx c = w.ctx();
    s3_common(c, r, "", 0, 4811);
    JsonWriter(r.request_parameters).begin_object().str("Host", r.tls_host).end_object();
    w.finish();
  }
  {
    Record& r = w.begin(7 * minute + 3, kProd, kUsEast1, Ev::DescribeInstances);
    as_console(r, cast.maria, "ASIAWBQ4ZK7NMRG5CV3T", start + 4 * minute + 12, kOfficeIp,
               "AWS Internal");
    empty_sets(r, {"instancesSet", "filterSet"});
    w.finish();
  }

  // 09:21 alex.kim fails once, then signs in to the dev account without MFA from home.
  login(w, 21 * minute + 40, kDev, cast.alex, kHomeIp, kBrowserAgents[2], false, false);
  login(w, 22 * minute + 5, kDev, cast.alex, kHomeIp, kBrowserAgents[2], true, false);
  {
    Record& r = w.begin(24 * minute + 30, kDev, kUsWest2, Ev::DescribeInstances);
    as_console(r, cast.alex, "ASIAP3XDL6REV7KX2MQA", start + 22 * minute + 5, kHomeIp,
               "AWS Internal");
    empty_sets(r, {"instancesSet", "filterSet"});
    w.finish();
  }
  {
    Record& r = w.begin(25 * minute + 10, kDev, kUsEast1, Ev::ListBuckets);
    as_console(r, cast.alex, "ASIAP3XDL6REV7KX2MQA", start + 22 * minute + 5, kHomeIp,
               kS3ConsoleAgent);
    Ctx c = w.ctx();
    s3_common(c, r, "", 0, 2270);
    JsonWriter(r.request_parameters).begin_object().str("Host", r.tls_host).end_object();
    w.finish();
  }

  // 09:58 the ci-deployer access key is used from an unknown host: recon, exfiltration, an
  // attempt to blind CloudTrail, and the deletion of the audit archive bucket.
  const auto attacker = [&](std::int64_t offset, std::uint32_t region, Ev ev,
                            std::size_t agent) -> Record& {
    Record& r = w.begin(offset, kProd, region, ev);
    as_user(r, cast.ci, kAttackerIp, cast.agents[agent]);
    r.actor.bracket_agent = spec_of(ev).service == "s3";
    return r;
  };
  {
    attacker(58 * minute + 31, kUsEast1, Ev::GetCallerIdentity, 0);
    w.finish();
  }
  {
    Record& r = attacker(58 * minute + 49, kUsEast1, Ev::ListBuckets, 1);
    Ctx c = w.ctx();
    s3_common(c, r, "", 0, 6391);
    JsonWriter(r.request_parameters).begin_object().str("Host", r.tls_host).end_object();
    w.finish();
  }
  {
    Record& r = attacker(59 * minute + 10, kUsEast1, Ev::ListUsers, 2);
    r.primary_arn = fmt::format("arn:aws:iam::{}:user/", kExampleAccounts[0].id);
    apply_failure(w.ctx(), r, FailureKind::kDenied);
    w.finish();
  }
  {
    Record& r = attacker(59 * minute + 26, kUsEast1, Ev::ListAttachedUserPolicies, 3);
    JsonWriter(r.request_parameters).begin_object().str("userName", "ci-deployer").end_object();
    r.primary_arn = cast.ci.arn;
    apply_failure(w.ctx(), r, FailureKind::kDenied);
    w.finish();
  }
  {
    Record& r = attacker(60 * minute + 3, kEuWest1, Ev::DescribeInstances, 4);
    empty_sets(r, {"instancesSet", "filterSet"});
    apply_failure(w.ctx(), r, FailureKind::kDenied);
    w.finish();
  }
  {
    Record& r = attacker(61 * minute + 15, kUsEast1, Ev::GetObject, 5);
    const std::string bucket = "acme-prod-customer-exports";
    const std::string key = "exports/2024-02/customers-full.csv";
    Ctx c = w.ctx();
    s3_common(c, r, bucket, 0, 48211377);
    JsonWriter p(r.request_parameters);
    p.begin_object().str("bucketName", bucket).str("Host", r.tls_host).str("key", key).end_object();
    JsonWriter res(r.resources);
    res.begin_array();
    add_resource(res, "", "AWS::S3::Object", fmt::format("arn:aws:s3:::{}/{}", bucket, key));
    add_resource(res, kExampleAccounts[0].id, "AWS::S3::Bucket", bucket_arn(bucket));
    res.end_array();
    w.finish();
  }
  const std::string trail_arn =
      fmt::format("arn:aws:cloudtrail:us-east-1:{}:trail/{}", kExampleAccounts[0].id, kTrailName);
  {
    Record& r = attacker(62 * minute + 40, kUsEast1, Ev::StopLogging, 6);
    JsonWriter(r.request_parameters).begin_object().str("name", kTrailName).end_object();
    r.primary_arn = trail_arn;
    apply_failure(w.ctx(), r, FailureKind::kDenied);
    w.finish();
  }
  {
    Record& r = attacker(63 * minute + 2, kUsEast1, Ev::DeleteBucket, 7);
    const std::string bucket = "acme-prod-audit-archive";
    Ctx c = w.ctx();
    s3_common(c, r, bucket, 0, 0);
    JsonWriter(r.request_parameters)
        .begin_object()
        .str("bucketName", bucket)
        .str("Host", r.tls_host)
        .end_object();
    single_resource(r, kExampleAccounts[0].id, "AWS::S3::Bucket", bucket_arn(bucket));
    w.finish();
  }

  // 10:27 tom.baker signs in with MFA, switches to the IncidentResponder role from CloudShell and
  // shuts the key down.
  const std::int64_t tom_login = 87 * minute + 50;
  login(w, tom_login, kProd, cast.tom, kOfficeIp, kBrowserAgents[1], true, true);
  {
    Record& r = w.begin(89 * minute + 12, kProd, kUsEast1, Ev::AssumeRole);
    as_console(r, cast.tom, "ASIAWBQ4ZK7NJ5TB3K9W", start + tom_login, kOfficeIp, kCloudShellAgent);
    const Role& ir = cast.incident_responder;
    JsonWriter p(r.request_parameters);
    p.begin_object()
        .str("roleArn", ir.arn)
        .str("roleSessionName", cast.ir_session.name)
        .end_object();
    JsonWriter resp(r.response_elements);
    resp.begin_object()
        .begin_object("credentials")
        .str("accessKeyId", cast.ir_session.access_keys.front());
    Ctx c = w.ctx();
    resp.custom("sessionToken", [&c](std::string& o) { session_token(o, c.rng); });
    resp.custom("expiration", [&r](std::string& o) { append_aws_date(o, r.time + 3600); });
    resp.end_object()
        .begin_object("assumedRoleUser")
        .str("assumedRoleId", cast.ir_session.principal_id);
    resp.str("arn", cast.ir_session.arn).end_object().end_object();
    single_resource(r, kExampleAccounts[0].id, "AWS::IAM::Role", ir.arn);
    w.finish();
  }
  const auto responder = [&](std::int64_t offset, Ev ev) -> Record& {
    Record& r = w.begin(offset, kProd, kUsEast1, ev);
    r.actor.type = IdentityType::kAssumedRole;
    r.actor.principal = &cast.ir_session;
    r.actor.role = &cast.incident_responder;
    r.actor.access_key = cast.ir_session.access_keys.front();
    r.actor.mfa = true;
    r.actor.session_created = start + 89 * minute + 12;
    r.actor.source_ip = kOfficeIp;
    r.actor.user_agent = kCloudShellAgent;
    r.actor.bracket_agent = spec_of(ev).service == "s3";
    return r;
  };
  {
    Record& r = responder(91 * minute + 5, Ev::LookupEvents);
    JsonWriter p(r.request_parameters);
    p.begin_object().num("maxResults", 50).begin_array("lookupAttributes").begin_object();
    p.str("attributeKey", "AccessKeyId").str("attributeValue", cast.ci.access_keys.front());
    p.end_object().end_array().end_object();
    w.finish();
  }
  {
    Record& r = responder(92 * minute + 40, Ev::ListAccessKeys);
    JsonWriter(r.request_parameters).begin_object().str("userName", "ci-deployer").end_object();
    w.finish();
  }
  {
    Record& r = responder(93 * minute + 2, Ev::UpdateAccessKey);
    JsonWriter p(r.request_parameters);
    p.begin_object().str("userName", "ci-deployer").str("accessKeyId", cast.ci.access_keys.front());
    p.str("status", "Inactive").end_object();
    w.finish();
  }
  {
    Record& r = responder(95 * minute + 18, Ev::GetTrailStatus);
    JsonWriter(r.request_parameters).begin_object().str("name", trail_arn).end_object();
    w.finish();
  }
  {
    Record& r = responder(101 * minute + 47, Ev::PutBucketPolicy);
    const std::string bucket = "acme-prod-customer-exports";
    Ctx c = w.ctx();
    s3_common(c, r, bucket, 612, 0);
    JsonWriter p(r.request_parameters);
    p.begin_object().begin_object("bucketPolicy").str("Version", "2012-10-17");
    p.begin_array("Statement").begin_object().str("Sid", "DenyAllButIncidentResponse");
    p.str("Effect", "Deny").str("Principal", "*").str("Action", "s3:*");
    p.begin_array("Resource")
        .string(bucket_arn(bucket))
        .string(bucket_arn(bucket) + "/*")
        .end_array();
    p.begin_object("Condition").begin_object("ArnNotEquals");
    p.str("aws:PrincipalArn", cast.incident_responder.arn).end_object().end_object();
    p.end_object().end_array().end_object();
    p.str("bucketName", bucket).str("Host", r.tls_host).str("policy", "").end_object();
    single_resource(r, kExampleAccounts[0].id, "AWS::S3::Bucket", bucket_arn(bucket));
    w.finish();
  }
  return w.take();
}

}  // namespace trailsift::generator
