// SPDX-License-Identifier: MIT
// Two ways through an input, with the same answers:
//
// - Whole: an input of up to ReadLimits::whole_bytes is read into memory and, when it is one
//   clean document (a bucket's log file), walked once by simdjson On-Demand. That is the fast
//   path: one pass over each record's top-level keys picks out the fields of Event and leaves the
//   rest unparsed. At the first problem of any kind it gives up and the input is framed instead.
// - Framed: JsonFramer cuts the text into record values (in chunks, for a large input), which are
//   copied into batches as runs `[r1,r2,...]` and parsed run by run; a run that fails is parsed
//   again record by record, so one bad record costs only itself.
//
// Record numbers come from the framer's count of values in both, so they do not depend on the
// path, the chunk size or the thread that parses a batch.
#include "trailsift/event_reader.hpp"

#include <algorithm>
#include <array>
#include <bitset>
#include <charconv>
#include <cstring>
#include <optional>
#include <utility>

#include <fmt/format.h>
#include <simdjson.h>

#include "json_framer.hpp"
#include "json_scanner.hpp"
#include "literal_search.hpp"
#include "record_batch.hpp"

namespace trailsift {
namespace {

namespace od = simdjson::ondemand;
using detail::BatchItem;
using detail::FrameItem;

constexpr std::string_view kWhitespace = " \t\r\n";

std::string_view trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(kWhitespace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kWhitespace) - first + 1);
}

// Bits of ObjectScan::seen for the keys read besides kEventStringFields.
constexpr int kUserIdentityBit = 16;
constexpr int kResourcesBit = 17;
constexpr int kRequestParametersBit = 18;
constexpr int kResponseElementsBit = 19;

constexpr std::array<std::pair<std::string_view, std::string_view UserIdentity::*>, 7>
    kIdentityFields{{
        {"type", &UserIdentity::type},
        {"principalId", &UserIdentity::principal_id},
        {"arn", &UserIdentity::arn},
        {"accountId", &UserIdentity::account_id},
        {"accessKeyId", &UserIdentity::access_key_id},
        {"userName", &UserIdentity::user_name},
        {"invokedBy", &UserIdentity::invoked_by},
    }};

/// What one pass over an object's keys found besides record fields.
struct ObjectScan {
  bool record_fields = false;                        // at least one field of Event, or userIdentity
  bool wrapper = false;                              // a Records or Events array (already read)
  bool digest = false;                               // digest file keys
  std::uint32_t seen = 0;                            // record keys met, to tell duplicates
  std::string_view duplicate;                        // the first record key met twice
  std::optional<std::string_view> cloudtrail_event;  // lookup-events: the record as a string
  std::optional<std::string_view> message;           // CloudWatch Logs: the record as a string
  std::string_view detail_type;                      // EventBridge
  std::string_view detail;                           // EventBridge: the record, raw
  LookupInfo lookup;
};

/// The index of `key` in kEventStringFields, or -1. The comparisons are unrolled, each with a
/// literal of known length: this runs for every key of every record.
template <std::size_t... I>
int event_string_field(std::string_view key, std::index_sequence<I...>) {
  int found = -1;
  (void)((key == kEventStringFields[I].first && (found = static_cast<int>(I), true)) || ...);
  return found;
}
int event_string_field(std::string_view key) {
  return event_string_field(key, std::make_index_sequence<kEventStringFields.size()>{});
}

/// A scalar as text: strings unescaped, booleans as "true"/"false", numbers as written,
/// null and containers as empty.
simdjson::error_code scalar_text(od::value value, std::string_view& out) {
  out = {};
  od::json_type type;
  if (auto error = value.type().get(type)) return error;
  switch (type) {
    case od::json_type::string: return value.get_string().get(out);
    case od::json_type::boolean: {
      bool flag = false;
      if (auto error = value.get_bool().get(flag)) return error;
      out = flag ? "true" : "false";
      return simdjson::SUCCESS;
    }
    case od::json_type::number: {
      out = trim(value.raw_json_token());
      return simdjson::SUCCESS;
    }
    default: return simdjson::SUCCESS;  // left unread: the iterator skips it
  }
}

/// Raw JSON of an object or array value; empty for null and scalars.
/// Whether the object whose `{` is at `open` starts as JSON says: `}`, or a key and its colon.
/// On-Demand skips an object by counting brackets from its first member on, so one that starts
/// with anything else (`{ec2.amazonaws.com}`) would end where the first bracket closes, earlier
/// than the framer says it does. The input is padded, and simdjson has checked that strings close.
bool object_starts_well(const char* open) {
  const auto skip_blanks = [](const char* at) {
    while (*at == ' ' || *at == '\t' || *at == '\n' || *at == '\r') ++at;
    return at;
  };
  const char* at = skip_blanks(open + 1);
  if (*at == '}') return true;
  if (*at != '"') return false;
  for (++at; *at != '"'; ++at) {
    if (*at == '\\') ++at;
  }
  return *skip_blanks(at + 1) == ':';
}

