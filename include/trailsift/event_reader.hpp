// SPDX-License-Identifier: MIT
// Reading CloudTrail events from any input shape and size, one record at a time.
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

/// What reading one input (or one batch of it) gave.
struct ReadReport {
  std::uint64_t events = 0;   ///< records handed to the visitor
  std::uint64_t records = 0;  ///< values read as records, events or not (record numbers go to here)
  std::uint64_t bytes = 0;    ///< bytes of the input after inflation
  std::vector<Error> errors;  ///< what could not be read; records around a bad one still count
  std::vector<Error> warnings;  ///< odd but harmless (zero padding after gzip data)
  /// Set when the input holds no CloudTrail events: says what it holds instead
  /// ("a CloudTrail digest file"). Empty inputs hold zero events and are not flagged.
  std::string not_events;
  std::uint64_t foreign_objects = 0;  ///< values that are not records (digests, other JSON)
  std::uint64_t digest_objects = 0;   ///< ... of which CloudTrail digests
  bool stopped = false;               ///< the visitor stopped the read
  /// Left unparsed: a CloudTrail log file that holds none of the required literals
  /// (EventReader::set_required_literals), so no record of it can match.
  bool unparsed = false;
  /// Records of a log file that holds some required literal, left unparsed because they hold
  /// none: counted in `records`, never visited.
  std::uint64_t unparsed_records = 0;

  bool ok() const { return errors.empty(); }
  /// Adds what the next batch of the same input gave.
  void append(ReadReport&& next);
  /// Once the whole input is read: when nothing in it was a record and every error was about an
  /// object that is not one, says once what it is (not_events) instead of an error per object.
  void finish();
};

/// A run of whole records of one input, cut by an InputSplitter and read by any EventReader:
/// how one large input is read on several threads, in input order.
class RecordBatch {
 public:
  RecordBatch();
  ~RecordBatch();
  RecordBatch(RecordBatch&&) noexcept;
  RecordBatch& operator=(RecordBatch&&) noexcept;

  /// Bytes of the input (as read from disk) that this batch accounts for, for progress.
  std::uint64_t input_bytes() const;
  /// The input's last batch.
  bool last() const;

 private:
  friend class EventReader;
  friend class InputSplitter;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Reads one input front to back and cuts it into RecordBatches of about ReadLimits::chunk_bytes.
/// An input up to ReadLimits::whole_bytes is one batch, read whole; a larger one is framed as it
/// streams in (see docs/architecture.md), so memory stays bounded whatever its size.
class InputSplitter {
 public:
  /// Opens a file, a FIFO or standard input ("-"); see InputStream::open for `copy_fd`. Errors
  /// name the input `name` (default: the path).
  static Result<InputSplitter> open(const std::string& path, const ReadLimits& limits,
                                    int copy_fd = -1, std::string_view name = {});
  /// Splits bytes already in memory (tests; read_bytes), taking raw bytes `raw_chunk` at a time.
  static InputSplitter from_memory(std::string name, std::string_view bytes,
                                   const ReadLimits& limits, std::size_t raw_chunk = SIZE_MAX);

  InputSplitter(InputSplitter&&) noexcept;
  InputSplitter& operator=(InputSplitter&&) noexcept;
  ~InputSplitter();

  /// The next batch. Call until one says last(); a read error ends the input in the batch
  /// that meets it.
  RecordBatch next();

 private:
  friend class EventReader;
  /// Reads the input into `memory` (its capacity, not its bytes): a reader's buffer reused.
  void reuse_memory(ByteBuffer memory);
  struct Impl;
  explicit InputSplitter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// Reads inputs of every shape CloudTrail data comes in: log files (`{"Records":[...]}`), bare
/// arrays of records, one record per line, `aws cloudtrail lookup-events` output
/// (`{"Events":[...]}` or one Event per line, whose `CloudTrailEvent` string is the record),
/// EventBridge events (the record is their `detail`), and CloudWatch Logs output
/// (`events[].message`, `logEvents[].message`, or `TIMESTAMP RECORD` lines). Gzip is recognised by
/// its magic number. One reader per thread: it reuses its buffers and JSON parsers from one input
/// to the next.
class EventReader {
 public:
  explicit EventReader(ReadLimits limits = {});
  ~EventReader();
  EventReader(EventReader&&) noexcept;
  EventReader& operator=(EventReader&&) noexcept;

  /// Reads the input at `path` ("-": standard input) and visits its records. Errors name the
  /// input `name` (default: the path).
  ReadReport read_file(const std::string& path, const EventVisitor& visit,
                       std::string_view name = {});

  /// Reads bytes already in memory (possibly gzip), naming them `name` in errors, taking the raw
  /// bytes `raw_chunk` at a time.
  ReadReport read_bytes(std::string_view name, std::string_view bytes, const EventVisitor& visit,
                        std::size_t raw_chunk = SIZE_MAX);

  /// Reads one batch of an input: its records are numbered as in the whole input. The report is
  /// that batch's share; append the reports of an input's batches in order and finish() them.
  /// Records of a log file that hold none of the required literals are marked in the batch and
  /// counted, not parsed.
  ReadReport read_batch(RecordBatch& batch, const EventVisitor& visit);

  /// From now on, a CloudTrail log file (`{"Records":[`, read whole) that holds none of
  /// `literals` (ASCII letters in either case: -i, and the near misses filter counts), nor a
  /// \u escape of one of their characters, is not parsed (ReadReport::unparsed), as grep skips text
  /// without its pattern: EventFilter::required_literals() says that it holds no match. In such a
  /// file that holds some, only the records that hold one are parsed (the others are counted in
  /// ReadReport::unparsed_records). The price: syntax errors in what is not parsed go unreported.
  /// Empty (the default): parse everything.
  void set_required_literals(std::vector<std::string> literals);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace trailsift
