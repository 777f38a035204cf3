// SPDX-License-Identifier: MIT
// trailsift-generate-mirror: writes a deterministic, realistic mirror of a CloudTrail S3 bucket.
//
// The output imitates `aws s3 sync s3://trail-bucket DIR`:
//   DIR/AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/
//       <account>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<16 alnum>.json.gz
// Each file is one compact {"Records":[...]} document. Records follow real CloudTrail key order and
// shapes (see shared/research/format-and-data.md and the real samples in shared/realdata/).
//
// Every output byte is a function of the command line only: the generator has its own PRNG, never
// reads the clock, uses only integer arithmetic for anything that reaches the output, and gives
// every (account, region, 5-minute slot) its own random stream, so files can be produced in
// parallel and in any order with identical results.

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace {

namespace fs = std::filesystem;
using std::int64_t;
using std::size_t;
using std::uint32_t;
using std::uint64_t;

// ------------------------------------------------------------------------------------------------
// Randomness
// ------------------------------------------------------------------------------------------------

constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ULL;

constexpr uint64_t splitmix64(uint64_t& state) {
  state += kGolden;
  uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Folds several integers into one seed. Used to derive an independent stream per entity or file.
constexpr uint64_t mix_seed(std::initializer_list<uint64_t> parts) {
  uint64_t state = 0x7261696c73696674ULL;  // "railsift"
  uint64_t hash = 0;
  for (const uint64_t part : parts) {
    state ^= part + kGolden + (hash << 6) + (hash >> 2);
    hash = splitmix64(state);
  }
  return hash;
}

// xoshiro256**: fast, good quality, and its output is fully specified (unlike std:: distributions,
// whose results differ between standard libraries).
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (uint64_t& word : state_) word = splitmix64(seed);
  }

  uint64_t next() {
    const uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  // Uniform in [0, n) by multiply-shift; the bias (< 2^-32) does not matter here.
  uint32_t below(uint32_t n) { return static_cast<uint32_t>(((next() >> 32) * n) >> 32); }
  uint32_t between(uint32_t lo, uint32_t hi) { return lo + below(hi - lo + 1); }
  bool per_mille(uint32_t p) { return below(1000) < p; }

  template <typename Container>
  const auto& pick(const Container& items) {
    return items[below(static_cast<uint32_t>(std::size(items)))];
  }

 private:
  static constexpr uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<uint64_t, 4> state_{};
};

// Weighted choice over integer weights (no floating point, so results are identical everywhere).
class WeightedTable {
 public:
  WeightedTable() = default;
  explicit WeightedTable(const std::vector<uint32_t>& weights) {
    uint32_t total = 0;
    for (const uint32_t w : weights) {
      total += w;
      cumulative_.push_back(total);
    }
  }
  size_t pick(Rng& rng) const {
    const uint32_t x = rng.below(cumulative_.back());
    return static_cast<size_t>(std::upper_bound(cumulative_.begin(), cumulative_.end(), x) -
                               cumulative_.begin());
  }

 private:
  std::vector<uint32_t> cumulative_;
};

constexpr std::string_view kUpperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
constexpr std::string_view kAlnum =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::string_view kHexDigits = "0123456789abcdef";
constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void append_random(std::string& out, Rng& rng, std::string_view alphabet, size_t n) {
  for (size_t i = 0; i < n; ++i) out += alphabet[rng.below(static_cast<uint32_t>(alphabet.size()))];
}

std::string random_string(Rng& rng, std::string_view alphabet, size_t n) {
  std::string s;
  s.reserve(n);
  append_random(s, rng, alphabet, n);
  return s;
}

void append_hex(std::string& out, uint64_t value, int digits) {
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4)
    out += kHexDigits[(value >> shift) & 0xF];
}

// UUID version 4 (random), lowercase, as CloudTrail writes eventID.
void append_uuid(std::string& out, Rng& rng) {
  const uint64_t hi = (rng.next() & ~0xF000ULL) | 0x4000ULL;
  const uint64_t lo = (rng.next() & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  append_hex(out, hi >> 32, 8);
  out += '-';
  append_hex(out, (hi >> 16) & 0xFFFF, 4);
  out += '-';
  append_hex(out, hi & 0xFFFF, 4);
  out += '-';
  append_hex(out, lo >> 48, 4);
  out += '-';
  append_hex(out, lo & 0xFFFFFFFFFFFFULL, 12);
}

std::string uuid_string(Rng& rng) {
  std::string s;
  append_uuid(s, rng);
  return s;
}

// ------------------------------------------------------------------------------------------------
// Time (proleptic Gregorian, UTC, integer only)
// ------------------------------------------------------------------------------------------------

constexpr int64_t kSlotSeconds = 300;

constexpr int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct CivilTime {
  int64_t year;
  unsigned month, day, hour, minute, second;
};

constexpr CivilTime to_civil(int64_t epoch) {
  int64_t days = epoch / 86400;
  int64_t rem = epoch % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
  const auto secs = static_cast<unsigned>(rem);
  return {y, m, d, secs / 3600, secs / 60 % 60, secs % 60};
}

void append_digits(std::string& out, uint64_t value, int width) {
  char buf[20];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(buf, static_cast<size_t>(width));
}

// 2024-03-01T09:04:12Z
void append_iso(std::string& out, int64_t epoch) {
  const CivilTime t = to_civil(epoch);
  append_digits(out, static_cast<uint64_t>(t.year), 4);
  out += '-';
  append_digits(out, t.month, 2);
  out += '-';
  append_digits(out, t.day, 2);
  out += 'T';
  append_digits(out, t.hour, 2);
  out += ':';
  append_digits(out, t.minute, 2);
  out += ':';
  append_digits(out, t.second, 2);
  out += 'Z';
}

std::string iso_string(int64_t epoch) {
  std::string s;
  append_iso(s, epoch);
  return s;
}

// "Mar 1, 2024, 9:04:12 AM": the format IAM and STS use inside responseElements.
void append_aws_date(std::string& out, int64_t epoch) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const CivilTime t = to_civil(epoch);
  const unsigned hour12 = t.hour % 12 == 0 ? 12 : t.hour % 12;
  fmt::format_to(std::back_inserter(out), "{} {}, {}, {}:{:02}:{:02} {}", kMonths[t.month - 1],
                 t.day, t.year, hour12, t.minute, t.second, t.hour < 12 ? "AM" : "PM");
}

std::optional<int64_t> parse_iso(std::string_view s) {
  // Accepts exactly YYYY-MM-DDTHH:MM:SSZ.
  if (s.size() != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':' || s[19] != 'Z') {
    return std::nullopt;
  }
  auto number = [&](size_t pos, size_t len) -> std::optional<unsigned> {
    unsigned value = 0;
    const auto [ptr, ec] = std::from_chars(s.data() + pos, s.data() + pos + len, value);
    if (ec != std::errc() || ptr != s.data() + pos + len) return std::nullopt;
    return value;
  };
  const auto year = number(0, 4), month = number(5, 2), day = number(8, 2);
  const auto hour = number(11, 2), minute = number(14, 2), second = number(17, 2);
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  if (*month < 1 || *month > 12 || *day < 1 || *day > 31 || *hour > 23 || *minute > 59 ||
      *second > 59) {
    return std::nullopt;
  }
  return days_from_civil(*year, *month, *day) * 86400 + *hour * 3600 + *minute * 60 + *second;
}

// ------------------------------------------------------------------------------------------------
// JSON output
// ------------------------------------------------------------------------------------------------

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s, start, i - start);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
        break;
    }
    start = i + 1;
  }
  out.append(s, start, s.size() - start);
  out += '"';
}

// Compact JSON writer. Method names differ by value type on purpose: an overload set taking both
// bool and std::string_view would silently turn string literals into `true`.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& begin_object(std::string_view k) { return key(k).open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& begin_array(std::string_view k) { return key(k).open('['); }
  JsonWriter& end_array() { return close(']'); }

  JsonWriter& key(std::string_view k) {
    separate();
    append_json_string(out_, k);
    out_ += ':';
    comma_ = false;
    return *this;
  }
  JsonWriter& string(std::string_view v) {
    separate();
    append_json_string(out_, v);
    comma_ = true;
    return *this;
  }
  JsonWriter& raw(std::string_view json) {
    separate();
    out_ += json;
    comma_ = true;
    return *this;
  }
  JsonWriter& number(int64_t v) {
    separate();
    fmt::format_to(std::back_inserter(out_), "{}", v);
    comma_ = true;
    return *this;
  }

  JsonWriter& str(std::string_view k, std::string_view v) { return key(k).string(v); }
  JsonWriter& num(std::string_view k, int64_t v) { return key(k).number(v); }
  JsonWriter& boolean(std::string_view k, bool v) { return key(k).raw(v ? "true" : "false"); }
  JsonWriter& null(std::string_view k) { return key(k).raw("null"); }
  JsonWriter& raw(std::string_view k, std::string_view json) { return key(k).raw(json); }
  JsonWriter& time(std::string_view k, int64_t epoch) {
    return custom(k, [epoch](std::string& o) { append_iso(o, epoch); });
  }
  JsonWriter& empty_object(std::string_view k) { return key(k).raw("{}"); }
  // A string value produced by `append(std::string&)`; the value must need no escaping.
  template <typename Append>
  JsonWriter& custom(std::string_view k, Append&& append) {
    key(k);
    out_ += '"';
    append(out_);
    out_ += '"';
    comma_ = true;
    return *this;
  }

 private:
  JsonWriter& open(char c) {
    separate();
    out_ += c;
    comma_ = false;
    return *this;
  }
  JsonWriter& close(char c) {
    out_ += c;
    comma_ = true;
    return *this;
  }
  void separate() {
    if (comma_) out_ += ',';
  }

  std::string& out_;
  bool comma_ = false;
};

// ------------------------------------------------------------------------------------------------
// Static vocabulary
// ------------------------------------------------------------------------------------------------

struct RegionInfo {
  std::string_view name;
  uint32_t weight;  // per mille of us-east-1's activity
};

// us-east-1 first: it also receives the global services (IAM, STS global endpoint, sign-in).
constexpr std::array<RegionInfo, 16> kRegions = {{
    {"us-east-1", 1000},
    {"us-west-2", 300},
    {"eu-west-1", 220},
    {"eu-central-1", 120},
    {"ap-southeast-2", 80},
    {"ap-northeast-1", 60},
    {"us-east-2", 50},
    {"eu-west-2", 45},
    {"ca-central-1", 40},
    {"ap-south-1", 35},
    {"sa-east-1", 30},
    {"eu-north-1", 30},
    {"ap-southeast-1", 30},
    {"us-west-1", 25},
    {"eu-west-3", 25},
    {"ap-northeast-2", 25},
}};

constexpr std::array<uint32_t, 8> kAccountWeights = {1000, 550, 350, 220, 150, 110, 80, 60};
constexpr std::array<std::string_view, 8> kAccountAliases = {
    "acme-prod", "acme-staging", "acme-dev",    "acme-security",
    "acme-data", "acme-sandbox", "acme-shared", "acme-logs"};

// UTC hour-of-day activity in percent: the company works mostly in US and EU business hours.
constexpr std::array<uint32_t, 24> kHourFactor = {55,  50,  45,  42,  42,  45,  55,  70,
                                                  85,  95,  105, 115, 125, 135, 140, 140,
                                                  135, 125, 110, 95,  80,  70,  65,  60};

// Human first/last names. Deliberately free of the names used by the example story (alex.kim,
// maria.gonzalez, tom.baker) so that story identities never appear in background traffic.
constexpr std::array<std::string_view, 30> kFirstNames = {
    "olivia", "liam",   "emma",  "noah",  "ava",   "lucas", "sofia",  "ethan", "mia",  "james",
    "chloe",  "daniel", "priya", "arjun", "wei",   "mei",   "hana",   "kenji", "lars", "ingrid",
    "mateo",  "lucia",  "omar",  "layla", "felix", "nora",  "samuel", "zoe",   "ravi", "anya"};
constexpr std::array<std::string_view, 20> kLastNames = {
    "smith",  "nguyen",  "patel",  "mueller", "garcia",  "rossi",  "johansson",
    "okafor", "tanaka",  "silva",  "cohen",   "novak",   "dubois", "kowalski",
    "haddad", "brennan", "larsen", "moreau",  "fischer", "ito"};
constexpr std::array<std::string_view, 10> kServiceUsers = {
    "terraform-ci", "backup-agent",   "github-actions", "datadog-integration", "jenkins",
    "airflow-svc",  "grafana-reader", "s3-sync-job",    "legacy-billing-app",  "monitoring-bot"};

enum class ClientKind : uint8_t {
  kConsole,
  kCli,
  kBoto3,
  kGoSdk,
  kJavaSdk,
  kNodeSdk,
  kTerraform,
  kSsmAgent,
  kDatadog,
  kService
};

