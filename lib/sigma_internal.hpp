// SPDX-License-Identifier: MIT
// What the lib/sigma_*.cpp files share: compiled detections, the record view they are tested
// on, and compiled correlations. Not a public header: it names RE2 and simdjson's DOM.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <variant>
#include <vector>

#include <simdjson.h>

#include "trailsift/ascii.hpp"
#include "trailsift/event.hpp"
#include "trailsift/ip_address.hpp"
#include "trailsift/result.hpp"
#include "trailsift/sigma.hpp"

namespace re2 {
class RE2;
}

namespace trailsift::sigma {

/// A callable passed down a call, never kept: unlike std::function it never allocates, which
/// matters on the path every event takes.
template <typename Signature>
class FunctionRef;

template <typename Return, typename... Args>
class FunctionRef<Return(Args...)> {
 public:
  template <typename Callable>
  requires(!std::is_same_v<std::remove_cvref_t<Callable>, FunctionRef>)
      FunctionRef(Callable&& callable)
  noexcept  // NOLINT: implicit, as std::function's
      : object_(const_cast<void*>(static_cast<const void*>(std::addressof(callable)))),
        call_([](void* object, Args... args) -> Return {
          return (*static_cast<std::remove_reference_t<Callable>*>(object))(
              std::forward<Args>(args)...);
        }) {}

  Return operator()(Args... args) const { return call_(object_, std::forward<Args>(args)...); }

 private:
  void* object_;
  Return (*call_)(void*, Args...);
};

/// ASCII letters in lower case; other bytes as they are (Sigma's "any case" here), as bytes.
inline unsigned char fold(unsigned char c) {
  return static_cast<unsigned char>(ascii_lower(static_cast<char>(c)));
}

// ---------------------------------------------------------------------------------------------
// Values (lib/sigma_values.cpp)
// ---------------------------------------------------------------------------------------------

/// One part of a Sigma string value: text, a wildcard, or an `|expand` placeholder.
struct Piece {
  enum class Kind : std::uint8_t { kText, kStar, kOne, kPlaceholder };
  Kind kind = Kind::kText;
  std::string text;  ///< the text, or the placeholder's name
};

/// A Sigma string value with its wildcards and escapes resolved.
using SigmaString = std::vector<Piece>;

/// Parses `*`, `?` and the backslash escapes; `%name%` is a placeholder only with `expand`.
SigmaString parse_sigma_string(std::string_view text, bool placeholders);

/// A compiled Sigma string: matched whole, ASCII letters in any case unless `cased`.
class Pattern {
 public:
  Pattern(const SigmaString& value, bool cased);

  bool matches(std::string_view text) const;
  /// For the rule index: the text this pattern alone matches, or null when it has wildcards.
  const std::string* exact_text() const { return shape_ == Shape::kExact ? &literal_ : nullptr; }

