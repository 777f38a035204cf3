// SPDX-License-Identifier: MIT
// Compiles the selection into a list of predicates, ordered so that the cheap field
// comparisons run first and the ones that parse the record again (resources, --match) last.
#include "trailsift/event_filter.hpp"

#include <algorithm>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "json_writer.hpp"
#include "trailsift/ascii.hpp"
#include "trailsift/event_format.hpp"
#include "trailsift/ip_address.hpp"
#include "trailsift/text_pattern.hpp"

namespace trailsift {
namespace {

using Patterns = std::vector<TextPattern>;

Patterns make_patterns(const std::vector<std::string>& values, bool ignore_case) {
  Patterns patterns;
  for (const std::string& value : values) patterns.emplace_back(value, ignore_case);
  return patterns;
}

bool any_matches(const Patterns& patterns, std::string_view text) {
  for (const TextPattern& pattern : patterns) {
    if (pattern.matches(text)) return true;
  }
  return false;
}

Error option_error(std::string_view option, std::string message) {
  return make_error("", fmt::format("{}: {}", option, message));
}

/// One --source-ip value: a CIDR block, an address, or other text (`ec2.amazonaws.com`).
struct SourceIpMatcher {
  std::optional<IpNetwork> network;
  std::optional<TextPattern> text;

