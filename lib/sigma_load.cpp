// SPDX-License-Identifier: MIT
// Loading Sigma rules: YAML documents to compiled detections and correlations, which rules
// run (logsource, selection, correlation references), and the index by eventName/eventSource.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <functional>
#include <limits>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "sigma_internal.hpp"
#include "trailsift/ascii.hpp"
#include "trailsift/input.hpp"
#include "trailsift/text_pattern.hpp"

namespace trailsift {

using namespace sigma;

namespace {

constexpr std::pair<std::string_view, SigmaLevel> kLevels[] = {
    {"informational", SigmaLevel::kInformational},
    {"low", SigmaLevel::kLow},
    {"medium", SigmaLevel::kMedium},
    {"high", SigmaLevel::kHigh},
    {"critical", SigmaLevel::kCritical},
};

/// Rule files are small; the limit only guards against naming a huge file by mistake.
constexpr ReadLimits kRuleFileLimits{std::uint64_t{64} << 20};

bool is_rule_file_name(std::string_view name) {
  return name.ends_with(".yml") || name.ends_with(".yaml");
}

// --- YAML helpers (yaml-cpp throws on the wrong node type: look before reading) --------------

/// The value at `key`, or a null node (never yaml-cpp's "zombie" node, which throws when asked
/// its type).
YAML::Node member(const YAML::Node& map, const std::string& key) {
  if (!map.IsDefined() || !map.IsMap()) return YAML::Node();
  const YAML::Node value = map[key];
  return value.IsDefined() ? value : YAML::Node();
}

bool present(const YAML::Node& node) { return !node.IsNull(); }

std::string scalar_or_empty(const YAML::Node& node) {
  return node.IsScalar() ? node.Scalar() : std::string();
}

/// A scalar or a list of scalars; nullopt for anything else.
std::optional<std::vector<std::string>> string_list(const YAML::Node& node) {
  if (node.IsScalar()) return std::vector<std::string>{node.Scalar()};
  if (!node.IsSequence()) return std::nullopt;
  std::vector<std::string> list;
  for (const YAML::Node& item : node) {
    if (!item.IsScalar()) return std::nullopt;
    list.push_back(item.Scalar());
  }
  return list;
}

Result<std::vector<RawValue>> raw_values(const YAML::Node& node) {
  auto one = [](const YAML::Node& item) -> std::optional<RawValue> {
    if (item.IsNull()) return RawValue{true, {}};
    if (item.IsScalar()) return RawValue{false, item.Scalar()};
    return std::nullopt;
  };
  std::vector<RawValue> values;
  if (node.IsSequence()) {
    for (const YAML::Node& item : node) {
      std::optional<RawValue> value = one(item);
      if (!value) return make_error("", "a list may hold only values, not lists or maps");
      values.push_back(std::move(*value));
    }
  } else if (std::optional<RawValue> value = one(node)) {
    values.push_back(std::move(*value));
  } else {
    return make_error("", "a field's value must be a value or a list of values");
  }
  return values;
}

/// `30s`, `5m`, `1h`, `7d` in seconds.
std::optional<std::int64_t> parse_timespan(std::string_view text) {
  if (text.size() < 2) return std::nullopt;
  std::int64_t count = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size() - 1, count);
  if (error != std::errc() || end != text.data() + text.size() - 1 || count <= 0)
    return std::nullopt;
  std::int64_t unit = 0;
  switch (text.back()) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    default: return std::nullopt;
  }
  if (count > std::numeric_limits<std::int64_t>::max() / unit) return std::nullopt;
  return count * unit;
}

// --- Documents -------------------------------------------------------------------------------

/// A correlation section as written, its rules resolved to documents.
struct CorrelationSpec {
  CorrelationRule::Type type = CorrelationRule::Type::kEventCount;
  std::vector<std::string> references;
  std::vector<std::size_t> rules;  ///< documents
  std::vector<std::string> group_by;
  std::map<std::string, std::map<std::string, std::string>> aliases;  ///< alias -> rule -> field
  std::int64_t timespan = 0;
  std::vector<std::pair<Comparison, std::int64_t>> conditions;
  std::string value_field;
  bool generate = false;
  /// For each of its rules, the field each group-by name stands for there.
  std::vector<std::vector<std::string>> slot_fields;
};

