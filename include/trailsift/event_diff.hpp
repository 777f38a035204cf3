// SPDX-License-Identifier: MIT
// Comparing two sets of events record by record (`diff`'s events mode): a compact digest per
// event while reading, matching by eventID, then the records that differ re-read from their
// inputs and written out. Memory follows the number of events (48 bytes each), never their size.
#pragma once

#include <compare>
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

/// The first 128 bits of a SHA-256.
struct Hash128 {
  std::uint64_t high = 0;
  std::uint64_t low = 0;
  friend auto operator<=>(const Hash128&, const Hash128&) = default;
};

/// The time of records without a readable eventTime; it sorts before every other.
inline constexpr std::int64_t kNoTime = INT64_MIN;

/// What diff keeps of one event while reading: enough to match it and to find it again.
struct EventDigest {
  std::uint64_t key = 0;        ///< hash of eventID; of the canonical record when it has none
  Hash128 content;              ///< SHA-256 of the canonical record (see JsonCanonicalizer)
  std::int64_t time = kNoTime;  ///< eventTime, Unix seconds
  std::uint32_t source = 0;     ///< hash of eventSource; with time, pairs records of one ID
  std::uint32_t input = 0;      ///< index of the input in its side's list
  std::uint32_t record = 0;     ///< Event::record in that input
};

/// Makes digests. Holds a JSON parser and buffers: one per thread.
class EventDigester {
 public:
  EventDigester();
  ~EventDigester();
  EventDigester(EventDigester&&) noexcept;
  EventDigester& operator=(EventDigester&&) noexcept;

  /// The digest of `event`, read from input number `input`. Fails when the record is not
  /// valid JSON throughout (the reader does not look inside the fields it skips); the error
  /// has the record's number and line, not its path.
  Result<EventDigest> digest(const Event& event, std::uint32_t input);

  /// The canonical form of the record digested last; valid until the next call.
  std::string_view canonical() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The kinds of difference, in the order they are listed for events of the same time and ID.
enum class Change { kRemoved, kAdded, kModified, kDuplicate };

/// Stands for "no record on this side" in an EventChange.
inline constexpr std::uint32_t kNoEvent = UINT32_MAX;

/// One difference: indices into the two sides' digests, as match_events left them sorted.
struct EventChange {
  Change change = Change::kRemoved;
  std::uint32_t left = kNoEvent;   ///< the left record; for kDuplicate, the left's first
  std::uint32_t right = kNoEvent;  ///< the right record; for kDuplicate, the right's first
  std::uint32_t left_count = 0;    ///< kDuplicate: records with this eventID on the left
  std::uint32_t right_count = 0;   ///< kDuplicate: records with this eventID on the right
};

/// How many of each kind were found. Identical counts pairs of records.
struct DiffCounts {
  std::uint64_t removed = 0;
  std::uint64_t added = 0;
  std::uint64_t modified = 0;
  std::uint64_t duplicate = 0;
  std::uint64_t identical = 0;
};

/// What match_events found.
struct EventMatch {
  std::vector<EventChange> changes;  ///< in no useful order: write_changes sorts them
  DiffCounts counts;
};

/// Sorts both sides' digests and matches them by eventID. Within one ID, records with the same
/// canonical form are identical, and an extra exact copy is not a change of its own. The others
/// are paired by eventSource and eventTime, and when one is left on each side they are paired
/// anyway: a pair is kModified, a record left over kRemoved or kAdded. An ID that repeats within
/// a side and has a different number of records on each side also gives one kDuplicate.
/// Records without an eventID are matched by their canonical form alone. Fails when a side
/// holds 2^32 - 1 events or more.
Result<EventMatch> match_events(std::vector<EventDigest>& left, std::vector<EventDigest>& right);

/// Output forms of write_changes.
enum class EventDiffFormat {
  kText,    ///< `- `, `+ `, `~ `, `* ` lines; modified fields indented below
  kNdjson,  ///< one JSON object per change, records included
};

/// One side of a comparison: where its events came from, and their digests.
struct DiffSide {
  std::vector<std::string> inputs;  ///< names, indexed by EventDigest::input
  /// Where each input is read again: itself, or a copy kept of one that can be read only once
  /// (standard input, a FIFO). Empty: the names.
  std::vector<std::string> reread_paths;
  std::vector<EventDigest> digests;
};

/// How write_changes reads and writes.
struct ChangeOutput {
  EventDiffFormat format = EventDiffFormat::kText;
  unsigned threads = 1;
  ReadLimits limits;
  /// Changes re-read at a time (more when the last ones share an eventTime): bounds memory.
  std::size_t batch = 16384;
};

/// Re-reads the records of `changes` from their inputs and writes the changes through `write`,
/// sorted by event time, then eventID. Returns the problems met: an input that cannot be read
/// again, or whose records changed since they were digested (those changes are not written),
/// or threads that cannot be started (then the changes from there on are not written).
std::vector<Error> write_changes(const std::vector<EventChange>& changes, const DiffSide& left,
                                 const DiffSide& right, const ChangeOutput& output,
                                 const std::function<void(std::string_view)>& write);

}  // namespace trailsift
