// SPDX-License-Identifier: MIT
// Storage services: S3 (buckets and objects), DynamoDB and RDS.
#include <array>
#include <iterator>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "services.hpp"
#include "trailsift/time.hpp"

namespace trailsift::generator {
namespace {

std::string object_key(const Ctx& c, std::int64_t time) {
  Rng& rng = c.rng;
  const CivilTime t = civil_time(time);
  switch (rng.below(8)) {
    case 0: return fmt::format("uploads/{}/original.jpg", uuid_string(rng));
    case 1: {
      const std::string uuid = uuid_string(rng);
      return fmt::format("data/year={}/month={:02}/day={:02}/part-{:05}-{}.snappy.parquet", t.year,
                         t.month, t.day, rng.below(200), uuid);
    }
    case 2:
      return fmt::format("logs/{}/{:02}/{:02}/app-{}.log.gz", t.year, t.month, t.day,
                         random_string(rng, kHexDigits, 8));
    case 3: {
      const std::string build = random_string(rng, kHexDigits, 12);
      return fmt::format("builds/{}/{}/artifact.zip", rng.pick(kFunctionNames), build);
    }
    case 4: return fmt::format("exports/daily/report-{}-{:02}-{:02}.csv", t.year, t.month, t.day);
    case 5: {
      const std::uint32_t n = rng.below(100000);
      return fmt::format("thumbnails/{}/{}_256x256.webp", n, n);
    }
    case 6: return fmt::format("static/js/main.{}.js", random_string(rng, kHexDigits, 8));
    default: {
      // Keys are arbitrary UTF-8: spaces, quotes, accents and the odd control character, all of
      // which must survive JSON escaping.
      static constexpr std::array<std::string_view, 6> kOddKeys = {
          "shared/Quarterly Review (final).pptx",
          "users/jos\xc3\xa9/notes.txt",
          "docs/\"quoted\" name.txt",
          "tmp/tab\there.txt",
          "backup\\windows\\path.bak",
          "i18n/\xe6\x9d\xb1\xe4\xba\xac/menu.json"};
      return std::string(rng.pick(kOddKeys));
    }
  }
}

void s3_bucket_call(const Ctx& c, Record& r, std::string_view sub_resource) {
  const std::string& bucket = pick_bucket(c);
  s3_common(c, r, bucket, 0, c.rng.between(100, 900));
  JsonWriter j(r.request_parameters);
  j.begin_object().str("bucketName", bucket).str("Host", r.tls_host);
  if (!sub_resource.empty()) j.str(sub_resource, "");
  j.end_object();
  r.primary_arn = bucket_arn(bucket);
  single_resource(r, c.acct.id, "AWS::S3::Bucket", r.primary_arn);
}

void s3_object_call(const Ctx& c, Record& r, Ev ev) {
  const std::string& bucket = pick_bucket(c);
  const std::string key = object_key(c, r.time);
  const bool upload = ev == Ev::PutObject;
  const std::int64_t size = c.rng.between(200, 4000000);
  s3_common(c, r, bucket, upload ? size : 0, ev == Ev::GetObject ? size : 0);
  JsonWriter j(r.request_parameters);
  j.begin_object().str("bucketName", bucket).str("Host", r.tls_host).str("key", key);
  if (upload && c.rng.per_mille(400)) j.str("x-amz-server-side-encryption", "aws:kms");
  j.end_object();
  if (upload) {
    JsonWriter resp(r.response_elements);
    resp.begin_object().str("x-amz-server-side-encryption", "AES256");
    resp.custom("x-amz-version-id", [&c](std::string& o) { append_random(o, c.rng, kAlnum, 32); });
    resp.end_object();
  }
  // Real object resources carry no accountId; the bucket entry does.
  r.primary_arn = fmt::format("arn:aws:s3:::{}/{}", bucket, key);
  JsonWriter res(r.resources);
  res.begin_array();
  add_resource(res, "", "AWS::S3::Object", r.primary_arn);
  add_resource(res, c.acct.id, "AWS::S3::Bucket", bucket_arn(bucket));
  res.end_array();
}

std::string table_arn(const Ctx& c, std::string_view table) {
  return fmt::format("arn:aws:dynamodb:{}:{}:table/{}", c.region, c.acct.id, table);
}

}  // namespace

void fill_storage_body(const Ctx& c, Record& r) {
  Rng& rng = c.rng;
  const Account& acct = c.acct;
  JsonWriter p(r.request_parameters);
  JsonWriter resp(r.response_elements);
  switch (r.ev) {
    // --- S3 -------------------------------------------------------------------------------------
    case Ev::GetObject:
    case Ev::PutObject:
    case Ev::HeadObject:
    case Ev::DeleteObject: s3_object_call(c, r, r.ev); break;
    case Ev::ListObjects: {
      // ListObjects names a prefix, not an object: real records use ARNPrefix here.
      const std::string& bucket = pick_bucket(c);
      s3_common(c, r, bucket, 0, rng.between(300, 60000));
      static constexpr std::array<std::string_view, 4> kPrefixes = {"logs/", "uploads/", "data/",
                                                                    "exports/daily/"};
      const std::string_view prefix = rng.pick(kPrefixes);
      p.begin_object().str("list-type", "2").str("bucketName", bucket).str("encoding-type", "url");
      p.str("prefix", prefix).str("Host", r.tls_host).end_object();
      r.primary_arn = bucket_arn(bucket);
      JsonWriter res(r.resources);
      res.begin_array().begin_object().str("type", "AWS::S3::Object");
      res.key("ARNPrefix").string(fmt::format("arn:aws:s3:::{}/{}", bucket, prefix)).end_object();
      add_resource(res, acct.id, "AWS::S3::Bucket", r.primary_arn);
      res.end_array();
      break;
    }
    case Ev::ListBuckets:
      s3_common(c, r, "", 0, rng.between(2000, 9000));
      r.tls_host = fmt::format("s3.{}.amazonaws.com", c.region);
      p.begin_object().str("Host", r.tls_host).end_object();
      break;
    case Ev::GetBucketAcl: s3_bucket_call(c, r, "acl"); break;
    case Ev::GetBucketLocation: s3_bucket_call(c, r, "location"); break;
    case Ev::GetBucketPolicy: s3_bucket_call(c, r, "policy"); break;
    case Ev::GetBucketVersioning: s3_bucket_call(c, r, "versioning"); break;
    case Ev::GetBucketEncryption: s3_bucket_call(c, r, "encryption"); break;
    case Ev::GetBucketPublicAccessBlock: s3_bucket_call(c, r, "publicAccessBlock"); break;
    case Ev::CreateBucket:
    case Ev::DeleteBucket: {
      // A bucket outside the stable population: teams create and drop scratch buckets.
      const std::string bucket =
          fmt::format("{}-scratch-{}", acct.alias, random_string(rng, kHexDigits, 6));
      s3_common(c, r, bucket, 0, 0);
      p.begin_object().str("bucketName", bucket).str("Host", r.tls_host);
      if (r.ev == Ev::CreateBucket) {
        p.begin_object("CreateBucketConfiguration").str("LocationConstraint", c.region);
        p.str("xmlns", "http://s3.amazonaws.com/doc/2006-03-01/").end_object();
      }
      p.end_object();
      r.primary_arn = bucket_arn(bucket);
      single_resource(r, acct.id, "AWS::S3::Bucket", r.primary_arn);
      break;
    }
    case Ev::PutBucketPolicy: {
      const std::string& bucket = pick_bucket(c);
      s3_common(c, r, bucket, rng.between(300, 900), 0);
      p.begin_object().begin_object("bucketPolicy").str("Version", "2012-10-17");
      p.begin_array("Statement").begin_object().str("Sid", "AllowCloudFrontRead");
      p.str("Effect", "Allow").begin_object("Principal").str("Service", "cloudfront.amazonaws.com");
      p.end_object().str("Action", "s3:GetObject");
      p.key("Resource").string(fmt::format("arn:aws:s3:::{}/*", bucket));
      p.end_object().end_array().end_object();
      p.str("bucketName", bucket).str("Host", r.tls_host).str("policy", "").end_object();
      r.primary_arn = bucket_arn(bucket);
      single_resource(r, acct.id, "AWS::S3::Bucket", r.primary_arn);
      break;
    }
    // --- DynamoDB -------------------------------------------------------------------------------
    case Ev::GetItem:
    case Ev::PutItem: {
      const std::string_view table = rng.pick(kTableNames);
      p.begin_object().str("tableName", table).begin_object("key");
      p.key("pk").string(
          fmt::format("{}#{}", table == "orders" ? "ORDER" : "ID", rng.below(10000000)));
      p.end_object();
      if (r.ev == Ev::GetItem)
        p.boolean("consistentRead", rng.per_mille(200));
      else
        p.str("returnValue", "NONE").str("returnConsumedCapacity", "NONE");
      p.end_object();
      r.primary_arn = table_arn(c, table);
      single_resource(r, acct.id, "AWS::DynamoDB::Table", r.primary_arn);
      break;
    }
    case Ev::Query: {
      const std::string_view table = rng.pick(kTableNames);
      p.begin_object().str("tableName", table).str("keyConditionExpression", "#pk = :pk");
      p.num("limit", 100).boolean("scanIndexForward", false).end_object();
      r.primary_arn = table_arn(c, table);
      single_resource(r, acct.id, "AWS::DynamoDB::Table", r.primary_arn);
      break;
    }
    case Ev::DescribeTable:
    case Ev::UpdateTable:
    case Ev::CreateBackup: {
      const std::string_view table = rng.pick(kTableNames);
      p.begin_object().str("tableName", table);
      if (r.ev == Ev::CreateBackup) {
        const CivilTime t = civil_time(r.time);
        p.key("backupName").string(fmt::format("{}-{}{:02}{:02}", table, t.year, t.month, t.day));
      }
      if (r.ev == Ev::UpdateTable) p.str("billingMode", "PAY_PER_REQUEST");
      p.end_object();
      r.primary_arn = table_arn(c, table);
      break;
    }
    case Ev::ListTables: break;
    // --- RDS ------------------------------------------------------------------------------------
    case Ev::DescribeDBInstances:
      if (rng.per_mille(500))
        p.begin_object().str("dBInstanceIdentifier", rng.pick(kDbInstances)).end_object();
      break;
    case Ev::DescribeDBClusters:
    case Ev::DescribeDBSnapshots: break;
    case Ev::CreateDBSnapshot:
    case Ev::ModifyDBInstance: {
      const std::string_view db = rng.pick(kDbInstances);
      p.begin_object().str("dBInstanceIdentifier", db);
      if (r.ev == Ev::CreateDBSnapshot) {
        p.key("dBSnapshotIdentifier")
            .string(fmt::format("{}-manual-{}", db, random_string(rng, kHexDigits, 6)));
      } else {
        p.str("dBInstanceClass", "db.r6g.large").boolean("applyImmediately", false);
      }
      p.end_object();
      r.primary_arn = fmt::format("arn:aws:rds:{}:{}:db:{}", c.region, acct.id, db);
      break;
    }
    default: break;
  }
}

}  // namespace trailsift::generator