/// One YAML document and what became of it.
struct Document {
  enum class Kind { kDetection, kCorrelation, kNotRule };
  std::string path;
  std::uint64_t line = 0;
  YAML::Node node;
  Kind kind = Kind::kNotRule;
  SigmaRuleInfo info;
  bool cloudtrail = true;
  std::optional<std::string> failure;
  std::uint64_t failure_line = 0;  // where in the document, when known
  bool referenced = false;         // named by a correlation
  bool generate = false;           // ... that asks for it to report on its own too
  bool selected = false;           // reports detections
  bool needed = false;             // runs: selected, or a rule a selected correlation needs
  // A detection.
  std::vector<Search> searches;
  Condition condition;
  std::optional<Aggregation> aggregation;
  std::vector<std::string> aggregation_groups;  ///< its `by` field, if any
  std::int64_t timeframe = kUnboundedTimespan;
  // A correlation.
  CorrelationSpec correlation;
  // Where it went.
  std::optional<std::uint32_t> detection;
  std::optional<std::uint32_t> correlation_rule;
};

Status read_metadata(Document& document) {
  const YAML::Node& node = document.node;
  SigmaRuleInfo& info = document.info;
  info.path = document.path;
  info.title = scalar_or_empty(member(node, "title"));
  info.id = scalar_or_empty(member(node, "id"));
  info.name = scalar_or_empty(member(node, "name"));
  info.status = scalar_or_empty(member(node, "status"));
  if (info.title.empty()) return make_error("", "the rule has no title");
  if (const YAML::Node level = member(node, "level"); present(level)) {
    const std::optional<SigmaLevel> parsed = parse_sigma_level(scalar_or_empty(level));
    if (!parsed) return make_error("", fmt::format("unknown level '{}'", scalar_or_empty(level)));
    info.level = *parsed;
  }
  if (const YAML::Node tags = member(node, "tags"); present(tags)) {
    std::optional<std::vector<std::string>> list = string_list(tags);
    if (!list) return make_error("", "tags must be a list");
    info.tags = std::move(*list);
  }
  return {};
}

bool is_cloudtrail(const YAML::Node& logsource) {
  return ascii_lowercase(scalar_or_empty(member(logsource, "product"))) == "aws" &&
         ascii_lowercase(scalar_or_empty(member(logsource, "service"))) == "cloudtrail";
}

/// An error about `node`, at its line.
Error at_line(const YAML::Node& node, std::string message) {
  Error error = make_error("", std::move(message));
  error.line = node.Mark().line + 1;
  return error;
}

Result<Search> compile_search(const std::string& name, const YAML::Node& node,
                              const SigmaPlaceholders& placeholders) {
  Search search;
  search.name = name;
  auto add_map = [&](const YAML::Node& map) -> Status {
    std::vector<FieldTest>& tests = search.alternatives.emplace_back();
    for (auto it = map.begin(); it != map.end(); ++it) {
      Result<std::vector<RawValue>> values = raw_values(it->second);
      if (!values)
        return make_error(
            "", fmt::format("'{}': {}", scalar_or_empty(it->first), values.error().message));
      Result<FieldTest> test =
          compile_field_test(scalar_or_empty(it->first), *values, placeholders);
      if (!test) return test.error();
      tests.push_back(std::move(*test));
    }
    if (tests.empty()) return make_error("", "an empty map matches nothing");
    return {};
  };
  std::vector<RawValue> keywords;
  if (node.IsMap()) {
    if (Status status = add_map(node); !status) return status.error();
  } else if (node.IsSequence()) {
    for (const YAML::Node& item : node) {
      if (item.IsMap()) {
        if (Status status = add_map(item); !status) return status.error();
      } else if (item.IsScalar()) {
        keywords.push_back({false, item.Scalar()});
      } else {
        return make_error("", "a list may hold keywords or maps, not lists or nulls");
      }
    }
  } else if (node.IsScalar()) {
    keywords.push_back({false, node.Scalar()});
  }
  if (!keywords.empty()) {
    Result<FieldTest> test = compile_field_test("", keywords, placeholders);
    if (!test) return test.error();
    search.alternatives.push_back({std::move(*test)});
  }
  if (search.alternatives.empty()) return make_error("", "it is empty");
  return search;
}

