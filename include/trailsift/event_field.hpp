// SPDX-License-Identifier: MIT
// Fields to group and compare events by (`stats --by`, `diff --by`): a lookup attribute, a
// named extra, or any dotted path of the record.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "trailsift/event.hpp"
#include "trailsift/result.hpp"

namespace trailsift {

/// One field, by the name the user gave.
class EventField {
 public:
  /// Accepts the lookup attributes (`event-name`, `event-source`, `username`, `resource-name`,
  /// `resource-type`, `read-only`, `access-key-id`, `event-id`), `event-time` (as written),
  /// `region`, `account`,
  /// `source-ip`, `error-code` (Event::failure()), `event-type`, `user-agent`, `principal-arn`,
  /// `insight` (what an Insights event is about: `ApiCallRateInsight ssm.amazonaws.com
  /// UpdateInstanceInformation`, with the error code of an error-rate one; empty for other
  /// events), a top-level record field (`eventCategory`) and any dotted record path
  /// (`userIdentity.type`). Any other name is an error that suggests the closest known ones: a
  /// typo never becomes a field no record has.
  static Result<EventField> parse(std::string_view name);

  /// The name as given.
  const std::string& name() const { return name_; }

  /// True when value() gives the field's one value as a view of the event: every field but
  /// `resource-name`, `resource-type`, dotted paths and `insight` (made, not found).
  bool single_valued() const {
    return kind_ != Kind::kResourceName && kind_ != Kind::kResourceType && kind_ != Kind::kPath &&
           kind_ != Kind::kInsight;
  }

  /// The value of a single_valued() field, empty when the event has none; a view into `event`,
  /// so it lives as long as the event's views do. Empty for the other fields.
  std::string_view value(const Event& event) const;

  /// Appends the field's values in `event` to `out`: one for most fields, one per resource
  /// for `resource-name` and `resource-type`, one per element for a path through arrays, and
  /// a single empty value when the event has none, so that no event is ever dropped. Fails when
  /// the record cannot be parsed for them (see for_each_value_at_path).
  Status values(const Event& event, std::vector<std::string>& out) const;

 private:
  enum class Kind {
    kMember,    // a string field of Event
    kIdentity,  // a string field of Event::user_identity
    kUsername,
    kFailure,  // Event::failure()
    kAccount,  // recipientAccountId, else userIdentity.accountId
    kResourceName,
    kResourceType,
    kPath,
    kInsight,  // insight_details(), as one line
  };
  std::string name_;
  Kind kind_ = Kind::kPath;
  std::string_view Event::*member_ = nullptr;
  std::string_view UserIdentity::*identity_member_ = nullptr;
};

/// Parses a comma-separated list of fields (`username,event-name`).
Result<std::vector<EventField>> parse_fields(std::string_view names);

}  // namespace trailsift
