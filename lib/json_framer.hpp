// SPDX-License-Identifier: MIT
// Internal: cutting a stream of JSON text into records without parsing it, so that records can be
// handed on as they are completed and parsed on any thread, in bounded memory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "json_scanner.hpp"
#include "trailsift/input.hpp"
#include "trailsift/result.hpp"

namespace trailsift::detail {

/// What the framer found, in input order.
struct FrameItem {
  enum class Kind : std::uint8_t {
    kRecord,  ///< a complete JSON value that stands for one record (it may still be invalid)
    kBroken,  ///< a value cut short by the end of its line or of the input: parse it for its error
    kOversize,  ///< a value larger than ReadLimits::max_record_bytes: skipped, not held
    kError,     ///< a problem with the structure around records; `error` says what
  };
  Kind kind = Kind::kRecord;
  std::uint64_t offset = 0;    ///< where it starts in the (inflated) input
  std::uint64_t length = 0;    ///< its bytes (kRecord, kBroken), or its size (kOversize)
  std::uint64_t line = 0;      ///< line-delimited inputs: the line it starts on; else 0
  std::optional<Error> error;  ///< kError only (its path is left empty)
};

/// Cuts JSON text into record values as they appear: the elements of a top-level array, the
/// elements of the array under a wrapper key of a top-level object (`Records`, `Events`, `events`,
/// `logEvents`: CloudTrail files, lookup-events and CloudWatch Logs output, wherever the key
/// stands among the object's members), and every other top-level object. Every value so found
/// counts as one record, so record numbers do not depend on how the input was cut.
///
/// Line-delimited input (one value per line, as NDJSON; decided from the first lines, as today)
/// is read line by line: a value cannot run past the end of its line, and a broken line costs that
/// line only. CloudWatch Logs exports (`2024-03-01T10:00:00.000Z {...}` lines) lose their
/// timestamps. Everything else is read as a sequence of documents.
///
/// The framer sees the input through windows: each call gets the bytes from keep_offset() on,
/// plus whatever was read since, and frames as far as it can; values are reported once complete.
class JsonFramer {
 public:
  explicit JsonFramer(const ReadLimits& limits);

  /// Whether a whole input (all of it in `bytes`) is read line by line.
  static bool looks_line_delimited(std::string_view bytes, const ReadLimits& limits);

  /// Frames `window`, which holds the input's bytes from `window_offset` (at most keep_offset())
  /// on. With `end_of_input`, nothing follows the window: whatever is open is reported as broken.
  void frame(std::string_view window, std::uint64_t window_offset, bool end_of_input,
             std::vector<FrameItem>& out);

  /// Bytes before this offset are no longer needed.
  std::uint64_t keep_offset() const;
  /// True once nothing more will be framed (the input is not JSON, or a document broke).
  bool stopped() const { return state_ == State::kStopped; }
  /// Set when the input does not hold JSON values at all: what it looks like instead.
  const std::string& not_json() const { return not_json_; }
  /// True when the input is read line by line.
  bool line_delimited() const { return mode_ == Mode::kLines; }

 private:
  enum class Mode { kUndecided, kLines, kDocument };
  enum class State {
    kTop,         // between top-level values
    kObjectPeek,  // after a top-level `{`: is its first key a wrapper's?
    kValue,       // inside a bracketed value, counting brackets until it closes
    kString,      // inside a string value (an element or a member's value)
    kScalar,      // inside a number or literal (an element or a member's value)
    kElements,    // between the elements of an array of records
    kMembers,     // between the members of a top-level object that is not a record
    kSkipLine,    // after a broken line: skipping to its end
    kStopped,
  };
  /// What the value being scanned (kValue, kString, kScalar) is.
  enum class Purpose { kRecord, kTopObject, kMemberValue, kRestOfObject };
  /// Where a top-level object's member walk stands.
  enum class MemberStep { kKeyOrEnd, kColon, kValue, kCommaOrEnd };