Status compile_detection(Document& document, const SigmaPlaceholders& placeholders) {
  const YAML::Node detection = member(document.node, "detection");
  if (!detection.IsMap()) return make_error("", "detection must be a map");
  YAML::Node condition_node;
  for (auto it = detection.begin(); it != detection.end(); ++it) {
    const std::string key = scalar_or_empty(it->first);
    if (key == "condition") {
      condition_node = it->second;
    } else if (key == "timeframe") {
      const std::optional<std::int64_t> timeframe = parse_timespan(scalar_or_empty(it->second));
      if (!timeframe) {
        return make_error("",
                          fmt::format("invalid timeframe '{}': expected a number and s, m, h or d",
                                      scalar_or_empty(it->second)));
      }
      document.timeframe = *timeframe;
    } else {
      Result<Search> search = compile_search(key, it->second, placeholders);
      if (!search) {
        return at_line(it->second,
                       fmt::format("search identifier '{}': {}", key, search.error().message));
      }
      document.searches.push_back(std::move(*search));
    }
  }
  const std::optional<std::vector<std::string>> conditions = string_list(condition_node);
  if (!conditions || conditions->empty()) return make_error("", "detection has no condition");
  std::vector<Condition> alternatives;
  for (const std::string& text : *conditions) {
    Result<ParsedCondition> parsed = parse_condition(text, document.searches);
    if (!parsed) {
      return at_line(condition_node,
                     fmt::format("condition '{}': {}", text, parsed.error().message));
    }
    if (parsed->aggregation && conditions->size() > 1) {
      return make_error("", "a list of conditions cannot hold an aggregation");
    }
    if (parsed->aggregation) {
      if (!parsed->aggregation->group_by.empty()) {
        if (!make_field_path(parsed->aggregation->group_by)) {
          return make_error("", fmt::format("invalid field '{}'", parsed->aggregation->group_by));
        }
        document.aggregation_groups.push_back(parsed->aggregation->group_by);
      }
      if (!parsed->aggregation->field.empty() && !make_field_path(parsed->aggregation->field)) {
        return make_error("", fmt::format("invalid field '{}'", parsed->aggregation->field));
      }
    }
    document.aggregation = std::move(parsed->aggregation);
    alternatives.push_back(std::move(parsed->condition));
  }
  if (alternatives.size() == 1) {
    document.condition = std::move(alternatives.front());
  } else {
    document.condition.kind = Condition::Kind::kOr;
    document.condition.children = std::move(alternatives);
  }
  return {};
}

Status read_correlation(Document& document) {
  const YAML::Node section = member(document.node, "correlation");
  CorrelationSpec& spec = document.correlation;
  if (!section.IsMap()) return make_error("", "correlation must be a map");
  constexpr std::pair<std::string_view, CorrelationRule::Type> kTypes[] = {
      {"event_count", CorrelationRule::Type::kEventCount},
      {"value_count", CorrelationRule::Type::kValueCount},
      {"temporal", CorrelationRule::Type::kTemporal},
      {"temporal_ordered", CorrelationRule::Type::kTemporalOrdered}};
  const std::string type = scalar_or_empty(member(section, "type"));
  const auto* found = std::find_if(std::begin(kTypes), std::end(kTypes),
                                   [&](const auto& entry) { return entry.first == type; });
  if (found == std::end(kTypes))
    return make_error("", fmt::format("unsupported correlation type '{}'", type));
  spec.type = found->second;
  std::optional<std::vector<std::string>> rules = string_list(member(section, "rules"));
  if (!rules || rules->empty()) return make_error("", "correlation needs rules");
  spec.references = std::move(*rules);
  if (const YAML::Node group_by = member(section, "group-by"); present(group_by)) {
    std::optional<std::vector<std::string>> list = string_list(group_by);
    if (!list) return make_error("", "group-by must be a list of fields");
    spec.group_by = std::move(*list);
  }
  const std::string timespan = scalar_or_empty(member(section, "timespan"));
  const std::optional<std::int64_t> seconds = parse_timespan(timespan);
  if (!seconds) {
    return make_error(
        "", fmt::format("invalid timespan '{}': expected a number and s, m, h or d", timespan));
  }
  spec.timespan = *seconds;
  if (const YAML::Node aliases = member(section, "aliases"); present(aliases)) {
    if (!aliases.IsMap()) return make_error("", "aliases must be a map");
    for (auto alias = aliases.begin(); alias != aliases.end(); ++alias) {
      if (!alias->second.IsMap()) return make_error("", "each alias must map rules to fields");
      for (auto field = alias->second.begin(); field != alias->second.end(); ++field) {
        spec.aliases[scalar_or_empty(alias->first)][scalar_or_empty(field->first)] =
            scalar_or_empty(field->second);
      }
    }
  }
  spec.generate = ascii_lowercase(scalar_or_empty(member(section, "generate"))) == "true";
  constexpr std::pair<std::string_view, Comparison> kComparisons[] = {
      {"gt", Comparison::kGreater},
      {"gte", Comparison::kGreaterOrEqual},
      {"lt", Comparison::kLess},
      {"lte", Comparison::kLessOrEqual},
      {"eq", Comparison::kEqual}};
  const YAML::Node condition = member(section, "condition");
  if (present(condition) && !condition.IsMap()) return make_error("", "condition must be a map");
  for (const auto& entry : condition.IsMap() ? condition : YAML::Node(YAML::NodeType::Map)) {
    const std::string key = scalar_or_empty(entry.first);
    const std::string text = scalar_or_empty(entry.second);
    if (key == "field") {
      spec.value_field = text;
      continue;
    }
    const auto* comparison = std::find_if(std::begin(kComparisons), std::end(kComparisons),
                                          [&](const auto& known) { return known.first == key; });
    const std::optional<Number> number = parse_number(text);
    if (comparison == std::end(kComparisons) || !number || !number->integer) {
      return make_error("", fmt::format("invalid condition '{}: {}'", key, text));
    }
    spec.conditions.emplace_back(comparison->second, *number->integer);
  }
  const bool counts = spec.type == CorrelationRule::Type::kEventCount ||
                      spec.type == CorrelationRule::Type::kValueCount;
  if (counts && spec.conditions.empty()) return make_error("", "correlation needs a condition");
  if (spec.type == CorrelationRule::Type::kValueCount && spec.value_field.empty()) {
    return make_error("", "value_count needs a field in its condition");
  }
  if (spec.conditions.empty()) {  // temporal: every rule
    spec.conditions.emplace_back(Comparison::kGreaterOrEqual,
                                 static_cast<std::int64_t>(spec.references.size()));
  }
  return {};
}