 private:
  enum class Shape : std::uint8_t { kExact, kPrefix, kSuffix, kContains, kGlob };
  Shape shape_ = Shape::kExact;
  bool cased_ = false;
  std::string literal_;                // kExact .. kContains: the text, folded unless cased
  std::vector<std::int16_t> program_;  // kGlob: bytes (folded unless cased), kAnyOne, kAnyRun
};

/// A number in a rule or a record: compared as integers when both are, else as doubles.
struct Number {
  double value = 0;
  std::optional<std::int64_t> integer;
};

/// A JSON number or a decimal integer or fraction, in full; nullopt otherwise.
std::optional<Number> parse_number(std::string_view text);

enum class Comparison : std::uint8_t { kEqual, kLess, kLessOrEqual, kGreater, kGreaterOrEqual };

bool compare(const Number& left, Comparison comparison, const Number& right);

/// The time modifiers: a part of a date taken as a number.
enum class TimePart : std::uint8_t { kNone, kMinute, kHour, kDay, kWeek, kMonth, kYear };

/// The part of an ISO 8601 time, in UTC (ISO 8601 week numbers); nullopt if it is not a time.
std::optional<std::int64_t> time_part(std::string_view text, TimePart part);

/// A dotted field name, split, and the Event member that holds it when the reader read it.
struct FieldPath {
  std::string text;
  std::vector<std::string> segments;  ///< empty: every string of the record (keywords)
  std::string_view Event::*member = nullptr;
  std::string_view UserIdentity::*identity_member = nullptr;
};

/// Splits a field name; nullopt when a part is empty.
std::optional<FieldPath> make_field_path(std::string_view dotted);

struct RegexTest {
  std::shared_ptr<const re2::RE2> regex;
};
struct NetworkTest {
  IpNetwork network;
};
struct NumberTest {
  Comparison comparison = Comparison::kEqual;
  Number number;
  TimePart part = TimePart::kNone;
};
struct NullTest {};
/// `|fieldref`: the value of another field of the same record.
struct FieldRefTest {
  enum class Shape : std::uint8_t { kEqual, kContains, kStartsWith, kEndsWith };
  FieldPath path;
  Shape shape = Shape::kEqual;
  bool cased = false;
};
using ValueTest = std::variant<Pattern, RegexTest, NetworkTest, NumberTest, NullTest, FieldRefTest>;

/// One `field|modifiers: values` of a search.
struct FieldTest {
  FieldPath path;
  std::vector<ValueTest> values;  ///< ORed, or ANDed with `all`
  bool all = false;
  bool negate = false;         ///< `neq`: some value of the field differs from every value
  std::optional<bool> exists;  ///< `exists`: the field is present (or absent)
};

/// A value as YAML gave it: null, or its text as written.
struct RawValue {
  bool null = false;
  std::string text;
};

/// Compiles `field|mod|mod` (an empty field: keywords) with its values.
Result<FieldTest> compile_field_test(std::string_view key, const std::vector<RawValue>& values,
                                     const SigmaPlaceholders& placeholders);

// ---------------------------------------------------------------------------------------------
// Searches and conditions (lib/sigma_condition.cpp)
// ---------------------------------------------------------------------------------------------

/// A search identifier: alternatives (ORed) of field tests (ANDed).
struct Search {
  std::string name;
  std::vector<std::vector<FieldTest>> alternatives;
};

struct Condition {
  enum class Kind : std::uint8_t { kSearch, kAnd, kOr, kNot };
  Kind kind = Kind::kSearch;
  std::uint32_t search = 0;
  std::vector<Condition> children;
};

/// The older aggregation after a condition: `| count([field]) [by group] OP N`.
struct Aggregation {
  std::string field;     ///< counts distinct values of this field; empty: counts events
  std::string group_by;  ///< empty: one group
  Comparison comparison = Comparison::kGreater;
  std::int64_t threshold = 0;
};

struct ParsedCondition {
  Condition condition;
  std::optional<Aggregation> aggregation;
};

/// Parses one condition over `searches`; the error message says what is wrong.
Result<ParsedCondition> parse_condition(std::string_view text, const std::vector<Search>& searches);

/// What the rule index learns from a condition: the eventName and eventSource values (folded)
/// that any event it matches must have; nullopt: any.
struct IndexKeys {
  std::optional<std::vector<std::string>> names;
  std::optional<std::vector<std::string>> sources;
};

IndexKeys index_keys(const Condition& condition, const std::vector<Search>& searches);

// ---------------------------------------------------------------------------------------------
// Evaluation (lib/sigma_match.cpp)
// ---------------------------------------------------------------------------------------------

/// A value found at a field path.
struct Leaf {
  enum class Type : std::uint8_t { kString, kNumber, kBool, kNull, kObject };
  Type type = Type::kString;
  std::string_view text;  ///< strings unescaped; other values as JSON
};

/// One record as the rules see it: the reader's fields first, then a single value found
/// On-Demand, and the whole record parsed (simdjson DOM) only when a rule needs more; the
/// parsers and the record's padded copy are the thread's, reused from record to record.
class RecordView {
 public:
  explicit RecordView(const Event& event) : event_(event) {}

  const Event& event() const { return event_; }
  /// Calls `visit` for each value at `path` (arrays searched element by element) until it
  /// returns true; returns whether it did. Keywords (no segments): every string of the record.
  /// A leaf's text lives until the next call on this record.
  bool any_leaf(const FieldPath& path, FunctionRef<bool(const Leaf&)> visit);
  /// True when the field is present, whatever its value.
  bool exists(const FieldPath& path);
  /// True when the field is absent or null, or holds null or an empty array.
  bool is_null(const FieldPath& path);
  /// Appends the field's value as JSON: null, its one value, or an array of its values.
  void append_value_json(std::string& out, const FieldPath& path);
  /// Set when the record could not be parsed: every test on it has failed.
  const std::optional<std::string>& parse_error() const { return parse_error_; }