  bool matches(std::string_view source) const {
    if (text) return text->matches(source);
    const std::optional<IpAddress> address = parse_ip_address(source);
    return address && network->contains(*address);
  }
};

Result<SourceIpMatcher> make_source_ip_matcher(const std::string& value, bool ignore_case) {
  SourceIpMatcher matcher;
  const std::size_t slash = value.find('/');
  if (!parse_ip_address(std::string_view(value).substr(0, slash))) {
    if (slash != std::string::npos) {
      return option_error("--source-ip", fmt::format("invalid CIDR block '{}'", value));
    }
    matcher.text.emplace(value, ignore_case);
    return matcher;
  }
  matcher.network = parse_ip_network(value);
  if (!matcher.network) {
    return option_error("--source-ip", fmt::format("invalid prefix length in '{}'", value));
  }
  return matcher;
}

/// Splits `AttributeKey=K,AttributeValue=V` (either order) into the spec's lists.
Status add_lookup_attribute(const std::string& text, FilterSpec& spec) {
  constexpr std::string_view kKey = "AttributeKey=";
  constexpr std::string_view kValue = "AttributeValue=";
  std::string_view key, value;
  const std::string_view all = text;
  if (all.starts_with(kKey)) {
    const std::size_t comma = all.find(',');
    key = all.substr(kKey.size(), comma == std::string_view::npos ? comma : comma - kKey.size());
    if (comma != std::string_view::npos && all.substr(comma + 1).starts_with(kValue)) {
      value = all.substr(comma + 1 + kValue.size());
    }
  } else if (all.starts_with(kValue)) {
    const std::size_t marker = all.rfind(std::string(",") + std::string(kKey));
    if (marker != std::string_view::npos) {
      value = all.substr(kValue.size(), marker - kValue.size());
      key = all.substr(marker + 1 + kKey.size());
    }
  }
  const std::pair<std::string_view, std::vector<std::string>*> kTargets[] = {
      {"EventId", &spec.event_ids},           {"EventName", &spec.event_names},
      {"EventSource", &spec.event_sources},   {"Username", &spec.usernames},
      {"ResourceName", &spec.resource_names}, {"ResourceType", &spec.resource_types},
      {"ReadOnly", &spec.read_only},          {"AccessKeyId", &spec.access_key_ids},
  };
  for (const auto& [name, target] : kTargets) {
    if (key == name && !value.empty()) {
      target->emplace_back(value);
      return {};
    }
  }
  return option_error("--lookup-attributes",
                      fmt::format("expected AttributeKey=KEY,AttributeValue=VALUE with KEY one of "
                                  "EventId, EventName, EventSource, Username, ResourceName, "
                                  "ResourceType, ReadOnly, AccessKeyId; got '{}'",
                                  text));
}

/// The values of one condition, when each is exact (in either case with -i) and written in JSON as
/// it is (no quote, backslash, slash (which may be written \/) or control character; text past
/// ASCII may be written as \u escapes, which the reader checks for).
std::optional<std::vector<std::string>> literal_values(const std::vector<std::string>& values) {
  if (values.empty()) return std::nullopt;
  for (const std::string& value : values) {
    if (value.empty() || TextPattern(value, false).is_glob()) return std::nullopt;
    for (const char c : value) {
      const auto byte = static_cast<unsigned char>(c);
      if (byte < 0x20 || byte >= 0x7f || c == '"' || c == '\\' || c == '/') return std::nullopt;
    }
  }
  return values;
}

bool resource_name_matches(const Patterns& patterns, std::string_view name) {
  if (any_matches(patterns, name)) return true;
  // The console also finds an ARN's resource by its own name: the part after the last / or :.
  if (name.starts_with("arn:")) {
    const std::size_t cut = name.find_last_of("/:");
    if (cut + 1 < name.size()) return any_matches(patterns, name.substr(cut + 1));
  }
  return false;
}

}  // namespace

Result<EventFilter> EventFilter::compile(const FilterSpec& user_spec) {
  FilterSpec spec = user_spec;
  for (const std::string& attribute : user_spec.lookup_attributes) {
    if (Status status = add_lookup_attribute(attribute, spec); !status) return status.error();
  }
  const bool fold = spec.ignore_case;
  EventFilter filter;
  auto& predicates = filter.cheap_;

  // One exact-or-glob test per plain field, in rough order of selectivity.
  auto add_field = [&](const std::vector<std::string>& values, std::string_view Event::*field) {
    if (values.empty()) return;
    predicates.push_back([patterns = make_patterns(values, fold), field](const Event& event) {
      return any_matches(patterns, event.*field);
    });
  };
  add_field(spec.event_ids, &Event::event_id);
  add_field(spec.event_names, &Event::event_name);
  add_field(spec.event_sources, &Event::event_source);
  add_field(spec.regions, &Event::aws_region);
  if (!spec.error_codes.empty()) {
    predicates.push_back([patterns = make_patterns(spec.error_codes, fold)](const Event& event) {
      return any_matches(patterns, event.failure());
    });
  }
  add_field(spec.event_types, &Event::event_type);
  add_field(spec.user_agents, &Event::user_agent);

  for (const std::string& value : spec.read_only) {
    if (value != "true" && value != "false") {
      return option_error("--read-only", fmt::format("expected true or false, got '{}'", value));
    }
  }
  add_field(spec.read_only, &Event::read_only);

  if (spec.errors_only) {
    predicates.push_back([](const Event& event) { return !event.failure().empty(); });
  }
  if (!spec.access_key_ids.empty()) {
    predicates.push_back([patterns = make_patterns(spec.access_key_ids, fold)](const Event& event) {
      return !event.user_identity.access_key_id.empty() &&
             any_matches(patterns, event.user_identity.access_key_id);
    });
  }
  if (!spec.usernames.empty()) {
    predicates.push_back([patterns = make_patterns(spec.usernames, fold)](const Event& event) {
      const std::string_view username = event.username();
      return !username.empty() && any_matches(patterns, username);
    });
  }
  if (!spec.accounts.empty()) {
    predicates.push_back([patterns = make_patterns(spec.accounts, fold)](const Event& event) {
      return any_matches(patterns, event.recipient_account_id) ||
             any_matches(patterns, event.user_identity.account_id);
    });
  }
  if (!spec.source_ips.empty()) {
    std::vector<SourceIpMatcher> matchers;
    for (const std::string& value : spec.source_ips) {
      Result<SourceIpMatcher> matcher = make_source_ip_matcher(value, fold);
      if (!matcher) return matcher.error();
      matchers.push_back(std::move(*matcher));
    }
    predicates.push_back([matchers = std::move(matchers)](const Event& event) {
      for (const SourceIpMatcher& matcher : matchers) {
        if (matcher.matches(event.source_ip_address)) return true;
      }
      return false;
    });
  }

  if (!spec.start_time.empty()) {
    Result<UnixSeconds> start = parse_time_argument(spec.start_time, RangeEnd::kStart);
    if (!start) return option_error(spec.start_option, start.error().message);
    filter.time_range_.start = *start;
  }
  if (!spec.end_time.empty()) {
    Result<UnixSeconds> end = parse_time_argument(spec.end_time, RangeEnd::kEnd);
    if (!end) return option_error(spec.end_option, end.error().message);
    filter.time_range_.end = *end;
  }
  if (filter.time_range_.start && filter.time_range_.end &&
      *filter.time_range_.start > *filter.time_range_.end) {
    return option_error(spec.start_option, "the start time is after the end time");
  }

  // These parse part of the record again, so they come last.
  auto& costly = filter.costly_;
  if (!spec.resource_types.empty()) {
    costly.push_back(
        [patterns = make_patterns(spec.resource_types, fold)](const Event& event) -> Result<bool> {
          bool found = false;
          Status read = for_each_resource(event, [&](std::string_view, std::string_view type) {
            found = found || (!type.empty() && any_matches(patterns, type));
          });
          if (!read && !found) return make_error("", "--resource-type: " + read.error().message);
          return found;
        });
  }
  if (!spec.resource_names.empty()) {
    costly.push_back(
        [patterns = make_patterns(spec.resource_names, fold)](const Event& event) -> Result<bool> {
          bool found = false;
          Status read = for_each_resource(event, [&](std::string_view name, std::string_view) {
            found = found || (!name.empty() && resource_name_matches(patterns, name));
          });
          if (!read && !found) return make_error("", "--resource-name: " + read.error().message);
          return found;
        });
  }
  // --match values on the same path are ORed like the values of any one option.
  std::vector<std::pair<std::string, Patterns>> paths;
  for (const std::string& field_match : spec.field_matches) {
    const std::size_t equals = field_match.find('=');
    if (equals == std::string::npos || equals == 0) {
      return option_error("--match", fmt::format("expected PATH=VALUE (as in "
                                                 "additionalEventData.MFAUsed=No), got '{}'",
                                                 field_match));
    }
    const std::string path = field_match.substr(0, equals);
    auto same_path = std::find_if(paths.begin(), paths.end(),
                                  [&](const auto& entry) { return entry.first == path; });
    if (same_path == paths.end()) same_path = paths.insert(paths.end(), {path, {}});
    same_path->second.emplace_back(field_match.substr(equals + 1), fold);
  }
  for (auto& [path, patterns] : paths) {
    costly.push_back(
        [path = path, patterns = std::move(patterns)](const Event& event) -> Result<bool> {
          bool found = false;
          Status read = for_each_value_at_path(event, path, [&](std::string_view text) {
            found = found || any_matches(patterns, text);
          });
          if (!read) return make_error("", "--match: " + read.error().message);
          return found;
        });
  }
  // The most selective condition whose values appear in every matching record as written.
  // "root" is a user name the console derives from the identity type, not a value in the record
  // (in any case: with -i, ROOT is root).
  const bool root_asked =
      std::any_of(spec.usernames.begin(), spec.usernames.end(),
                  [](const std::string& name) { return ascii_equal_ignoring_case(name, "root"); });
  for (const std::vector<std::string>* values :
       {&spec.event_ids, &spec.access_key_ids, &spec.usernames, &spec.event_names,
        &spec.event_sources}) {
    if (values == &spec.usernames && root_asked) continue;
    if (std::optional<std::vector<std::string>> literals = literal_values(*values)) {
      filter.required_literals_ = std::move(*literals);
      break;
    }
  }
  return filter;
}

FilterResult EventFilter::test(const Event& event, Error* problem) const {
  for (const Predicate& predicate : cheap_) {
    if (!predicate(event)) return FilterResult::kNoMatch;
  }
  bool without_time = false;
  if (time_range_.bounded()) {
    const std::optional<UnixSeconds> time = parse_iso8601(event.event_time);
    if (!time) {
      without_time = true;
    } else if (!time_range_.contains(*time)) {
      return FilterResult::kNoMatch;
    }
  }
  for (const CostlyPredicate& predicate : costly_) {
    const Result<bool> matched = predicate(event);
    if (!matched) {
      if (problem) *problem = matched.error();
      return FilterResult::kUnreadable;
    }
    if (!*matched) return FilterResult::kNoMatch;
  }
  return without_time ? FilterResult::kNoTime : FilterResult::kMatch;
}

void append_selection_json(std::string& out, const FilterSpec& spec, const TimeRange& range) {
  detail::JsonWriter json(out);
  auto list = [&](std::string_view name, const std::vector<std::string>& values) {
    if (values.empty()) return;
    json.begin_array(name);
    for (const std::string& value : values) json.string(value);
    json.end_array();
  };
  auto time = [&](std::string_view name, std::optional<UnixSeconds> value) {
    if (value) json.time(name, *value);
  };
  auto flag = [&](std::string_view name, bool value) {
    if (value) json.boolean(name, true);
  };
  json.begin_object();
  list("event-id", spec.event_ids);
  list("event-name", spec.event_names);
  list("event-source", spec.event_sources);
  list("username", spec.usernames);
  list("resource-name", spec.resource_names);
  list("resource-type", spec.resource_types);
  list("read-only", spec.read_only);
  list("access-key-id", spec.access_key_ids);
  list("lookup-attributes", spec.lookup_attributes);
  time("start-time", range.start);
  time("end-time", range.end);
  list("region", spec.regions);
  list("account", spec.accounts);
  list("source-ip", spec.source_ips);
  list("error-code", spec.error_codes);
  flag("errors", spec.errors_only);
  list("event-type", spec.event_types);
  list("user-agent", spec.user_agents);
  list("match", spec.field_matches);
  flag("ignore-case", spec.ignore_case);
  json.end_object();
}

}  // namespace trailsift
