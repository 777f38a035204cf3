// SPDX-License-Identifier: MIT
// What a call said and what it got back: requestParameters, responseElements,
// additionalEventData and resources, per service family (storage.cpp, compute.cpp,
// identity.cpp, security.cpp, operations.cpp), and the helpers they and the story share.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "json_writer.hpp"
#include "organization.hpp"
#include "random.hpp"
#include "record.hpp"

namespace trailsift::generator {

/// Where a record is being made: the organization, the account and region, and the random
/// stream of its file.
struct Ctx {
  const World& world;
  const Account& acct;
  std::uint32_t account_index;
  std::uint32_t region_index;
  std::string_view region;
  Rng& rng;
};

/// Fills the bodies of `r` (whose event, time, account and actor are set) as its service does.
void fill_body(const Ctx& c, Record& r);

// One function per service family; fill_body picks the family of the event's service.
void fill_storage_body(const Ctx& c, Record& r);     ///< S3, DynamoDB, RDS
void fill_compute_body(const Ctx& c, Record& r);     ///< EC2, Lambda
void fill_identity_body(const Ctx& c, Record& r);    ///< IAM, STS, Organizations, sign-in
void fill_security_body(const Ctx& c, Record& r);    ///< KMS, Secrets Manager, CloudTrail, Config
void fill_operations_body(const Ctx& c, Record& r);  ///< Systems Manager, CloudWatch Logs

/// A region-scoped EC2 identifier (`prefix` + "0" + 16 hex digits), one of `pool` per account,
/// region and `kind`, so that the same few dozen instances, groups and volumes recur.
std::string ec2_id(const Ctx& c, std::string_view prefix, std::uint64_t kind, std::uint32_t pool);
std::string instance_id(const Ctx& c);
std::string security_group_id(const Ctx& c);
std::string vpc_id(const Ctx& c);
std::string subnet_id(const Ctx& c);
std::string volume_id(const Ctx& c);
std::string snapshot_id(const Ctx& c);
std::string ami_id(const Ctx& c);
/// One of the region's six KMS keys.
std::string kms_key_arn(const Ctx& c);
/// The region's VPC endpoint.
std::string vpc_endpoint_id(const Ctx& c);
std::string secret_arn(const Ctx& c, std::size_t index);

const std::string& pick_bucket(const Ctx& c);
std::string bucket_arn(std::string_view bucket);

/// Appends one `resources[]` entry; `account_id` empty leaves accountId out.
void add_resource(JsonWriter& j, std::string_view account_id, std::string_view type,
                  std::string_view arn);
/// Sets `r.resources` to one entry.
void single_resource(Record& r, std::string_view account_id, std::string_view type,
                     std::string_view arn);
/// requestParameters of empty sets (`{"volumeSet":{},"filterSet":{}}`), as EC2 Describe* write.
void empty_sets(Record& r, std::initializer_list<std::string_view> keys);

/// What every S3 call carries: additionalEventData, the S3 request ID and the host header
/// (`bucket` empty: the regional endpoint).
void s3_common(const Ctx& c, Record& r, std::string_view bucket, std::int64_t bytes_in,
               std::int64_t bytes_out);

/// Appends a session token as STS writes them.
void session_token(std::string& out, Rng& rng);
/// The bodies of an AssumeRole of `target` with that session name.
void assume_role_body(const Ctx& c, Record& r, const Role& target, std::string_view session_name);
/// Makes `r` a console sign-in (eventType AwsConsoleSignIn) that succeeded or failed.
void console_login(const Ctx& c, Record& r, bool success, bool mfa);

/// Appends "Mar 1, 2024, 9:04:12 AM": the format IAM and STS use inside responseElements.
void append_aws_date(std::string& out, std::int64_t epoch);

}  // namespace trailsift::generator