constexpr std::array<std::string_view, 3> kCliAgents = {
    "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0-1016-aws exe/x86_64.ubuntu.22 prompt/off",
    "aws-cli/2.15.19 Python/3.11.6 Darwin/23.3.0 exe/x86_64 prompt/off",
    "aws-cli/1.32.56 md/Botocore#1.34.56 ua/2.0 os/linux#5.15.0-1055-aws md/arch#x86_64 "
    "lang/python#3.10.12 md/pyimpl#CPython cfg/retry-mode#legacy botocore/1.34.56"};
constexpr std::array<std::string_view, 2> kBoto3Agents = {
    "Boto3/1.34.54 md/Botocore#1.34.54 ua/2.0 os/linux#5.10.210-201.852.amzn2.x86_64 "
    "md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.54",
    "Boto3/1.28.57 Python/3.9.18 Linux/5.10.205-195.807.amzn2.x86_64 exec-env/AWS_Lambda_python3.9 "
    "Botocore/1.31.57"};
constexpr std::array<std::string_view, 2> kGoAgents = {
    "aws-sdk-go-v2/1.25.2 os/linux lang/go#1.22.0 md/GOOS#linux md/GOARCH#amd64 api/s3#1.51.1",
    "aws-sdk-go/1.50.25 (go1.21.7; linux; amd64)"};
constexpr std::array<std::string_view, 2> kJavaAgents = {
    "aws-sdk-java/2.25.6 Linux/5.10.210-201.852.amzn2.x86_64 "
    "OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS "
    "Java/17.0.10 vendor/Amazon.com_Inc. exec-env/AWS_ECS_FARGATE io/sync http/Apache "
    "cfg/retry-mode/legacy",
    "aws-sdk-java/1.12.666 Linux/5.10.210-201.852.amzn2.x86_64 "
    "OpenJDK_64-Bit_Server_VM/11.0.22+7-LTS "
    "java/11.0.22 vendor/Amazon.com_Inc. cfg/retry-mode/standard"};
constexpr std::array<std::string_view, 2> kNodeAgents = {
    "aws-sdk-nodejs/2.1569.0 linux/v18.19.1 exec-env/AWS_Lambda_nodejs18.x promise",
    "aws-sdk-js/3.525.0 ua/2.0 os/linux#5.10.209-218.812.amzn2.x86_64 lang/js md/nodejs#20.11.1 "
    "api/dynamodb#3.525.0 exec-env/AWS_Lambda_nodejs20.x"};
constexpr std::string_view kTerraformAgent =
    "APN/1.0 HashiCorp/1.0 Terraform/1.7.4 (+https://www.terraform.io) "
    "terraform-provider-aws/5.39.1 "
    "(+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.25.2 os/linux "
    "lang/go#1.21.7 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.149.3";
constexpr std::string_view kSsmAgent =
    "aws-sdk-go/1.50.25 (go1.21.7; linux; amd64) amazon-ssm-agent/3.3.131.0";
constexpr std::string_view kDatadogAgent =
    "aws-sdk-go/1.44.327 (go1.20.10; linux; amd64) Datadog/aws-integration";
constexpr std::string_view kS3ConsoleAgent =
    "[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.488 Linux/5.10.213-180.863.amzn2int.x86_64 "
    "OpenJDK_64-Bit_Server_VM/25.402-b08 java/1.8.0_402 vendor/Oracle_Corporation "
    "cfg/retry-mode/standard]";
constexpr std::array<std::string_view, 4> kBrowserAgents = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/122.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/122.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_3_1) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.3.1 Safari/605.1.15"};

struct TlsSuite {
  std::string_view version, cipher;
};
constexpr std::array<TlsSuite, 3> kTlsSuites = {{{"TLSv1.3", "TLS_AES_128_GCM_SHA256"},
                                                 {"TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256"},
                                                 {"TLSv1.3", "TLS_AES_256_GCM_SHA384"}}};

constexpr std::array<std::string_view, 8> kBucketSuffixes = {
    "app-assets",      "data-lake-raw",   "data-lake-curated", "backups",
    "terraform-state", "build-artifacts", "access-logs",       "ml-training-data"};
constexpr std::array<std::string_view, 8> kFunctionNames = {
    "order-processor", "thumbnail-generator", "cloudtrail-log-shipper", "user-signup-handler",
    "nightly-report",  "webhook-receiver",    "cost-anomaly-notifier",  "session-cleanup"};
constexpr std::array<std::string_view, 7> kTableNames = {
    "orders",        "sessions",     "user-profiles", "inventory",
    "feature-flags", "audit-events", "payments"};
constexpr std::array<std::string_view, 6> kSecretNames = {
    "prod/payments/stripe-api-key", "prod/orders-db/master", "shared/datadog-api-key",
    "ci/github-deploy-token",       "prod/smtp-credentials", "analytics/redshift-reader"};
constexpr std::array<std::string_view, 8> kParameterNames = {"/app/prod/db/host",
                                                             "/app/prod/db/port",
                                                             "/app/prod/feature-flags/checkout-v2",
                                                             "/app/prod/api/rate-limit",
                                                             "/cloudwatch-agent/config",
                                                             "/ami/latest/amazon-linux-2023",
                                                             "/app/staging/db/host",
                                                             "/platform/vpc/private-subnets"};
constexpr std::array<std::string_view, 4> kDbInstances = {"orders-db-prod", "orders-db-replica-1",
                                                          "analytics-postgres", "keycloak-db"};
constexpr std::array<std::string_view, 6> kLogGroups = {
    "/aws/lambda/order-processor",
    "/aws/lambda/thumbnail-generator",
    "/ecs/api",
    "/aws/rds/instance/orders-db-prod/postgresql",
    "/var/log/messages",
    "/aws/eks/platform/cluster"};
constexpr std::array<std::string_view, 6> kManagedPolicies = {
    "arn:aws:iam::aws:policy/ReadOnlyAccess",      "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
    "arn:aws:iam::aws:policy/AmazonEC2FullAccess", "arn:aws:iam::aws:policy/AdministratorAccess",
    "arn:aws:iam::aws:policy/SecurityAudit",       "arn:aws:iam::aws:policy/AWSLambda_FullAccess"};
constexpr std::array<std::string_view, 5> kInstanceTypes = {"t3.micro", "t3.medium", "m6i.large",
                                                            "c6g.xlarge", "r6i.2xlarge"};
constexpr std::array<std::string_view, 5> kConfigRules = {
    "s3-bucket-public-read-prohibited", "encrypted-volumes", "iam-user-mfa-enabled",
    "restricted-ssh", "cloudtrail-enabled"};
constexpr std::string_view kTrailName = "acme-org-trail";

// ------------------------------------------------------------------------------------------------
// The world: accounts, principals and their resources. Built once from the seed.
// ------------------------------------------------------------------------------------------------

enum class RoleKind : uint8_t { kAdmin, kSso, kEc2, kLambda, kEcs, kCi, kThirdParty, kService };

struct Principal {           // an IAM user, or one session of a role
  std::string name;          // user name or role session name
  std::string principal_id;  // AIDA... for users, AROA...:session for sessions
  std::string arn;
  std::vector<std::string> access_keys;  // AKIA... for users; one ASIA... for sessions
  ClientKind client = ClientKind::kCli;
  std::string_view user_agent;
  uint32_t ip = 0;              // index of the usual source address in World::ips
  uint32_t session_offset = 0;  // how long before each hour the session credentials were minted
  bool human = false;
  bool mfa = false;
  size_t role = 0;  // owning role (sessions only)
};

struct Role {
  std::string name;
  std::string principal_id;  // AROA...
  std::string arn;
  RoleKind kind;
  uint32_t weight;
  std::vector<Principal> sessions;
  std::string_view service;  // for service roles: the service that uses the role
};

struct Account {
  std::string id;
  std::string alias;
  std::string key_infix;  // real keys/IDs of one account share a middle part
  uint32_t weight = 0;
  bool management = false;  // the Organizations management account
  std::vector<Principal> users;
  std::vector<size_t> human_users;
  std::vector<size_t> machine_users;
  WeightedTable user_table;
  std::vector<Role> roles;
  WeightedTable role_table;
  std::vector<std::string> buckets;
  std::vector<std::string> secret_suffixes;
  std::string root_arn;
  std::string org_id;
};

enum class IpKind : uint8_t { kPublic, kAws, kPrivate, kIpv6 };

struct World {
  uint64_t seed = 0;
  std::vector<Account> accounts;
  std::vector<RegionInfo> regions;
  std::vector<std::string> ips;
  std::vector<IpKind> ip_kinds;
  std::array<std::vector<uint32_t>, 4> ips_by_kind;
  bool story_mode = false;  // example scenario: keep alarming events for the story only
};

std::string make_id(Rng& rng, std::string_view prefix, std::string_view infix, size_t total) {
  std::string s(prefix);
  s += infix;
  append_random(s, rng, kUpperAlnum, total - s.size());
  return s;
}

std::string random_ipv4(Rng& rng, IpKind kind) {
  static constexpr std::array<uint32_t, 24> kPublicFirst = {24,  38,  50,  63,  67,  71,  73,  76,
                                                            81,  84,  86,  88,  90,  93,  95,  98,
                                                            104, 109, 151, 176, 178, 188, 212, 217};
  static constexpr std::array<uint32_t, 7> kAwsFirst = {3, 18, 34, 35, 44, 52, 54};
  uint32_t first = 10;
  if (kind == IpKind::kPublic) first = rng.pick(kPublicFirst);
  if (kind == IpKind::kAws) first = rng.pick(kAwsFirst);
  return fmt::format("{}.{}.{}.{}", first, rng.below(256), rng.below(256), rng.between(1, 254));
}

std::string random_ipv6(Rng& rng) {
  std::string s = rng.per_mille(500) ? "2600:1f18" : "2a02:8109";
  for (int i = 0; i < 6; ++i) fmt::format_to(std::back_inserter(s), ":{:x}", rng.below(0x10000));
  return s;
}

void build_ip_pool(World& world, Rng& rng) {
  // ~200 addresses: mostly public IPv4, then AWS-hosted, VPC-private and a few IPv6.
  const std::array<std::pair<IpKind, int>, 4> plan = {
      {{IpKind::kPublic, 110}, {IpKind::kAws, 50}, {IpKind::kPrivate, 20}, {IpKind::kIpv6, 20}}};
  for (const auto& [kind, count] : plan) {
    for (int i = 0; i < count; ++i) {
      std::string ip = kind == IpKind::kIpv6 ? random_ipv6(rng) : random_ipv4(rng, kind);
      if (std::find(world.ips.begin(), world.ips.end(), ip) != world.ips.end()) continue;
      world.ips_by_kind[static_cast<size_t>(kind)].push_back(
          static_cast<uint32_t>(world.ips.size()));
      world.ips.push_back(std::move(ip));
      world.ip_kinds.push_back(kind);
    }
  }
}

uint32_t pick_ip(World& world, Rng& rng, IpKind kind) {
  return rng.pick(world.ips_by_kind[static_cast<size_t>(kind)]);
}

std::string_view agent_for(ClientKind client, Rng& rng) {
  switch (client) {
    case ClientKind::kConsole:
      return "AWS Internal";
    case ClientKind::kCli:
      return rng.pick(kCliAgents);
    case ClientKind::kBoto3:
      return rng.pick(kBoto3Agents);
    case ClientKind::kGoSdk:
      return rng.pick(kGoAgents);
    case ClientKind::kJavaSdk:
      return rng.pick(kJavaAgents);
    case ClientKind::kNodeSdk:
      return rng.pick(kNodeAgents);
    case ClientKind::kTerraform:
      return kTerraformAgent;
    case ClientKind::kSsmAgent:
      return kSsmAgent;
    case ClientKind::kDatadog:
      return kDatadogAgent;
    case ClientKind::kService:
      return "AWS Internal";
  }
  return "AWS Internal";
}

struct RoleTemplate {
  std::string_view name;  // "{}" is replaced by 16 hex digits (SSO permission-set roles)
  RoleKind kind;
  uint32_t weight;
  std::string_view service;
};

