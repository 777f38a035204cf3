// SPDX-License-Identifier: MIT
// Partial results of `stats` and `diff --by`: every count an EventStats holds (every value, not
// only the top ones), written through its public listings and read back through add_group, so
// that the merged EventStats is the one a single run builds and renders. Partial results of
// `hunt`: its rules as read, its single-event detections and its correlation observations.
#include "trailsift/partial_result.hpp"

#include <algorithm>
#include <numeric>
#include <optional>

#include <fmt/format.h>
#include <simdjson.h>

#include "json_reading.hpp"
#include "json_writer.hpp"
#include "trailsift/event_format.hpp"

namespace trailsift {
namespace {

using detail::JsonWriter;

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

constexpr std::string_view kVersionKey = "trailsift_partial";

/// Epoch seconds as a number (exact, and quick to read back), or null.
void write_time(JsonWriter& json, std::optional<UnixSeconds> time) {
  if (time) {
    json.number(*time);
  } else {
    json.null();
  }
}

/// `count,first,last`
void write_counts(JsonWriter& json, const Counts& counts) {
  json.number(counts.count);
  write_time(json, counts.first);
  write_time(json, counts.last);
}

void write_strings(JsonWriter& json, const std::vector<std::string>& values) {
  json.begin_array();
  for (const std::string& value : values) json.string(value);
  json.end_array();
}

/// `[["value",...],count,first,last]`, plus `[[start,count,first,last],...]` with buckets.
void write_group(JsonWriter& json, const StatsGroup& group) {
  json.begin_array();
  write_strings(json, group.key);
  write_counts(json, group.counts);
  if (!group.buckets.empty()) {
    json.begin_array();
    for (const StatsBucket& bucket : group.buckets) {
      json.begin_array();
      write_time(json, bucket.start);
      write_counts(json, bucket.counts);
      json.end_array();
    }
    json.end_array();
  }
  json.end_array();
}

void write_side(JsonWriter& json, const PartialSide& side) {
  json.begin_object().key("inputs");
  write_strings(json, side.inputs);
  json.num("files", side.files).num("files_failed", side.files_failed);
  json.num("left_out_without_time", side.left_out_without_time);
  const StatsTotals& totals = side.stats.totals();
  json.line_break().begin_object("totals").begin_array("events");
  write_counts(json, totals.events);
  json.end_array().num("without_time", totals.without_time).num("read_only", totals.read_only);
  json.num("write", totals.write).num("read_only_unknown", totals.read_only_unknown);
  json.num("errors", totals.errors).end_object();
  if (!side.stats.spec().by.empty()) {
    json.line_break().begin_array("groups");
    side.stats.for_each_group(0, [&](const StatsGroup& group) {
      json.line_break();
      write_group(json, group);
    });
    json.end_array().end_object();
    return;
  }
  json.line_break().begin_object("values");
  for (const StatsTopList& list : side.stats.top_lists(0)) {
    json.line_break().begin_array(list.field);
    for (const StatsGroup& value : list.top) {
      json.line_break();
      write_group(json, value);
    }
    json.end_array();
  }
  json.end_object().line_break().begin_array("timeline");
  for (const auto& [start, count] : side.stats.timeline()) {
    json.begin_array().number(start).number(count).end_array();
  }
  json.end_array().end_object();
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

Error malformed(std::string_view what) {
  return make_error("", fmt::format("not a valid partial result: {}", what));
}

Result<std::uint64_t> uint_at(element value, std::string_view what) {
  std::uint64_t number = 0;
  if (value.get_uint64().get(number) != simdjson::SUCCESS) {
    return malformed(fmt::format("{} is not a whole number", what));
  }
  return number;
}

Result<std::uint64_t> uint_field(const object& fields, std::string_view name) {
  element value;
  if (fields[name].get(value) != simdjson::SUCCESS) return malformed(fmt::format("no '{}'", name));
  return uint_at(value, fmt::format("'{}'", name));
}

Result<std::optional<UnixSeconds>> time_at(element value) {
  if (value.is_null()) return std::optional<UnixSeconds>();
  std::int64_t time = 0;
  if (value.get_int64().get(time) != simdjson::SUCCESS) {
    return malformed("a time is neither a number of seconds nor null");
  }
  return std::optional<UnixSeconds>(time);
}

/// `count,first,last` from `items` starting at `at`.
Result<Counts> counts_at(const array& items, std::size_t at) {
  if (items.size() < at + 3) return malformed("counts without count, first and last");
  Counts counts;
  Result<std::uint64_t> count = uint_at(items.at(at).value_unsafe(), "a count");
  if (!count) return count.error();
  counts.count = *count;
  Result<std::optional<UnixSeconds>> first = time_at(items.at(at + 1).value_unsafe());
  if (!first) return first.error();
  Result<std::optional<UnixSeconds>> last = time_at(items.at(at + 2).value_unsafe());
  if (!last) return last.error();
  counts.first = *first;
  counts.last = *last;
  return counts;
}

Result<std::vector<std::string>> strings_at(element value, std::string_view what) {
  std::optional<std::vector<std::string>> strings = detail::string_list(value);
  if (!strings) return malformed(fmt::format("{} is not a list of strings", what));
  return std::move(*strings);
}

Result<StatsGroup> group_at(element value) {
  array items;
  if (value.get_array().get(items) != simdjson::SUCCESS || items.size() < 4 || items.size() > 5) {
    return malformed("a group is not [values, count, first, last, buckets?]");
  }
  StatsGroup group;
  Result<std::vector<std::string>> key = strings_at(items.at(0).value_unsafe(), "a group's key");
  if (!key) return key.error();
  group.key = std::move(*key);
  Result<Counts> counts = counts_at(items, 1);
  if (!counts) return counts.error();
  group.counts = *counts;
  if (items.size() == 5) {
    array buckets;
    if (items.at(4).get_array().get(buckets) != simdjson::SUCCESS) {
      return malformed("a group's buckets are not a list");
    }
    for (element bucket_value : buckets) {
      array bucket;
      if (bucket_value.get_array().get(bucket) != simdjson::SUCCESS || bucket.size() != 4) {
        return malformed("a bucket is not [start, count, first, last]");
      }
      Result<std::optional<UnixSeconds>> start = time_at(bucket.at(0).value_unsafe());
      if (!start) return start.error();
      Result<Counts> bucket_counts = counts_at(bucket, 1);
      if (!bucket_counts) return bucket_counts.error();
      group.buckets.push_back({*start, *bucket_counts});
    }
  }
  return group;
}

Status add_groups(EventStats& stats, std::size_t list, element value) {
  array groups;
  if (value.get_array().get(groups) != simdjson::SUCCESS) return malformed("groups not a list");
  for (element item : groups) {
    Result<StatsGroup> group = group_at(item);
    if (!group) return group.error();
    if (Status added = stats.add_group(list, *group); !added) {
      return malformed(added.error().message);
    }
  }
  return {};
}

Result<PartialSide> side_at(element value, const StatsSpec& spec) {
  object fields;
  if (value.get_object().get(fields) != simdjson::SUCCESS)
    return malformed("a side is not an object");
  PartialSide side;
  side.stats = EventStats(spec);
  element inputs;
  if (fields["inputs"].get(inputs) != simdjson::SUCCESS) return malformed("no 'inputs'");
  Result<std::vector<std::string>> names = strings_at(inputs, "'inputs'");
  if (!names) return names.error();
  side.inputs = std::move(*names);
  for (auto [name, target] :
       {std::pair{"files", &side.files}, std::pair{"files_failed", &side.files_failed},
        std::pair{"left_out_without_time", &side.left_out_without_time}}) {
    Result<std::uint64_t> number = uint_field(fields, name);
    if (!number) return number.error();
    *target = *number;
  }

  object totals_fields;
  array events;
  if (fields["totals"].get_object().get(totals_fields) != simdjson::SUCCESS ||
      totals_fields["events"].get_array().get(events) != simdjson::SUCCESS) {
    return malformed("no 'totals' with 'events'");
  }
  StatsTotals totals;
  Result<Counts> event_counts = counts_at(events, 0);
  if (!event_counts) return event_counts.error();
  totals.events = *event_counts;
  for (auto [name, target] :
       {std::pair{"without_time", &totals.without_time}, std::pair{"read_only", &totals.read_only},
        std::pair{"write", &totals.write},
        std::pair{"read_only_unknown", &totals.read_only_unknown},
        std::pair{"errors", &totals.errors}}) {
    Result<std::uint64_t> number = uint_field(totals_fields, name);
    if (!number) return number.error();
    *target = *number;
  }
  side.stats.add_totals(totals);

  if (!spec.by.empty()) {
    element groups;
    if (fields["groups"].get(groups) != simdjson::SUCCESS) return malformed("no 'groups'");
    if (Status added = add_groups(side.stats, 0, groups); !added) return added.error();
    return side;
  }
  object lists;
  if (fields["values"].get_object().get(lists) != simdjson::SUCCESS)
    return malformed("no 'values'");
  const std::vector<std::string_view>& names_in_order = overview_field_names();
  for (auto [name, groups] : lists) {
    const auto found = std::find(names_in_order.begin(), names_in_order.end(), name);
    if (found == names_in_order.end()) {
      return malformed(
          fmt::format("'values' has a list of '{}', which stats does not count", name));
    }
    const auto list = static_cast<std::size_t>(found - names_in_order.begin());
    if (Status added = add_groups(side.stats, list, groups); !added) return added.error();
  }
  array timeline;
  if (fields["timeline"].get_array().get(timeline) != simdjson::SUCCESS) {
    return malformed("no 'timeline'");
  }
  for (element bucket_value : timeline) {
    array bucket;
    std::int64_t start = 0;
    std::uint64_t count = 0;
    if (bucket_value.get_array().get(bucket) != simdjson::SUCCESS || bucket.size() != 2 ||
        bucket.at(0).get_int64().get(start) != simdjson::SUCCESS ||
        bucket.at(1).get_uint64().get(count) != simdjson::SUCCESS) {
      return malformed("a timeline bucket is not [start, count]");
    }
    side.stats.add_timeline(start, count);
  }
  return side;
}

}  // namespace

Result<std::string> partial_command(std::string_view text) {
  simdjson::dom::parser parser;
  object fields;
  if (parser.parse(text.data(), text.size()).get_object().get(fields) != simdjson::SUCCESS) {
    return malformed("not a JSON object");
  }
  std::uint64_t version = 0;
  if (fields[kVersionKey].get_uint64().get(version) != simdjson::SUCCESS) {
    return malformed("no 'trailsift_partial' version (was it written with -o partial?)");
  }
  if (version != kPartialVersion) {
    return make_error("", fmt::format("a version {} partial result: this trailsift reads "
                                      "version {} only",
                                      version, kPartialVersion));
  }
  std::string_view command;
  if (fields["command"].get_string().get(command) != simdjson::SUCCESS) {
    return malformed("no 'command'");
  }
  return std::string(command);
}

std::string format_stats_partial(const StatsPartial& partial) {
  std::string out;
  JsonWriter json(out);
  json.begin_object().num(kVersionKey, kPartialVersion).str("command", partial.command);
  json.begin_array("by");
  for (const EventField& field : partial.spec.by) json.string(field.name());
  json.end_array().num("interval", partial.spec.interval).num("top", partial.top);
  json.raw("threshold", fmt::format("{}", partial.threshold));
  // The selection is kept as the text the outputs show, so that it comes back byte for byte.
  json.str("selection", partial.selection_json);
  json.boolean("matches_everything", partial.matches_everything);
  json.boolean("failed", partial.failed).line_break().begin_array("sides");
  for (const PartialSide& side : partial.sides) {
    json.line_break();
    write_side(json, side);
  }
  json.end_array().end_object();
  out += '\n';
  return out;
}

Result<StatsPartial> parse_stats_partial(std::string_view text) {
  Result<std::string> command = partial_command(text);
  if (!command) return command.error();
  if (*command != "stats" && *command != "diff") {
    return malformed(fmt::format("a partial result of {}, not of stats or diff", *command));
  }
  simdjson::dom::parser parser;
  object fields;
  if (parser.parse(text.data(), text.size()).get_object().get(fields) != simdjson::SUCCESS) {
    return malformed("not a JSON object");
  }
  StatsPartial partial;
  partial.command = std::move(*command);
  element by;
  if (fields["by"].get(by) != simdjson::SUCCESS) return malformed("no 'by'");
  Result<std::vector<std::string>> names = strings_at(by, "'by'");
  if (!names) return names.error();
  for (const std::string& name : *names) {
    Result<EventField> field = EventField::parse(name);
    if (!field) return malformed(fmt::format("'by': {}", field.error().message));
    partial.spec.by.push_back(std::move(*field));
  }
  Result<std::uint64_t> interval = uint_field(fields, "interval");
  if (!interval) return interval.error();
  partial.spec.interval = static_cast<std::int64_t>(*interval);
  Result<std::uint64_t> top = uint_field(fields, "top");
  if (!top) return top.error();
  partial.top = *top;
  std::string_view selection;
  if (fields["threshold"].get_double().get(partial.threshold) != simdjson::SUCCESS ||
      fields["selection"].get_string().get(selection) != simdjson::SUCCESS ||
      fields["matches_everything"].get_bool().get(partial.matches_everything) !=
          simdjson::SUCCESS ||
      fields["failed"].get_bool().get(partial.failed) != simdjson::SUCCESS) {
    return malformed("no 'threshold', 'selection', 'matches_everything' or 'failed'");
  }
  partial.selection_json = selection;
  array sides;
  if (fields["sides"].get_array().get(sides) != simdjson::SUCCESS ||
      sides.size() != (partial.command == "diff" ? 2 : 1)) {
    return malformed("not the number of 'sides' the command has");
  }
  if (partial.command == "diff" && partial.spec.by.empty()) {
    return malformed("a diff partial result without 'by'");
  }
  for (element side_value : sides) {
    Result<PartialSide> side = side_at(side_value, partial.spec);
    if (!side) return side.error();
    partial.sides.push_back(std::move(*side));
  }
  return partial;
}

Status merge_stats_partial(StatsPartial& into, StatsPartial&& other) {
  auto names = [](const StatsSpec& spec) {
    std::vector<std::string> by;
    for (const EventField& field : spec.by) by.push_back(field.name());
    return by;
  };
  auto differs = [](std::string_view what, const auto& mine, const auto& theirs) {
    return make_error("", fmt::format("made with a different {} ({} here, {} before): merging "
                                      "would not give the result of one run",
                                      what, theirs, mine));
  };
  if (other.command != into.command) return differs("command", into.command, other.command);
  if (names(other.spec) != names(into.spec)) {
    return differs("--by", fmt::format("'{}'", fmt::join(names(into.spec), ",")),
                   fmt::format("'{}'", fmt::join(names(other.spec), ",")));
  }
  if (other.spec.interval != into.spec.interval) {
    return differs("--interval", format_interval(into.spec.interval),
                   format_interval(other.spec.interval));
  }
  if (other.top != into.top) return differs("--top", into.top, other.top);
  if (other.threshold != into.threshold) {
    return differs("--threshold", into.threshold, other.threshold);
  }
  if (other.selection_json != into.selection_json) {
    return differs("selection", into.selection_json, other.selection_json);
  }
  into.failed = into.failed || other.failed;
  for (std::size_t i = 0; i < into.sides.size(); ++i) {
    PartialSide& mine = into.sides[i];
    PartialSide& theirs = other.sides[i];
    mine.inputs.insert(mine.inputs.end(), std::make_move_iterator(theirs.inputs.begin()),
                       std::make_move_iterator(theirs.inputs.end()));
    mine.files += theirs.files;
    mine.files_failed += theirs.files_failed;
    mine.left_out_without_time += theirs.left_out_without_time;
    mine.stats.merge(std::move(theirs.stats));
  }
  return {};
}

std::string repeated_input(const std::vector<std::string>& inputs) {
  std::vector<std::string_view> sorted(inputs.begin(), inputs.end());
  std::erase(sorted, "-");
  std::sort(sorted.begin(), sorted.end());
  const auto repeated = std::adjacent_find(sorted.begin(), sorted.end());
  return repeated == sorted.end() ? std::string() : std::string(*repeated);
}

// ---------------------------------------------------------------------------------------------
// hunt
// ---------------------------------------------------------------------------------------------

namespace {

Result<std::string> string_field(const object& fields, std::string_view name) {
  std::string_view text;
  if (fields[name].get_string().get(text) != simdjson::SUCCESS) {
    return malformed(fmt::format("no string '{}'", name));
  }
  return std::string(text);
}

Result<std::vector<std::string>> strings_field(const object& fields, std::string_view name) {
  element value;
  if (fields[name].get(value) != simdjson::SUCCESS) return malformed(fmt::format("no '{}'", name));
  return strings_at(value, fmt::format("'{}'", name));
}

Result<HuntRules> hunt_rules_at(element value) {
  object fields;
  array sources;
  object placeholders;
  if (value.get_object().get(fields) != simdjson::SUCCESS ||
      fields["sources"].get_array().get(sources) != simdjson::SUCCESS ||
      fields["placeholders"].get_object().get(placeholders) != simdjson::SUCCESS) {
    return malformed("no 'rules' with 'sources' and 'placeholders'");
  }
  HuntRules rules;
  for (element source_value : sources) {
    Result<std::vector<std::string>> source = strings_at(source_value, "a rule source");
    if (!source) return source.error();
    if (source->size() != 2) return malformed("a rule source is not [path, text]");
    rules.sources.push_back({std::move((*source)[0]), std::move((*source)[1])});
  }
  for (auto [name, values] : placeholders) {
    Result<std::vector<std::string>> list = strings_at(values, "a placeholder's values");
    if (!list) return list.error();
    rules.options.placeholders.emplace(std::string(name), std::move(*list));
  }
  for (auto [name, target] :
       {std::pair{"statuses", &rules.options.statuses}, std::pair{"ids", &rules.options.ids},
        std::pair{"tags", &rules.options.tags}}) {
    Result<std::vector<std::string>> list = strings_field(fields, name);
    if (!list) return list.error();
    *target = std::move(*list);
  }
  Result<std::string> min_level = string_field(fields, "min_level");
  if (!min_level) return min_level.error();
  if (!min_level->empty()) {
    const std::optional<SigmaLevel> level = parse_sigma_level(*min_level);
    if (!level) return malformed(fmt::format("'min_level' '{}' is not a level", *min_level));
    rules.options.min_level = *level;
  }
  return rules;
}

/// `[time,input,record,first,first_input,first_record,correlation,slot,group,value,events,
/// event_count]`
void write_observation(JsonWriter& json, const SigmaObservation& item) {
  json.begin_array()
      .number(item.time)
      .number(item.position.input)
      .number(item.position.record)
      .number(item.first)
      .number(item.first_position.input)
      .number(item.first_position.record)
      .number(item.correlation)
      .number(item.slot)
      .string(item.group)
      .string(item.value)
      .string(item.events)
      .number(item.event_count)
      .end_array();
}

Result<SigmaObservation> observation_at(element value, std::uint64_t inputs) {
  array items;
  if (value.get_array().get(items) != simdjson::SUCCESS || items.size() != 12) {
    return malformed("an observation is not a list of 12 items");
  }
  SigmaObservation item;
  std::uint64_t numbers[6] = {};
  std::int64_t times[2] = {};
  std::string_view texts[3];
  const std::size_t number_at[6] = {1, 2, 4, 5, 6, 7};
  for (std::size_t i = 0; i < 6; ++i) {
    if (items.at(number_at[i]).get_uint64().get(numbers[i]) != simdjson::SUCCESS) {
      return malformed("an observation's position, correlation or slot is not a whole number");
    }
  }
  for (std::size_t i = 0; i < 3; ++i) {
    if (items.at(8 + i).get_string().get(texts[i]) != simdjson::SUCCESS) {
      return malformed("an observation's group, value or events is not a string");
    }
  }
  if (items.at(0).get_int64().get(times[0]) != simdjson::SUCCESS ||
      items.at(3).get_int64().get(times[1]) != simdjson::SUCCESS ||
      items.at(11).get_uint64().get(item.event_count) != simdjson::SUCCESS) {
    return malformed("an observation's times or event count are not numbers");
  }
  if (numbers[0] >= inputs || numbers[2] >= inputs) {
    return malformed("an observation names an input the partial result does not list");
  }
  if (numbers[4] > UINT32_MAX || numbers[5] > UINT32_MAX) {
    return malformed("an observation's correlation or slot is out of range");
  }
  item.time = times[0];
  item.first = times[1];
  item.position = {numbers[0], numbers[1]};
  item.first_position = {numbers[2], numbers[3]};
  item.correlation = static_cast<std::uint32_t>(numbers[4]);
  item.slot = static_cast<std::uint32_t>(numbers[5]);
  item.group = texts[0];
  item.value = texts[1];
  item.events = texts[2];
  return item;
}

}  // namespace

namespace {

void write_hunt_rules(JsonWriter& json, const HuntRules& rules) {
  json.begin_object().begin_array("sources");
  for (const SigmaSource& source : rules.sources) {
    json.line_break().begin_array().string(source.path).string(source.text).end_array();
  }
  json.end_array().line_break().begin_object("placeholders");
  for (const auto& [name, values] : rules.options.placeholders) {
    json.key(name);
    write_strings(json, values);
  }
  json.end_object().key("statuses");
  write_strings(json, rules.options.statuses);
  json.str("min_level", sigma_level_name(rules.options.min_level)).key("ids");
  write_strings(json, rules.options.ids);
  json.key("tags");
  write_strings(json, rules.options.tags);
  json.end_object();
}

}  // namespace

std::string format_hunt_rules(const HuntRules& rules) {
  std::string out;
  JsonWriter json(out);
  write_hunt_rules(json, rules);
  return out;
}

std::string format_hunt_partial(const HuntPartial& partial) {
  std::string out;
  JsonWriter json(out);
  json.begin_object().num(kVersionKey, kPartialVersion).str("command", "hunt").line_break();
  json.key("rules");
  write_hunt_rules(json, partial.rules);
  json.line_break()
      .str("selection", partial.selection_json)
      .boolean("failed", partial.failed)
      .num("events", partial.events)
      .num("untimed", partial.observations.untimed)
      .line_break()
      .key("inputs");
  write_strings(json, partial.inputs);
  json.line_break().begin_array("detections");
  for (const HuntPartialDetection& detection : partial.detections) {
    json.line_break()
        .begin_array()
        .number(detection.position.input)
        .number(detection.position.record)
        .number(detection.rule)
        .string(detection.event_json)
        .end_array();
  }
  json.end_array().line_break().begin_array("observations");
  for (const SigmaObservation& item : partial.observations.items) {
    json.line_break();
    write_observation(json, item);
  }
  json.end_array().end_object();
  out += '\n';
  return out;
}

Result<HuntPartial> parse_hunt_partial(std::string_view text) {
  Result<std::string> command = partial_command(text);
  if (!command) return command.error();
  if (*command != "hunt")
    return malformed(fmt::format("a partial result of {}, not of hunt", *command));
  simdjson::dom::parser parser;
  object fields;
  if (parser.parse(text.data(), text.size()).get_object().get(fields) != simdjson::SUCCESS) {
    return malformed("not a JSON object");
  }
  HuntPartial partial;
  element rules;
  if (fields["rules"].get(rules) != simdjson::SUCCESS) return malformed("no 'rules'");
  Result<HuntRules> parsed_rules = hunt_rules_at(rules);
  if (!parsed_rules) return parsed_rules.error();
  partial.rules = std::move(*parsed_rules);
  Result<std::string> selection = string_field(fields, "selection");
  if (!selection) return selection.error();
  partial.selection_json = std::move(*selection);
  if (fields["failed"].get_bool().get(partial.failed) != simdjson::SUCCESS) {
    return malformed("no 'failed'");
  }
  Result<std::uint64_t> events = uint_field(fields, "events");
  if (!events) return events.error();
  partial.events = *events;
  Result<std::uint64_t> untimed = uint_field(fields, "untimed");
  if (!untimed) return untimed.error();
  partial.observations.untimed = *untimed;
  Result<std::vector<std::string>> inputs = strings_field(fields, "inputs");
  if (!inputs) return inputs.error();
  partial.inputs = std::move(*inputs);

  array detections;
  if (fields["detections"].get_array().get(detections) != simdjson::SUCCESS) {
    return malformed("no 'detections'");
  }
  for (element value : detections) {
    array items;
    HuntPartialDetection& detection = partial.detections.emplace_back();
    std::uint64_t rule = 0;
    std::string_view event_json;
    if (value.get_array().get(items) != simdjson::SUCCESS || items.size() != 4 ||
        items.at(0).get_uint64().get(detection.position.input) != simdjson::SUCCESS ||
        items.at(1).get_uint64().get(detection.position.record) != simdjson::SUCCESS ||
        items.at(2).get_uint64().get(rule) != simdjson::SUCCESS ||
        items.at(3).get_string().get(event_json) != simdjson::SUCCESS) {
      return malformed("a detection is not [input, record, rule, event]");
    }
    if (detection.position.input >= partial.inputs.size() || rule > UINT32_MAX) {
      return malformed("a detection names an input or a rule out of range");
    }
    detection.rule = static_cast<std::uint32_t>(rule);
    detection.event_json = event_json;
  }
  array observations;
  if (fields["observations"].get_array().get(observations) != simdjson::SUCCESS) {
    return malformed("no 'observations'");
  }
  for (element value : observations) {
    Result<SigmaObservation> item = observation_at(value, partial.inputs.size());
    if (!item) return item.error();
    partial.observations.items.push_back(std::move(*item));
  }
  return partial;
}

Status merge_hunt_partial(HuntPartial& into, HuntPartial&& other) {
  if (format_hunt_rules(other.rules) != format_hunt_rules(into.rules)) {
    return make_error("",
                      "ran other rules or rule options than the partial results before it: "
                      "merging would not give the result of one run");
  }
  if (other.selection_json != into.selection_json) {
    return make_error("", fmt::format("made with a different selection ({} here, {} before): "
                                      "merging would not give the result of one run",
                                      other.selection_json, into.selection_json));
  }
  const std::uint64_t offset = into.inputs.size();
  into.failed = into.failed || other.failed;
  into.events += other.events;
  into.observations.untimed += other.observations.untimed;
  into.inputs.insert(into.inputs.end(), std::make_move_iterator(other.inputs.begin()),
                     std::make_move_iterator(other.inputs.end()));
  for (HuntPartialDetection& detection : other.detections) {
    detection.position.input += offset;
    into.detections.push_back(std::move(detection));
  }
  for (SigmaObservation& item : other.observations.items) {
    item.position.input += offset;
    item.first_position.input += offset;
    into.observations.items.push_back(std::move(item));
  }
  return {};
}

void sort_hunt_inputs(HuntPartial& partial) {
  std::vector<std::uint64_t> order(partial.inputs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::uint64_t a, std::uint64_t b) {
    return partial.inputs[a] < partial.inputs[b];
  });
  std::vector<std::uint64_t> renumbered(order.size());
  std::vector<std::string> sorted;
  for (std::size_t i = 0; i < order.size(); ++i) {
    renumbered[order[i]] = i;
    sorted.push_back(std::move(partial.inputs[order[i]]));
  }
  partial.inputs = std::move(sorted);
  for (HuntPartialDetection& detection : partial.detections) {
    detection.position.input = renumbered[detection.position.input];
  }
  for (SigmaObservation& item : partial.observations.items) {
    item.position.input = renumbered[item.position.input];
    item.first_position.input = renumbered[item.first_position.input];
  }
}

}  // namespace trailsift
