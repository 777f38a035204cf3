// SPDX-License-Identifier: MIT
#include "services.hpp"

#include <array>
#include <iterator>

#include <fmt/format.h>

#include "trailsift/time.hpp"

namespace trailsift::generator {
namespace {

// Region-scoped identifiers come from a hash of (account, region, kind, n) so that the same few
// dozen instances, groups and keys recur across files, as in a real account.
std::uint64_t stable_hash(const Ctx& c, std::uint64_t kind, std::uint32_t pool) {
  return mix_seed({c.world.seed, c.account_index, c.region_index, kind, c.rng.below(pool)});
}

}  // namespace

void fill_body(const Ctx& c, Record& r) {
  const std::string_view service = spec_of(r.ev).service;
  if (service == "s3" || service == "dynamodb" || service == "rds") {
    fill_storage_body(c, r);
  } else if (service == "ec2" || service == "lambda") {
    fill_compute_body(c, r);
  } else if (service == "iam" || service == "sts" || service == "organizations" ||
             service == "signin") {
    fill_identity_body(c, r);
  } else if (service == "kms" || service == "secretsmanager" || service == "cloudtrail" ||
             service == "config") {
    fill_security_body(c, r);
  } else {
    fill_operations_body(c, r);
  }
}

std::string ec2_id(const Ctx& c, std::string_view prefix, std::uint64_t kind, std::uint32_t pool) {
  std::string s(prefix);
  s += '0';
  append_hex(s, stable_hash(c, kind, pool), 16);
  return s;
}

std::string instance_id(const Ctx& c) { return ec2_id(c, "i-", 1, 40); }
std::string security_group_id(const Ctx& c) { return ec2_id(c, "sg-", 2, 25); }
std::string vpc_id(const Ctx& c) { return ec2_id(c, "vpc-", 3, 3); }
std::string subnet_id(const Ctx& c) { return ec2_id(c, "subnet-", 4, 9); }
std::string volume_id(const Ctx& c) { return ec2_id(c, "vol-", 5, 60); }
std::string snapshot_id(const Ctx& c) { return ec2_id(c, "snap-", 6, 80); }
std::string ami_id(const Ctx& c) { return ec2_id(c, "ami-", 7, 6); }

std::string kms_key_arn(const Ctx& c) {
  Rng key_rng(stable_hash(c, 8, 6));
  return fmt::format("arn:aws:kms:{}:{}:key/{}", c.region, c.acct.id, uuid_string(key_rng));
}

std::string vpc_endpoint_id(const Ctx& c) {
  std::string s = "vpce-0";
  append_hex(s, mix_seed({c.world.seed, c.account_index, c.region_index, 9}), 16);
  return s;
}

const std::string& pick_bucket(const Ctx& c) { return c.rng.pick(c.acct.buckets); }

std::string bucket_arn(std::string_view bucket) { return fmt::format("arn:aws:s3:::{}", bucket); }

void add_resource(JsonWriter& j, std::string_view account_id, std::string_view type,
                  std::string_view arn) {
  j.begin_object();
  if (!account_id.empty()) j.str("accountId", account_id);
  j.str("type", type).str("ARN", arn).end_object();
}

void single_resource(Record& r, std::string_view account_id, std::string_view type,
                     std::string_view arn) {
  JsonWriter j(r.resources);
  j.begin_array();
  add_resource(j, account_id, type, arn);
  j.end_array();
}

void s3_common(const Ctx& c, Record& r, std::string_view bucket, std::int64_t bytes_in,
               std::int64_t bytes_out) {
  JsonWriter j(r.additional_event_data);
  j.begin_object().str("SignatureVersion", "SigV4");
  j.str("CipherSuite", kTlsSuites[r.tls_suite].cipher).num("bytesTransferredIn", bytes_in);
  j.str("AuthenticationMethod", "AuthHeader");
  j.custom("x-amz-id-2", [&c](std::string& o) { append_random(o, c.rng, kBase64, 76); });
  j.num("bytesTransferredOut", bytes_out).end_object();
  r.request_id = RequestIdStyle::kS3;
  r.tls_host = bucket.empty() ? fmt::format("s3.{}.amazonaws.com", c.region)
                              : fmt::format("{}.s3.{}.amazonaws.com", bucket, c.region);
}

std::string secret_arn(const Ctx& c, std::size_t index) {
  return fmt::format("arn:aws:secretsmanager:{}:{}:secret:{}-{}", c.region, c.acct.id,
                     kSecretNames[index], c.acct.secret_suffixes[index]);
}

void empty_sets(Record& r, std::initializer_list<std::string_view> keys) {
  JsonWriter j(r.request_parameters);
  j.begin_object();
  for (const std::string_view k : keys) j.empty_object(k);
  j.end_object();
}

void append_aws_date(std::string& out, std::int64_t epoch) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const CivilTime t = civil_time(epoch);
  const unsigned hour12 = t.hour % 12 == 0 ? 12 : t.hour % 12;
  fmt::format_to(std::back_inserter(out), "{} {}, {}, {}:{:02}:{:02} {}", kMonths[t.month - 1],
                 t.day, t.year, hour12, t.minute, t.second, t.hour < 12 ? "AM" : "PM");
}

}  // namespace trailsift::generator
