// SPDX-License-Identifier: MIT
// Sigma detection rules over CloudTrail records: loading and compiling rules, testing events
// against them, and correlating the events that matched over time. docs/man/trailsift-hunt.1.md
// says what the rules mean here, where the Sigma specification leaves it open.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "trailsift/event.hpp"
#include "trailsift/result.hpp"
#include "trailsift/time.hpp"

namespace trailsift {

/// Sigma's levels, lowest first. kNone: the rule gives no level.
enum class SigmaLevel { kNone, kInformational, kLow, kMedium, kHigh, kCritical };

/// "informational", "low", "medium", "high" or "critical" (any case); nullopt otherwise.
std::optional<SigmaLevel> parse_sigma_level(std::string_view text);

/// The level's name as rules write it; empty for kNone.
std::string_view sigma_level_name(SigmaLevel level);

/// One rule file's text and where it came from.
struct SigmaSource {
  std::string path;
  std::string text;
};

/// Reads the rule files at `paths`: a file as it is, whatever its name; a folder walked
/// recursively in byte order of its paths, keeping `.yml` and `.yaml` files (symbolic links to
/// folders are not followed). Fails on the first path that cannot be read.
Result<std::vector<SigmaSource>> read_sigma_sources(const std::vector<std::string>& paths);

/// Values for `|expand` placeholders, by name without the percent signs.
using SigmaPlaceholders = std::map<std::string, std::vector<std::string>>;

/// Adds `NAME=VALUE[,VALUE...]` (the `--placeholder` argument) to `placeholders`.
Status add_sigma_placeholder(std::string_view argument, SigmaPlaceholders& placeholders);

/// Adds the placeholders a YAML file maps to a value or a list of values (`admins: [root, bob]`).
Status add_sigma_placeholders(const SigmaSource& file, SigmaPlaceholders& placeholders);

/// How rules are compiled and which of them run.
struct SigmaOptions {
  SigmaPlaceholders placeholders;
  /// Rule statuses to run (stable, test, experimental, deprecated, unsupported); empty: all.
  std::vector<std::string> statuses;
  /// The lowest level to run; rules without a level run only when this is kNone.
  SigmaLevel min_level = SigmaLevel::kNone;
  /// Rule ids or names to run (globs, any case); empty: all.
  std::vector<std::string> ids;
  /// Tags to run (globs, any case, e.g. `attack.t1078*`); empty: all.
  std::vector<std::string> tags;
};

/// What a rule that reports detections says about itself.
struct SigmaRuleInfo {
  std::string path;  ///< the file it came from
  std::string id;
  std::string name;
  std::string title;
  std::string status;  ///< as written; empty when absent
  SigmaLevel level = SigmaLevel::kNone;
  std::vector<std::string> tags;
  bool correlation = false;  ///< a correlation rule, or a `| count()` aggregation
};

/// A rule that cannot be run, and why.
struct SigmaProblem {
  std::string path;
  std::optional<std::uint64_t> line;  ///< 1-based line in the file, when known
  std::string id;                     ///< the rule's id, or its title when it has none
  std::string message;

  /// "path: line 3: rule ID: message", leaving out what is unknown.
  std::string to_string() const;
};

/// Where an event is among all inputs: the input's place in reading order, then the record's.
struct EventPosition {
  std::uint64_t input = 0;
  std::uint64_t record = 0;
  auto operator<=>(const EventPosition&) const = default;
};

/// An event that matched a rule one correlation counts: what its windows need of it.
struct SigmaObservation {
  UnixSeconds time = 0;  ///< when it counts: its eventTime, or a detection's last event's
  EventPosition position;
  /// The earliest event it stands for: itself, or a detection's first event.
  UnixSeconds first = 0;
  EventPosition first_position;
  std::uint32_t correlation = 0;  ///< internal index of the correlation
  std::uint32_t slot = 0;         ///< which of the correlation's rules it matched
  std::string group;              ///< group-by values as JSON, separated by '\x1f'
  std::string value;              ///< value_count's field as JSON
  std::string events;             ///< its eventIDs as JSON strings (or null), comma-separated
  std::uint64_t event_count = 1;  ///< more than 1 for another correlation's detection
};

/// The observations of some inputs, appended in input order.
struct SigmaObservations {
  std::vector<SigmaObservation> items;
  /// Events that matched a correlation's rule but have no valid eventTime: not correlated.
  std::uint64_t untimed = 0;

  /// Moves `other`'s observations here, as those of the input at `input`.
  void append(SigmaObservations&& other, std::uint64_t input);
};

/// A correlation's window that met its condition.
struct SigmaCorrelationDetection {
  std::uint32_t rule = 0;  ///< index into SigmaRuleSet::rules()
  UnixSeconds first = 0;   ///< eventTime of its earliest and latest events
  UnixSeconds last = 0;
  EventPosition first_position;
  EventPosition last_position;
  std::uint64_t count = 0;  ///< what the condition tested: events, values or rules
  /// The group-by fields and their values as JSON texts, in group-by order.
  std::vector<std::pair<std::string, std::string>> group;
  std::string events;  ///< eventIDs as JSON strings (or null), comma-separated, in time order
  std::uint64_t event_count = 0;
};

/// Compiled rules. Thread-safe: one rule set serves every worker thread.
class SigmaRuleSet {
 public:
  /// Compiles every rule of `sources`. Rules that cannot run become problems() and the others
  /// still run; rules for other log sources, and those `options` leave out, are counted.
  static SigmaRuleSet compile(const std::vector<SigmaSource>& sources, const SigmaOptions& options);

  SigmaRuleSet();
  ~SigmaRuleSet();
  SigmaRuleSet(SigmaRuleSet&&) noexcept;
  SigmaRuleSet& operator=(SigmaRuleSet&&) noexcept;

  /// The rules that report detections, in the order they were read.
  const std::vector<SigmaRuleInfo>& rules() const;
  const std::vector<SigmaProblem>& problems() const;
  /// Rule documents read, in all.
  std::size_t documents() const;
  /// Rules whose logsource is not AWS CloudTrail (and correlations of them).
  std::size_t other_log_sources() const;
  /// Rules the options left out.
  std::size_t not_selected() const;
  /// YAML documents that are not Sigma rules at all (no title, logsource, detection or
  /// correlation): other files in a rules folder.
  std::size_t not_rules() const;

  /// Tests one event against the rules it could match (see the rule index in
  /// docs/man/trailsift-hunt.1.md). Appends to `matched` the indices in rules() of the rules it
  /// matched, and to `observations` what correlations need of it (with position.input 0).
  /// Fails, naming the record, when the record cannot be parsed for a rule that needs it.
  Status match(const Event& event, std::vector<std::uint32_t>& matched,
               SigmaObservations& observations) const;

  /// Whether `observation` could have come from match() with these rules: its correlation and
  /// slot exist, and its group has their number of values. For observations read back from a
  /// file (a partial result), before correlate() trusts them.
  bool fits(const SigmaObservation& observation) const;

  /// Evaluates the correlations over every observation, as docs/man/trailsift-hunt.1.md
  /// defines their windows. Detections come in the order of rules(), then time.
  std::vector<SigmaCorrelationDetection> correlate(SigmaObservations observations) const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

/// A JSON value as text for a person: a string unescaped, anything else as it is.
std::string json_value_text(std::string_view json);

}  // namespace trailsift