constexpr std::array<RoleTemplate, 20> kRoleTemplates = {{
    {"OrganizationAccountAccessRole", RoleKind::kAdmin, 3, ""},
    {"AWSReservedSSO_AdministratorAccess_{}", RoleKind::kSso, 4, ""},
    {"AWSReservedSSO_ReadOnlyAccess_{}", RoleKind::kSso, 4, ""},
    {"AWSReservedSSO_PowerUserAccess_{}", RoleKind::kSso, 3, ""},
    {"app-server-instance-role", RoleKind::kEc2, 9, ""},
    {"batch-worker-instance-role", RoleKind::kEc2, 5, ""},
    {"AmazonSSMRoleForInstancesQuickSetup", RoleKind::kEc2, 6, ""},
    {"order-processor-lambda-role", RoleKind::kLambda, 8, ""},
    {"thumbnail-generator-lambda-role", RoleKind::kLambda, 6, ""},
    {"cloudtrail-log-shipper-role", RoleKind::kLambda, 4, ""},
    {"api-ecs-task-role", RoleKind::kEcs, 12, ""},
    {"github-actions-deploy", RoleKind::kCi, 5, ""},
    {"terraform-apply", RoleKind::kCi, 3, ""},
    {"DatadogIntegrationRole", RoleKind::kThirdParty, 8, ""},
    {"AWSServiceRoleForConfig", RoleKind::kService, 5, "config.amazonaws.com"},
    {"aws-controltower-AuditReadOnlyRole", RoleKind::kService, 2, "lambda.amazonaws.com"},
    {"AWSServiceRoleForAmazonGuardDuty", RoleKind::kService, 4, "guardduty.amazonaws.com"},
    {"AWSServiceRoleForSecurityHub", RoleKind::kService, 3, "securityhub.amazonaws.com"},
    {"data-pipeline-glue-role", RoleKind::kService, 3, "glue.amazonaws.com"},
    {"AWSBackupDefaultServiceRole", RoleKind::kService, 2, "backup.amazonaws.com"},
}};

void add_session(World& world, Account& acct, Role& role, size_t role_index, Rng& rng,
                 std::string session_name) {
  Principal s;
  s.name = std::move(session_name);
  s.principal_id = role.principal_id + ":" + s.name;
  s.arn = fmt::format("arn:aws:sts::{}:assumed-role/{}/{}", acct.id, role.name, s.name);
  s.access_keys.push_back(make_id(rng, "ASIA", acct.key_infix, 20));
  s.session_offset = rng.between(30, 3500);
  s.role = role_index;
  switch (role.kind) {
    case RoleKind::kAdmin:
    case RoleKind::kSso:
      s.human = true;
      s.mfa = rng.per_mille(700);
      s.client = rng.per_mille(500) ? ClientKind::kConsole : ClientKind::kCli;
      s.ip = pick_ip(world, rng, rng.per_mille(850) ? IpKind::kPublic : IpKind::kIpv6);
      break;
    case RoleKind::kEc2:
      s.client = role.name.starts_with("AmazonSSM") ? ClientKind::kSsmAgent
                 : rng.per_mille(500)               ? ClientKind::kBoto3
                                                    : ClientKind::kJavaSdk;
      s.ip = pick_ip(world, rng, rng.per_mille(600) ? IpKind::kAws : IpKind::kPrivate);
      break;
    case RoleKind::kLambda:
      s.client = rng.per_mille(500) ? ClientKind::kNodeSdk : ClientKind::kBoto3;
      s.ip = pick_ip(world, rng, IpKind::kAws);
      break;
    case RoleKind::kEcs:
      s.client = ClientKind::kJavaSdk;
      s.ip = pick_ip(world, rng, rng.per_mille(500) ? IpKind::kAws : IpKind::kPrivate);
      break;
    case RoleKind::kCi:
      s.client = role.name == "terraform-apply" ? ClientKind::kTerraform : ClientKind::kCli;
      s.ip = pick_ip(world, rng, IpKind::kAws);
      break;
    case RoleKind::kThirdParty:
      s.client = ClientKind::kDatadog;
      s.ip = pick_ip(world, rng, IpKind::kAws);
      break;
    case RoleKind::kService:
      s.client = ClientKind::kService;
      break;
  }
  s.user_agent = agent_for(s.client, rng);
  role.sessions.push_back(std::move(s));
}

void build_account(World& world, Account& acct, size_t index, uint32_t total_weight,
                   const std::vector<std::string>& humans_pool, size_t& next_human, Rng& rng) {
  acct.root_arn = fmt::format("arn:aws:iam::{}:root", acct.id);
  acct.management = index == 0;
  acct.org_id = "o-" + random_string(rng, "abcdefghijklmnopqrstuvwxyz0123456789", 10);

  // Users: about 50 across the organization, spread by account activity.
  const uint32_t user_count = std::max<uint32_t>(4, 50 * acct.weight / total_weight);
  std::vector<uint32_t> user_weights;
  for (uint32_t i = 0; i < user_count; ++i) {
    Principal u;
    const bool service_user = i % 5 == 3 || i % 5 == 4;  // 40% machine users
    if (service_user) {
      u.name = std::string(kServiceUsers[(index * 3 + i) % kServiceUsers.size()]);
      if (std::any_of(acct.users.begin(), acct.users.end(),
                      [&](const Principal& p) { return p.name == u.name; })) {
        u.name += fmt::format("-{}", i);
      }
    } else {
      u.name = humans_pool[next_human++ % humans_pool.size()];
      u.human = true;
    }
    u.principal_id = make_id(rng, "AIDA", acct.key_infix, 21);
    u.arn = fmt::format("arn:aws:iam::{}:user/{}", acct.id, u.name);
    if (u.human) {
      u.mfa = rng.per_mille(850);
      u.ip = pick_ip(world, rng, rng.per_mille(880) ? IpKind::kPublic : IpKind::kIpv6);
      u.client = rng.per_mille(600) ? ClientKind::kConsole : ClientKind::kCli;
      if (u.client == ClientKind::kCli || rng.per_mille(300)) {
        u.access_keys.push_back(make_id(rng, "AKIA", acct.key_infix, 20));
      }
    } else {
      static constexpr std::array<ClientKind, 5> kMachineClients = {
          ClientKind::kTerraform, ClientKind::kBoto3, ClientKind::kGoSdk, ClientKind::kCli,
          ClientKind::kJavaSdk};
      u.client = rng.pick(kMachineClients);
      u.ip = pick_ip(world, rng, rng.per_mille(700) ? IpKind::kAws : IpKind::kPublic);
      const uint32_t keys = rng.between(1, 2);
      for (uint32_t k = 0; k < keys; ++k) {
        u.access_keys.push_back(make_id(rng, "AKIA", acct.key_infix, 20));
      }
    }
    u.user_agent = agent_for(u.client, rng);
    u.session_offset = rng.between(60, 3500);
    user_weights.push_back(u.human ? rng.between(2, 10) : rng.between(8, 30));
    (u.human ? acct.human_users : acct.machine_users).push_back(acct.users.size());
    acct.users.push_back(std::move(u));
  }
  acct.user_table = WeightedTable(user_weights);

  // Roles: the same ~20 role names exist in every account, each with its own AROA id.
  std::vector<uint32_t> role_weights;
  for (const RoleTemplate& t : kRoleTemplates) {
    Role role;
    role.kind = t.kind;
    role.weight = t.weight;
    role.service = t.service;
    role.name = std::string(t.name);
    if (const size_t pos = role.name.find("{}"); pos != std::string::npos) {
      role.name.replace(pos, 2, random_string(rng, kHexDigits, 16));
    }
    role.principal_id = make_id(rng, "AROA", acct.key_infix, 21);
    role.arn = t.kind == RoleKind::kSso
                   ? fmt::format("arn:aws:iam::{}:role/aws-reserved/sso.amazonaws.com/{}", acct.id,
                                 role.name)
               : t.kind == RoleKind::kService && role.name.starts_with("AWSServiceRoleFor")
                   ? fmt::format("arn:aws:iam::{}:role/aws-service-role/{}/{}", acct.id, t.service,
                                 role.name)
                   : fmt::format("arn:aws:iam::{}:role/{}", acct.id, role.name);
    role_weights.push_back(t.weight);
    acct.roles.push_back(std::move(role));
  }
  acct.role_table = WeightedTable(role_weights);

  for (size_t r = 0; r < acct.roles.size(); ++r) {
    Role& role = acct.roles[r];
    switch (role.kind) {
      case RoleKind::kAdmin:
      case RoleKind::kSso: {
        const uint32_t n = rng.between(2, 4);
        for (uint32_t i = 0; i < n; ++i) {
          const std::string& human =
              humans_pool[rng.below(static_cast<uint32_t>(humans_pool.size()))];
          add_session(world, acct, role, r, rng,
                      role.kind == RoleKind::kSso ? human + "@acme-corp.com" : human);
        }
        break;
      }
      case RoleKind::kEc2: {
        const uint32_t n = rng.between(3, 6);
        for (uint32_t i = 0; i < n; ++i) {
          add_session(world, acct, role, r, rng, "i-0" + random_string(rng, kHexDigits, 16));
        }
        break;
      }
      case RoleKind::kLambda: {
        // Lambda names its session after the function: order-processor-lambda-role ->
        // order-processor.
        std::string_view function = role.name;
        for (const std::string_view suffix : {"-lambda-role", "-role"}) {
          if (function.ends_with(suffix)) {
            function.remove_suffix(suffix.size());
            break;
          }
        }
        add_session(world, acct, role, r, rng, std::string(function));
        break;
      }
      case RoleKind::kEcs: {
        const uint32_t n = rng.between(2, 4);
        for (uint32_t i = 0; i < n; ++i)
          add_session(world, acct, role, r, rng, random_string(rng, kHexDigits, 32));
        break;
      }
      case RoleKind::kCi: {
        const uint32_t n = rng.between(2, 3);
        for (uint32_t i = 0; i < n; ++i) {
          add_session(world, acct, role, r, rng,
                      role.name == "terraform-apply"
                          ? fmt::format("terraform-run-{}", 1709000000 + rng.below(900000))
                          : fmt::format("GitHubActions-{}", 8000000000ULL + rng.below(900000000)));
        }
        break;
      }
      case RoleKind::kThirdParty:
        add_session(world, acct, role, r, rng, "DatadogAWSIntegration");
        break;
      case RoleKind::kService: {
        static constexpr std::array<std::string_view, 3> kServiceSessions = {
            "AWSConfig-Describe", "AWSConfig-notify", "ServiceSession"};
        const uint32_t n = rng.between(1, 2);
        for (uint32_t i = 0; i < n; ++i) {
          std::string name =
              role.service == "config.amazonaws.com" ? std::string(kServiceSessions[i])
              : role.service == "guardduty.amazonaws.com"
                  ? fmt::format("GuardDuty-{}", rng.below(100000))
              : role.service == "backup.amazonaws.com"
                  ? fmt::format("AWSBackup-{}", random_string(rng, kHexDigits, 8))
              : role.service == "glue.amazonaws.com"
                  ? std::string("GlueJobRunnerSession")
                  : fmt::format("{}-{}", role.service.substr(0, role.service.find('.')),
                                rng.below(100000));
          add_session(world, acct, role, r, rng, std::move(name));
        }
        break;
      }
    }
  }

  // Resources that requestParameters refer to.
  for (const std::string_view suffix : kBucketSuffixes) {
    acct.buckets.push_back(fmt::format("{}-{}", acct.alias, suffix));
  }
  acct.buckets.push_back(
      fmt::format("aws-cloudtrail-logs-{}-{}", acct.id, random_string(rng, kHexDigits, 8)));
  acct.buckets.push_back(fmt::format("cdk-hnb659fds-assets-{}-us-east-1", acct.id));
  for (size_t i = 0; i < kSecretNames.size(); ++i)
    acct.secret_suffixes.push_back(random_string(rng, kAlnum, 6));
}

struct FixedAccount {
  std::string_view id, alias, infix;
};

World build_world(uint64_t seed, uint32_t account_count, uint32_t region_count,
                  std::span<const FixedAccount> fixed_accounts, bool story_mode) {
  World world;
  world.seed = seed;
  world.story_mode = story_mode;
  Rng rng(mix_seed({seed, 0x776f726c64}));  // "world"
  build_ip_pool(world, rng);
  for (uint32_t r = 0; r < region_count; ++r) world.regions.push_back(kRegions[r]);

  // A pool of unique human names shared by users and SSO sessions.
  std::vector<std::string> humans;
  while (humans.size() < 45) {
    std::string name = fmt::format("{}.{}", rng.pick(kFirstNames), rng.pick(kLastNames));
    if (std::find(humans.begin(), humans.end(), name) == humans.end())
      humans.push_back(std::move(name));
  }

  uint32_t total_weight = 0;
  for (uint32_t a = 0; a < account_count; ++a)
    total_weight += kAccountWeights[std::min<size_t>(a, 7)];
  size_t next_human = 0;
  for (uint32_t a = 0; a < account_count; ++a) {
    Account acct;
    if (a < fixed_accounts.size()) {
      acct.id = std::string(fixed_accounts[a].id);
      acct.alias = std::string(fixed_accounts[a].alias);
      acct.key_infix = std::string(fixed_accounts[a].infix);
    } else {
      // Real account IDs are 12 digits and may start with 0, which tools must keep as a string.
      do {
        acct.id = random_string(rng, "0123456789", 12);
      } while (std::any_of(world.accounts.begin(), world.accounts.end(),
                           [&](const Account& other) { return other.id == acct.id; }));
      acct.alias = a < kAccountAliases.size() ? std::string(kAccountAliases[a])
                                              : fmt::format("acme-team-{}", a);
      acct.key_infix = random_string(rng, kUpperAlnum, 8);
    }
    acct.weight = kAccountWeights[std::min<size_t>(a, 7)];
    build_account(world, acct, a, total_weight, humans, next_human, rng);
    world.accounts.push_back(std::move(acct));
  }
  for (Account& acct : world.accounts) acct.org_id = world.accounts.front().org_id;
  return world;
}