bool any_matches(const std::vector<std::string>& globs, const std::vector<std::string>& values) {
  for (const std::string& glob : globs) {
    const TextPattern pattern(glob, true);
    for (const std::string& value : values) {
      if (!value.empty() && pattern.matches(value)) return true;
    }
  }
  return false;
}

bool is_selected(const SigmaRuleInfo& info, const SigmaOptions& options) {
  if (!options.statuses.empty() && std::none_of(options.statuses.begin(), options.statuses.end(),
                                                [&](const std::string& status) {
                                                  return ascii_lowercase(status) ==
                                                         ascii_lowercase(info.status);
                                                })) {
    return false;
  }
  if (options.min_level != SigmaLevel::kNone &&
      (info.level == SigmaLevel::kNone || info.level < options.min_level)) {
    return false;
  }
  if (!options.ids.empty() && !any_matches(options.ids, {info.id, info.name})) return false;
  return options.tags.empty() || any_matches(options.tags, info.tags);
}

/// The group-by fields of a correlation or an aggregation, by name.
const std::vector<std::string>* group_names_of(const Document& document) {
  if (document.kind == Document::Kind::kCorrelation) return &document.correlation.group_by;
  return document.aggregation ? &document.aggregation_groups : nullptr;
}

/// Resolves a correlation's rules and checks its fields against them: for each of its rules,
/// the field each group-by name stands for there (aliases resolved).
Status check_slots(Document& document, const std::vector<Document>& documents,
                   const std::unordered_map<std::string, std::size_t>& by_id,
                   const std::unordered_map<std::string, std::size_t>& by_name) {
  CorrelationSpec& spec = document.correlation;
  for (const std::string& reference : spec.references) {
    std::optional<std::size_t> target;
    if (const auto id = by_id.find(reference); id != by_id.end()) {
      target = id->second;
    } else if (const auto name = by_name.find(reference); name != by_name.end()) {
      target = name->second;
    } else {
      return make_error("", fmt::format("rule '{}' was not found", reference));
    }
    const Document& used = documents[*target];
    std::vector<std::string>& fields = spec.slot_fields.emplace_back();
    for (const std::string& name : spec.group_by) {
      std::string field = name;
      if (const auto alias = spec.aliases.find(name); alias != spec.aliases.end()) {
        auto aliased = alias->second.find(used.info.name);
        if (aliased == alias->second.end()) aliased = alias->second.find(reference);
        if (aliased == alias->second.end()) {
          return make_error(
              "", fmt::format("alias '{}' names no field for rule '{}'", name, reference));
        }
        field = aliased->second;
      }
      const std::vector<std::string>* used_groups = group_names_of(used);
      if (used_groups &&
          std::find(used_groups->begin(), used_groups->end(), field) == used_groups->end()) {
        return make_error("", fmt::format("it groups by '{}', which correlation '{}' does not",
                                          field, reference));
      }
      const std::optional<FieldPath> path = make_field_path(field);
      if (!path || path->segments.empty()) {
        return make_error("", fmt::format("invalid group-by field '{}'", field));
      }
      fields.push_back(field);
    }
    if (spec.type == CorrelationRule::Type::kValueCount) {
      if (group_names_of(used)) {
        return make_error("", "value_count cannot count the values of another correlation");
      }
      const std::optional<FieldPath> path = make_field_path(spec.value_field);
      if (!path || path->segments.empty()) {
        return make_error("", fmt::format("invalid field '{}'", spec.value_field));
      }
    }
    spec.rules.push_back(*target);
  }
  return {};
}

