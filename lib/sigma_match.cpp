// SPDX-License-Identifier: MIT
// Testing one record against the rules: the fields the reader already holds are compared as
// they are; a single value elsewhere is found On-Demand (one structural pass, no tree); and the
// record is parsed into a DOM (once, whatever the number of rules) only when a rule needs
// arrays, numbers, objects or keywords.
#include <algorithm>

#include <re2/re2.h>

#include "sigma_internal.hpp"
#include "trailsift/event_format.hpp"

namespace trailsift::sigma {
namespace {

namespace dom = simdjson::dom;
namespace od = simdjson::ondemand;

/// What a thread keeps from record to record: one padded copy of the record, read by an
/// On-Demand parser for single fields and by a DOM parser when a rule needs the whole tree.
struct Scratch {
  std::string copy;
  od::parser quick_parser;
  od::document quick_document;
  dom::parser tree_parser;
};

Scratch& thread_scratch() {
  thread_local Scratch scratch;
  return scratch;
}

/// JSON's number grammar, in full: `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`.
bool is_json_number(std::string_view text) {
  std::size_t i = 0;
  auto digits = [&] {
    const std::size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    return i > start;
  };
  if (i < text.size() && text[i] == '-') ++i;
  if (i < text.size() && text[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < text.size() && text[i] == '.' && (++i, !digits())) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == text.size();
}

/// True when the reader's text for a field is the value rules compare (see fast_text).
bool has_reader_text(std::string_view text) { return !text.empty() && !is_json_number(text); }

using LeafVisitor = FunctionRef<bool(const Leaf&)>;

/// Visits the scalars of `element`, arrays element by element; objects as compact JSON.
bool visit_leaves(dom::element element, LeafVisitor visit) {
  switch (element.type()) {
    case dom::element_type::ARRAY:
      for (dom::element item : dom::array(element)) {
        if (visit_leaves(item, visit)) return true;
      }
      return false;
    case dom::element_type::STRING: return visit({Leaf::Type::kString, std::string_view(element)});
    case dom::element_type::BOOL:
      return visit({Leaf::Type::kBool, bool(element) ? "true" : "false"});
    case dom::element_type::NULL_VALUE: return visit({Leaf::Type::kNull, "null"});
    case dom::element_type::OBJECT: {
      const std::string text = simdjson::minify(element);
      return visit({Leaf::Type::kObject, text});
    }
    default: {  // numbers, as JSON writes their value
      const std::string text = simdjson::minify(element);
      return visit({Leaf::Type::kNumber, text});
    }
  }
}

/// Every string in `element`, at any depth (not the keys).
bool visit_strings(dom::element element, LeafVisitor visit) {
  if (element.is_string()) return visit({Leaf::Type::kString, std::string_view(element)});
  if (element.is_array()) {
    for (dom::element item : dom::array(element)) {
      if (visit_strings(item, visit)) return true;
    }
  } else if (element.is_object()) {
    for (dom::key_value_pair member : dom::object(element)) {
      if (visit_strings(member.value, visit)) return true;
    }
  }
  return false;
}

using ElementVisitor = FunctionRef<bool(dom::element)>;

/// Follows `segments` from `index`, searching arrays on the way element by element, and calls
/// `visit` with what each path ends at.
bool walk(dom::element element, const std::vector<std::string>& segments, std::size_t index,
          ElementVisitor visit) {
  if (index == segments.size()) return visit(element);
  if (element.is_array()) {
    for (dom::element item : dom::array(element)) {
      if (walk(item, segments, index, visit)) return true;
    }
    return false;
  }
  dom::element child;
  return element.is_object() &&
         dom::object(element).at_key(segments[index]).get(child) == simdjson::SUCCESS &&
         walk(child, segments, index + 1, visit);
}

bool field_ref_matches(const FieldRefTest& test, std::string_view field_text, RecordView& record) {
  // Looking at the other field may reuse the buffer `field_text` points into.
  const std::string text(field_text);
  return record.any_leaf(test.path, [&](const Leaf& other) {
    if (other.type == Leaf::Type::kNull) return false;
    SigmaString value{{Piece::Kind::kText, std::string(other.text)}};
    const Piece star{Piece::Kind::kStar, {}};
    if (test.shape == FieldRefTest::Shape::kContains ||
        test.shape == FieldRefTest::Shape::kEndsWith) {
      value.insert(value.begin(), star);
    }
    if (test.shape == FieldRefTest::Shape::kContains ||
        test.shape == FieldRefTest::Shape::kStartsWith) {
      value.push_back(star);
    }
    return Pattern(value, test.cased).matches(text);
  });
}

bool value_matches(const ValueTest& test, const Leaf& leaf, RecordView& record) {
  if (leaf.type == Leaf::Type::kNull) return std::holds_alternative<NullTest>(test);
  if (const auto* pattern = std::get_if<Pattern>(&test)) return pattern->matches(leaf.text);
  if (const auto* regex = std::get_if<RegexTest>(&test)) {
    return RE2::PartialMatch(re2::StringPiece(leaf.text.data(), leaf.text.size()), *regex->regex);
  }
  if (const auto* network = std::get_if<NetworkTest>(&test)) {
    const std::optional<IpAddress> address = parse_ip_address(leaf.text);
    return address && network->network.contains(*address);
  }
  if (const auto* number_test = std::get_if<NumberTest>(&test)) {
    std::optional<Number> number;
    if (number_test->part != TimePart::kNone) {
      if (leaf.type != Leaf::Type::kString) return false;
      if (const std::optional<std::int64_t> part = time_part(leaf.text, number_test->part)) {
        number = Number{static_cast<double>(*part), *part};
      }
    } else if (leaf.type == Leaf::Type::kNumber || leaf.type == Leaf::Type::kString) {
      number = parse_number(leaf.text);
    }
    return number && compare(*number, number_test->comparison, number_test->number);
  }
  if (const auto* field_ref = std::get_if<FieldRefTest>(&test)) {
    return field_ref_matches(*field_ref, leaf.text, record);
  }
  return false;
}

bool field_test_matches(const FieldTest& test, RecordView& record) {
  if (test.exists) return record.exists(test.path) == *test.exists;
  if (test.negate) {
    // Different from a field that has no value is not a difference anyone can see.
    for (const ValueTest& value : test.values) {
      const auto* field_ref = std::get_if<FieldRefTest>(&value);
      if (field_ref && !record.any_leaf(field_ref->path, [](const Leaf& leaf) {
            return leaf.type != Leaf::Type::kNull;
          })) {
        return false;
      }
    }
    return record.any_leaf(test.path, [&](const Leaf& leaf) {
      return leaf.type != Leaf::Type::kNull &&
             std::none_of(test.values.begin(), test.values.end(), [&](const ValueTest& value) {
               return value_matches(value, leaf, record);
             });
    });
  }
  auto value_found = [&](const ValueTest& value) {
    if (std::holds_alternative<NullTest>(value)) return record.is_null(test.path);
    return record.any_leaf(test.path,
                           [&](const Leaf& leaf) { return value_matches(value, leaf, record); });
  };
  if (test.all) return std::all_of(test.values.begin(), test.values.end(), value_found);
  const bool has_null =
      std::any_of(test.values.begin(), test.values.end(),
                  [](const ValueTest& value) { return std::holds_alternative<NullTest>(value); });
  if (has_null && record.is_null(test.path)) return true;
  // One walk over the field's values for all the rule's values.
  return record.any_leaf(test.path, [&](const Leaf& leaf) {
    return std::any_of(test.values.begin(), test.values.end(),
                       [&](const ValueTest& value) { return value_matches(value, leaf, record); });
  });
}

bool search_matches(const Search& search, RecordView& record) {
  return std::any_of(
      search.alternatives.begin(), search.alternatives.end(), [&](const auto& tests) {
        return std::all_of(tests.begin(), tests.end(),
                           [&](const FieldTest& test) { return field_test_matches(test, record); });
      });
}

}  // namespace

std::optional<std::string_view> RecordView::fast_text(const FieldPath& path) const {
  std::string_view text;
  if (path.member) {
    text = event_.*path.member;
  } else if (path.identity_member) {
    text = event_.user_identity.*path.identity_member;
  } else {
    return std::nullopt;
  }
  // The reader gives absent, null, "" and containers as empty text, and numbers as written:
  // those need the parsed record to be told apart and compared as it compares them.
  if (!has_reader_text(text)) return std::nullopt;
  return text;
}

const std::string& RecordView::copy() {
  Scratch& scratch = thread_scratch();
  if (!copied_) {
    copied_ = true;
    scratch.copy.resize(event_.json.size() + simdjson::SIMDJSON_PADDING);
    std::copy(event_.json.begin(), event_.json.end(), scratch.copy.begin());
  }
  return scratch.copy;
}

RecordView::Quick RecordView::quick_find(const FieldPath& path, Leaf& leaf) {
  Scratch& scratch = thread_scratch();
  if (quick_state_ == QuickState::kUntried) {
    // On-Demand compares keys as written: without a backslash in the record, as unescaped too.
    quick_state_ = QuickState::kUnusable;
    if (event_.json.find('\\') == std::string_view::npos &&
        !scratch.quick_parser.iterate(copy().data(), event_.json.size(), copy().size())
             .get(scratch.quick_document)) {
      quick_state_ = QuickState::kReady;
    }
  }
  if (quick_state_ != QuickState::kReady || path.segments.empty()) return Quick::kNeedsTree;
  od::document& document = scratch.quick_document;
  document.rewind();
  od::object object;
  if (document.get_object().get(object)) return Quick::kNeedsTree;
  for (std::size_t i = 0; i < path.segments.size(); ++i) {
    od::value value;
    od::json_type type;
    const simdjson::error_code error = object.find_field_unordered(path.segments[i]).get(value);
    if (error == simdjson::NO_SUCH_FIELD) return Quick::kAbsent;
    if (error || value.type().get(type)) return Quick::kNeedsTree;
    if (i + 1 < path.segments.size()) {
      if (type == od::json_type::array) return Quick::kNeedsTree;
      if (type != od::json_type::object) return Quick::kAbsent;  // a value has no fields
      if (value.get_object().get(object)) return Quick::kNeedsTree;
      continue;
    }
    bool flag = false;
    switch (type) {
      case od::json_type::string:
        leaf.type = Leaf::Type::kString;
        return value.get_string().get(leaf.text) ? Quick::kNeedsTree : Quick::kFound;
      case od::json_type::boolean:
        if (value.get_bool().get(flag)) return Quick::kNeedsTree;
        leaf = {Leaf::Type::kBool, flag ? "true" : "false"};
        return Quick::kFound;
      case od::json_type::null:
        if (value.is_null().get(flag) || !flag) return Quick::kNeedsTree;
        leaf = {Leaf::Type::kNull, "null"};
        return Quick::kFound;
      default:  // numbers, objects and arrays, as the tree writes and searches them
        return Quick::kNeedsTree;
    }
  }
  return Quick::kNeedsTree;
}

bool RecordView::root(dom::element& out) {
  if (!parsed_) {
    parsed_ = true;
    const std::string& padded = copy();
    if (const auto error = thread_scratch()
                               .tree_parser.parse(padded.data(), event_.json.size(), false)
                               .get(root_)) {
      parse_error_ = simdjson::error_message(error);
    }
  }
  out = root_;
  return !parse_error_;
}

bool RecordView::any_leaf(const FieldPath& path, LeafVisitor visit) {
  if (const std::optional<std::string_view> text = fast_text(path)) {
    return visit({Leaf::Type::kString, *text});
  }
  Leaf leaf;
  switch (quick_find(path, leaf)) {
    case Quick::kFound: return visit(leaf);
    case Quick::kAbsent: return false;
    case Quick::kNeedsTree: break;
  }
  dom::element element;
  if (!root(element)) return false;
  if (path.segments.empty()) return visit_strings(element, visit);
  return walk(element, path.segments, 0,
              [&](dom::element found) { return visit_leaves(found, visit); });
}

bool RecordView::exists(const FieldPath& path) {
  if (fast_text(path)) return true;
  Leaf leaf;
  switch (quick_find(path, leaf)) {
    case Quick::kFound: return true;
    case Quick::kAbsent: return false;
    case Quick::kNeedsTree: break;
  }
  dom::element element;
  return root(element) && walk(element, path.segments, 0, [](dom::element) { return true; });
}

bool RecordView::is_null(const FieldPath& path) {
  if (fast_text(path)) return false;
  Leaf leaf;
  switch (quick_find(path, leaf)) {
    case Quick::kFound: return leaf.type == Leaf::Type::kNull;
    case Quick::kAbsent: return true;
    case Quick::kNeedsTree: break;
  }
  dom::element element;
  if (!root(element)) return false;
  bool found = false;
  const bool null_found = walk(element, path.segments, 0, [&](dom::element value) {
    found = true;
    bool has_value = false;
    const bool null_value = visit_leaves(value, [&](const Leaf& found_leaf) {
      has_value = true;
      return found_leaf.type == Leaf::Type::kNull;
    });
    return null_value || !has_value;
  });
  return null_found || !found;
}

void RecordView::append_value_json(std::string& out, const FieldPath& path) {
  std::vector<std::string> values;
  any_leaf(path, [&](const Leaf& leaf) {
    std::string& json = values.emplace_back();
    if (leaf.type == Leaf::Type::kString) {
      append_json_string(json, leaf.text);
    } else {
      json = leaf.text;
    }
    return false;
  });
  if (values.empty()) {
    out += "null";
  } else if (values.size() == 1) {
    out += values.front();
  } else {
    out += '[';
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out += ',';
      out += values[i];
    }
    out += ']';
  }
}

bool evaluate(const Condition& condition, const std::vector<Search>& searches, RecordView& record) {
  switch (condition.kind) {
    case Condition::Kind::kSearch: return search_matches(searches[condition.search], record);
    case Condition::Kind::kNot: return !evaluate(condition.children.front(), searches, record);
    case Condition::Kind::kAnd:
      return std::all_of(condition.children.begin(), condition.children.end(),
                         [&](const Condition& child) { return evaluate(child, searches, record); });
    case Condition::Kind::kOr:
      return std::any_of(condition.children.begin(), condition.children.end(),
                         [&](const Condition& child) { return evaluate(child, searches, record); });
  }
  return false;
}

}  // namespace trailsift::sigma

