// SPDX-License-Identifier: MIT
// Operations services: Systems Manager and CloudWatch Logs.
#include <array>
#include <iterator>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "services.hpp"
#include "trailsift/time.hpp"

namespace trailsift::generator {

void fill_operations_body(const Ctx& c, Record& r) {
  Rng& rng = c.rng;
  const Account& acct = c.acct;
  JsonWriter p(r.request_parameters);
  JsonWriter resp(r.response_elements);
  switch (r.ev) {
    // --- SSM ------------------------------------------------------------------------------------
    case Ev::GetParameter:
    case Ev::PutParameter: {
      const std::string_view name = rng.pick(kParameterNames);
      p.begin_object().str("name", name);
      if (r.ev == Ev::GetParameter)
        p.boolean("withDecryption", rng.per_mille(300));
      else
        p.str("type", "String").boolean("overwrite", true);
      p.end_object();
      if (r.ev == Ev::PutParameter)
        resp.begin_object().num("version", rng.between(2, 40)).str("tier", "Standard").end_object();
      r.primary_arn = fmt::format("arn:aws:ssm:{}:{}:parameter{}", c.region, acct.id, name);
      break;
    }
    case Ev::GetParameters:
      p.begin_object()
          .begin_array("names")
          .string(rng.pick(kParameterNames))
          .string(rng.pick(kParameterNames));
      p.end_array().boolean("withDecryption", true).end_object();
      break;
    case Ev::GetParametersByPath:
      p.begin_object()
          .str("path", "/app/prod/")
          .boolean("recursive", true)
          .boolean("withDecryption", true)
          .end_object();
      break;
    case Ev::DescribeInstanceInformation:
      p.begin_object().num("maxResults", 50).end_object();
      break;
    case Ev::UpdateInstanceInformation: {
      const std::string id =
          r.actor.principal != nullptr && r.actor.principal->name.starts_with("i-")
              ? r.actor.principal->name
              : instance_id(c);
      p.begin_object().str("instanceId", id).str("agentVersion", "3.3.131.0");
      p.str("agentStatus", "Active")
          .str("platformType", "Linux")
          .str("platformName", "Amazon Linux");
      p.str("platformVersion", "2023").str("agentName", "amazon-ssm-agent").end_object();
      break;
    }
    case Ev::SendCommand:
      p.begin_object().begin_array("instanceIds").string(instance_id(c)).end_array();
      p.str("documentName", "AWS-RunShellScript").boolean("interactive", false).end_object();
      resp.begin_object().begin_object("command").key("commandId").string(uuid_string(rng));
      resp.str("documentName", "AWS-RunShellScript")
          .str("status", "Pending")
          .end_object()
          .end_object();
      break;
    // --- CloudWatch Logs ------------------------------------------------------------------------
    case Ev::CreateLogStream: {
      const CivilTime t = civil_time(r.time);
      const std::string_view group = rng.pick(kLogGroups);
      p.begin_object().str("logGroupName", group);
      p.key("logStreamName")
          .string(fmt::format("{}/{:02}/{:02}/[$LATEST]{}", t.year, t.month, t.day,
                              random_string(rng, kHexDigits, 32)));
      p.end_object();
      break;
    }
    case Ev::DescribeLogGroups:
      p.begin_object().str("logGroupNamePrefix", "/aws/lambda/").end_object();
      break;
    case Ev::DescribeLogStreams:
    case Ev::FilterLogEvents:
    case Ev::CreateLogGroup:
    case Ev::PutRetentionPolicy: {
      p.begin_object().str("logGroupName", rng.pick(kLogGroups));
      if (r.ev == Ev::DescribeLogStreams)
        p.str("orderBy", "LastEventTime").boolean("descending", true);
      if (r.ev == Ev::FilterLogEvents)
        p.num("startTime", (r.time - 3600) * 1000).str("filterPattern", "ERROR");
      if (r.ev == Ev::PutRetentionPolicy) p.num("retentionInDays", 30);
      p.end_object();
      break;
    }
    default: break;
  }
}

}  // namespace trailsift::generator