// ------------------------------------------------------------------------------------------------
// Event catalog
// ------------------------------------------------------------------------------------------------

enum EventFlags : uint32_t {
  kReadOnly = 1,
  kData = 2,
  kGlobal = 4,          // recorded in us-east-1 only (IAM, sign-in, Organizations)
  kManagementOnly = 8,  // only in the Organizations management account
  kAlarming = 16,       // rare, security-relevant; left to the story in the example scenario
};

// clang-format off
// X-macro: id, eventSource, eventName, flags, weight when called by a principal (user, role
// session, root, federated user), weight when called by an AWS service, weight as a service event.
#define TRAILSIFT_EVENTS(X)                                                                        \
  X(GetObject, "s3", "GetObject", kReadOnly | kData, 1300, 0, 0)                                   \
  X(PutObject, "s3", "PutObject", kData, 500, 0, 0)                                                \
  X(HeadObject, "s3", "HeadObject", kReadOnly | kData, 250, 0, 0)                                  \
  X(DeleteObject, "s3", "DeleteObject", kData, 100, 0, 0)                                          \
  X(ListObjects, "s3", "ListObjects", kReadOnly | kData, 100, 0, 0)                                \
  X(Invoke, "lambda", "Invoke", kData, 300, 0, 0)                                                  \
  X(GetItem, "dynamodb", "GetItem", kReadOnly | kData, 250, 0, 0)                                  \
  X(PutItem, "dynamodb", "PutItem", kData, 120, 0, 0)                                              \
  X(Query, "dynamodb", "Query", kReadOnly | kData, 80, 0, 0)                                       \
  X(DescribeInstances, "ec2", "DescribeInstances", kReadOnly, 500, 30, 0)                          \
  X(DescribeSecurityGroups, "ec2", "DescribeSecurityGroups", kReadOnly, 200, 0, 0)                 \
  X(DescribeVolumes, "ec2", "DescribeVolumes", kReadOnly, 150, 0, 0)                               \
  X(DescribeSubnets, "ec2", "DescribeSubnets", kReadOnly, 120, 0, 0)                               \
  X(DescribeVpcs, "ec2", "DescribeVpcs", kReadOnly, 120, 0, 0)                                     \
  X(DescribeRouteTables, "ec2", "DescribeRouteTables", kReadOnly, 80, 0, 0)                        \
  X(DescribeSnapshots, "ec2", "DescribeSnapshots", kReadOnly, 60, 0, 0)                            \
  X(RunInstances, "ec2", "RunInstances", 0, 20, 0, 0)                                              \
  X(StartInstances, "ec2", "StartInstances", 0, 15, 0, 0)                                          \
  X(StopInstances, "ec2", "StopInstances", 0, 15, 0, 0)                                            \
  X(TerminateInstances, "ec2", "TerminateInstances", 0, 8, 0, 0)                                   \
  X(CreateTags, "ec2", "CreateTags", 0, 60, 0, 0)                                                  \
  X(AuthorizeSecurityGroupIngress, "ec2", "AuthorizeSecurityGroupIngress", 0, 10, 0, 0)            \
  X(CreateSnapshot, "ec2", "CreateSnapshot", 0, 20, 0, 0)                                          \
  X(SharedSnapshotVolumeCreated, "ec2", "SharedSnapshotVolumeCreated", 0, 0, 0, 20)                \
  X(ListBuckets, "s3", "ListBuckets", kReadOnly, 200, 0, 0)                                        \
  X(GetBucketAcl, "s3", "GetBucketAcl", kReadOnly, 150, 100, 0)                                    \
  X(GetBucketLocation, "s3", "GetBucketLocation", kReadOnly, 150, 0, 0)                            \
  X(GetBucketPolicy, "s3", "GetBucketPolicy", kReadOnly, 60, 0, 0)                                 \
  X(GetBucketVersioning, "s3", "GetBucketVersioning", kReadOnly, 80, 0, 0)                         \
  X(GetBucketEncryption, "s3", "GetBucketEncryption", kReadOnly, 60, 0, 0)                         \
  X(GetBucketPublicAccessBlock, "s3", "GetBucketPublicAccessBlock", kReadOnly, 80, 0, 0)           \
  X(PutBucketPolicy, "s3", "PutBucketPolicy", kAlarming, 3, 0, 0)                                  \
  X(CreateBucket, "s3", "CreateBucket", 0, 4, 0, 0)                                                \
  X(DeleteBucket, "s3", "DeleteBucket", kAlarming, 2, 0, 0)                                        \
  X(GetUser, "iam", "GetUser", kReadOnly | kGlobal, 80, 0, 0)                                      \
  X(ListUsers, "iam", "ListUsers", kReadOnly | kGlobal, 40, 0, 0)                                  \
  X(ListRoles, "iam", "ListRoles", kReadOnly | kGlobal, 60, 0, 0)                                  \
  X(GetRole, "iam", "GetRole", kReadOnly | kGlobal, 100, 0, 0)                                     \
  X(ListAttachedRolePolicies, "iam", "ListAttachedRolePolicies", kReadOnly | kGlobal, 60, 0, 0)    \
  X(ListRolePolicies, "iam", "ListRolePolicies", kReadOnly | kGlobal, 40, 0, 0)                    \
  X(ListAttachedUserPolicies, "iam", "ListAttachedUserPolicies", kReadOnly | kGlobal, 20, 0, 0)    \
  X(GetPolicy, "iam", "GetPolicy", kReadOnly | kGlobal, 40, 0, 0)                                  \
  X(GetPolicyVersion, "iam", "GetPolicyVersion", kReadOnly | kGlobal, 40, 0, 0)                    \
  X(ListAccessKeys, "iam", "ListAccessKeys", kReadOnly | kGlobal | kAlarming, 30, 0, 0)            \
  X(ListMFADevices, "iam", "ListMFADevices", kReadOnly | kGlobal, 20, 0, 0)                        \
  X(CreateAccessKey, "iam", "CreateAccessKey", kGlobal | kAlarming, 2, 0, 0)                       \
  X(AttachUserPolicy, "iam", "AttachUserPolicy", kGlobal | kAlarming, 2, 0, 0)                     \
  X(CreateUser, "iam", "CreateUser", kGlobal | kAlarming, 2, 0, 0)                                 \
  X(DeleteAccessKey, "iam", "DeleteAccessKey", kGlobal | kAlarming, 2, 0, 0)                       \
  X(UpdateAccessKey, "iam", "UpdateAccessKey", kGlobal | kAlarming, 2, 0, 0)                       \
  X(AttachRolePolicy, "iam", "AttachRolePolicy", kGlobal, 3, 0, 0)                                 \
  X(PutRolePolicy, "iam", "PutRolePolicy", kGlobal, 3, 0, 0)                                       \
  X(CreateRole, "iam", "CreateRole", kGlobal, 3, 0, 0)                                             \
  X(AssumeRole, "sts", "AssumeRole", kReadOnly, 300, 600, 0)                                       \
  X(GetCallerIdentity, "sts", "GetCallerIdentity", kReadOnly, 400, 0, 0)                           \
  X(GetSessionToken, "sts", "GetSessionToken", kReadOnly, 20, 0, 0)                                \
  X(Decrypt, "kms", "Decrypt", kReadOnly, 500, 80, 0)                                              \
  X(Encrypt, "kms", "Encrypt", kReadOnly, 80, 0, 0)                                                \
  X(GenerateDataKey, "kms", "GenerateDataKey", kReadOnly, 300, 80, 0)                              \
  X(DescribeKey, "kms", "DescribeKey", kReadOnly, 80, 0, 0)                                        \
  X(ListAliases, "kms", "ListAliases", kReadOnly, 30, 0, 0)                                        \
  X(RotateKey, "kms", "RotateKey", 0, 0, 0, 10)                                                    \
  X(ListFunctions, "lambda", "ListFunctions20150331", kReadOnly, 40, 0, 0)                         \
  X(GetFunction, "lambda", "GetFunction20150331v2", kReadOnly, 60, 0, 0)                           \
  X(UpdateFunctionCode, "lambda", "UpdateFunctionCode20150331v2", 0, 10, 0, 0)                     \
  X(UpdateFunctionConfiguration, "lambda", "UpdateFunctionConfiguration20150331v2", 0, 8, 0, 0)    \
  X(CreateFunction, "lambda", "CreateFunction20150331", 0, 2, 0, 0)                                \
  X(AddPermission, "lambda", "AddPermission20150331v2", 0, 3, 0, 0)                                \
  X(DescribeTable, "dynamodb", "DescribeTable", kReadOnly, 150, 0, 0)                              \
  X(ListTables, "dynamodb", "ListTables", kReadOnly, 40, 0, 0)                                     \
  X(UpdateTable, "dynamodb", "UpdateTable", 0, 3, 0, 0)                                            \
  X(CreateBackup, "dynamodb", "CreateBackup", 0, 5, 0, 0)                                          \
  X(LookupEvents, "cloudtrail", "LookupEvents", kReadOnly | kAlarming, 30, 0, 0)                   \
  X(DescribeTrails, "cloudtrail", "DescribeTrails", kReadOnly, 40, 0, 0)                           \
  X(GetTrailStatus, "cloudtrail", "GetTrailStatus", kReadOnly, 40, 0, 0)                           \
  X(GetEventSelectors, "cloudtrail", "GetEventSelectors", kReadOnly, 20, 0, 0)                     \
  X(StopLogging, "cloudtrail", "StopLogging", kAlarming, 1, 0, 0)                                  \
  X(DeleteTrail, "cloudtrail", "DeleteTrail", kAlarming, 1, 0, 0)                                  \
  X(StartLogging, "cloudtrail", "StartLogging", kAlarming, 1, 0, 0)                                \
  X(GetSecretValue, "secretsmanager", "GetSecretValue", kReadOnly, 250, 0, 0)                      \
  X(DescribeSecret, "secretsmanager", "DescribeSecret", kReadOnly, 80, 0, 0)                       \
  X(ListSecrets, "secretsmanager", "ListSecrets", kReadOnly, 30, 0, 0)                             \
  X(PutSecretValue, "secretsmanager", "PutSecretValue", 0, 10, 0, 0)                               \
  X(RotationSucceeded, "secretsmanager", "RotationSucceeded", 0, 0, 0, 20)                         \
  X(StartSecretVersionDelete, "secretsmanager", "StartSecretVersionDelete", 0, 0, 0, 10)           \
  X(EndSecretVersionDelete, "secretsmanager", "EndSecretVersionDelete", 0, 0, 0, 10)               \
  X(GetParameter, "ssm", "GetParameter", kReadOnly, 250, 0, 0)                                     \
  X(GetParameters, "ssm", "GetParameters", kReadOnly, 120, 0, 0)                                   \
  X(GetParametersByPath, "ssm", "GetParametersByPath", kReadOnly, 60, 0, 0)                        \
  X(DescribeInstanceInformation, "ssm", "DescribeInstanceInformation", kReadOnly, 50, 0, 0)        \
  X(UpdateInstanceInformation, "ssm", "UpdateInstanceInformation", 0, 300, 0, 0)                   \
  X(PutParameter, "ssm", "PutParameter", 0, 10, 0, 0)                                              \
  X(SendCommand, "ssm", "SendCommand", 0, 5, 0, 0)                                                 \
  X(CreateLogStream, "logs", "CreateLogStream", 0, 400, 0, 0)                                      \
  X(DescribeLogGroups, "logs", "DescribeLogGroups", kReadOnly, 60, 0, 0)                           \
  X(DescribeLogStreams, "logs", "DescribeLogStreams", kReadOnly, 60, 0, 0)                         \
  X(FilterLogEvents, "logs", "FilterLogEvents", kReadOnly, 30, 0, 0)                               \
  X(CreateLogGroup, "logs", "CreateLogGroup", 0, 5, 0, 0)                                          \
  X(PutRetentionPolicy, "logs", "PutRetentionPolicy", 0, 3, 0, 0)                                  \
  X(DescribeDBInstances, "rds", "DescribeDBInstances", kReadOnly, 100, 0, 0)                       \
  X(DescribeDBClusters, "rds", "DescribeDBClusters", kReadOnly, 50, 0, 0)                          \
  X(DescribeDBSnapshots, "rds", "DescribeDBSnapshots", kReadOnly, 30, 0, 0)                        \
  X(CreateDBSnapshot, "rds", "CreateDBSnapshot", 0, 5, 0, 0)                                       \
  X(ModifyDBInstance, "rds", "ModifyDBInstance", 0, 3, 0, 0)                                       \
  X(ConsoleLogin, "signin", "ConsoleLogin", kGlobal | kAlarming, 40, 0, 0)                         \
  X(DescribeOrganization, "organizations", "DescribeOrganization",                                 \
    kReadOnly | kGlobal | kManagementOnly, 30, 0, 0)                                               \
  X(ListAccounts, "organizations", "ListAccounts",                                                 \
    kReadOnly | kGlobal | kManagementOnly, 20, 0, 0)                                               \
  X(ListPolicies, "organizations", "ListPolicies",                                                 \
    kReadOnly | kGlobal | kManagementOnly, 10, 0, 0)                                               \
  X(DescribeAccount, "organizations", "DescribeAccount",                                           \
    kReadOnly | kGlobal | kManagementOnly, 10, 0, 0)                                               \
  X(DescribeConfigRules, "config", "DescribeConfigRules", kReadOnly, 30, 0, 0)                     \
  X(DescribeConfigurationRecorderStatus, "config", "DescribeConfigurationRecorderStatus",          \
    kReadOnly, 20, 0, 0)                                                                           \
  X(GetComplianceDetailsByConfigRule, "config", "GetComplianceDetailsByConfigRule", kReadOnly, 20, \
    0, 0)                                                                                          \
  X(PutEvaluations, "config", "PutEvaluations", 0, 150, 0, 0)                                      \
  X(BatchGetResourceConfig, "config", "BatchGetResourceConfig", kReadOnly, 60, 0, 0)

