// SPDX-License-Identifier: MIT
// Reading CloudTrail events from any input shape, one record at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "trailsift/event.hpp"
#include "trailsift/input.hpp"
#include "trailsift/result.hpp"

namespace trailsift {

/// A visitor's answer: go on with the next record, or stop reading this input.
enum class Visit { kContinue, kStop };

/// Called once per record, in input order. See Event for how long its views live.
using EventVisitor = std::function<Visit(const Event&)>;

/// What reading one input gave.
struct ReadReport {
  std::uint64_t events = 0;   ///< records handed to the visitor
  std::uint64_t bytes = 0;    ///< size of the input after inflation
  std::vector<Error> errors;  ///< what could not be read; records around a bad one still count
  /// Set when the input holds no CloudTrail events: says what it holds instead
  /// ("a CloudTrail digest file"). Empty inputs hold zero events and are not flagged.
  std::string not_events;

  bool ok() const { return errors.empty(); }
};

/// Reads inputs of every shape CloudTrail data comes in: log files (`{"Records":[...]}`), bare
/// arrays of records, one record per line, and `aws cloudtrail lookup-events` output
/// (`{"Events":[...]}` or one Event per line, whose `CloudTrailEvent` string is the record).
/// Gzip is recognised by its magic number. One reader per thread: it reuses its buffers and
/// JSON parser from one input to the next, so memory follows the largest input, not their sum.
class EventReader {
 public:
  explicit EventReader(ReadLimits limits = {});
  ~EventReader();
  EventReader(EventReader&&) noexcept;
  EventReader& operator=(EventReader&&) noexcept;

  /// Reads the input at `path` ("-": standard input) and visits its records.
  ReadReport read_file(const std::string& path, const EventVisitor& visit);

  /// Reads bytes already in memory (possibly gzip), naming them `name` in errors.
  ReadReport read_bytes(std::string_view name, std::string_view bytes, const EventVisitor& visit);

  /// The inflated bytes of the input read last; valid until the next read. Lets a command keep
  /// standard input, which cannot be read twice.
  std::string_view last_input() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace trailsift
