// SPDX-License-Identifier: MIT
// The generator's fixed vocabulary: regions, account weights, names, user agents and the names
// of the resources the simulated organization works with.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace trailsift::generator {

/// A region and how busy it is.
struct RegionInfo {
  std::string_view name;
  std::uint32_t weight;  // per mille of us-east-1's activity
};

// us-east-1 first: it also receives the global services (IAM, STS global endpoint, sign-in).
inline constexpr std::array<RegionInfo, 16> kRegions = {{
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

inline constexpr std::array<std::uint32_t, 8> kAccountWeights = {1000, 550, 350, 220,
                                                                 150,  110, 80,  60};
inline constexpr std::array<std::string_view, 8> kAccountAliases = {
    "acme-prod", "acme-staging", "acme-dev",    "acme-security",
    "acme-data", "acme-sandbox", "acme-shared", "acme-logs"};

// UTC hour-of-day activity in percent: the company works mostly in US and EU business hours.
inline constexpr std::array<std::uint32_t, 24> kHourFactor = {
    55,  50,  45,  42,  42,  45,  55,  70, 85, 95, 105, 115,
    125, 135, 140, 140, 135, 125, 110, 95, 80, 70, 65,  60};

// Human first/last names. Deliberately free of the names used by the example story (alex.kim,
// maria.gonzalez, tom.baker) so that story identities never appear in background traffic.
inline constexpr std::array<std::string_view, 30> kFirstNames = {
    "olivia", "liam",   "emma",  "noah",  "ava",   "lucas", "sofia",  "ethan", "mia",  "james",
    "chloe",  "daniel", "priya", "arjun", "wei",   "mei",   "hana",   "kenji", "lars", "ingrid",
    "mateo",  "lucia",  "omar",  "layla", "felix", "nora",  "samuel", "zoe",   "ravi", "anya"};
inline constexpr std::array<std::string_view, 20> kLastNames = {
    "smith",  "nguyen",  "patel",  "mueller", "garcia",  "rossi",  "johansson",
    "okafor", "tanaka",  "silva",  "cohen",   "novak",   "dubois", "kowalski",
    "haddad", "brennan", "larsen", "moreau",  "fischer", "ito"};
inline constexpr std::array<std::string_view, 10> kServiceUsers = {
    "terraform-ci", "backup-agent",   "github-actions", "datadog-integration", "jenkins",
    "airflow-svc",  "grafana-reader", "s3-sync-job",    "legacy-billing-app",  "monitoring-bot"};

/// What a principal calls with: it decides the user agent.
enum class ClientKind : std::uint8_t {
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

inline constexpr std::array<std::string_view, 3> kCliAgents = {
    "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0-1016-aws exe/x86_64.ubuntu.22 prompt/off",
    "aws-cli/2.15.19 Python/3.11.6 Darwin/23.3.0 exe/x86_64 prompt/off",
    "aws-cli/1.32.56 md/Botocore#1.34.56 ua/2.0 os/linux#5.15.0-1055-aws md/arch#x86_64 "
    "lang/python#3.10.12 md/pyimpl#CPython cfg/retry-mode#legacy botocore/1.34.56"};
inline constexpr std::array<std::string_view, 2> kBoto3Agents = {
    "Boto3/1.34.54 md/Botocore#1.34.54 ua/2.0 os/linux#5.10.210-201.852.amzn2.x86_64 "
    "md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.54",
    "Boto3/1.28.57 Python/3.9.18 Linux/5.10.205-195.807.amzn2.x86_64 exec-env/AWS_Lambda_python3.9 "
    "Botocore/1.31.57"};
inline constexpr std::array<std::string_view, 2> kGoAgents = {
    "aws-sdk-go-v2/1.25.2 os/linux lang/go#1.22.0 md/GOOS#linux md/GOARCH#amd64 api/s3#1.51.1",
    "aws-sdk-go/1.50.25 (go1.21.7; linux; amd64)"};
inline constexpr std::array<std::string_view, 2> kJavaAgents = {
    "aws-sdk-java/2.25.6 Linux/5.10.210-201.852.amzn2.x86_64 "
    "OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS "
    "Java/17.0.10 vendor/Amazon.com_Inc. exec-env/AWS_ECS_FARGATE io/sync http/Apache "
    "cfg/retry-mode/legacy",
    "aws-sdk-java/1.12.666 Linux/5.10.210-201.852.amzn2.x86_64 "
    "OpenJDK_64-Bit_Server_VM/11.0.22+7-LTS "
    "java/11.0.22 vendor/Amazon.com_Inc. cfg/retry-mode/standard"};
inline constexpr std::array<std::string_view, 2> kNodeAgents = {
    "aws-sdk-nodejs/2.1569.0 linux/v18.19.1 exec-env/AWS_Lambda_nodejs18.x promise",
    "aws-sdk-js/3.525.0 ua/2.0 os/linux#5.10.209-218.812.amzn2.x86_64 lang/js md/nodejs#20.11.1 "
    "api/dynamodb#3.525.0 exec-env/AWS_Lambda_nodejs20.x"};
inline constexpr std::string_view kTerraformAgent =
    "APN/1.0 HashiCorp/1.0 Terraform/1.7.4 (+https://www.terraform.io) "
    "terraform-provider-aws/5.39.1 "
    "(+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.25.2 os/linux "
    "lang/go#1.21.7 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.149.3";
inline constexpr std::string_view kSsmAgent =
    "aws-sdk-go/1.50.25 (go1.21.7; linux; amd64) amazon-ssm-agent/3.3.131.0";
inline constexpr std::string_view kDatadogAgent =
    "aws-sdk-go/1.44.327 (go1.20.10; linux; amd64) Datadog/aws-integration";
inline constexpr std::string_view kS3ConsoleAgent =
    "[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.488 Linux/5.10.213-180.863.amzn2int.x86_64 "
    "OpenJDK_64-Bit_Server_VM/25.402-b08 java/1.8.0_402 vendor/Oracle_Corporation "
    "cfg/retry-mode/standard]";
inline constexpr std::array<std::string_view, 4> kBrowserAgents = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/122.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/122.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_3_1) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.3.1 Safari/605.1.15"};

/// tlsDetails: a TLS version and cipher suite.
struct TlsSuite {
  std::string_view version, cipher;
};
inline constexpr std::array<TlsSuite, 3> kTlsSuites = {{{"TLSv1.3", "TLS_AES_128_GCM_SHA256"},
                                                        {"TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256"},
                                                        {"TLSv1.3", "TLS_AES_256_GCM_SHA384"}}};

inline constexpr std::array<std::string_view, 8> kBucketSuffixes = {
    "app-assets",      "data-lake-raw",   "data-lake-curated", "backups",
    "terraform-state", "build-artifacts", "access-logs",       "ml-training-data"};
inline constexpr std::array<std::string_view, 8> kFunctionNames = {
    "order-processor", "thumbnail-generator", "cloudtrail-log-shipper", "user-signup-handler",
    "nightly-report",  "webhook-receiver",    "cost-anomaly-notifier",  "session-cleanup"};
inline constexpr std::array<std::string_view, 7> kTableNames = {
    "orders",        "sessions",     "user-profiles", "inventory",
    "feature-flags", "audit-events", "payments"};
inline constexpr std::array<std::string_view, 6> kSecretNames = {
    "prod/payments/stripe-api-key", "prod/orders-db/master", "shared/datadog-api-key",
    "ci/github-deploy-token",       "prod/smtp-credentials", "analytics/redshift-reader"};
inline constexpr std::array<std::string_view, 8> kParameterNames = {
    "/app/prod/db/host",
    "/app/prod/db/port",
    "/app/prod/feature-flags/checkout-v2",
    "/app/prod/api/rate-limit",
    "/cloudwatch-agent/config",
    "/ami/latest/amazon-linux-2023",
    "/app/staging/db/host",
    "/platform/vpc/private-subnets"};
inline constexpr std::array<std::string_view, 4> kDbInstances = {
    "orders-db-prod", "orders-db-replica-1", "analytics-postgres", "keycloak-db"};
inline constexpr std::array<std::string_view, 6> kLogGroups = {
    "/aws/lambda/order-processor",
    "/aws/lambda/thumbnail-generator",
    "/ecs/api",
    "/aws/rds/instance/orders-db-prod/postgresql",
    "/var/log/messages",
    "/aws/eks/platform/cluster"};
inline constexpr std::array<std::string_view, 6> kManagedPolicies = {
    "arn:aws:iam::aws:policy/ReadOnlyAccess",      "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
    "arn:aws:iam::aws:policy/AmazonEC2FullAccess", "arn:aws:iam::aws:policy/AdministratorAccess",
    "arn:aws:iam::aws:policy/SecurityAudit",       "arn:aws:iam::aws:policy/AWSLambda_FullAccess"};
inline constexpr std::array<std::string_view, 5> kInstanceTypes = {
    "t3.micro", "t3.medium", "m6i.large", "c6g.xlarge", "r6i.2xlarge"};
inline constexpr std::array<std::string_view, 5> kConfigRules = {
    "s3-bucket-public-read-prohibited", "encrypted-volumes", "iam-user-mfa-enabled",
    "restricted-ssh", "cloudtrail-enabled"};
inline constexpr std::string_view kTrailName = "acme-org-trail";

}  // namespace trailsift::generator
