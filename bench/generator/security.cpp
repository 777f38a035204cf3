// SPDX-License-Identifier: MIT
// Security services: KMS, Secrets Manager, CloudTrail and Config.
#include <array>
#include <iterator>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "services.hpp"
#include "trailsift/time.hpp"

namespace trailsift::generator {

void fill_security_body(const Ctx& c, Record& r) {
  Rng& rng = c.rng;
  const Account& acct = c.acct;
  JsonWriter p(r.request_parameters);
  JsonWriter resp(r.response_elements);
  switch (r.ev) {
    // --- KMS ------------------------------------------------------------------------------------
    case Ev::Decrypt:
    case Ev::Encrypt:
    case Ev::GenerateDataKey: {
      const std::string key = kms_key_arn(c);
      p.begin_object();
      if (r.ev != Ev::Decrypt)
        p.str("keyId", rng.per_mille(500) ? std::string_view(key) : "alias/app-data");
      if (r.ev == Ev::GenerateDataKey) p.str("keySpec", "AES_256");
      p.str("encryptionAlgorithm", "SYMMETRIC_DEFAULT");
      if (r.actor.invoked_by == "secretsmanager.amazonaws.com") {
        const std::size_t s = rng.below(static_cast<std::uint32_t>(kSecretNames.size()));
        p.begin_object("encryptionContext").str("SecretARN", secret_arn(c, s));
        p.key("SecretVersionId").string(uuid_string(rng)).end_object();
      } else if (r.actor.invoked_by == "s3.amazonaws.com") {
        p.begin_object("encryptionContext")
            .str("aws:s3:arn", bucket_arn(pick_bucket(c)))
            .end_object();
      }
      p.end_object();
      r.primary_arn = key;
      single_resource(r, acct.id, "AWS::KMS::Key", key);
      break;
    }
    case Ev::DescribeKey: {
      const std::string key = kms_key_arn(c);
      p.begin_object().str("keyId", key).end_object();
      r.primary_arn = key;
      single_resource(r, acct.id, "AWS::KMS::Key", key);
      break;
    }
    case Ev::ListAliases: break;
    case Ev::RotateKey: {
      const std::string key = kms_key_arn(c);
      JsonWriter d(r.service_event_details);
      d.begin_object().str("keyId", std::string_view(key).substr(key.rfind('/') + 1)).end_object();
      single_resource(r, acct.id, "AWS::KMS::Key", key);
      break;
    }
    // --- CloudTrail -----------------------------------------------------------------------------
    case Ev::LookupEvents:
      p.begin_object().num("maxResults", 50).begin_array("lookupAttributes").begin_object();
      p.str("attributeKey", "EventName")
          .str("attributeValue", "ConsoleLogin")
          .end_object()
          .end_array();
      p.end_object();
      break;
    case Ev::DescribeTrails:
      p.begin_object()
          .begin_array("trailNameList")
          .end_array()
          .boolean("includeShadowTrails", true)
          .end_object();
      break;
    case Ev::GetTrailStatus:
    case Ev::GetEventSelectors:
    case Ev::StopLogging:
    case Ev::StartLogging:
    case Ev::DeleteTrail: {
      r.primary_arn = fmt::format("arn:aws:cloudtrail:us-east-1:{}:trail/{}",
                                  c.world.accounts.front().id, kTrailName);
      p.begin_object()
          .str(r.ev == Ev::GetEventSelectors ? "trailName" : "name", r.primary_arn)
          .end_object();
      if (r.ev == Ev::StopLogging || r.ev == Ev::StartLogging || r.ev == Ev::DeleteTrail) {
        single_resource(r, acct.id, "AWS::CloudTrail::Trail", r.primary_arn);
      }
      break;
    }
    // --- Secrets Manager ------------------------------------------------------------------------
    case Ev::GetSecretValue:
    case Ev::DescribeSecret:
    case Ev::PutSecretValue: {
      const std::size_t s = rng.below(static_cast<std::uint32_t>(kSecretNames.size()));
      r.primary_arn = secret_arn(c, s);
      p.begin_object().str("secretId",
                           rng.per_mille(600) ? std::string_view(r.primary_arn) : kSecretNames[s]);
      if (r.ev == Ev::PutSecretValue) p.key("clientRequestToken").string(uuid_string(rng));
      p.end_object();
      if (r.ev == Ev::PutSecretValue) {
        resp.begin_object().str("arn", r.primary_arn).str("name", kSecretNames[s]);
        resp.key("versionId")
            .string(uuid_string(rng))
            .begin_array("versionStages")
            .string("AWSCURRENT");
        resp.end_array().end_object();
      }
      break;
    }
    case Ev::ListSecrets: p.begin_object().num("maxResults", 100).end_object(); break;
    case Ev::RotationSucceeded:
    case Ev::StartSecretVersionDelete:
    case Ev::EndSecretVersionDelete: {
      const std::size_t s = rng.below(static_cast<std::uint32_t>(kSecretNames.size()));
      JsonWriter extra(r.additional_event_data);
      extra.begin_object().str("ARN", secret_arn(c, s)).str("Name", kSecretNames[s]).end_object();
      break;
    }
    // --- Config ---------------------------------------------------------------------------------
    case Ev::DescribeConfigRules:
    case Ev::DescribeConfigurationRecorderStatus: break;
    case Ev::GetComplianceDetailsByConfigRule:
      p.begin_object().str("configRuleName", rng.pick(kConfigRules)).end_object();
      break;
    case Ev::PutEvaluations:
      p.begin_object().begin_array("evaluations").begin_object();
      p.str("complianceResourceType", "AWS::S3::Bucket")
          .str("complianceResourceId", pick_bucket(c));
      p.str("complianceType", rng.per_mille(850) ? "COMPLIANT" : "NON_COMPLIANT");
      p.time("orderingTimestamp", r.time - rng.between(60, 3000)).end_object().end_array();
      p.key("resultToken")
          .string(random_string(rng, kBase64, 120))
          .boolean("testMode", false)
          .end_object();
      break;
    case Ev::BatchGetResourceConfig:
      p.begin_object()
          .begin_array("resourceKeys")
          .begin_object()
          .str("resourceType", "AWS::EC2::Instance");
      p.str("resourceId", instance_id(c)).end_object().end_array().end_object();
      break;
    default: break;
  }
}

}  // namespace trailsift::generator