// clang-format on

enum class Ev : uint16_t {
#define TRAILSIFT_ENUM(id, service, name, flags, w_principal, w_service, w_event) id,
  TRAILSIFT_EVENTS(TRAILSIFT_ENUM)
#undef TRAILSIFT_ENUM
};

struct EventSpec {
  std::string_view service;  // eventSource without ".amazonaws.com"
  std::string_view source;
  std::string_view name;
  uint32_t flags;
  uint32_t principal_weight, service_weight, service_event_weight;
};

constexpr EventSpec kEvents[] = {
#define TRAILSIFT_SPEC(id, service, name, flags, w_principal, w_service, w_event) \
  {service, service ".amazonaws.com", name, flags, w_principal, w_service, w_event},
    TRAILSIFT_EVENTS(TRAILSIFT_SPEC)
#undef TRAILSIFT_SPEC
};
constexpr size_t kEventCount = std::size(kEvents);

const EventSpec& spec_of(Ev ev) { return kEvents[static_cast<size_t>(ev)]; }

enum class IdentityType : uint8_t {
  kIamUser,
  kAssumedRole,
  kRoot,
  kAwsService,
  kFederatedUser,
  kNone
};
constexpr std::array<std::string_view, 6> kIdentityNames = {"IAMUser",    "AssumedRole",   "Root",
                                                            "AWSService", "FederatedUser", "none"};
// Share of records per identity type, per mille (see the brief: IAMUser ~45%, AssumedRole ~35%...).
constexpr std::array<uint32_t, 6> kIdentityWeights = {470, 380, 20, 100, 10, 20};

constexpr std::array<std::string_view, 15> kErrorCodes = {
    "",
    "AccessDenied",
    "AccessDeniedException",
    "Client.UnauthorizedOperation",
    "ThrottlingException",
    "Client.RequestLimitExceeded",
    "SlowDown",
    "NoSuchBucket",
    "NoSuchKey",
    "NoSuchBucketPolicy",
    "NoSuchEntityException",
    "ResourceNotFoundException",
    "ParameterNotFound",
    "Client.InvalidInstanceID.NotFound",
    "DBInstanceNotFoundFault",
};
enum class Err : uint8_t {
  kNone,
  kAccessDenied,
  kAccessDeniedException,
  kUnauthorizedOperation,
  kThrottling,
  kRequestLimitExceeded,
  kSlowDown,
  kNoSuchBucket,
  kNoSuchKey,
  kNoSuchBucketPolicy,
  kNoSuchEntity,
  kResourceNotFound,
  kParameterNotFound,
  kInstanceNotFound,
  kDbInstanceNotFound
};

// ------------------------------------------------------------------------------------------------
// One record
// ------------------------------------------------------------------------------------------------

struct Actor {
  IdentityType type = IdentityType::kIamUser;
  const Principal* principal = nullptr;  // user or role session
  const Role* role = nullptr;
  const Principal* issuer =
      nullptr;  // federated users: the IAM user that called GetFederationToken
  std::string_view federated_name;
  std::string access_key;
  bool has_access_key = true;
  bool console =
      false;  // console session credentials (sessionContext + sessionCredentialFromConsole)
  bool mfa = false;
  int64_t session_created = 0;
  std::string_view invoked_by;
  std::string_view source_ip;
  std::string_view user_agent;
  bool bracket_agent = false;  // S3 wraps SDK user agents in [...]
};

enum class RequestIdStyle : uint8_t { kNone, kUuid, kS3 };

struct Record {
  int64_t time = 0;
  Ev ev = Ev::GetObject;
  const Account* account = nullptr;
  std::string_view region;
  Actor actor;
  std::string_view event_version = "1.08";
  std::string_view event_type = "AwsApiCall";
  Err error = Err::kNone;
  std::string error_message;
  std::string request_parameters;     // raw JSON; empty means null
  std::string response_elements;      // raw JSON; empty means null
  std::string additional_event_data;  // raw JSON; empty means absent
  std::string resources;              // raw JSON array; empty means absent
  std::string service_event_details;  // raw JSON; empty means absent
  std::string primary_arn;            // the resource an AccessDenied message names
  std::string tls_host;               // empty means "<service>.<region>.amazonaws.com"
  RequestIdStyle request_id = RequestIdStyle::kUuid;
  bool read_only = true;
  bool has_read_only = true;
  bool shared_event_id = false;
  std::string vpc_endpoint;  // empty means absent
  bool tls = true;
  uint8_t tls_suite = 0;

  void reset() {
    actor = Actor{};
    event_version = "1.08";
    event_type = "AwsApiCall";
    error = Err::kNone;
    error_message.clear();
    request_parameters.clear();
    response_elements.clear();
    additional_event_data.clear();
    resources.clear();
    service_event_details.clear();
    primary_arn.clear();
    tls_host.clear();
    request_id = RequestIdStyle::kUuid;
    read_only = true;
    has_read_only = true;
    shared_event_id = false;
    vpc_endpoint.clear();
    tls = true;
    tls_suite = 0;
  }
};

void write_session_attributes(JsonWriter& j, const Actor& a) {
  j.begin_object("attributes").time("creationDate", a.session_created);
  j.str("mfaAuthenticated", a.mfa ? "true" : "false").end_object();
}

void write_identity(JsonWriter& j, const Record& r) {
  const Actor& a = r.actor;
  const Account& acct = *r.account;
  j.begin_object("userIdentity");
  switch (a.type) {
    case IdentityType::kIamUser: {
      const Principal& u = *a.principal;
      j.str("type", "IAMUser").str("principalId", u.principal_id).str("arn", u.arn);
      j.str("accountId", acct.id);
      if (a.has_access_key) j.str("accessKeyId", a.access_key);
      j.str("userName", u.name);
      if (a.console) {
        j.begin_object("sessionContext")
            .empty_object("sessionIssuer")
            .empty_object("webIdFederationData");
        write_session_attributes(j, a);
        j.end_object();
      }
      break;
    }
    case IdentityType::kAssumedRole: {
      const Principal& s = *a.principal;
      const Role& role = *a.role;
      j.str("type", "AssumedRole").str("principalId", s.principal_id).str("arn", s.arn);
      j.str("accountId", acct.id);
      if (a.has_access_key) j.str("accessKeyId", a.access_key);
      j.begin_object("sessionContext").begin_object("sessionIssuer");
      j.str("type", "Role").str("principalId", role.principal_id).str("arn", role.arn);
      j.str("accountId", acct.id).str("userName", role.name).end_object();
      j.empty_object("webIdFederationData");
      write_session_attributes(j, a);
      if (role.kind == RoleKind::kEc2) j.str("ec2RoleDelivery", "2.0");
      j.end_object();
      break;
    }
    case IdentityType::kRoot:
      j.str("type", "Root").str("principalId", acct.id).str("arn", acct.root_arn);
      j.str("accountId", acct.id);
      if (a.has_access_key) j.str("accessKeyId", a.access_key);
      if (a.console) {
        j.begin_object("sessionContext")
            .empty_object("sessionIssuer")
            .empty_object("webIdFederationData");
        write_session_attributes(j, a);
        j.end_object();
      }
      break;
    case IdentityType::kFederatedUser: {
      const Principal& issuer = *a.issuer;
      j.str("type", "FederatedUser");
      j.key("principalId").string(fmt::format("{}:{}", acct.id, a.federated_name));
      j.key("arn").string(
          fmt::format("arn:aws:sts::{}:federated-user/{}", acct.id, a.federated_name));
      j.str("accountId", acct.id).str("accessKeyId", a.access_key);
      j.begin_object("sessionContext").begin_object("sessionIssuer");
      j.str("type", "IAMUser").str("principalId", issuer.principal_id).str("arn", issuer.arn);
      j.str("accountId", acct.id).str("userName", issuer.name).end_object();
      j.empty_object("webIdFederationData");
      write_session_attributes(j, a);
      j.end_object();
      break;
    }
    case IdentityType::kAwsService:
      j.str("type", "AWSService");
      break;
    case IdentityType::kNone:
      j.str("accountId", acct.id);
      break;
  }
  if (!a.invoked_by.empty()) j.str("invokedBy", a.invoked_by);
  j.end_object();
}

void write_record(std::string& out, const Record& r, Rng& rng) {
  const EventSpec& spec = spec_of(r.ev);
  const bool data = (spec.flags & kData) != 0;
  JsonWriter j(out);
  j.begin_object();
  j.str("eventVersion", r.event_version);
  write_identity(j, r);
  j.time("eventTime", r.time);
  j.str("eventSource", spec.source).str("eventName", spec.name).str("awsRegion", r.region);
  j.str("sourceIPAddress", r.actor.source_ip);
  if (r.actor.bracket_agent) {
    j.custom("userAgent", [&r](std::string& o) {
      o += '[';
      o += r.actor.user_agent;
      o += ']';
    });
  } else {
    j.str("userAgent", r.actor.user_agent);
  }
  if (r.error != Err::kNone) j.str("errorCode", kErrorCodes[static_cast<size_t>(r.error)]);
  if (!r.error_message.empty()) j.str("errorMessage", r.error_message);
  j.raw("requestParameters", r.request_parameters.empty() ? "null" : r.request_parameters);
  j.raw("responseElements", r.response_elements.empty() ? "null" : r.response_elements);
  if (!r.additional_event_data.empty()) j.raw("additionalEventData", r.additional_event_data);
  const auto uuid = [&rng](std::string& o) { append_uuid(o, rng); };
  if (r.request_id == RequestIdStyle::kUuid) {
    j.custom("requestID", uuid);
  } else if (r.request_id == RequestIdStyle::kS3) {
    j.custom("requestID", [&rng](std::string& o) { append_random(o, rng, kUpperAlnum, 16); });
  }
  j.custom("eventID", uuid);
  if (r.has_read_only) j.boolean("readOnly", r.read_only);
  if (!r.resources.empty()) j.raw("resources", r.resources);
  j.str("eventType", r.event_type).boolean("managementEvent", !data);
  j.str("recipientAccountId", r.account->id);
  if (r.shared_event_id) j.custom("sharedEventID", uuid);
  if (!r.service_event_details.empty()) j.raw("serviceEventDetails", r.service_event_details);
  if (!r.vpc_endpoint.empty()) j.str("vpcEndpointId", r.vpc_endpoint);
  j.str("eventCategory", data ? "Data" : "Management");
  if (r.tls) {
    const TlsSuite& suite = kTlsSuites[r.tls_suite];
    j.begin_object("tlsDetails").str("tlsVersion", suite.version).str("cipherSuite", suite.cipher);
    if (r.tls_host.empty()) {
      const bool global_host = spec.service == "iam" || spec.service == "organizations";
      j.key("clientProvidedHostHeader")
          .string(global_host ? fmt::format("{}.amazonaws.com", spec.service)
                              : fmt::format("{}.{}.amazonaws.com", spec.service, r.region));
    } else {
      j.str("clientProvidedHostHeader", r.tls_host);
    }
    j.end_object();
  }
  if (r.actor.console) j.str("sessionCredentialFromConsole", "true");
  j.end_object();
}

