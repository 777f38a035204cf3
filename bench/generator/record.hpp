// SPDX-License-Identifier: MIT
// One record as the generator builds it (who called, what, with which outcome, and the bodies
// as raw JSON), and its serialization in CloudTrail's key order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "catalog.hpp"
#include "organization.hpp"
#include "random.hpp"

namespace trailsift::generator {

/// Who made a call, and with which credentials, from where and with what client.
struct Actor {
  IdentityType type = IdentityType::kIamUser;
  const Principal* principal = nullptr;  // user or role session
  const Role* role = nullptr;
  // Federated users: the IAM user that called GetFederationToken.
  const Principal* issuer = nullptr;
  std::string_view federated_name;
  std::string access_key;
  bool has_access_key = true;
  // Console session credentials (sessionContext and sessionCredentialFromConsole).
  bool console = false;
  bool mfa = false;
  std::int64_t session_created = 0;
  std::string_view invoked_by;
  std::string_view source_ip;
  std::string_view user_agent;
  bool bracket_agent = false;  // S3 wraps SDK user agents in [...]
};

/// requestID: none (sign-ins, service events), a UUID, or S3's 16 characters.
enum class RequestIdStyle : std::uint8_t { kNone, kUuid, kS3 };

/// One record being made. Strings are views of the organization's data or owned buffers that
/// reset() clears for reuse.
struct Record {
  std::int64_t time = 0;
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
  std::uint8_t tls_suite = 0;

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

/// Appends `r` as one compact JSON record in CloudTrail's key order. Draws requestID, eventID
/// and sharedEventID from `rng`.
void write_record(std::string& out, const Record& r, Rng& rng);

}  // namespace trailsift::generator