simdjson::error_code container_json(od::value value, std::string_view& out) {
  out = {};
  od::json_type type;
  if (auto error = value.type().get(type)) return error;
  if (type == od::json_type::object) {
    if (!object_starts_well(value.raw_json_token().data())) return simdjson::TAPE_ERROR;
    od::object object;
    if (auto error = value.get_object().get(object)) return error;
    return object.raw_json().get(out);
  }
  if (type == od::json_type::array) {
    od::array array;
    if (auto error = value.get_array().get(array)) return error;
    return array.raw_json().get(out);
  }
  return simdjson::SUCCESS;
}

/// A key as written, escapes and all. Only blanks and the colon lie between its closing quote and
/// its value (simdjson has checked), so its end is found a step or two back from the value's start,
/// without scanning the key or unescaping it into the parser's buffer: this runs for every key.
std::string_view written_key(od::field& field, od::value& value) {
  const char* start = field.key().raw();
  const char* end = value.raw_json_token().data();
  while (*--end != '"') {
  }
  return {start, static_cast<std::size_t>(end - start)};
}

/// Keys are matched as written. One with an escape (`event\u004eame`) is matched again unescaped,
/// as jq reads it, when it matched nothing as written: no key we look for holds a backslash.
bool may_match_unescaped(std::string_view written_key) {
  return written_key.find('\\') != std::string_view::npos;
}

/// The index of `key` in kIdentityFields, or -1.
int identity_field(std::string_view key) {
  for (std::size_t i = 0; i < kIdentityFields.size(); ++i) {
    if (key == kIdentityFields[i].first) return static_cast<int>(i);
  }
  return -1;
}

simdjson::error_code scan_identity(od::value identity_value, UserIdentity& identity) {
  identity = {};  // a repeated userIdentity replaces the first, as in jq
  od::json_type type;
  if (auto error = identity_value.type().get(type)) return error;
  if (type != od::json_type::object) return simdjson::SUCCESS;
  od::object object;
  if (auto error = identity_value.get_object().get(object)) return error;
  for (auto field_result : object) {
    if (auto error = field_result.error()) return error;
    od::field& field = field_result.value_unsafe();  // checked; copying it costs more than the rest
    od::value& value = field.value();
    std::string_view key = written_key(field, value);
    int index = identity_field(key);
    if (index < 0 && may_match_unescaped(key)) {
      if (auto error = field.unescaped_key().get(key)) return error;
      index = identity_field(key);
    }
    if (index >= 0) {
      if (auto error =
              scalar_text(value, identity.*kIdentityFields[static_cast<std::size_t>(index)].second))
        return error;
    }
  }
  return simdjson::SUCCESS;
}

bool is_digest_key(std::string_view key) {
  return key == "digestStartTime" || key == "digestEndTime" || key == "logFiles" ||
         key == "digestS3Object" || key == "previousDigestSignature";
}