namespace trailsift {

using namespace sigma;

Status SigmaRuleSet::match(const Event& event, std::vector<std::uint32_t>& matched,
                           SigmaObservations& observations) const {
  const Impl& impl = *impl_;
  RecordView record(event);
  const std::size_t first_observation = observations.items.size();
  std::optional<UnixSeconds> time;
  bool timed = false, untimed = false;

  auto observe = [&](const CorrelationUse& use) {
    if (!timed) {
      time = parse_iso8601(event.event_time);
      timed = true;
    }
    if (!time) {
      untimed = true;
      return;
    }
    const CorrelationRule& correlation = impl.correlations[use.correlation];
    const CorrelationRule::Slot& slot = correlation.slots[use.slot];
    SigmaObservation observation;
    observation.time = observation.first = *time;
    observation.position.record = observation.first_position.record = event.record;
    observation.correlation = use.correlation;
    observation.slot = use.slot;
    for (std::size_t i = 0; i < slot.group_by.size(); ++i) {
      if (i > 0) observation.group += '\x1f';
      record.append_value_json(observation.group, slot.group_by[i]);
    }
    if (slot.value_field) {
      record.append_value_json(observation.value, *slot.value_field);
      if (observation.value == "null") return;  // nothing to count
    }
    // An event counts once in a count, whichever of the correlation's rules it matched.
    const bool counted = correlation.type == CorrelationRule::Type::kEventCount ||
                         correlation.type == CorrelationRule::Type::kValueCount;
    for (std::size_t i = first_observation; counted && i < observations.items.size(); ++i) {
      const SigmaObservation& earlier = observations.items[i];
      if (earlier.correlation == use.correlation && earlier.group == observation.group &&
          earlier.value == observation.value) {
        return;
      }
    }
    if (event.event_id.empty()) {
      observation.events = "null";
    } else {
      append_json_string(observation.events, event.event_id);
    }
    observations.items.push_back(std::move(observation));
  };

  auto test = [&](std::uint32_t index) {
    const DetectionRule& rule = impl.detections[index];
    if (!evaluate(rule.condition, rule.searches, record) || record.parse_error()) return;
    if (rule.reported) matched.push_back(*rule.reported);
    for (const CorrelationUse& use : rule.uses) observe(use);
  };

  const RuleIndex& index = impl.index;
  if (!has_reader_text(event.event_name) || !has_reader_text(event.event_source)) {
    for (const std::uint32_t rule : index.all) test(rule);
  } else {
    if (const auto found = index.by_name.find(event.event_name); found != index.by_name.end()) {
      for (const std::uint32_t rule : found->second) test(rule);
    }
    if (const auto found = index.by_source.find(event.event_source);
        found != index.by_source.end()) {
      for (const std::uint32_t rule : found->second) test(rule);
    }
    for (const std::uint32_t rule : index.any) test(rule);
  }
  if (untimed) ++observations.untimed;
  if (record.parse_error()) {
    Error error;
    error.record = event.record;
    if (event.line > 0) error.line = event.line;
    error.message = "cannot be tested against the rules: invalid JSON: " + *record.parse_error();
    return error;
  }
  return {};
}

std::string json_value_text(std::string_view json) {
  thread_local dom::parser parser;
  std::string_view text;
  if (!json.starts_with('"') || parser.parse(json.data(), json.size()).get_string().get(text)) {
    return std::string(json);
  }
  return std::string(text);
}

}  // namespace trailsift
