// SPDX-License-Identifier: MIT
// What the generator can write: every event it knows (source, name, kind and how often each
// kind of caller makes it), the identity types, and the error codes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string_view>

namespace trailsift::generator {

/// What kind of event: read-only, data, global (us-east-1 only) and so on.
enum EventFlags : std::uint32_t {
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

/// Every event the generator knows, in the order of TRAILSIFT_EVENTS.
enum class Ev : std::uint16_t {
#define TRAILSIFT_ENUM(id, service, name, flags, w_principal, w_service, w_event) id,
  TRAILSIFT_EVENTS(TRAILSIFT_ENUM)
#undef TRAILSIFT_ENUM
};

/// An event's source, name, flags and weights (see TRAILSIFT_EVENTS).
struct EventSpec {
  std::string_view service;  // eventSource without ".amazonaws.com"
  std::string_view source;
  std::string_view name;
  std::uint32_t flags;
  std::uint32_t principal_weight, service_weight, service_event_weight;
};

inline constexpr EventSpec kEvents[] = {
#define TRAILSIFT_SPEC(id, service, name, flags, w_principal, w_service, w_event) \
  {service, service ".amazonaws.com", name, flags, w_principal, w_service, w_event},
    TRAILSIFT_EVENTS(TRAILSIFT_SPEC)
#undef TRAILSIFT_SPEC
};
inline constexpr std::size_t kEventCount = std::size(kEvents);

inline const EventSpec& spec_of(Ev ev) { return kEvents[static_cast<std::size_t>(ev)]; }

/// userIdentity.type; kNone is a service event, which has none.
enum class IdentityType : std::uint8_t {
  kIamUser,
  kAssumedRole,
  kRoot,
  kAwsService,
  kFederatedUser,
  kNone
};
inline constexpr std::array<std::string_view, 6> kIdentityNames = {
    "IAMUser", "AssumedRole", "Root", "AWSService", "FederatedUser", "none"};
// Share of records per identity type, per mille (see the brief: IAMUser ~45%, AssumedRole ~35%...).
inline constexpr std::array<std::uint32_t, 6> kIdentityWeights = {470, 380, 20, 100, 10, 20};

inline constexpr std::array<std::string_view, 15> kErrorCodes = {
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
/// The error codes of kErrorCodes, in the same order.
enum class Err : std::uint8_t {
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

/// The event named `name` (its eventName, or its id when they differ: UpdateFunctionCode for
/// UpdateFunctionCode20150331v2), or nullopt.
std::optional<Ev> find_event(std::string_view name);

/// The error code spelled `code`, or nullopt (kNone is not a code).
std::optional<Err> find_error(std::string_view code);

}  // namespace trailsift::generator
