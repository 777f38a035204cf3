// SPDX-License-Identifier: MIT
// Selecting events: the console's lookup attributes, a time range and the analysts' extras,
// shared by filter, stats and diff.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "trailsift/event.hpp"
#include "trailsift/result.hpp"
#include "trailsift/time.hpp"

namespace trailsift {

/// The selection as the user typed it. Values of one attribute are ORed; attributes are ANDed.
struct FilterSpec {
  // The console's lookup attributes.
  std::vector<std::string> event_ids;
  std::vector<std::string> event_names;
  std::vector<std::string> event_sources;
  std::vector<std::string> usernames;
  std::vector<std::string> resource_names;
  std::vector<std::string> resource_types;
  std::vector<std::string> read_only;  ///< "true" or "false"
  std::vector<std::string> access_key_ids;
  /// The AWS CLI's `AttributeKey=EventName,AttributeValue=ConsoleLogin` form.
  std::vector<std::string> lookup_attributes;
  // Time range, inclusive at both ends (see parse_time_argument).
  std::string start_time;
  std::string end_time;
  /// The options the times were typed with, for errors (`--since` is `--start-time`).
  std::string start_option = "--start-time";
  std::string end_option = "--end-time";
  // Beyond the console.
  std::vector<std::string> regions;
  std::vector<std::string> accounts;    ///< recipientAccountId or userIdentity.accountId
  std::vector<std::string> source_ips;  ///< addresses, CIDR blocks, or other text (DNS names)
  std::vector<std::string> error_codes;
  bool errors_only = false;  ///< any errorCode
  std::vector<std::string> event_types;
  std::vector<std::string> user_agents;
  std::vector<std::string> field_matches;  ///< PATH=VALUE on any dotted path
  bool ignore_case = false;
};

/// Appends the selection as a JSON object keyed by option name without `--` ("username",
/// "errors", ...), holding only the options given; the time range as resolved, in UTC.
void append_selection_json(std::string& out, const FilterSpec& spec, const TimeRange& range);

/// What the filter made of one event.
enum class FilterResult {
  kMatch,
  kNoMatch,
  kNoTime,      ///< it would match, but a time range was asked for and it has no (valid) eventTime
  kUnreadable,  ///< part of the record a condition needs cannot be parsed: see the problem
};

/// A compiled FilterSpec. Thread-safe: one filter serves every worker.
class EventFilter {
 public:
  /// Checks and compiles the spec; errors name the option and the accepted forms.
  static Result<EventFilter> compile(const FilterSpec& spec);

  /// With kUnreadable, `problem` (when given) says what could not be read.
  FilterResult test(const Event& event, Error* problem = nullptr) const;
  bool matches(const Event& event) const { return test(event) == FilterResult::kMatch; }
  bool matches_everything() const {
    return cheap_.empty() && costly_.empty() && !time_range_.bounded();
  }
  const TimeRange& time_range() const { return time_range_; }
  /// Byte strings of which every matching record holds at least one, as written in its JSON,
  /// ASCII letters in either case (unless the input writes characters as \u escapes): the values
  /// of one exact condition on an event ID, access key, user name, event name or event source,
  /// made only of characters JSON never escapes otherwise. Empty when no condition gives such a
  /// guarantee.
  /// An input without any of them holds no match (EventReader::set_required_literals).
  const std::vector<std::string>& required_literals() const { return required_literals_; }

 private:
  using Predicate = std::function<bool(const Event&)>;
  /// A condition that parses part of the record again, which may fail.
  using CostlyPredicate = std::function<Result<bool>(const Event&)>;
  std::vector<Predicate> cheap_;         // field comparisons, in rough order of selectivity
  std::vector<CostlyPredicate> costly_;  // those that parse part of the record again
  TimeRange time_range_;
  std::vector<std::string> required_literals_;
};

}  // namespace trailsift