/// Turns the documents into the rule set: which run, which report, the index, and the order
/// in which correlations are evaluated.
class Builder {
 public:
  Builder(std::vector<Document>& documents, SigmaRuleSet::Impl& impl)
      : documents_(documents), impl_(impl), settled_(documents.size(), false) {}

  void resolve_references() {
    std::unordered_map<std::string, std::size_t> by_id, by_name;
    for (std::size_t i = 0; i < documents_.size(); ++i) {
      Document& document = documents_[i];
      if (document.kind == Document::Kind::kNotRule) continue;
      for (auto [key, map] :
           {std::pair{document.info.id, &by_id}, {document.info.name, &by_name}}) {
        if (key.empty()) continue;
        const auto [it, inserted] = map->emplace(key, i);
        if (!inserted && !document.failure) {
          const Document& first = documents_[it->second];
          document.failure =
              fmt::format("'{}' also names the rule at {}:{}", key, first.path, first.line);
        }
      }
    }
    for (Document& document : documents_) {
      if (document.kind != Document::Kind::kCorrelation || document.failure) continue;
      if (Status status = check_slots(document, documents_, by_id, by_name); !status) {
        document.failure = status.error().message;
      }
    }
    for (std::size_t i = 0; i < documents_.size(); ++i) settle(i, 0);
    // A correlation that cannot run does not take its rules: they run, and fail, on their own.
    for (const Document& document : documents_) {
      if (document.kind != Document::Kind::kCorrelation || document.failure) continue;
      for (const std::size_t rule : document.correlation.rules) {
        documents_[rule].referenced = true;
        documents_[rule].generate = documents_[rule].generate || document.correlation.generate;
      }
    }
  }

  void select(const SigmaOptions& options) {
    for (Document& document : documents_) {
      if (document.kind == Document::Kind::kNotRule) {
        ++impl_.not_rules;
      } else if (!document.cloudtrail) {
        ++impl_.other_log_sources;
      } else if (!document.referenced || document.generate) {
        document.selected = is_selected(document.info, options);
        if (!document.selected) ++impl_.not_selected;
      }
    }
    for (std::size_t i = 0; i < documents_.size(); ++i) {
      if (documents_[i].selected) need(i);
    }
    for (const Document& document : documents_) {
      if (document.needed && document.failure) {
        impl_.problems.push_back({document.path, std::max(document.line, document.failure_line),
                                  document.info.id.empty() ? document.info.title : document.info.id,
                                  *document.failure});
      }
    }
  }

  void build() {
    for (Document& document : documents_) {
      if (!document.needed || document.failure) continue;
      std::optional<std::uint32_t> reported;
      if (document.selected) {
        reported = static_cast<std::uint32_t>(impl_.rules.size());
        impl_.rules.push_back(document.info);
        impl_.rules.back().correlation = group_names_of(document) != nullptr;
      }
      if (document.kind == Document::Kind::kDetection) {
        document.detection = static_cast<std::uint32_t>(impl_.detections.size());
        DetectionRule& rule = impl_.detections.emplace_back();
        rule.searches = std::move(document.searches);
        rule.condition = std::move(document.condition);
        if (!document.aggregation) rule.reported = reported;
      }
      if (group_names_of(document)) {
        document.correlation_rule = static_cast<std::uint32_t>(impl_.correlations.size());
        impl_.correlations.emplace_back().reported = reported;
      }
    }
    for (const Document& document : documents_) {
      if (!document.correlation_rule) continue;
      if (document.kind == Document::Kind::kCorrelation) {
        add_correlation(document);
      } else {
        add_aggregation(document);
      }
    }
    order_correlations();
    build_index();
  }

