// SPDX-License-Identifier: MIT
#include "trailsift/event_field.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include <fmt/format.h>

#include "trailsift/suggest.hpp"

namespace trailsift {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view Event::*>, 8> kMemberFields{{
    {"event-time", &Event::event_time},
    {"event-name", &Event::event_name},
    {"event-source", &Event::event_source},
    {"event-id", &Event::event_id},
    {"read-only", &Event::read_only},
    {"region", &Event::aws_region},
    {"source-ip", &Event::source_ip_address},
    {"event-type", &Event::event_type},
}};

constexpr std::string_view kAcceptedNames =
    "event-time, event-name, event-source, username, resource-name, resource-type, read-only, "
    "access-key-id, event-id, region, account, source-ip, error-code, event-type, user-agent, "
    "principal-arn, insight, a top-level record field such as eventCategory, or a dotted record "
    "path such "
    "as userIdentity.type";

/// The named fields, for suggestions.
const std::vector<std::string_view> kNamedFields = {
    "event-time",    "event-name", "event-source",  "username",   "resource-name",
    "resource-type", "read-only",  "access-key-id", "event-id",   "region",
    "account",       "source-ip",  "error-code",    "event-type", "user-agent",
    "principal-arn", "insight"};

/// The top-level fields of a CloudTrail record (eventVersion 1.11) and of an Insights event: a
/// path without a dot must be one of them, so that a typo is not taken for a field no record has.
const std::vector<std::string_view> kRecordFields = {"eventVersion",
                                                     "userIdentity",
                                                     "eventTime",
                                                     "eventSource",
                                                     "eventName",
                                                     "awsRegion",
                                                     "sourceIPAddress",
                                                     "userAgent",
                                                     "errorCode",
                                                     "errorMessage",
                                                     "requestParameters",
                                                     "responseElements",
                                                     "additionalEventData",
                                                     "requestID",
                                                     "eventID",
                                                     "eventType",
                                                     "apiVersion",
                                                     "managementEvent",
                                                     "readOnly",
                                                     "resources",
                                                     "recipientAccountId",
                                                     "serviceEventDetails",
                                                     "sharedEventID",
                                                     "vpcEndpointId",
                                                     "vpcEndpointAccountId",
                                                     "eventCategory",
                                                     "addendum",
                                                     "sessionCredentialFromConsole",
                                                     "edgeDeviceDetails",
                                                     "tlsDetails",
                                                     "insightDetails",
                                                     "eventContext"};

bool is_path(std::string_view name) {
  if (name.empty() || name.front() == '.' || name.back() == '.' ||
      name.find("..") != std::string_view::npos) {
    return false;
  }
  for (const char c : name) {
    if (c == ',' || c == '=' || static_cast<unsigned char>(c) <= ' ') return false;
  }
  return true;
}

}  // namespace

Result<EventField> EventField::parse(std::string_view name) {
  EventField field;
  field.name_ = std::string(name);
  for (const auto& [field_name, member] : kMemberFields) {
    if (name == field_name) {
      field.kind_ = Kind::kMember;
      field.member_ = member;
      return field;
    }
  }
  if (name == "error-code") {
    field.kind_ = Kind::kFailure;
  } else if (name == "user-agent") {
    field.kind_ = Kind::kMember;
    field.member_ = &Event::user_agent;
  } else if (name == "access-key-id") {
    field.kind_ = Kind::kIdentity;
    field.identity_member_ = &UserIdentity::access_key_id;
  } else if (name == "principal-arn") {
    field.kind_ = Kind::kIdentity;
    field.identity_member_ = &UserIdentity::arn;
  } else if (name == "username") {
    field.kind_ = Kind::kUsername;
  } else if (name == "account") {
    field.kind_ = Kind::kAccount;
  } else if (name == "resource-name") {
    field.kind_ = Kind::kResourceName;
  } else if (name == "resource-type") {
    field.kind_ = Kind::kResourceType;
  } else if (name == "insight") {
    field.kind_ = Kind::kInsight;
  } else if (is_path(name) &&
             (name.find('.') != std::string_view::npos ||
              std::find(kRecordFields.begin(), kRecordFields.end(), name) != kRecordFields.end())) {
    field.kind_ = Kind::kPath;
  } else {
    std::vector<std::string_view> known = kNamedFields;
    known.insert(known.end(), kRecordFields.begin(), kRecordFields.end());
    const std::string suggestion = did_you_mean(closest_names(name, known));
    return make_error(
        "", fmt::format("unknown field '{}'{}: expected {}", name,
                        suggestion.empty() ? "" : " (" + suggestion + ")", kAcceptedNames));
  }
  return field;
}

std::string_view EventField::value(const Event& event) const {
  switch (kind_) {
    case Kind::kMember: return event.*member_;
    case Kind::kIdentity: return event.user_identity.*identity_member_;
    case Kind::kUsername: return event.username();
    case Kind::kFailure: return event.failure();
    case Kind::kAccount:
      return event.recipient_account_id.empty() ? event.user_identity.account_id
                                                : event.recipient_account_id;
    case Kind::kResourceName:
    case Kind::kResourceType:
    case Kind::kPath:
    case Kind::kInsight: break;
  }
  return {};
}

Status EventField::values(const Event& event, std::vector<std::string>& out) const {
  if (single_valued()) {
    out.emplace_back(value(event));
    return {};
  }
  const std::size_t before = out.size();
  Status read;
  if (kind_ == Kind::kInsight) {
    if (const std::optional<InsightDetails> insight = insight_details(event)) {
      std::string& line = out.emplace_back(insight->insight_type);
      for (const std::string* part :
           {&insight->event_source, &insight->event_name, &insight->error_code}) {
        if (!part->empty()) line += ' ' + *part;
      }
    }
  } else if (kind_ == Kind::kPath) {
    read = for_each_value_at_path(event, name_,
                                  [&](std::string_view text) { out.emplace_back(text); });
  } else {
    read = for_each_resource(event, [&](std::string_view resource_name, std::string_view type) {
      out.emplace_back(kind_ == Kind::kResourceName ? resource_name : type);
    });
  }
  if (!read) return make_error("", fmt::format("{}: {}", name_, read.error().message));
  if (out.size() == before) out.emplace_back();
  return {};
}

Result<std::vector<EventField>> parse_fields(std::string_view names) {
  std::vector<EventField> fields;
  for (std::size_t start = 0;;) {
    const std::size_t comma = names.find(',', start);
    Result<EventField> field = EventField::parse(names.substr(start, comma - start));
    if (!field) return field.error();
    fields.push_back(std::move(*field));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return fields;
}

}  // namespace trailsift
