// SPDX-License-Identifier: MIT
#include "failures.hpp"

#include <string>
#include <string_view>

#include <fmt/format.h>

namespace trailsift::generator {
namespace {

std::string caller_arn(const Record& r) {
  const Actor& a = r.actor;
  switch (a.type) {
    case IdentityType::kIamUser:
    case IdentityType::kAssumedRole: return a.principal->arn;
    case IdentityType::kRoot: return r.account->root_arn;
    case IdentityType::kFederatedUser:
      return fmt::format("arn:aws:sts::{}:federated-user/{}", r.account->id, a.federated_name);
    default: return {};
  }
}

std::string action_of(const EventSpec& spec) {
  // Lambda event names carry an API version (UpdateFunctionCode20150331v2); IAM actions do not.
  const std::string_view name = spec.name;
  const std::size_t digit = name.find_first_of("0123456789");
  return fmt::format("{}:{}", spec.service, name.substr(0, digit));
}

constexpr std::uint32_t kErrorPerMille = 50;

}  // namespace

void apply_failure(const Ctx& c, Record& r, FailureKind kind) {
  const EventSpec& spec = spec_of(r.ev);
  const std::string_view service = spec.service;
  const std::string action = action_of(spec);
  const std::string resource = r.primary_arn.empty()
                                   ? fmt::format("arn:aws:{}:{}:{}:*", service, c.region, c.acct.id)
                                   : r.primary_arn;
  r.response_elements.clear();
  if (kind == FailureKind::kNotFound) {
    if (service == "s3") {
      if (r.ev == Ev::GetObject || r.ev == Ev::HeadObject) {
        r.error = Err::kNoSuchKey;
        r.error_message = "The specified key does not exist.";
      } else if (r.ev == Ev::GetBucketPolicy) {
        r.error = Err::kNoSuchBucketPolicy;
        r.error_message = "The bucket policy does not exist";
      } else {
        r.error = Err::kNoSuchBucket;
        r.error_message = "The specified bucket does not exist";
      }
      return;
    }
    if (service == "iam") {
      r.error = Err::kNoSuchEntity;
      r.error_message = fmt::format("The {} with name {} cannot be found.",
                                    resource.find(":role/") != std::string::npos ? "role" : "user",
                                    resource.substr(resource.rfind('/') + 1));
      return;
    }
    if (service == "ssm" && spec.name.starts_with("GetParameter")) {
      r.error = Err::kParameterNotFound;
      return;  // SSM sends no message with ParameterNotFound
    }
    if (service == "ec2" && r.primary_arn.find(":instance/i-") != std::string::npos) {
      r.error = Err::kInstanceNotFound;
      r.error_message = fmt::format("The instance ID '{}' does not exist",
                                    resource.substr(resource.rfind('/') + 1));
      return;
    }
    if (service == "rds" && !r.primary_arn.empty()) {
      r.error = Err::kDbInstanceNotFound;
      r.error_message =
          fmt::format("DBInstance {} not found.", resource.substr(resource.rfind(':') + 1));
      return;
    }
    if (service == "lambda" || service == "dynamodb" || service == "secretsmanager" ||
        service == "logs") {
      r.error = Err::kResourceNotFound;
      r.error_message = service == "secretsmanager"
                            ? std::string("Secrets Manager can't find the specified secret.")
                            : fmt::format("Requested resource not found: {}", resource);
      return;
    }
    // Nothing sensible to be missing: fall through to a denial.
  }
  if (kind == FailureKind::kThrottled) {
    if (service == "ec2") {
      r.error = Err::kRequestLimitExceeded;
      r.error_message = "Request limit exceeded.";
    } else if (service == "s3") {
      r.error = Err::kSlowDown;
      r.error_message = "Please reduce your request rate.";
    } else {
      r.error = Err::kThrottling;
      r.error_message = "Rate exceeded";
    }
    return;
  }
  const std::string who = caller_arn(r);
  if (service == "s3") {
    r.error = Err::kAccessDenied;
    r.error_message = "Access Denied";
  } else if (service == "ec2") {
    r.error = Err::kUnauthorizedOperation;
    if (!(spec.flags & kReadOnly) && c.rng.per_mille(500)) {
      r.error_message =
          "You are not authorized to perform this operation. Encoded authorization failure "
          "message: ";
      append_random(r.error_message, c.rng, kBase64Url, c.rng.between(400, 900));
    } else {
      r.error_message = fmt::format(
          "You are not authorized to perform this operation. User: {} is not authorized to "
          "perform: "
          "{} because no identity-based policy allows the {} action",
          who, action, action);
    }
  } else {
    const bool exception_style = service == "kms" || service == "lambda" || service == "dynamodb" ||
                                 service == "secretsmanager" || service == "ssm" ||
                                 service == "logs" || service == "config";
    r.error = exception_style ? Err::kAccessDeniedException : Err::kAccessDenied;
    r.error_message = fmt::format(
        "User: {} is not authorized to perform: {} on resource: {} because no identity-based "
        "policy "
        "allows the {} action",
        who, action, resource, action);
  }
}

void maybe_fail(const Ctx& c, Record& r) {
  if (r.actor.type == IdentityType::kAwsService || r.actor.type == IdentityType::kNone) return;
  if (!c.rng.per_mille(kErrorPerMille)) return;
  const std::uint32_t roll = c.rng.below(100);
  apply_failure(c, r,
                roll < 55   ? FailureKind::kDenied
                : roll < 80 ? FailureKind::kNotFound
                            : FailureKind::kThrottled);
}

}  // namespace trailsift::generator