 private:
  /// Decides, once, whether a correlation can run: all its rules are CloudTrail rules that can.
  void settle(std::size_t index, int depth) {
    Document& document = documents_[index];
    if (document.kind != Document::Kind::kCorrelation || document.failure || settled_[index])
      return;
    if (depth > 32) {
      document.failure = "correlations refer to each other in a cycle";
      return;
    }
    for (const std::size_t rule : document.correlation.rules) {
      settle(rule, depth + 1);
      const Document& used = documents_[rule];
      if (!used.cloudtrail) document.cloudtrail = false;
      if (used.failure && !document.failure) {
        document.failure =
            fmt::format("rule '{}' cannot run: {}",
                        used.info.id.empty() ? used.info.title : used.info.id, *used.failure);
      }
    }
    settled_[index] = true;
  }

  void need(std::size_t index) {
    Document& document = documents_[index];
    if (document.needed) return;
    document.needed = true;
    if (document.failure) return;  // reported; what it names runs only if chosen itself
    for (const std::size_t rule : document.correlation.rules) need(rule);
  }

  void add_aggregation(const Document& document) {
    const std::uint32_t index = *document.correlation_rule;
    CorrelationRule& correlation = impl_.correlations[index];
    const Aggregation& aggregation = *document.aggregation;
    CorrelationRule::Slot slot;
    slot.rule = *document.detection;
    correlation.group_names = document.aggregation_groups;
    for (const std::string& name : correlation.group_names)
      slot.group_by.push_back(*make_field_path(name));
    correlation.type = CorrelationRule::Type::kEventCount;
    if (!aggregation.field.empty()) {
      correlation.type = CorrelationRule::Type::kValueCount;
      slot.value_field = make_field_path(aggregation.field);
    }
    correlation.slots.push_back(std::move(slot));
    correlation.timespan = document.timeframe;
    correlation.conditions.emplace_back(aggregation.comparison, aggregation.threshold);
    impl_.detections[*document.detection].uses.push_back({index, 0});
  }

  void add_correlation(const Document& document) {
    const CorrelationSpec& spec = document.correlation;
    const std::uint32_t index = *document.correlation_rule;
    CorrelationRule& correlation = impl_.correlations[index];
    correlation.type = spec.type;
    correlation.group_names = spec.group_by;
    correlation.timespan = spec.timespan;
    correlation.conditions = spec.conditions;
    for (std::size_t position = 0; position < spec.rules.size(); ++position) {
      const Document& used = documents_[spec.rules[position]];
      CorrelationRule::Slot slot;
      slot.is_correlation = used.correlation_rule.has_value();
      slot.rule = slot.is_correlation ? *used.correlation_rule : *used.detection;
      for (const std::string& field : spec.slot_fields[position]) {
        if (slot.is_correlation) {
          const std::vector<std::string>& groups = *group_names_of(used);
          slot.group_from.push_back(static_cast<std::size_t>(
              std::find(groups.begin(), groups.end(), field) - groups.begin()));
        } else {
          slot.group_by.push_back(*make_field_path(field));
        }
      }
      if (spec.type == CorrelationRule::Type::kValueCount)
        slot.value_field = make_field_path(spec.value_field);
      const CorrelationUse use{index, static_cast<std::uint32_t>(position)};
      if (slot.is_correlation) {
        impl_.correlations[slot.rule].uses.push_back(use);
      } else {
        impl_.detections[slot.rule].uses.push_back(use);
      }
      correlation.slots.push_back(std::move(slot));
    }
  }

  void order_correlations() {
    std::vector<bool> done(impl_.correlations.size(), false);
    std::function<void(std::uint32_t)> visit = [&](std::uint32_t index) {
      if (done[index]) return;
      done[index] = true;  // no cycles: settle() refused them
      for (const CorrelationRule::Slot& slot : impl_.correlations[index].slots) {
        if (slot.is_correlation) visit(slot.rule);
      }
      impl_.correlation_order.push_back(index);
    };
    for (std::uint32_t i = 0; i < impl_.correlations.size(); ++i) visit(i);
  }

