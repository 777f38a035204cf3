// SPDX-License-Identifier: MIT
// Compute services: EC2 and Lambda.
#include <array>
#include <iterator>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "services.hpp"
#include "trailsift/time.hpp"

namespace trailsift::generator {
namespace {

std::string_view pick_function(const Ctx& c) { return c.rng.pick(kFunctionNames); }

std::string function_arn(const Ctx& c, std::string_view function) {
  return fmt::format("arn:aws:lambda:{}:{}:function:{}", c.region, c.acct.id, function);
}

void ec2_instances_items(JsonWriter& j, std::string_view id) {
  j.begin_object("instancesSet").begin_array("items").begin_object().str("instanceId", id);
  j.end_object().end_array().end_object();
}

void ec2_state_change(JsonWriter& j, std::string_view id, int prev_code, std::string_view prev,
                      int cur_code, std::string_view cur) {
  j.begin_object("instancesSet").begin_array("items").begin_object().str("instanceId", id);
  j.begin_object("currentState").num("code", cur_code).str("name", cur).end_object();
  j.begin_object("previousState").num("code", prev_code).str("name", prev).end_object();
  j.end_object().end_array().end_object();
}

}  // namespace

void fill_compute_body(const Ctx& c, Record& r) {
  Rng& rng = c.rng;
  const Account& acct = c.acct;
  JsonWriter p(r.request_parameters);
  JsonWriter resp(r.response_elements);
  switch (r.ev) {
    // --- Lambda ---------------------------------------------------------------------------------
    case Ev::Invoke: {
      const std::string arn = function_arn(c, pick_function(c));
      p.begin_object().str("functionName", arn);
      if (rng.per_mille(300)) p.str("invocationType", "Event");
      p.end_object();
      JsonWriter extra(r.additional_event_data);
      extra.begin_object().key("functionVersion").string(arn + ":$LATEST").end_object();
      r.primary_arn = arn;
      single_resource(r, acct.id, "AWS::Lambda::Function", arn);
      r.tls_host = fmt::format("lambda.{}.amazonaws.com", c.region);
      break;
    }
    case Ev::ListFunctions: p.begin_object().str("functionVersion", "ALL").end_object(); break;
    case Ev::GetFunction:
    case Ev::AddPermission:
    case Ev::UpdateFunctionConfiguration: {
      const std::string_view function = pick_function(c);
      p.begin_object().str("functionName", function);
      if (r.ev == Ev::AddPermission) {
        p.str("statementId",
              fmt::format("AllowExecutionFromS3-{}", random_string(rng, kHexDigits, 8)));
        p.str("action", "lambda:InvokeFunction").str("principal", "s3.amazonaws.com");
      } else if (r.ev == Ev::UpdateFunctionConfiguration) {
        p.num("timeout", rng.between(3, 900)).num("memorySize", 128 << rng.below(5));
      }
      p.end_object();
      r.primary_arn = function_arn(c, function);
      break;
    }
    case Ev::UpdateFunctionCode:
    case Ev::CreateFunction: {
      const std::string_view function = pick_function(c);
      r.primary_arn = function_arn(c, function);
      p.begin_object().str("functionName", function);
      if (r.ev == Ev::CreateFunction) {
        p.str("runtime", "nodejs20.x").str("handler", "index.handler");
        p.key("role").string(fmt::format("arn:aws:iam::{}:role/{}-lambda-role", acct.id, function));
      }
      p.key("s3Bucket").string(fmt::format("{}-build-artifacts", acct.alias));
      p.key("s3Key").string(
          fmt::format("builds/{}/{}/artifact.zip", function, random_string(rng, kHexDigits, 12)));
      p.boolean("publish", false).end_object();
      resp.begin_object().str("functionName", function).str("functionArn", r.primary_arn);
      resp.str("runtime", "nodejs20.x");
      resp.key("role").string(
          fmt::format("arn:aws:iam::{}:role/{}-lambda-role", acct.id, function));
      resp.str("handler", "index.handler").num("codeSize", rng.between(2000, 50000000));
      resp.str("description", "").num("timeout", 30).num("memorySize", 512);
      resp.custom("lastModified", [&](std::string& o) {
        append_iso8601(o, r.time);
        o.pop_back();  // Lambda writes "2024-03-01T09:04:12.000+0000", not "...Z"
        o += ".000+0000";
      });
      resp.custom("codeSha256", [&](std::string& o) {
        append_random(o, rng, kBase64, 43);
        o += '=';
      });
      resp.str("version", "$LATEST")
          .begin_object("tracingConfig")
          .str("mode", "PassThrough")
          .end_object();
      resp.key("revisionId").string(uuid_string(rng)).str("state", "Active");
      resp.str("lastUpdateStatus", "InProgress").str("packageType", "Zip");
      resp.begin_array("architectures").string("arm64").end_array();
      resp.begin_object("ephemeralStorage").num("size", 512).end_object().end_object();
      break;
    }
    // --- EC2 ------------------------------------------------------------------------------------
    case Ev::DescribeInstances:
      p.begin_object();
      if (rng.per_mille(400)) {
        ec2_instances_items(p, instance_id(c));
      } else {
        p.empty_object("instancesSet");
      }
      p.empty_object("filterSet").end_object();
      break;
    case Ev::DescribeSecurityGroups:
      p.begin_object().empty_object("securityGroupSet");
      p.begin_object("securityGroupIdSet").begin_array("items").begin_object();
      p.str("groupId", security_group_id(c)).end_object().end_array().end_object();
      p.empty_object("filterSet").end_object();
      break;
    case Ev::DescribeVolumes: empty_sets(r, {"volumeSet", "filterSet"}); break;
    case Ev::DescribeSubnets: empty_sets(r, {"subnetSet", "filterSet"}); break;
    case Ev::DescribeVpcs: empty_sets(r, {"vpcSet", "filterSet"}); break;
    case Ev::DescribeRouteTables: empty_sets(r, {"routeTableIdSet", "filterSet"}); break;
    case Ev::DescribeSnapshots:
      p.begin_object().empty_object("snapshotSet");
      p.begin_object("ownersSet").begin_array("items").begin_object().str("owner", "self");
      p.end_object().end_array().end_object().empty_object("filterSet").end_object();
      break;
    case Ev::RunInstances: {
      const std::string id = instance_id(c), ami = ami_id(c), subnet = subnet_id(c),
                        sg = security_group_id(c);
      const std::string_view type = rng.pick(kInstanceTypes);
      p.begin_object().begin_object("instancesSet").begin_array("items").begin_object();
      p.str("imageId", ami)
          .num("minCount", 1)
          .num("maxCount", 1)
          .end_object()
          .end_array()
          .end_object();
      p.str("instanceType", type).empty_object("blockDeviceMapping");
      p.begin_object("monitoring").boolean("enabled", false).end_object();
      p.boolean("disableApiTermination", false).boolean("disableApiStop", false);
      p.key("clientToken").string(uuid_string(rng));
      p.str("subnetId", subnet).begin_object("groupSet").begin_array("items").begin_object();
      p.str("groupId", sg).end_object().end_array().end_object();
      p.begin_object("iamInstanceProfile").str("name", "app-server-instance-role").end_object();
      p.begin_object("tagSpecificationSet").begin_array("items").begin_object();
      p.str("resourceType", "instance").begin_array("tags").begin_object().str("key", "Name");
      p.str("value", rng.pick(kFunctionNames)).end_object().end_array().end_object().end_array();
      p.end_object().end_object();
      resp.begin_object().key("requestId").string(uuid_string(rng));
      resp.key("reservationId").string(ec2_id(c, "r-", 10, 1000000));
      resp.str("ownerId", acct.id).empty_object("groupSet");
      resp.begin_object("instancesSet").begin_array("items").begin_object();
      resp.str("instanceId", id).str("imageId", ami);
      resp.begin_object("instanceState").num("code", 0).str("name", "pending").end_object();
      const std::uint32_t b = rng.below(256), cc = rng.below(256), d = rng.between(4, 250);
      const std::string ip = fmt::format("10.{}.{}.{}", b, cc, d);
      resp.key("privateDnsName")
          .string(fmt::format("ip-10-{}-{}-{}.{}.compute.internal", b, cc, d, c.region));
      resp.num("amiLaunchIndex", 0).empty_object("productCodes").str("instanceType", type);
      resp.num("launchTime", r.time * 1000);
      resp.begin_object("placement").key("availabilityZone").string(fmt::format("{}a", c.region));
      resp.str("tenancy", "default").end_object();
      resp.begin_object("monitoring").str("state", "disabled").end_object();
      resp.str("subnetId", subnet).str("vpcId", vpc_id(c)).str("privateIpAddress", ip);
      resp.begin_object("stateReason")
          .str("code", "pending")
          .str("message", "pending")
          .end_object();
      resp.str("architecture", "x86_64")
          .str("rootDeviceType", "ebs")
          .str("rootDeviceName", "/dev/xvda");
      resp.str("virtualizationType", "hvm").str("hypervisor", "xen");
      resp.end_object().end_array().end_object().end_object();
      r.primary_arn = fmt::format("arn:aws:ec2:{}:{}:instance/*", c.region, acct.id);
      break;
    }
    case Ev::StartInstances:
    case Ev::StopInstances:
    case Ev::TerminateInstances: {
      const std::string id = instance_id(c);
      p.begin_object();
      ec2_instances_items(p, id);
      if (r.ev == Ev::StopInstances) p.boolean("force", false);
      p.end_object();
      resp.begin_object().key("requestId").string(uuid_string(rng));
      if (r.ev == Ev::StartInstances)
        ec2_state_change(resp, id, 80, "stopped", 0, "pending");
      else if (r.ev == Ev::StopInstances)
        ec2_state_change(resp, id, 16, "running", 64, "stopping");
      else
        ec2_state_change(resp, id, 16, "running", 32, "shutting-down");
      resp.end_object();
      r.primary_arn = fmt::format("arn:aws:ec2:{}:{}:instance/{}", c.region, acct.id, id);
      break;
    }
    case Ev::CreateTags: {
      static constexpr std::array<std::string_view, 4> kTagKeys = {"Owner", "CostCenter",
                                                                   "Environment", "Backup"};
      p.begin_object().begin_object("resourcesSet").begin_array("items").begin_object();
      p.str("resourceId", rng.per_mille(700) ? instance_id(c) : volume_id(c));
      p.end_object().end_array().end_object();
      p.begin_object("tagSet").begin_array("items").begin_object().str("key", rng.pick(kTagKeys));
      p.str("value", rng.pick(kFirstNames)).end_object().end_array().end_object().end_object();
      resp.begin_object()
          .key("requestId")
          .string(uuid_string(rng))
          .boolean("_return", true)
          .end_object();
      break;
    }
    case Ev::AuthorizeSecurityGroupIngress: {
      const std::string sg = security_group_id(c);
      const std::int64_t port = rng.pick(std::array<std::int64_t, 4>{22, 443, 5432, 3389});
      p.begin_object().str("groupId", sg).begin_object("ipPermissions").begin_array("items");
      p.begin_object().str("ipProtocol", "tcp").num("fromPort", port).num("toPort", port);
      p.empty_object("groups").begin_object("ipRanges").begin_array("items").begin_object();
      p.str("cidrIp", rng.per_mille(300) ? "0.0.0.0/0" : "10.0.0.0/8").end_object().end_array();
      p.end_object().empty_object("ipv6Ranges").empty_object("prefixListIds").end_object();
      p.end_array().end_object().end_object();
      resp.begin_object().key("requestId").string(uuid_string(rng)).boolean("_return", true);
      resp.begin_object("securityGroupRuleSet").begin_array("items").begin_object();
      resp.key("groupOwnerId")
          .string(acct.id)
          .key("securityGroupRuleId")
          .string(ec2_id(c, "sgr-", 11, 1000000));
      resp.str("groupId", sg).boolean("isEgress", false).str("ipProtocol", "tcp");
      resp.num("fromPort", port)
          .num("toPort", port)
          .end_object()
          .end_array()
          .end_object()
          .end_object();
      r.primary_arn = fmt::format("arn:aws:ec2:{}:{}:security-group/{}", c.region, acct.id, sg);
      break;
    }
    case Ev::CreateSnapshot: {
      const std::string vol = volume_id(c), snap = snapshot_id(c);
      p.begin_object().str("volumeId", vol).str("description", "nightly backup").end_object();
      resp.begin_object().key("requestId").string(uuid_string(rng)).str("snapshotId", snap);
      resp.str("volumeId", vol).str("status", "pending");
      resp.time("startTime", r.time).str("progress", "").str("ownerId", acct.id);
      resp.num("volumeSize", 8 << rng.below(5)).str("description", "nightly backup");
      resp.boolean("encrypted", true).end_object();
      break;
    }
    case Ev::SharedSnapshotVolumeCreated: {
      JsonWriter d(r.service_event_details);
      d.begin_object().str("snapshotId", snapshot_id(c)).end_object();
      break;
    }
    default: break;
  }
}

}  // namespace trailsift::generator