/// A string-valued key that may carry a record inside: lookup-events' CloudTrailEvent, CloudWatch
/// Logs' message, EventBridge's detail-type.
simdjson::error_code optional_string(od::value value, std::optional<std::string_view>& out) {
  std::string_view text;
  if (value.get_string().get(text) == simdjson::SUCCESS) out = text;
  return simdjson::SUCCESS;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

struct EventReader::Impl {
  ReadLimits limits;
  std::vector<std::string> required_literals;  // see set_required_literals
  std::bitset<128> literal_characters;         // the ASCII characters they are made of
  od::parser parser;
  od::parser inner_parser;
  ByteBuffer inner_text;  // a record carried as a string or an EventBridge detail, padded
  RecordBatch framed;     // a whole input that had to be framed after all
  ByteBuffer alone;       // a record parsed on its own, padded
  ByteBuffer spare;       // the last whole input's memory, for the next (see read_all)

  // The read in progress.
  std::string_view name;
  const EventVisitor* visit = nullptr;
  ReadReport* report = nullptr;
  std::uint64_t record = 0;    // the current record's number (0: between records)
  std::uint64_t line = 0;      // its line, for line-delimited inputs
  std::vector<Event> pending;  // the fast path's events, visited once it succeeds
  static constexpr std::size_t kMaxPending = 16384;
  bool stopped = false;
  bool fast_path = false;  // give up at the first problem (see read_whole)
  bool gave_up = false;
  // Where the document being parsed lies in the input, for byte offsets.
  const char* doc_base = nullptr;
  const char* doc_end = nullptr;    // set when a record is a document of its own
  const char* doc_limit = nullptr;  // the end of the document being parsed
  std::uint64_t doc_offset = 0;
  od::document* current_document = nullptr;

  ReadReport read_batch(RecordBatch::Impl& batch, const EventVisitor& visitor);
  ReadReport read_all(InputSplitter& splitter, const EventVisitor& visitor);
  void read_whole(const RecordBatch::Impl& batch);
  /// What the required literals say of `bytes`, a whole input or a batch of a CloudTrail log
  /// file's records (see set_required_literals).
  enum class Screen {
    kParseAll,  // no literals asked for, not a CloudTrail log file, or \u escapes of them
    kNoneHeld,  // none there: no record in `bytes` can match
    kSomeHeld,  // some: only the records that hold one can match
  };
  Screen screen(std::string_view bytes, bool log_file);
  /// kSomeHeld: where the literals are in `bytes`, as [begin, end) in order of their begins.
  std::vector<std::pair<std::size_t, std::size_t>> literal_hits;
  std::size_t next_hit = 0;  // the first of literal_hits not before the record last asked about
  /// Whether bytes [begin, end) of the screened bytes hold a whole literal; asked in order.
  bool holds_literal(std::size_t begin, std::size_t end);
  /// Marks the records of a batch of a log file's records that hold no literal as unparsed.
  void screen_batch(RecordBatch::Impl& batch);
  std::vector<FrameItem> frame_items;  // a whole input framed after all
  bool try_fast_path(std::string_view bytes);
  void read_items(const RecordBatch::Impl& batch);
  void parse_run(const RecordBatch::Impl& batch, std::size_t begin, std::size_t end,
                 const std::vector<std::uint64_t>& numbers);
  void parse_alone(const RecordBatch::Impl& batch, const BatchItem& item);

  simdjson::error_code scan_object(od::object& object, Event& event, ObjectScan& scan,
                                   bool allow_wrapper);
  /// Reads one field of a record (or wrapper) into `event` and `scan`; `known` says whether the
  /// key is one it looks for.
  simdjson::error_code read_field(std::string_view key, od::value& value, Event& event,
                                  ObjectScan& scan, bool allow_wrapper, bool& known);
  simdjson::error_code read_array(od::array& array);
  simdjson::error_code read_element(od::value element, const char* start);
  void deliver(Event& event, const ObjectScan& scan, std::string_view json);
  void deliver_inner(std::string_view text, std::string_view what, const ObjectScan& outer,
                     const char* location);
  void visit_event(Event& event, std::string_view json);

  Error error_here(std::string message, const char* location = nullptr) const {
    Error error = make_error(std::string(name), std::move(message));
    if (record > 0) error.record = record;
    if (line > 0) error.line = line;
    if (location && doc_base)
      error.offset = doc_offset + static_cast<std::uint64_t>(location - doc_base);
    return error;
  }
  void add_error(std::string message, const char* location = nullptr) {
    if (fast_path) {
      gave_up = true;
      return;
    }
    report->errors.push_back(error_here(std::move(message), location));
  }
  void not_a_record(std::string message, const char* location, bool digest = false) {
    if (!fast_path) {
      ++report->foreign_objects;
      if (digest) ++report->digest_objects;
    }
    add_error(std::move(message), location);
  }
  void syntax_error(simdjson::error_code code, const char* start) {
    // Where the parser stopped, when it can tell; else where the value starts.
    const char* location = nullptr;
    if (!current_document || current_document->current_location().get(location)) location = start;
    add_error(fmt::format("invalid JSON: {}", simdjson::error_message(code)), location);
  }
  bool halted() const { return stopped || gave_up; }
};

simdjson::error_code EventReader::Impl::scan_object(od::object& object, Event& event,
                                                    ObjectScan& scan, bool allow_wrapper) {
  for (auto field_result : object) {
    if (halted()) return simdjson::SUCCESS;
    if (auto error = field_result.error()) return error;
    od::field& field = field_result.value_unsafe();  // checked; copying it costs more than the rest
    od::value& value = field.value();
    std::string_view key = written_key(field, value);
    bool known = true;
    if (auto error = read_field(key, value, event, scan, allow_wrapper, known)) return error;
    if (!known && may_match_unescaped(key)) {
      if (auto error = field.unescaped_key().get(key)) return error;
      if (auto error = read_field(key, value, event, scan, allow_wrapper, known)) return error;
    }
  }
  return simdjson::SUCCESS;
}

simdjson::error_code EventReader::Impl::read_field(std::string_view key, od::value& value,
                                                   Event& event, ObjectScan& scan,
                                                   bool allow_wrapper, bool& known) {
  const auto note_key = [&](int bit, std::string_view key_name) {
    const std::uint32_t mask = std::uint32_t{1} << bit;
    if ((scan.seen & mask) && scan.duplicate.empty()) scan.duplicate = key_name;
    scan.seen |= mask;
  };
  if (const int index = event_string_field(key); index >= 0) {
    const auto& [field_name, member] = kEventStringFields[static_cast<std::size_t>(index)];
    note_key(index, field_name);
    scan.record_fields = true;
    return scalar_text(value, event.*member);
  }
  simdjson::error_code error = simdjson::SUCCESS;
  if (key == "userIdentity") {
    scan.record_fields = true;
    note_key(kUserIdentityBit, "userIdentity");
    error = scan_identity(value, event.user_identity);
  } else if (key == "resources") {
    note_key(kResourcesBit, "resources");
    error = container_json(value, event.resources_json);
  } else if (key == "requestParameters") {
    note_key(kRequestParametersBit, "requestParameters");
    error = container_json(value, event.request_parameters_json);
  } else if (key == "responseElements") {
    note_key(kResponseElementsBit, "responseElements");
    error = container_json(value, event.response_elements_json);
  } else if (allow_wrapper && detail::is_wrapper_key(key)) {
    if (scan.wrapper) {
      add_error(fmt::format("a second array of records ('{}') in the same object: both are "
                            "read, but JSON tools such as jq keep only the last",
                            key),
                value.raw_json_token().data());
    }
    scan.wrapper = true;
    od::array array;
    if (value.get_array().get(array) == simdjson::SUCCESS) {
      error = read_array(array);
    } else {
      add_error(fmt::format("{} is not an array", key), value.raw_json_token().data());
    }
  } else if (key == "CloudTrailEvent") {
    error = optional_string(value, scan.cloudtrail_event);
  } else if (key == "message") {
    error = optional_string(value, scan.message);
  } else if (key == "detail-type") {
    std::optional<std::string_view> text;
    error = optional_string(value, text);
    scan.detail_type = text.value_or("");
  } else if (key == "detail") {
    error = container_json(value, scan.detail);
  } else if (key == "Username") {
    scan.lookup.has_username = scalar_text(value, scan.lookup.username) == simdjson::SUCCESS &&
                               !scan.lookup.username.empty();
  } else if (key == "Resources") {
    error = container_json(value, scan.lookup.resources_json);
  } else if (is_digest_key(key)) {
    scan.digest = true;
  } else {
    known = false;
  }
  return error;
}

simdjson::error_code EventReader::Impl::read_array(od::array& array) {
  // Only the fast path reads arrays of records here; framed input comes as runs (parse_run).
  for (auto element : array) {
    if (halted()) break;
    od::value value;
    if (auto error = std::move(element).get(value)) return error;
    ++record;
    ++report->records;
    const char* start = value.raw_json_token().data();
    if (auto error = read_element(value, start)) return error;
  }
  return simdjson::SUCCESS;
}

simdjson::error_code EventReader::Impl::read_element(od::value element, const char* start) {
  od::json_type type;
  if (auto error = element.type().get(type)) return error;
  if (type != od::json_type::object) {
    not_a_record("not a JSON object", start);
    return simdjson::SUCCESS;
  }
  od::object object;
  if (auto error = element.get_object().get(object)) return error;
  Event event;
  ObjectScan scan;
  if (auto error = scan_object(object, event, scan, false)) return error;
  if (halted()) return simdjson::SUCCESS;
  // The record's text runs from its '{' to just before the token that follows it; finding the
  // end this way saves walking the record twice (object::raw_json() and reset()).
  // (In simdjson 3.0 a document has a current location only while tokens are left: a record
  // that is a whole document ends where the document does.)
  const char* next = doc_end;
  if (current_document->current_location().get(next) != simdjson::SUCCESS && !doc_end) {
    return simdjson::OUT_OF_BOUNDS;
  }
  // On malformed input On-Demand can walk off the record: then it is not a record.
  if (next < start || next > doc_limit) return simdjson::TAPE_ERROR;
  const std::string_view json = trim({start, static_cast<std::size_t>(next - start)});
  if (fast_path && json.size() > limits.max_record_bytes) {
    gave_up = true;
    return simdjson::SUCCESS;
  }
  if (!scan.duplicate.empty()) {
    add_error(fmt::format("the key '{}' appears twice: the last value is used, as jq does",
                          scan.duplicate),
              start);
  }
  deliver(event, scan, json);
  return simdjson::SUCCESS;
}

void EventReader::Impl::deliver(Event& event, const ObjectScan& scan, std::string_view json) {
  if (scan.cloudtrail_event) {
    deliver_inner(*scan.cloudtrail_event, "CloudTrailEvent", scan, json.data());
  } else if (scan.record_fields) {
    visit_event(event, json);
  } else if (!scan.detail.empty() && scan.detail_type.ends_with("via CloudTrail")) {
    deliver_inner(scan.detail, "detail", scan, json.data());
  } else if (scan.message && trim(*scan.message).starts_with('{')) {
    deliver_inner(*scan.message, "message", scan, json.data());
  } else if (scan.digest) {
    not_a_record("a CloudTrail digest, not a record", json.data(), true);
  } else {
    not_a_record("not a CloudTrail record: it has none of the record fields", json.data());
  }
}

void EventReader::Impl::visit_event(Event& event, std::string_view json) {
  event.json = trim(json);
  event.record = record;
  event.line = line;
  if (fast_path) {
    // Visited once the whole input has proved clean: the fast path gives up at the first
    // problem, and then the input is read again from the start.
    // Many tiny records would make the list large: the framed path holds none.
    if (pending.size() == kMaxPending) gave_up = true;
    if (!gave_up) pending.push_back(event);
    return;
  }
  ++report->events;
  if ((*visit)(event) == Visit::kStop) {
    stopped = true;
    report->stopped = true;
  }
}

void EventReader::Impl::deliver_inner(std::string_view text, std::string_view what,
                                      const ObjectScan& outer, const char* location) {
  if (fast_path) {  // its views would not outlive the next record: leave it to the framed path
    gave_up = true;
    return;
  }
  // The record is a string (lookup-events, CloudWatch Logs) or a member (EventBridge): parse it
  // on its own, from a padded copy.
  inner_text.assign(text);
  inner_text.pad_with_spaces();
  od::document document;
  od::object object;
  Event event;
  ObjectScan scan;
  simdjson::error_code error = inner_parser
                                   .iterate(inner_text.data(), inner_text.size(),
                                            inner_text.capacity() + ByteBuffer::kPadding)
                                   .get(document);
  if (!error) error = document.get_object().get(object);
  if (!error) error = scan_object(object, event, scan, false);
  if (error) {
    if (what == "message") {  // a log group's other messages are not CloudTrail's
      not_a_record(fmt::format("message: invalid JSON: {}", simdjson::error_message(error)),
                   location);
    } else {
      add_error(fmt::format("{}: invalid JSON: {}", what, simdjson::error_message(error)),
                location);
    }
    return;
  }
  if (!scan.record_fields) {
    not_a_record(fmt::format("{}: not a CloudTrail record", what), location);
    return;
  }
  if (!scan.duplicate.empty()) {
    add_error(fmt::format("{}: the key '{}' appears twice: the last value is used, as jq does",
                          what, scan.duplicate),
              location);
  }
  if (what == "CloudTrailEvent") {
    event.lookup = outer.lookup;
    event.lookup.present = true;
  }
  visit_event(event, inner_text.view());
}

// -- The fast path -------------------------------------------------------------------------------

bool EventReader::Impl::try_fast_path(std::string_view bytes) {
  fast_path = true;
  gave_up = false;
  const ReadReport before = *report;
  std::size_t start = 0;
  if (bytes.starts_with("\xEF\xBB\xBF"))
    start = 3;  // a UTF-8 byte order mark, as some editors write
  doc_base = bytes.data();
  doc_offset = 0;
  doc_limit = bytes.data() + bytes.size();
  od::document document;
  const std::string_view json = bytes.substr(start);
  bool clean =
      !parser.iterate(json.data(), json.size(), json.size() + ByteBuffer::kPadding).get(document);
  if (clean) {
    current_document = &document;
    od::json_type type;
    clean = !document.type().get(type);
    if (clean && type == od::json_type::array) {
      od::array array;
      clean = !document.get_array().get(array) && !read_array(array);
    } else if (clean && type == od::json_type::object) {
      od::object object;
      Event event;
      ObjectScan scan;
      const char* object_start = json.data() + json.find_first_not_of(kWhitespace);
      clean = !document.get_object().get(object) && !scan_object(object, event, scan, true);
      if (clean && !halted() && !scan.wrapper) {
        ++record;
        ++report->records;
        const char* next = nullptr;
        // The document must end here; anything after it is for the framer to read.
        if (document.current_location().get(next) == simdjson::SUCCESS) {
          clean = false;
        } else if (!scan.duplicate.empty()) {
          gave_up = true;
        } else {
          deliver(event, scan, json.substr(static_cast<std::size_t>(object_start - json.data())));
        }
      }
    } else {
      clean = false;
    }
    // In simdjson 3.0 a document has a current location only while tokens are left.
    const char* trailing = nullptr;
    if (clean && document.current_location().get(trailing) == simdjson::SUCCESS) {
      clean = false;
    }
    current_document = nullptr;
  }
  // On-Demand validates only what it reads: a skipped value followed by `":{...}` and one
  // closing bracket too many can pass it. The brackets must balance, as the framer counts them.
  if (clean && !detail::json_brackets_balance(json)) clean = false;
  fast_path = false;
  if (clean && !gave_up) {
    for (Event& event : pending) {
      ++report->events;
      if ((*visit)(event) == Visit::kStop) {
        stopped = true;
        report->stopped = true;
        break;
      }
    }
    pending.clear();
    return true;
  }
  // Nothing was visited: the framer reads the input from the start.
  pending.clear();
  *report = before;
  record = 0;
  gave_up = false;
  return false;
}

void EventReader::Impl::read_whole(const RecordBatch::Impl& batch) {
  const std::string_view bytes = batch.bytes.view();
  if (trim(bytes.starts_with("\xEF\xBB\xBF") ? bytes.substr(3) : bytes).empty()) return;
  const Screen screened = screen(bytes, detail::starts_as_log_file(bytes));
  if (screened == Screen::kNoneHeld) {
    report->unparsed = true;
    return;
  }
  detail::JsonFramer framer(limits);
  std::vector<FrameItem>& items = frame_items;
  items.clear();
  // The framer decides whether the input is line-delimited; only documents take the fast path.
  // A log file that holds a required literal is framed, so that only the records holding one
  // are parsed, as grep prints only the lines that match.
  const bool lines = detail::JsonFramer::looks_line_delimited(bytes, limits);
  if (!lines && screened == Screen::kParseAll && try_fast_path(bytes)) return;
  framer.frame(bytes, 0, true, items);
  RecordBatch::Impl& units = *framed.impl_;
  units.bytes.resize(0);
  units.items.clear();
  units.in_run = false;
  units.name = batch.name;
  units.first_record = 0;
  for (FrameItem& item : items) {
    const bool unparsed = screened == Screen::kSomeHeld && item.kind == FrameItem::Kind::kRecord &&
                          !holds_literal(item.offset, item.offset + item.length);
    units.add(std::move(item), bytes, 0, unparsed);
  }
  units.close_run();
  if (!framer.not_json().empty() && report->records == 0) report->not_events = framer.not_json();
  read_items(units);
}

EventReader::Impl::Screen EventReader::Impl::screen(std::string_view bytes, bool log_file) {
  // Only what CloudTrail delivers: other shapes may hold their records in strings, or not be
  // event files at all, which a skipped parse would not say.
  if (required_literals.empty() || !log_file) return Screen::kParseAll;
  literal_hits.clear();
  next_hit = 0;
  for (const std::string& literal : required_literals) {
    for (std::size_t at = detail::find_literal_ignoring_case(bytes, literal);
         at != std::string_view::npos;
         at = detail::find_literal_ignoring_case(bytes, literal, at + 1)) {
      literal_hits.emplace_back(at, at + literal.size());
    }
  }
  std::sort(literal_hits.begin(), literal_hits.end());
  // A literal may still be there, written with \u escapes (CloudTrail writes some characters,
  // such as '=', that way): not when no escape writes one of its characters.
  for (std::size_t at = detail::find_literal(bytes, "\\u"); at != std::string_view::npos;
       at = detail::find_literal(bytes, "\\u", at + 2)) {
    unsigned code = 0;
    const std::string_view hex = bytes.substr(at + 2, 4);
    if (hex.size() < 4 ||
        std::from_chars(hex.data(), hex.data() + 4, code, 16).ptr != hex.data() + 4) {
      return Screen::kParseAll;  // not an escape after all (an escaped backslash before a u?)
    }
    if (code < literal_characters.size() && literal_characters[code]) return Screen::kParseAll;
  }
  return literal_hits.empty() ? Screen::kNoneHeld : Screen::kSomeHeld;
}

bool EventReader::Impl::holds_literal(std::size_t begin, std::size_t end) {
  while (next_hit < literal_hits.size() && literal_hits[next_hit].first < begin) ++next_hit;
  for (std::size_t i = next_hit; i < literal_hits.size() && literal_hits[i].first < end; ++i) {
    if (literal_hits[i].second <= end) return true;
  }
  return false;
}

void EventReader::Impl::screen_batch(RecordBatch::Impl& batch) {
  const Screen screened = screen(batch.bytes.view(), batch.log_file);
  if (screened == Screen::kParseAll) return;
  for (BatchItem& item : batch.items) {
    if (item.kind == FrameItem::Kind::kRecord && !item.unparsed) {
      item.unparsed =
          screened == Screen::kNoneHeld || !holds_literal(item.pos, item.pos + item.length);
    }
  }
}

// -- Framed input --------------------------------------------------------------------------------

void EventReader::Impl::read_items(const RecordBatch::Impl& batch) {
  // Record numbers of the items, in order (structural errors take none).
  std::vector<std::uint64_t> numbers(batch.items.size(), 0);
  std::uint64_t next_number = batch.first_record;
  for (std::size_t i = 0; i < batch.items.size(); ++i) {
    if (RecordBatch::Impl::counts_as_record(batch.items[i].kind)) numbers[i] = ++next_number;
  }
  for (std::size_t i = 0; i < batch.items.size() && !stopped;) {
    const BatchItem& item = batch.items[i];
    record = numbers[i];
    line = item.line;
    switch (item.kind) {
      case FrameItem::Kind::kRecord: {
        if (item.unparsed) {
          ++report->records;
          ++report->unparsed_records;
          break;
        }
        std::size_t end = i + 1;
        while (end < batch.items.size() && batch.items[end].kind == FrameItem::Kind::kRecord &&
               !batch.items[end].unparsed) {
          ++end;
        }
        parse_run(batch, i, end, numbers);
        i = end;
        continue;
      }
      case FrameItem::Kind::kBroken:
        ++report->records;
        parse_alone(batch, item);
        break;
      case FrameItem::Kind::kOversize: {
        ++report->records;
        Error error =
            make_error(std::string(name),
                       fmt::format("a value of {} is larger than the {} limit on one "
                                   "record (--max-record): skipped",
                                   format_size(item.length), format_size(limits.max_record_bytes)));
        error.record = record;
        if (line > 0) error.line = line;
        error.offset = item.offset;
        report->errors.push_back(std::move(error));
        break;
      }
      case FrameItem::Kind::kError: {
        Error error = *item.error;
        error.path = std::string(name);
        report->errors.push_back(std::move(error));
        break;
      }
    }
    ++i;
  }
  record = 0;
  line = 0;
}

void EventReader::Impl::parse_run(const RecordBatch::Impl& batch, std::size_t begin,
                                  std::size_t end, const std::vector<std::uint64_t>& numbers) {
  const BatchItem& last = batch.items[end - 1];
  const std::size_t run_start = batch.items[begin].pos - 1;  // its '['
  const std::size_t run_end = last.pos + last.length + 1;    // just past its ']'
  const char* base = batch.bytes.data();
  std::size_t next = begin;  // the first item not yet read
  doc_limit = base + run_end;
  od::document document;
  if (!parser
           .iterate(base + run_start, run_end - run_start,
                    batch.bytes.capacity() + ByteBuffer::kPadding - run_start)
           .get(document)) {
    current_document = &document;
    od::array array;
    if (!document.get_array().get(array)) {
      for (auto element : array) {
        if (stopped) break;
        const BatchItem& item = batch.items[next];
        record = numbers[next];
        line = item.line;
        doc_base = base + item.pos;
        doc_offset = item.offset;
        const std::size_t errors_before = report->errors.size();
        const std::uint64_t records_before = report->records;
        const std::uint64_t foreign_before = report->foreign_objects;
        const std::uint64_t digests_before = report->digest_objects;
        od::value value;
        ++report->records;
        simdjson::error_code error = std::move(element).get(value);
        // On-Demand types a scalar by its first byte; one read alone is checked as written, so
        // that `nul` is invalid JSON here as it is in any other cut of the input.
        od::json_type type;
        if (!error) error = value.type().get(type);
        if (!error && type != od::json_type::object) error = simdjson::INCORRECT_TYPE;
        if (!error) error = read_element(value, base + item.pos);
        if (error) {
          // This record is read again on its own, for an error that is its own.
          report->errors.resize(errors_before);
          report->records = records_before;
          report->foreign_objects = foreign_before;
          report->digest_objects = digests_before;
          break;
        }
        ++next;
        if (next == end) break;
      }
    }
    current_document = nullptr;
  }
  for (; next < end && !stopped; ++next) {
    record = numbers[next];
    line = batch.items[next].line;
    ++report->records;
    parse_alone(batch, batch.items[next]);
  }
}

void EventReader::Impl::parse_alone(const RecordBatch::Impl& batch, const BatchItem& item) {
  // A copy, padded with spaces: what follows the record in the batch must not matter.
  alone.assign(batch.bytes.view().substr(item.pos, item.length));
  alone.pad_with_spaces();
  const char* start = alone.data();
  doc_base = start;
  doc_end = start + item.length;
  doc_limit = doc_end;
  doc_offset = item.offset;
  od::document document;
  simdjson::error_code error =
      parser.iterate(start, item.length, alone.capacity() + ByteBuffer::kPadding).get(document);
  if (error) {
    current_document = nullptr;
    syntax_error(error, start);
    return;
  }
  current_document = &document;
  od::json_type type;
  error = document.type().get(type);
  if (!error && type != od::json_type::object) {
    // A scalar or an array where a record should be: checked whole (On-Demand reads no further
    // than it is asked to), then, valid JSON or not, it is not a record.
    simdjson::dom::parser value_parser;
    simdjson::dom::element not_object;
    if (auto invalid = value_parser.parse(start, item.length).get(not_object)) {
      syntax_error(invalid, start);
    } else {
      not_a_record("not a JSON object", start);
    }
    current_document = nullptr;
    doc_end = nullptr;
    return;
  }
  od::value value;
  if (!error) error = document.get_value().get(value);
  if (!error) error = read_element(value, start);
  // Nothing may follow the value but whitespace.
  const char* trailing = nullptr;
  if (!error && !stopped && document.current_location().get(trailing) == simdjson::SUCCESS &&
      !trim({trailing, static_cast<std::size_t>(start + item.length - trailing)}).empty()) {
    add_error("invalid JSON: unexpected data after the value", trailing);
  }
  if (error) syntax_error(error, start);
  current_document = nullptr;
  doc_end = nullptr;
}

ReadReport EventReader::Impl::read_batch(RecordBatch::Impl& batch, const EventVisitor& visitor) {
  ReadReport result;
  name = batch.name;
  visit = &visitor;
  report = &result;
  record = 0;
  line = 0;
  stopped = false;
  gave_up = false;
  fast_path = false;
  doc_base = nullptr;
  result.warnings = batch.warnings;
  result.bytes = batch.inflated_bytes;
  if (batch.whole) {
    read_whole(batch);
  } else {
    screen_batch(batch);
    read_items(batch);
    if (!batch.not_json.empty() && batch.first_record == 0 && result.records == 0) {
      result.not_events = batch.not_json;
    }
  }
  for (Error error : batch.end_errors) {
    error.path = batch.name;
    result.errors.push_back(std::move(error));
  }
  report = nullptr;
  return result;
}

// ---------------------------------------------------------------------------------------------

void ReadReport::append(ReadReport&& next) {
  events += next.events;
  records += next.records;
  bytes += next.bytes;
  for (Error& error : next.errors) errors.push_back(std::move(error));
  for (Error& warning : next.warnings) warnings.push_back(std::move(warning));
  if (not_events.empty()) not_events = std::move(next.not_events);
  foreign_objects += next.foreign_objects;
  digest_objects += next.digest_objects;
  stopped = stopped || next.stopped;
  unparsed = unparsed || next.unparsed;
  unparsed_records += next.unparsed_records;
}

void ReadReport::finish() {
  // An input in which nothing was a record is not an event file at all: say what it is once,
  // instead of an error per object.
  if (events == 0 && foreign_objects > 0 && errors.size() == foreign_objects) {
    errors.clear();
    not_events = digest_objects == foreign_objects
                     ? "a CloudTrail digest file"
                     : "JSON without CloudTrail events (no Records, Events or record fields)";
  }
}

EventReader::EventReader(ReadLimits limits) : impl_(std::make_unique<Impl>()) {
  impl_->limits = limits;
}
EventReader::~EventReader() = default;
EventReader::EventReader(EventReader&&) noexcept = default;
EventReader& EventReader::operator=(EventReader&&) noexcept = default;

ReadReport EventReader::Impl::read_all(InputSplitter& splitter, const EventVisitor& visitor) {
  // A whole input is read into the memory of the last one: no growing as it comes in, and no
  // fresh pages for each file of a bucket mirror.
  splitter.reuse_memory(std::move(spare));
  ReadReport all;
  while (true) {
    RecordBatch batch = splitter.next();
    all.append(read_batch(*batch.impl_, visitor));
    if (batch.impl_->whole) spare = std::move(batch.impl_->bytes);
    if (batch.last() || all.stopped) break;
  }
  all.finish();
  return all;
}

ReadReport EventReader::read_file(const std::string& path, const EventVisitor& visit,
                                  std::string_view name) {
  Result<InputSplitter> splitter = InputSplitter::open(path, impl_->limits, -1, name);
  if (!splitter) {
    ReadReport report;
    report.errors.push_back(splitter.error());
    return report;
  }
  return impl_->read_all(*splitter, visit);
}

ReadReport EventReader::read_bytes(std::string_view name, std::string_view bytes,
                                   const EventVisitor& visit, std::size_t raw_chunk) {
  InputSplitter splitter =
      InputSplitter::from_memory(std::string(name), bytes, impl_->limits, raw_chunk);
  return impl_->read_all(splitter, visit);
}

ReadReport EventReader::read_batch(RecordBatch& batch, const EventVisitor& visit) {
  return impl_->read_batch(*batch.impl_, visit);
}

void EventReader::set_required_literals(std::vector<std::string> literals) {
  impl_->literal_characters.reset();
  for (const std::string& literal : literals) {
    for (const char c : literal) {
      const auto byte = static_cast<unsigned char>(c);
      if (byte >= 128) continue;
      impl_->literal_characters.set(byte);
      if ((byte | 0x20) >= 'a' && (byte | 0x20) <= 'z')
        impl_->literal_characters.set(byte ^ 0x20);  // the other case
    }
  }
  impl_->required_literals = std::move(literals);
}

}  // namespace trailsift