  void build_index() {
    RuleIndex& index = impl_.index;
    for (std::uint32_t i = 0; i < impl_.detections.size(); ++i) {
      const DetectionRule& rule = impl_.detections[i];
      index.all.push_back(i);
      const IndexKeys keys = index_keys(rule.condition, rule.searches);
      if (keys.names) {
        for (const std::string& name : *keys.names) add_key(index.by_name, name, i);
      } else if (keys.sources) {
        for (const std::string& source : *keys.sources) add_key(index.by_source, source, i);
      } else {
        index.any.push_back(i);
      }
    }
  }

  static void add_key(RuleIndex::Map& map, const std::string& key, std::uint32_t rule) {
    std::vector<std::uint32_t>& rules = map[key];
    if (rules.empty() || rules.back() != rule) rules.push_back(rule);
  }

  std::vector<Document>& documents_;
  SigmaRuleSet::Impl& impl_;
  std::vector<bool> settled_;
};

}  // namespace

std::optional<SigmaLevel> parse_sigma_level(std::string_view text) {
  const std::string name = ascii_lowercase(text);
  for (const auto& [level_name, level] : kLevels) {
    if (name == level_name) return level;
  }
  return std::nullopt;
}

std::string_view sigma_level_name(SigmaLevel level) {
  for (const auto& [name, value] : kLevels) {
    if (value == level) return name;
  }
  return {};
}

std::string SigmaProblem::to_string() const {
  std::string text = path;
  if (line) text += fmt::format(": line {}", *line);
  if (!id.empty()) text += fmt::format(": rule {}", id);
  return text + ": " + message;
}

Result<std::vector<SigmaSource>> read_sigma_sources(const std::vector<std::string>& paths) {
  std::vector<SigmaSource> sources;
  ByteBuffer buffer;
  auto add = [&](const std::string& path) -> Status {
    if (Status status = read_file(path, kRuleFileLimits, buffer); !status) return status;
    sources.push_back({path, std::string(buffer.view())});
    return {};
  };
  for (const std::string& path : paths) {
    Result<std::vector<MirrorFile>> listing = list_mirror(path);
    if (!listing) {
      // Not a folder: a file, whatever its name; or an error better told by the listing.
      Status status = add(path);
      if (!status && listing.error().message != "not a directory") return listing.error();
      if (!status) return status.error();
      continue;
    }
    const std::string prefix = path.ends_with('/') ? path : path + "/";
    for (const MirrorFile& file : *listing) {
      if (!is_rule_file_name(file.key)) continue;
      if (Status status = add(prefix + file.key); !status) return status.error();
    }
  }
  return sources;
}

