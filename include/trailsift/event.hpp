// SPDX-License-Identifier: MIT
// One CloudTrail record as the reader hands it out: views of the fields every command needs.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "trailsift/result.hpp"

namespace trailsift {

/// The `userIdentity` fields that name who acted. Absent fields are empty.
struct UserIdentity {
  std::string_view type;
  std::string_view principal_id;
  std::string_view arn;
  std::string_view account_id;
  std::string_view access_key_id;
  std::string_view user_name;
  std::string_view invoked_by;
};

/// What `aws cloudtrail lookup-events` adds around a record (its `CloudTrailEvent`).
struct LookupInfo {
  bool present = false;       ///< the record came from lookup-events output
  bool has_username = false;  ///< the Event had a `Username` key
  std::string_view username;
  std::string_view resources_json;  ///< raw JSON of `Resources`, or empty
};

/// One record. Every view points into the reader's buffers and is valid only until the visitor
/// returns: copy what you keep. Absent fields, and JSON nulls, are empty views. Strings are
/// unescaped; `readOnly` and `managementEvent` read "true"/"false" whether they were JSON
/// booleans or strings.
struct Event {
  std::string_view json;     ///< the record's JSON text as in the input (may hold whitespace)
  std::uint64_t record = 0;  ///< 1-based position among the records of its input
  std::uint64_t line = 0;    ///< 1-based line for line-delimited inputs, else 0

  std::string_view event_version;
  std::string_view event_time;
  std::string_view event_source;
  std::string_view event_name;
  std::string_view aws_region;
  std::string_view source_ip_address;
  std::string_view user_agent;
  std::string_view error_code;
  std::string_view error_message;
  std::string_view request_id;
  std::string_view event_id;
  std::string_view event_type;
  std::string_view read_only;
  std::string_view management_event;
  std::string_view recipient_account_id;
  std::string_view event_category;
  UserIdentity user_identity;
  std::string_view resources_json;           ///< raw JSON of `resources`, or empty
  std::string_view request_parameters_json;  ///< raw JSON of `requestParameters`, or empty
  std::string_view response_elements_json;   ///< raw JSON of `responseElements`, or empty
  LookupInfo lookup;

  /// What went wrong, as trailsift counts failures everywhere (--errors, --error-code, the table's
  /// error column, stats' errors): the errorCode; or, for a sign-in event (eventType
  /// AwsConsoleSignIn) that has none but failed (a failed ConsoleLogin has only errorMessage
  /// "Failed authentication" and responseElements.ConsoleLogin "Failure"), its errorMessage, else
  /// "Failure". Empty when the call succeeded.
  std::string_view failure() const;

  /// The console's "User name": lookup-events' own Username when the record came from there;
  /// otherwise "root" for Root, the session (last ARN segment) for AssumedRole and
  /// FederatedUser, else userIdentity.userName. Empty when there is none.
  std::string_view username() const;
};

/// The record fields an Event holds as plain strings, by JSON key: what the reader fills in,
/// and what a dotted path of one key can take without parsing the record again.
inline constexpr std::array<std::pair<std::string_view, std::string_view Event::*>, 16>
    kEventStringFields{{
        {"eventVersion", &Event::event_version},
        {"eventTime", &Event::event_time},
        {"eventSource", &Event::event_source},
        {"eventName", &Event::event_name},
        {"awsRegion", &Event::aws_region},
        {"sourceIPAddress", &Event::source_ip_address},
        {"userAgent", &Event::user_agent},
        {"errorCode", &Event::error_code},
        {"errorMessage", &Event::error_message},
        {"requestID", &Event::request_id},
        {"eventID", &Event::event_id},
        {"eventType", &Event::event_type},
        {"readOnly", &Event::read_only},
        {"managementEvent", &Event::management_event},
        {"recipientAccountId", &Event::recipient_account_id},
        {"eventCategory", &Event::event_category},
    }};

/// What an Insights event (eventType `AwsCloudTrailInsight`) is about: its `insightDetails`.
/// Insights events have no top-level eventName, eventSource or userIdentity.
struct InsightDetails {
  std::string state;         ///< Start or End
  std::string event_source;  ///< the API the insight is about
  std::string event_name;
  std::string insight_type;  ///< ApiCallRateInsight or ApiErrorRateInsight
  std::string error_code;    ///< error-rate insights
};

/// The insightDetails of an Insights event, parsed again from its JSON; nullopt for any other
/// event, or when it has no insightDetails object.
std::optional<InsightDetails> insight_details(const Event& event);

/// Calls `visit(name, type)` for each resource the event names, as the console would list it:
/// lookup-events' `Resources` when present, else each `resources[]` ARN (or ARNPrefix) with its
/// type, then identifiers in `requestParameters` (keys ending in Name, Id, Ids, Arn, Arns or
/// Identifier) with the type their key implies, or an empty type. `type` may be empty.
/// docs/resources.md says exactly what is matched and how it differs from AWS. Fails, after
/// visiting what it could, when a part cannot be parsed (nested too deeply, invalid JSON).
Status for_each_resource(
    const Event& event,
    const std::function<void(std::string_view name, std::string_view type)>& visit);

/// Calls `visit(text)` for each value at a dotted path of the record (`userIdentity.type`,
/// `resources.ARN`): arrays on the way, and at the end, are searched element by element.
/// Strings are unescaped; true, false, null and numbers are given as JSON; objects as compact
/// JSON.
/// A key given twice counts with its last value, as in jq. Fails when the record's JSON cannot
/// be parsed (nested too deeply, say): never a silent "no value".
Status for_each_value_at_path(const Event& event, std::string_view dotted_path,
                              const std::function<void(std::string_view text)>& visit);

}  // namespace trailsift