// ------------------------------------------------------------------------------------------------
// Event bodies: requestParameters, responseElements, additionalEventData, resources
// ------------------------------------------------------------------------------------------------

struct Ctx {
  const World& world;
  const Account& acct;
  uint32_t account_index;
  uint32_t region_index;
  std::string_view region;
  Rng& rng;
};

// Region-scoped identifiers come from a hash of (account, region, kind, n) so that the same few
// dozen instances, groups and keys recur across files, as in a real account.
uint64_t stable_hash(const Ctx& c, uint64_t kind, uint32_t pool) {
  return mix_seed({c.world.seed, c.account_index, c.region_index, kind, c.rng.below(pool)});
}

std::string ec2_id(const Ctx& c, std::string_view prefix, uint64_t kind, uint32_t pool) {
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

std::string object_key(const Ctx& c, int64_t time) {
  Rng& rng = c.rng;
  const CivilTime t = to_civil(time);
  switch (rng.below(8)) {
    case 0:
      return fmt::format("uploads/{}/original.jpg", uuid_string(rng));
    case 1:
      return fmt::format("data/year={}/month={:02}/day={:02}/part-{:05}-{}.snappy.parquet", t.year,
                         t.month, t.day, rng.below(200), uuid_string(rng));
    case 2:
      return fmt::format("logs/{}/{:02}/{:02}/app-{}.log.gz", t.year, t.month, t.day,
                         random_string(rng, kHexDigits, 8));
    case 3:
      return fmt::format("builds/{}/{}/artifact.zip", rng.pick(kFunctionNames),
                         random_string(rng, kHexDigits, 12));
    case 4:
      return fmt::format("exports/daily/report-{}-{:02}-{:02}.csv", t.year, t.month, t.day);
    case 5: {
      const uint32_t n = rng.below(100000);
      return fmt::format("thumbnails/{}/{}_256x256.webp", n, n);
    }
    case 6:
      return fmt::format("static/js/main.{}.js", random_string(rng, kHexDigits, 8));
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

void s3_common(const Ctx& c, Record& r, std::string_view bucket, int64_t bytes_in,
               int64_t bytes_out) {
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

// Management call on one bucket: {"bucketName":..,"Host":..,<extra>:""}.
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
  const int64_t size = c.rng.between(200, 4000000);
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

std::string_view pick_function(const Ctx& c) { return c.rng.pick(kFunctionNames); }

std::string function_arn(const Ctx& c, std::string_view function) {
  return fmt::format("arn:aws:lambda:{}:{}:function:{}", c.region, c.acct.id, function);
}

std::string table_arn(const Ctx& c, std::string_view table) {
  return fmt::format("arn:aws:dynamodb:{}:{}:table/{}", c.region, c.acct.id, table);
}

std::string secret_arn(const Ctx& c, size_t index) {
  return fmt::format("arn:aws:secretsmanager:{}:{}:secret:{}-{}", c.region, c.acct.id,
                     kSecretNames[index], c.acct.secret_suffixes[index]);
}

void session_token(std::string& out, Rng& rng) {
  out += "IQoJb3JpZ2luX2VjE";
  append_random(out, rng, kBase64, rng.between(300, 560));
}

void write_credentials(JsonWriter& j, const Ctx& c, int64_t expiration) {
  j.begin_object("credentials");
  j.key("accessKeyId").string(make_id(c.rng, "ASIA", c.acct.key_infix, 20));
  j.custom("sessionToken", [&c](std::string& o) { session_token(o, c.rng); });
  j.custom("expiration", [expiration](std::string& o) { append_aws_date(o, expiration); });
  j.end_object();
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

void empty_sets(Record& r, std::initializer_list<std::string_view> keys) {
  JsonWriter j(r.request_parameters);
  j.begin_object();
  for (const std::string_view k : keys) j.empty_object(k);
  j.end_object();
}

void fill_body(const Ctx& c, Record& r) {
  Rng& rng = c.rng;
  const Account& acct = c.acct;
  JsonWriter p(r.request_parameters);
  JsonWriter resp(r.response_elements);
  switch (r.ev) {
    // --- S3 -------------------------------------------------------------------------------------
    case Ev::GetObject:
    case Ev::PutObject:
    case Ev::HeadObject:
    case Ev::DeleteObject:
      s3_object_call(c, r, r.ev);
      break;
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
    case Ev::GetBucketAcl:
      s3_bucket_call(c, r, "acl");
      break;
    case Ev::GetBucketLocation:
      s3_bucket_call(c, r, "location");
      break;
    case Ev::GetBucketPolicy:
      s3_bucket_call(c, r, "policy");
      break;
    case Ev::GetBucketVersioning:
      s3_bucket_call(c, r, "versioning");
      break;
    case Ev::GetBucketEncryption:
      s3_bucket_call(c, r, "encryption");
      break;
    case Ev::GetBucketPublicAccessBlock:
      s3_bucket_call(c, r, "publicAccessBlock");
      break;
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
    case Ev::ListFunctions:
      p.begin_object().str("functionVersion", "ALL").end_object();
      break;
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
        append_iso(o, r.time);
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
        const CivilTime t = to_civil(r.time);
        p.key("backupName").string(fmt::format("{}-{}{:02}{:02}", table, t.year, t.month, t.day));
      }
      if (r.ev == Ev::UpdateTable) p.str("billingMode", "PAY_PER_REQUEST");
      p.end_object();
      r.primary_arn = table_arn(c, table);
      break;
    }
    case Ev::ListTables:
      break;
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
    case Ev::DescribeVolumes:
      empty_sets(r, {"volumeSet", "filterSet"});
      break;
    case Ev::DescribeSubnets:
      empty_sets(r, {"subnetSet", "filterSet"});
      break;
    case Ev::DescribeVpcs:
      empty_sets(r, {"vpcSet", "filterSet"});
      break;
    case Ev::DescribeRouteTables:
      empty_sets(r, {"routeTableIdSet", "filterSet"});
      break;
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
      const uint32_t b = rng.below(256), cc = rng.below(256), d = rng.between(4, 250);
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
      const int64_t port = rng.pick(std::array<int64_t, 4>{22, 443, 5432, 3389});
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
    // --- IAM ------------------------------------------------------------------------------------
    case Ev::GetUser:
    case Ev::ListAttachedUserPolicies:
    case Ev::ListAccessKeys:
    case Ev::ListMFADevices:
    case Ev::CreateUser:
    case Ev::CreateAccessKey: {
      const Principal& user = acct.users[rng.below(static_cast<uint32_t>(acct.users.size()))];
      const std::string user_name =
          r.ev == Ev::CreateUser ? fmt::format("{}-{}", rng.pick(kServiceUsers), rng.below(100))
                                 : user.name;
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
      const Principal& user = acct.users[rng.below(static_cast<uint32_t>(acct.users.size()))];
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
      const std::string name = fmt::format("{}-role-{}", rng.pick(kFunctionNames), rng.below(100));
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
      const Principal& user = acct.users[rng.below(static_cast<uint32_t>(acct.users.size()))];
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
      const Role& target = acct.roles[rng.below(static_cast<uint32_t>(acct.roles.size()))];
      const Principal& session = rng.pick(target.sessions);
      assume_role_body(c, r, target, session.name);
      break;
    }
    case Ev::GetCallerIdentity:
      break;
    case Ev::GetSessionToken:
      p.begin_object().num("durationSeconds", 43200).end_object();
      resp.begin_object();
      write_credentials(resp, c, r.time + 43200);
      resp.end_object();
      break;
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
        const size_t s = rng.below(static_cast<uint32_t>(kSecretNames.size()));
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
    case Ev::ListAliases:
      break;
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
      const size_t s = rng.below(static_cast<uint32_t>(kSecretNames.size()));
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
    case Ev::ListSecrets:
      p.begin_object().num("maxResults", 100).end_object();
      break;
    case Ev::RotationSucceeded:
    case Ev::StartSecretVersionDelete:
    case Ev::EndSecretVersionDelete: {
      const size_t s = rng.below(static_cast<uint32_t>(kSecretNames.size()));
      JsonWriter extra(r.additional_event_data);
      extra.begin_object().str("ARN", secret_arn(c, s)).str("Name", kSecretNames[s]).end_object();
      break;
    }
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
      const CivilTime t = to_civil(r.time);
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
    // --- RDS ------------------------------------------------------------------------------------
    case Ev::DescribeDBInstances:
      if (rng.per_mille(500))
        p.begin_object().str("dBInstanceIdentifier", rng.pick(kDbInstances)).end_object();
      break;
    case Ev::DescribeDBClusters:
    case Ev::DescribeDBSnapshots:
      break;
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
    // --- Sign-in: built by console_login() ------------------------------------------------------
    case Ev::ConsoleLogin:
      break;
    // --- Organizations --------------------------------------------------------------------------
    case Ev::DescribeOrganization:
    case Ev::ListPolicies:
      if (r.ev == Ev::ListPolicies)
        p.begin_object().str("filter", "SERVICE_CONTROL_POLICY").end_object();
      break;
    case Ev::ListAccounts:
      break;
    case Ev::DescribeAccount: {
      const Account& target = c.rng.pick(c.world.accounts);
      p.begin_object().str("accountId", target.id).end_object();
      break;
    }
    // --- Config ---------------------------------------------------------------------------------
    case Ev::DescribeConfigRules:
    case Ev::DescribeConfigurationRecorderStatus:
      break;
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
  }
}

// ------------------------------------------------------------------------------------------------
// Who made the call
// ------------------------------------------------------------------------------------------------

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const char ch : s) h = (h ^ static_cast<unsigned char>(ch)) * 0x100000001b3ULL;
  return h;
}

// Console and federation credentials are minted hourly: the latest instant <= t that is `offset`
// seconds past an hour.
int64_t session_start(int64_t t, uint32_t offset) {
  const int64_t phase = ((t - offset) % 3600 + 3600) % 3600;
  return t - phase;
}

std::string session_key(const Ctx& c, std::string_view who, int64_t started) {
  Rng key_rng(mix_seed({c.world.seed, fnv1a(who), static_cast<uint64_t>(started)}));
  return make_id(key_rng, "ASIA", c.acct.key_infix, 20);
}

std::string_view principal_ip(const Ctx& c, const Principal& p) {
  if (c.rng.per_mille(920)) return c.world.ips[p.ip];
  const auto kind = static_cast<size_t>(c.world.ip_kinds[p.ip]);
  return c.world.ips[c.rng.pick(c.world.ips_by_kind[kind])];
}

std::string_view console_agent(const Ctx& c, Ev ev) {
  if (spec_of(ev).service == "s3") return kS3ConsoleAgent;
  return c.rng.per_mille(700) ? std::string_view("AWS Internal") : c.rng.pick(kBrowserAgents);
}

constexpr std::array<std::string_view, 3> kFederatedNames = {"partner-portal-upload",
                                                             "vendor-support", "jenkins-federated"};

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
      const Principal& s = rng.pick(role->sessions);
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
    case IdentityType::kNone:
      break;
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

// ------------------------------------------------------------------------------------------------
// Failures
// ------------------------------------------------------------------------------------------------

std::string caller_arn(const Record& r) {
  const Actor& a = r.actor;
  switch (a.type) {
    case IdentityType::kIamUser:
    case IdentityType::kAssumedRole:
      return a.principal->arn;
    case IdentityType::kRoot:
      return r.account->root_arn;
    case IdentityType::kFederatedUser:
      return fmt::format("arn:aws:sts::{}:federated-user/{}", r.account->id, a.federated_name);
    default:
      return {};
  }
}

std::string action_of(const EventSpec& spec) {
  // Lambda event names carry an API version (UpdateFunctionCode20150331v2); IAM actions do not.
  const std::string_view name = spec.name;
  const size_t digit = name.find_first_of("0123456789");
  return fmt::format("{}:{}", spec.service, name.substr(0, digit));
}

enum class FailureKind : uint8_t { kDenied, kNotFound, kThrottled };

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

constexpr uint32_t kErrorPerMille = 50;

void maybe_fail(const Ctx& c, Record& r) {
  if (r.actor.type == IdentityType::kAwsService || r.actor.type == IdentityType::kNone) return;
  if (!c.rng.per_mille(kErrorPerMille)) return;
  const uint32_t roll = c.rng.below(100);
  apply_failure(c, r,
                roll < 55   ? FailureKind::kDenied
                : roll < 80 ? FailureKind::kNotFound
                            : FailureKind::kThrottled);
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

// ------------------------------------------------------------------------------------------------
// Background traffic
// ------------------------------------------------------------------------------------------------

struct EventTables {
  // Principal calls, indexed by (region is us-east-1) * 2 + (account is the management account).
  std::array<std::vector<Ev>, 4> principal_events;
  std::array<WeightedTable, 4> principal;
  std::vector<Ev> service_events;
  WeightedTable service;
  std::vector<Ev> service_event_events;
  WeightedTable service_event;
  WeightedTable identity;
};

EventTables build_tables(bool story_mode) {
  EventTables t;
  for (size_t variant = 0; variant < 4; ++variant) {
    const bool us_east_1 = variant >= 2;
    const bool management = variant % 2 == 1;
    std::vector<uint32_t> weights;
    for (size_t i = 0; i < kEventCount; ++i) {
      const EventSpec& e = kEvents[i];
      if (e.principal_weight == 0) continue;
      if ((e.flags & kGlobal) && !us_east_1) continue;
      if ((e.flags & kManagementOnly) && !management) continue;
      if ((e.flags & kAlarming) && story_mode) continue;
      t.principal_events[variant].push_back(static_cast<Ev>(i));
      weights.push_back(e.principal_weight);
    }
    t.principal[variant] = WeightedTable(weights);
  }
  std::vector<uint32_t> service_weights, event_weights;
  for (size_t i = 0; i < kEventCount; ++i) {
    if (kEvents[i].service_weight > 0) {
      t.service_events.push_back(static_cast<Ev>(i));
      service_weights.push_back(kEvents[i].service_weight);
    }
    if (kEvents[i].service_event_weight > 0) {
      t.service_event_events.push_back(static_cast<Ev>(i));
      event_weights.push_back(kEvents[i].service_event_weight);
    }
  }
  t.service = WeightedTable(service_weights);
  t.service_event = WeightedTable(event_weights);
  t.identity =
      WeightedTable(std::vector<uint32_t>(kIdentityWeights.begin(), kIdentityWeights.end()));
  return t;
}

std::string_view event_version_for(std::string_view service) {
  return service == "s3" || service == "sts" || service == "signin" || service == "kms" ? "1.09"
                                                                                        : "1.08";
}

void generate_background(const Ctx& c, const EventTables& tables, Record& r) {
  Rng& rng = c.rng;
  const auto type = static_cast<IdentityType>(tables.identity.pick(rng));
  r.tls_suite = static_cast<uint8_t>(rng.below(static_cast<uint32_t>(kTlsSuites.size())));
  if (type == IdentityType::kAwsService) {
    r.ev = tables.service_events[tables.service.pick(rng)];
    r.read_only = (spec_of(r.ev).flags & kReadOnly) != 0;
    choose_service_actor(c, r);
  } else if (type == IdentityType::kNone) {
    r.ev = tables.service_event_events[tables.service_event.pick(rng)];
    choose_service_event_actor(c, r);
  } else {
    const size_t variant = (c.region_index == 0 ? 2 : 0) + (c.acct.management ? 1 : 0);
    r.ev = tables.principal_events[variant][tables.principal[variant].pick(rng)];
    r.read_only = (spec_of(r.ev).flags & kReadOnly) != 0;
    choose_principal_actor(c, r, type);
    if (r.ev == Ev::ConsoleLogin) {
      const bool success = !rng.per_mille(60);
      const bool mfa = type == IdentityType::kAssumedRole ? false : r.actor.mfa;
      console_login(c, r, success, mfa);
    } else {
      fill_body(c, r);
      maybe_fail(c, r);
    }
    set_vpc_endpoint(c, r);
  }
  r.event_version = event_version_for(spec_of(r.ev).service);
}

// ------------------------------------------------------------------------------------------------
// The example story (--scenario example)
// ------------------------------------------------------------------------------------------------

// Fixed identities so that examples/README.md can name them. The story has its own random stream,
// so event IDs stay put if the background traffic changes.
constexpr std::array<FixedAccount, 2> kExampleAccounts = {{
    {"418295730146", "acme-prod", "WBQ4ZK7N"},
    {"730551927384", "acme-dev", "P3XDL6RE"},
}};
constexpr std::string_view kExampleStart = "2024-03-01T09:00:00Z";
constexpr std::string_view kOfficeIp = "198.51.100.14";   // TEST-NET-2: the company office
constexpr std::string_view kHomeIp = "192.0.2.44";        // TEST-NET-1: a developer at home
constexpr std::string_view kAttackerIp = "203.0.113.77";  // TEST-NET-3: the intruder
constexpr std::string_view kAttackerAgentPrefix =
    "aws-cli/2.15.19 Python/3.11.6 Linux/6.6.9-amd64 exe/x86_64.kali.2024 prompt/off command/";
constexpr std::string_view kCloudShellAgent =
    "aws-cli/2.15.30 Python/3.11.8 Linux/6.1.79-99.164.amzn2023.x86_64 exec-env/CloudShell "
    "exe/x86_64.amzn.2023 prompt/off";

struct StoryItem {
  int64_t time;
  uint32_t account, region;
  Ev ev;
  Err error;
  IdentityType type;
  std::string json;
};

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
  StoryWriter(const World& world, int64_t start)
      : world_(world), start_(start), rng_(0x53544f5259ULL) {}

  // Starts a record at start + offset; the caller fills in the body, then calls finish().
  Record& begin(int64_t offset, uint32_t account, uint32_t region, Ev ev) {
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
  int64_t start_;
  Rng rng_;
  Record record_;
  uint32_t account_ = 0, region_ = 0;
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

void as_console(Record& r, const Principal& user, std::string_view key, int64_t login_time,
                std::string_view ip, std::string_view agent) {
  as_user(r, user, ip, agent);
  r.actor.console = true;
  r.actor.access_key = key;
  r.actor.session_created = login_time;
  r.tls = agent != "AWS Internal";
}

void login(StoryWriter& w, int64_t offset, uint32_t account, const Principal& user,
           std::string_view ip, std::string_view agent, bool success, bool mfa) {
  Record& r = w.begin(offset, account, 0, Ev::ConsoleLogin);
  as_user(r, user, ip, agent);
  r.actor.has_access_key = false;
  console_login(w.ctx(), r, success, mfa);
  w.finish();
}

std::vector<StoryItem> build_story(const World& world, int64_t start, const StoryCast& cast) {
  StoryWriter w(world, start);
  constexpr uint32_t kProd = 0, kDev = 1, kUsEast1 = 0, kUsWest2 = 1, kEuWest1 = 2;
  const int64_t minute = 60;

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
  const auto attacker = [&](int64_t offset, uint32_t region, Ev ev, size_t agent) -> Record& {
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
  const int64_t tom_login = 87 * minute + 50;
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
  const auto responder = [&](int64_t offset, Ev ev) -> Record& {
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

// ------------------------------------------------------------------------------------------------
// Files
// ------------------------------------------------------------------------------------------------

// CloudTrail splits a busy region's 5-minute window into several files.
constexpr uint32_t kMaxRecordsPerFile = 2500;

struct Stats {
  uint64_t files = 0, records = 0, raw_bytes = 0, stored_bytes = 0;
  std::array<uint64_t, kEventCount> events{};
  std::array<uint64_t, kErrorCodes.size()> errors{};
  std::array<uint64_t, kIdentityNames.size()> identities{};

  void add(const Stats& o) {
    files += o.files;
    records += o.records;
    raw_bytes += o.raw_bytes;
    stored_bytes += o.stored_bytes;
    for (size_t i = 0; i < events.size(); ++i) events[i] += o.events[i];
    for (size_t i = 0; i < errors.size(); ++i) errors[i] += o.errors[i];
    for (size_t i = 0; i < identities.size(); ++i) identities[i] += o.identities[i];
  }
  void count(Ev ev, Err error, IdentityType type) {
    ++records;
    ++events[static_cast<size_t>(ev)];
    ++errors[static_cast<size_t>(error)];
    ++identities[static_cast<size_t>(type)];
  }
};

struct SlotJob {
  uint32_t account, region;
  uint32_t background;                  // number of generated records
  std::vector<const StoryItem*> story;  // story records that fall into this file window
  fs::path directory;
  Stats stats;
  std::string error;
};

struct Settings {
  fs::path out;
  uint64_t size_bytes = 100'000'000;
  uint64_t seed = 1;
  uint32_t accounts = 4;
  uint32_t regions = 6;
  int64_t start = 0;
  bool plain = false;
  std::optional<fs::path> summary;
  uint32_t hours = 0;  // 0: stop on the size target instead
  uint32_t jobs = 0;
  bool example = false;
  uint64_t base_rate_milli = 0;  // records per slot (x1000) for weight 1000/1000 at factor 100%
};

bool gzip_compress(const std::string& in, std::vector<unsigned char>& out) {
  z_stream zs{};
  if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return false;
  // Pin the gzip header (mtime 0, OS "Unix") so output does not depend on the build platform.
  gz_header header{};
  header.os = 3;
  deflateSetHeader(&zs, &header);
  out.resize(deflateBound(&zs, static_cast<uLong>(in.size())));
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = out.data();
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return rc == Z_STREAM_END;
}

bool write_file(const fs::path& path, const void* data, size_t size) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  const bool ok = std::fwrite(data, 1, size, f) == size;
  return std::fclose(f) == 0 && ok;
}

fs::path slot_directory(const Settings& s, const Account& acct, std::string_view region,
                        int64_t delivery) {
  const CivilTime t = to_civil(delivery);
  return s.out / "AWSLogs" / acct.id / "CloudTrail" / std::string(region) /
         fmt::format("{:04}", t.year) / fmt::format("{:02}", t.month) / fmt::format("{:02}", t.day);
}

class Generator {
 public:
  Generator(const Settings& settings, const World& world, std::vector<StoryItem> story)
      : settings_(settings),
        world_(world),
        tables_(build_tables(world.story_mode)),
        story_(std::move(story)) {}

  // Generates all files of one 5-minute slot; returns false on an I/O error.
  bool run_slot(uint64_t slot, Stats& total) {
    const int64_t slot_start = settings_.start + static_cast<int64_t>(slot) * kSlotSeconds;
    const int64_t delivery = slot_start + kSlotSeconds;
    std::vector<SlotJob> jobs;
    for (uint32_t a = 0; a < world_.accounts.size(); ++a) {
      for (uint32_t r = 0; r < world_.regions.size(); ++r) {
        SlotJob job{a, r, record_count(a, r, slot, slot_start), {}, {}, {}, {}};
        for (const StoryItem& item : story_) {
          if (item.account == a && item.region == r && item.time >= slot_start &&
              item.time < delivery) {
            job.story.push_back(&item);
          }
        }
        if (job.background == 0 && job.story.empty()) continue;  // CloudTrail skips empty windows
        job.directory =
            slot_directory(settings_, world_.accounts[a], world_.regions[r].name, delivery);
        std::error_code ec;
        fs::create_directories(job.directory, ec);
        if (ec) {
          fmt::print(stderr, "trailsift-generate-mirror: cannot create {}: {}\n",
                     job.directory.string(), ec.message());
          return false;
        }
        jobs.push_back(std::move(job));
      }
    }
    // Largest first, so the busiest account-region does not start last (output order is fixed
    // by file names, not by scheduling).
    std::vector<size_t> order(jobs.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t x, size_t y) { return jobs[x].background > jobs[y].background; });
    std::atomic<size_t> next{0};
    const auto worker = [&] {
      Buffers buffers;
      for (size_t i = next++; i < order.size(); i = next++) {
        run_job(jobs[order[i]], slot, slot_start, delivery, buffers);
      }
    };
    const size_t thread_count = std::min<size_t>(settings_.jobs, jobs.size());
    std::vector<std::thread> threads;
    for (size_t t = 1; t < thread_count; ++t) threads.emplace_back(worker);
    worker();
    for (std::thread& t : threads) t.join();
    for (const SlotJob& job : jobs) {
      if (!job.error.empty()) {
        fmt::print(stderr, "trailsift-generate-mirror: {}\n", job.error);
        return false;
      }
      total.add(job.stats);
    }
    return true;
  }

 private:
  struct Buffers {
    std::string json;
    std::vector<unsigned char> gz;
    Record record;
  };

  uint32_t record_count(uint32_t account, uint32_t region, uint64_t slot,
                        int64_t slot_start) const {
    Rng rng(mix_seed({world_.seed, account, region, slot, 0x636f756e74}));  // "count"
    const CivilTime t = to_civil(slot_start);
    const int64_t day = slot_start >= 0 ? slot_start / 86400 : (slot_start - 86399) / 86400;
    const int64_t weekday = ((day + 4) % 7 + 7) % 7;  // 0 = Sunday; 1970-01-01 was a Thursday
    uint64_t milli = settings_.base_rate_milli;
    milli = milli * world_.accounts[account].weight / 1000;
    milli = milli * world_.regions[region].weight / 1000;
    milli = milli * kHourFactor[t.hour] / 100;
    milli = milli * (weekday == 0 || weekday == 6 ? 55 : 100) / 100;
    milli = milli * rng.between(800, 1200) / 1000;
    return static_cast<uint32_t>(milli / 1000 + (rng.below(1000) < milli % 1000 ? 1 : 0));
  }

  void run_job(SlotJob& job, uint64_t slot, int64_t slot_start, int64_t delivery,
               Buffers& b) const {
    const Account& acct = world_.accounts[job.account];
    const std::string_view region = world_.regions[job.region].name;
    Rng rng(mix_seed({world_.seed, job.account, job.region, slot}));
    Rng name_rng(mix_seed({world_.seed, job.account, job.region, slot, 0x6e616d65}));  // "name"
    const Ctx ctx{world_, acct, job.account, job.region, region, rng};

    const uint32_t n = job.background;
    const auto total = static_cast<uint32_t>(n + job.story.size());
    const uint32_t files = (total + kMaxRecordsPerFile - 1) / kMaxRecordsPerFile;
    const uint32_t per_file = (total + files - 1) / files;

    size_t next_story = 0;
    uint32_t in_file = 0;
    b.json.clear();
    const auto open_file = [&] {
      b.json.clear();
      b.json += "{\"Records\":[";
      in_file = 0;
    };
    const auto close_file = [&]() -> bool {
      b.json += "]}";
      std::string name = fmt::format("{}_CloudTrail_{}_", acct.id, region);
      const CivilTime t = to_civil(delivery);
      fmt::format_to(std::back_inserter(name), "{:04}{:02}{:02}T{:02}{:02}Z_", t.year, t.month,
                     t.day, t.hour, t.minute);
      append_random(name, name_rng, kAlnum, 16);
      name += settings_.plain ? ".json" : ".json.gz";
      const fs::path path = job.directory / name;
      size_t stored = b.json.size();
      bool ok;
      if (settings_.plain) {
        ok = write_file(path, b.json.data(), b.json.size());
      } else {
        ok = gzip_compress(b.json, b.gz) && write_file(path, b.gz.data(), b.gz.size());
        stored = b.gz.size();
      }
      if (!ok) {
        job.error = fmt::format("cannot write {}", path.string());
        return false;
      }
      ++job.stats.files;
      job.stats.raw_bytes += b.json.size();
      job.stats.stored_bytes += stored;
      return true;
    };
    const auto separate = [&] {
      if (in_file > 0) b.json += ',';
      ++in_file;
    };
    const auto emit_story = [&](const StoryItem& item) {
      separate();
      b.json += item.json;
      job.stats.count(item.ev, item.error, item.type);
    };

    open_file();
    for (uint32_t i = 0; i < n; ++i) {
      // Roughly time-ordered, as real files are, with a few late arrivals from earlier windows.
      int64_t time = slot_start + static_cast<int64_t>(uint64_t{i} * kSlotSeconds / n) +
                     static_cast<int64_t>(rng.below(5)) - 2;
      if (rng.per_mille(20)) time -= rng.between(30, 600);
      time = std::min(time, delivery - 1);
      while (next_story < job.story.size() && job.story[next_story]->time <= time) {
        emit_story(*job.story[next_story++]);
        if (in_file >= per_file && !close_file()) return;
        if (in_file >= per_file) open_file();
      }
      Record& r = b.record;
      r.reset();
      r.time = time;
      r.account = &acct;
      r.region = region;
      generate_background(ctx, tables_, r);
      separate();
      write_record(b.json, r, rng);
      job.stats.count(r.ev, r.error, r.actor.type);
      if (in_file >= per_file && (i + 1 < n || next_story < job.story.size())) {
        if (!close_file()) return;
        open_file();
      }
    }
    while (next_story < job.story.size()) emit_story(*job.story[next_story++]);
    if (in_file > 0) close_file();
  }

  const Settings& settings_;
  const World& world_;
  EventTables tables_;
  std::vector<StoryItem> story_;
};

void write_summary(const fs::path& path, const Settings& s, const World& world, const Stats& stats,
                   uint64_t slots) {
  std::string out;
  JsonWriter j(out);
  j.begin_object();
  j.num("files", static_cast<int64_t>(stats.files))
      .num("records", static_cast<int64_t>(stats.records));
  j.num("uncompressed_bytes", static_cast<int64_t>(stats.raw_bytes));
  j.num("compressed_bytes", static_cast<int64_t>(stats.stored_bytes));
  j.num("seed", static_cast<int64_t>(s.seed)).str("scenario", s.example ? "example" : "default");
  j.boolean("gzip", !s.plain);
  j.time("start", s.start).time("end", s.start + static_cast<int64_t>(slots) * kSlotSeconds);
  j.num("slots", static_cast<int64_t>(slots));
  j.begin_array("accounts");
  for (const Account& a : world.accounts) j.string(a.id);
  j.end_array().begin_array("regions");
  for (const RegionInfo& r : world.regions) j.string(r.name);
  j.end_array();

  // Several event ids share a name (none today, but keep the merge), so aggregate by name.
  std::vector<std::pair<std::string_view, uint64_t>> names;
  for (size_t i = 0; i < kEventCount; ++i) {
    if (stats.events[i] > 0) names.emplace_back(kEvents[i].name, stats.events[i]);
  }
  std::sort(names.begin(), names.end());
  j.begin_object("event_names");
  for (size_t i = 0; i < names.size(); ++i) {
    uint64_t count = names[i].second;
    while (i + 1 < names.size() && names[i + 1].first == names[i].first) count += names[++i].second;
    j.num(names[i].first, static_cast<int64_t>(count));
  }
  j.end_object();

  std::vector<std::pair<std::string_view, uint64_t>> errors;
  for (size_t i = 1; i < kErrorCodes.size(); ++i) {
    if (stats.errors[i] > 0) errors.emplace_back(kErrorCodes[i], stats.errors[i]);
  }
  std::sort(errors.begin(), errors.end());
  j.begin_object("error_codes");
  for (const auto& [code, count] : errors) j.num(code, static_cast<int64_t>(count));
  j.end_object();

  std::vector<std::pair<std::string_view, uint64_t>> identities;
  for (size_t i = 0; i < kIdentityNames.size(); ++i) {
    if (stats.identities[i] > 0) identities.emplace_back(kIdentityNames[i], stats.identities[i]);
  }
  std::sort(identities.begin(), identities.end());
  j.begin_object("identity_types");
  for (const auto& [type, count] : identities) j.num(type, static_cast<int64_t>(count));
  j.end_object().end_object();
  out += '\n';
  if (!write_file(path, out.data(), out.size())) {
    throw std::runtime_error(fmt::format("cannot write {}", path.string()));
  }
}

// ------------------------------------------------------------------------------------------------
// Command line
// ------------------------------------------------------------------------------------------------

constexpr std::string_view kUsage = R"(usage: trailsift-generate-mirror --out DIR [options]

Writes a deterministic, synthetic CloudTrail S3 bucket mirror:
  DIR/AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<id>.json.gz

options:
  --out DIR           output directory; DIR/AWSLogs must not exist yet
  --size-mb N         stop once N MB (10^6 bytes) of uncompressed JSON are written (default 100)
  --hours N           stop after N hours of log time instead of a size target
  --seed S            random seed (default 1); same arguments give byte-identical output
  --accounts N        number of AWS accounts, 1-64 (default 4)
  --regions N         number of regions, 1-16 (default 6)
  --start TIME        first 5-minute window, YYYY-MM-DDTHH:MM:SSZ (default 2024-03-01T00:00:00Z)
  --plain             write .json files instead of .json.gz
  --summary FILE      write counts (files, records, bytes, event_names...) as JSON to FILE
  --jobs N            worker threads (default: all cores); does not change the output
  --scenario NAME     "default", or "example": the small story mirror in examples/bucket
                      (2 accounts, 3 regions, 2 hours from 2024-03-01T09:00:00Z; ignores
                      --size-mb, --hours, --accounts, --regions and --start)
)";

[[noreturn]] void usage_error(std::string_view message) {
  fmt::print(stderr, "trailsift-generate-mirror: {}\n\n{}", message, kUsage);
  std::exit(2);
}

template <typename T>
T parse_number(std::string_view flag, std::string_view text, T lo, T hi) {
  T value{};
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < lo || value > hi) {
    usage_error(fmt::format("{} expects a number between {} and {}, got '{}'", flag, lo, hi, text));
  }
  return value;
}

Settings parse_args(int argc, char** argv) {
  Settings s;
  s.start = *parse_iso("2024-03-01T00:00:00Z");
  bool have_out = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "-h" || flag == "--help") {
      fmt::print("{}", kUsage);
      std::exit(0);
    }
    if (flag == "--plain") {
      s.plain = true;
      continue;
    }
    if (i + 1 >= argc) usage_error(fmt::format("unknown option or missing value: {}", flag));
    const std::string_view value = argv[++i];
    if (flag == "--out") {
      s.out = fs::path(std::string(value));
      have_out = true;
    } else if (flag == "--size-mb") {
      s.size_bytes = parse_number<uint64_t>(flag, value, 1, 10'000'000) * 1'000'000;
    } else if (flag == "--hours") {
      s.hours = parse_number<uint32_t>(flag, value, 1, 24 * 366);
    } else if (flag == "--seed") {
      s.seed = parse_number<uint64_t>(flag, value, 0, UINT64_MAX);
    } else if (flag == "--accounts") {
      s.accounts = parse_number<uint32_t>(flag, value, 1, 64);
    } else if (flag == "--regions") {
      s.regions = parse_number<uint32_t>(flag, value, 1, static_cast<uint32_t>(kRegions.size()));
    } else if (flag == "--start") {
      const auto start = parse_iso(value);
      if (!start) usage_error(fmt::format("--start expects YYYY-MM-DDTHH:MM:SSZ, got '{}'", value));
      s.start = *start - *start % kSlotSeconds;
    } else if (flag == "--summary") {
      s.summary = fs::path(std::string(value));
    } else if (flag == "--jobs") {
      s.jobs = parse_number<uint32_t>(flag, value, 1, 256);
    } else if (flag == "--scenario") {
      if (value == "example")
        s.example = true;
      else if (value != "default")
        usage_error(fmt::format("unknown scenario '{}'", value));
    } else {
      usage_error(fmt::format("unknown option: {}", flag));
    }
  }
  if (!have_out) usage_error("--out DIR is required");
  if (s.jobs == 0) s.jobs = std::max(1U, std::thread::hardware_concurrency());
  // Calibrated so that the default settings give ~1 KB records in files of ~1 MB on average.
  s.base_rate_milli = 12'000'000;
  if (s.example) {
    s.accounts = 2;
    s.regions = 3;
    s.start = *parse_iso(kExampleStart);
    s.hours = 2;
    s.base_rate_milli = 6'000;  // a few hundred background records in total
  }
  return s;
}