Status add_sigma_placeholder(std::string_view argument, SigmaPlaceholders& placeholders) {
  const std::size_t equals = argument.find('=');
  if (equals == std::string_view::npos || equals == 0 || equals + 1 == argument.size()) {
    return make_error("", fmt::format("expected NAME=VALUE[,VALUE...], got '{}'", argument));
  }
  std::vector<std::string>& values = placeholders[std::string(argument.substr(0, equals))];
  for (std::string_view rest = argument.substr(equals + 1);;) {
    const std::size_t comma = rest.find(',');
    values.emplace_back(rest.substr(0, comma));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return {};
}

Status add_sigma_placeholders(const SigmaSource& file, SigmaPlaceholders& placeholders) {
  try {
    const YAML::Node root = YAML::Load(file.text);
    if (!root.IsMap()) return make_error(file.path, "expected a map of names to values");
    for (auto it = root.begin(); it != root.end(); ++it) {
      std::string name = scalar_or_empty(it->first);
      if (name.size() > 2 && name.front() == '%' && name.back() == '%')
        name = name.substr(1, name.size() - 2);
      const std::optional<std::vector<std::string>> values = string_list(it->second);
      if (name.empty() || !values) {
        return make_error(file.path,
                          fmt::format("line {}: expected a name and a value or a list of values",
                                      it->first.Mark().line + 1));
      }
      std::vector<std::string>& list = placeholders[name];
      list.insert(list.end(), values->begin(), values->end());
    }
  } catch (const YAML::Exception& error) {
    return make_error(file.path,
                      fmt::format("line {}: invalid YAML: {}", error.mark.line + 1, error.msg));
  }
  return {};
}

void SigmaObservations::append(SigmaObservations&& other, std::uint64_t input) {
  for (SigmaObservation& observation : other.items) {
    observation.position.input = observation.first_position.input = input;
    items.push_back(std::move(observation));
  }
  untimed += other.untimed;
  other = {};
}

SigmaRuleSet::SigmaRuleSet() : impl_(std::make_unique<Impl>()) {}
SigmaRuleSet::~SigmaRuleSet() = default;
SigmaRuleSet::SigmaRuleSet(SigmaRuleSet&&) noexcept = default;
SigmaRuleSet& SigmaRuleSet::operator=(SigmaRuleSet&&) noexcept = default;

const std::vector<SigmaRuleInfo>& SigmaRuleSet::rules() const { return impl_->rules; }
const std::vector<SigmaProblem>& SigmaRuleSet::problems() const { return impl_->problems; }
std::size_t SigmaRuleSet::documents() const { return impl_->documents; }
std::size_t SigmaRuleSet::other_log_sources() const { return impl_->other_log_sources; }
std::size_t SigmaRuleSet::not_selected() const { return impl_->not_selected; }
std::size_t SigmaRuleSet::not_rules() const { return impl_->not_rules; }

SigmaRuleSet SigmaRuleSet::compile(const std::vector<SigmaSource>& sources,
                                   const SigmaOptions& options) {
  SigmaRuleSet set;
  Impl& impl = *set.impl_;
  std::vector<Document> documents;
  for (const SigmaSource& source : sources) {
    std::vector<YAML::Node> nodes;
    try {
      nodes = YAML::LoadAll(source.text);
    } catch (const YAML::Exception& error) {
      impl.problems.push_back({source.path, error.mark.line + 1, {}, "invalid YAML: " + error.msg});
      continue;
    }
    for (YAML::Node& node : nodes) {
      if (node.IsNull()) continue;  // an empty document, as after a final `---`
      ++impl.documents;
      Document& document = documents.emplace_back();
      document.path = source.path;
      document.line = node.Mark().line + 1;
      document.node = std::move(node);
      const YAML::Node& root = document.node;
      const bool detection = present(member(root, "detection"));
      const bool correlation = present(member(root, "correlation"));
      if (!detection && !correlation && !present(member(root, "title")) &&
          !present(member(root, "logsource"))) {
        continue;  // some other YAML file in the rules folder
      }
      document.kind = correlation ? Document::Kind::kCorrelation : Document::Kind::kDetection;
      // Rules for other log sources are counted, not compiled: their problems are not ours.
      document.cloudtrail = correlation || is_cloudtrail(member(root, "logsource"));
      try {
        Status status = read_metadata(document);
        if (status && present(member(root, "action"))) {
          status = make_error("", "rule collections (action: global) are not supported");
        } else if (status && present(member(root, "filter"))) {
          status = make_error("", "Sigma filters are not supported");
        } else if (status && correlation) {
          status = read_correlation(document);
        } else if (status && !detection) {
          status = make_error("", "the rule has no detection");
        } else if (status && document.cloudtrail) {
          status = compile_detection(document, options.placeholders);
        }
        if (!status) {
          document.failure = status.error().message;
          document.failure_line = status.error().line.value_or(document.line);
        }
      } catch (const YAML::Exception& error) {
        document.failure = "invalid rule: " + error.msg;
      }
    }
  }
  Builder builder(documents, impl);
  builder.resolve_references();
  builder.select(options);
  builder.build();
  return set;
}

}  // namespace trailsift

namespace trailsift::sigma {

std::size_t RuleIndex::FoldedHash::operator()(std::string_view text) const {
  // Every event is looked up twice, so: the length and the first and last 8 bytes, with the
  // bit that tells ASCII letters' cases apart set (it merges a few other bytes too; equality
  // sorts them out).
  auto word = [&](std::size_t pos) {
    std::uint64_t value = 0;
    std::memcpy(&value, text.data() + pos, std::min<std::size_t>(8, text.size() - pos));
    return value | 0x2020202020202020ull;
  };
  const std::uint64_t first = text.empty() ? 0 : word(0);
  const std::uint64_t last = text.size() > 8 ? word(text.size() - 8) : 0;
  std::uint64_t hash =
      (first ^ (last * 0x9E3779B97F4A7C15ull) ^ text.size()) * 0xFF51AFD7ED558CCDull;
  return static_cast<std::size_t>(hash ^ (hash >> 32));
}

bool RuleIndex::FoldedEqual::operator()(std::string_view a, std::string_view b) const {
  return ascii_equal_ignoring_case(a, b);
}

}  // namespace trailsift::sigma