 private:
  enum class Quick : std::uint8_t { kFound, kAbsent, kNeedsTree };
  enum class QuickState : std::uint8_t { kUntried, kReady, kUnusable };

  /// The reader's text for the field when it holds the whole answer (a non-empty string).
  std::optional<std::string_view> fast_text(const FieldPath& path) const;
  /// This thread's padded copy of the record, made once.
  const std::string& copy();
  /// One scalar at a path without arrays, found On-Demand without building the tree; or
  /// kNeedsTree when the tree must answer (arrays, numbers, objects, escapes, errors).
  Quick quick_find(const FieldPath& path, Leaf& leaf);
  bool root(simdjson::dom::element& out);

  const Event& event_;
  bool copied_ = false;
  QuickState quick_state_ = QuickState::kUntried;
  bool parsed_ = false;
  simdjson::dom::element root_;
  std::optional<std::string> parse_error_;
};

bool evaluate(const Condition& condition, const std::vector<Search>& searches, RecordView& record);

// ---------------------------------------------------------------------------------------------
// Rules (lib/sigma_load.cpp) and correlations (lib/sigma_correlation.cpp)
// ---------------------------------------------------------------------------------------------

/// Where a correlation's rule sends what matched: the correlation and which of its rules.
struct CorrelationUse {
  std::uint32_t correlation = 0;
  std::uint32_t slot = 0;
};

/// A detection rule as it runs.
struct DetectionRule {
  std::vector<Search> searches;
  Condition condition;
  std::optional<std::uint32_t> reported;  ///< index in rules() when it reports detections
  std::vector<CorrelationUse> uses;
};

inline constexpr std::int64_t kUnboundedTimespan = std::numeric_limits<std::int64_t>::max();

/// A correlation (or an aggregation) as it runs.
struct CorrelationRule {
  enum class Type : std::uint8_t { kEventCount, kValueCount, kTemporal, kTemporalOrdered };
  /// One of its rules: a detection rule or another correlation, and its fields.
  struct Slot {
    bool is_correlation = false;
    std::uint32_t rule = 0;           ///< index into detections or correlations
    std::vector<FieldPath> group_by;  ///< in the order of group_names (aliases resolved)
    std::optional<FieldPath> value_field;
    /// For a correlation slot: where each group_name sits in that correlation's group.
    std::vector<std::size_t> group_from;
  };
  Type type = Type::kEventCount;
  std::vector<Slot> slots;
  std::vector<std::string> group_names;
  std::int64_t timespan = kUnboundedTimespan;
  std::vector<std::pair<Comparison, std::int64_t>> conditions;  ///< ANDed
  std::optional<std::uint32_t> reported;
  std::vector<CorrelationUse> uses;  ///< correlations that take this one's detections
};

/// The rule index: which detection rules an event could match, by eventName and eventSource.
struct RuleIndex {
  struct FoldedHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const;
  };
  struct FoldedEqual {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const;
  };
  using Map = std::unordered_map<std::string, std::vector<std::uint32_t>, FoldedHash, FoldedEqual>;
  Map by_name;
  Map by_source;
  std::vector<std::uint32_t> any;  ///< rules with neither key
  std::vector<std::uint32_t> all;  ///< every rule, for events without a plain eventName/Source
};

}  // namespace trailsift::sigma

namespace trailsift {

struct SigmaRuleSet::Impl {
  std::vector<SigmaRuleInfo> rules;
  std::vector<SigmaProblem> problems;
  std::size_t documents = 0;
  std::size_t other_log_sources = 0;
  std::size_t not_selected = 0;
  std::size_t not_rules = 0;
  std::vector<sigma::DetectionRule> detections;
  std::vector<sigma::CorrelationRule> correlations;
  std::vector<std::uint32_t> correlation_order;  ///< correlations, each after those it takes
  sigma::RuleIndex index;
};

}  // namespace trailsift