  /// The input's bytes seen in this call: `bytes` start at input offset `offset`.
  struct Window {
    std::string_view bytes;
    std::uint64_t offset = 0;
    std::uint64_t end() const { return offset + bytes.size(); }
    char at(std::uint64_t position) const { return bytes[position - offset]; }
    std::string_view from(std::uint64_t position) const { return bytes.substr(position - offset); }
    std::string_view range(std::uint64_t begin, std::uint64_t end) const {
      return bytes.substr(begin - offset, end - begin);
    }
  };

  bool decide_mode(std::string_view bytes, bool end_of_input);
  // Each step frames as far as the window allows, then returns; frame() calls steps until one
  // makes no progress.
  void step_top(bool end_of_input, std::vector<FrameItem>& out);
  void step_object_peek(bool end_of_input, std::vector<FrameItem>& out);
  void step_value(bool end_of_input, std::vector<FrameItem>& out);
  void step_scalar(bool end_of_input, std::vector<FrameItem>& out);
  void step_elements(bool end_of_input, std::vector<FrameItem>& out);
  void step_members(bool end_of_input, std::vector<FrameItem>& out);
  void step_skip_line();

  void start_value(Purpose purpose, std::uint64_t start, int depth);
  void start_string_or_scalar(char first, Purpose purpose);
  void value_done(std::uint64_t end, std::vector<FrameItem>& out);
  void end_of_top_object(std::uint64_t end, std::vector<FrameItem>& out);
  void emit(FrameItem::Kind kind, std::uint64_t start, std::uint64_t end,
            std::vector<FrameItem>& out);
  void emit_error(std::string message, std::uint64_t offset, std::vector<FrameItem>& out);
  /// A value or structure that cannot go on: in line mode the rest of the line is skipped,
  /// otherwise framing stops.
  void break_off();
  void new_line();

  ReadLimits limits_;
  Window window_;
  Mode mode_ = Mode::kUndecided;
  State state_ = State::kTop;
  std::uint64_t pos_ = 0;     // next byte to look at
  std::uint64_t line_ = 1;    // line of pos_, when line-delimited
  bool line_start_ = true;    // pos_ is at the start of a line (for CloudWatch prefixes)
  bool values_seen_ = false;  // a top-level value was framed
  std::string not_json_;

  // The value being scanned.
  Purpose purpose_ = Purpose::kRecord;
  std::uint64_t value_start_ = 0;
  std::uint64_t value_line_ = 0;
  int depth_ = 0;
  bool oversize_ = false;
  JsonBlockScanner scanner_;

  // The top-level object being walked, and the array of records being read.
  std::uint64_t object_start_ = 0;
  std::uint64_t object_end_ = 0;  // in a full walk: just past the object's `}`
  std::uint64_t object_line_ = 0;
  bool full_walk_ = false;     // the object is in the window whole: walk it to find wrappers
  bool wrapper_seen_ = false;  // one of its members was an array of records
  MemberStep member_step_ = MemberStep::kKeyOrEnd;
  std::string member_key_;                 // the member whose value comes next
  std::vector<std::string> wrapper_keys_;  // wrapper arrays read from this object
  int array_depth_ = 0;                    // 1: a top-level array; 2: a wrapper's array; 0: none
  bool element_expected_ = true;           // after `[` or `,`: an element (or `]`) comes next
};

/// Bytes at the start of an input that starts_as_log_file looks at.
constexpr std::size_t kLogFileStart = 64;
/// Whether an input whose first kLogFileStart bytes (or all, if fewer) are `bytes` starts as
/// CloudTrail writes its log files, `{"Records":[`: the only shape whose records are screened
/// for required literals (see EventReader::set_required_literals).
bool starts_as_log_file(std::string_view bytes);

/// True for the keys whose array holds the records of a top-level object.
bool is_wrapper_key(std::string_view key);

/// The length of a CloudWatch Logs export prefix (`2024-03-01T10:00:00.000Z `) at the start of
/// `text`, or 0 when there is none. `complete` is false when `text` ends too soon to tell.
std::size_t cloudwatch_prefix_length(std::string_view text, bool& complete);

/// Unescapes a JSON string's content (without its quotes); false when it is not valid.
bool unescape_json_string(std::string_view escaped, std::string& out);

}  // namespace trailsift::detail