int run(int argc, char** argv) {
  const Settings settings = parse_args(argc, argv);
  const fs::path logs = settings.out / "AWSLogs";
  if (fs::exists(logs)) {
    fmt::print(stderr, "trailsift-generate-mirror: {} already exists; remove it first\n",
               logs.string());
    return 1;
  }
  const std::span<const FixedAccount> fixed = settings.example
                                                  ? std::span<const FixedAccount>(kExampleAccounts)
                                                  : std::span<const FixedAccount>();
  World world =
      build_world(settings.seed, settings.accounts, settings.regions, fixed, settings.example);
  if (settings.example) {
    // A small company: nearly everything happens in prod's us-east-1, so quiet windows elsewhere
    // deliver no file at all (as CloudTrail does) and the bundled mirror stays small.
    world.accounts[1].weight = 400;
    world.regions[1].weight = 150;
    world.regions[2].weight = 100;
  }
  const StoryCast cast = make_cast();
  std::vector<StoryItem> story;
  if (settings.example) story = build_story(world, settings.start, cast);
  Generator generator(settings, world, std::move(story));

  Stats total;
  uint64_t slot = 0;
  const uint64_t max_slots =
      settings.hours > 0 ? uint64_t{settings.hours} * 12 : 12ULL * 24 * 366 * 10;
  while (slot < max_slots && (settings.hours > 0 || total.raw_bytes < settings.size_bytes)) {
    if (!generator.run_slot(slot, total)) return 1;
    ++slot;
  }
  if (settings.summary) write_summary(*settings.summary, settings, world, total, slot);
  fmt::print(stderr,
             "trailsift-generate-mirror: {} files, {} records, {:.1f} MB JSON, {:.1f} MB on disk, "
             "{} to {}\n",
             total.files, total.records, static_cast<double>(total.raw_bytes) / 1e6,
             static_cast<double>(total.stored_bytes) / 1e6, iso_string(settings.start),
             iso_string(settings.start + static_cast<int64_t>(slot) * kSlotSeconds));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    fmt::print(stderr, "trailsift-generate-mirror: {}\n", e.what());
    return 1;
  }
}
