// SPDX-License-Identifier: MIT
// The reader walks each JSON document once with simdjson On-Demand: one pass over a record's
// top-level keys picks out the fields of Event and leaves the rest unparsed, which is what makes
// filtering run at the speed of inflation. Input shapes are recognised by their keys, not names.
#include "trailsift/event_reader.hpp"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include <fmt/format.h>

namespace trailsift {
namespace {

namespace od = simdjson::ondemand;

constexpr std::string_view kWhitespace = " \t\r\n";

std::string_view trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(kWhitespace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kWhitespace) - first + 1);
}

/// A line that holds one whole JSON object, as in NDJSON.
bool is_object_line(std::string_view line) {
  line = trim(line);
  return line.size() >= 2 && line.front() == '{' && line.back() == '}';
}

/// One record (or lookup Event) per line: two or more lines, the first holding a whole object,
/// or else the second, so that a bad first line does not hide the rest. A first line that
/// opens a wrapper (`{"Records":[` or `{"Events":[`, with one record per line after it) or
/// ends with `{` or `[` starts a multi-line document instead.
bool looks_line_delimited(std::string_view bytes) {
  std::string_view lines[2];
  std::size_t found = 0;
  for (std::size_t pos = 0; found < 2 && pos < bytes.size();) {
    std::size_t end = bytes.find('\n', pos);
    if (end == std::string_view::npos) end = bytes.size();
    if (!trim(bytes.substr(pos, end - pos)).empty()) lines[found++] = bytes.substr(pos, end - pos);
    pos = end + 1;
  }
  if (found < 2) return false;
  if (is_object_line(lines[0])) return true;
  const std::string_view first = trim(lines[0]);
  const bool opens_document = first.back() == '{' || first.back() == '[' ||
                              first.starts_with(R"({"Records")") || first.starts_with(R"({"Events")");
  return !opens_document && is_object_line(lines[1]);
}

/// The length of the JSON object or array at the start of `text`, found by counting brackets
/// outside strings; npos when it does not close. Used only to split concatenated documents.
std::size_t json_value_length(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if ((c == '}' || c == ']') && --depth == 0) {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

/// The record fields that are plain strings, by JSON key.
constexpr std::array<std::pair<std::string_view, std::string_view Event::*>, 16> kStringFields{{
    {"eventVersion", &Event::event_version},
    {"eventTime", &Event::event_time},
    {"eventSource", &Event::event_source},
    {"eventName", &Event::event_name},
    {"awsRegion", &Event::aws_region},
    {"sourceIPAddress", &Event::source_ip_address},
    {"userAgent", &Event::user_agent},
    {"errorCode", &Event::error_code},
    {"errorMessage", &Event::error_message},
    {"requestID", &Event::request_id},
    {"eventID", &Event::event_id},
    {"eventType", &Event::event_type},
    {"readOnly", &Event::read_only},
    {"managementEvent", &Event::management_event},
    {"recipientAccountId", &Event::recipient_account_id},
    {"eventCategory", &Event::event_category},
}};

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
  bool record_fields = false;   // at least one field of Event, or userIdentity
  bool wrapper = false;         // a Records or Events array (already read)
  bool digest = false;          // digest file keys
  bool has_cloudtrail_event = false;
  std::string_view cloudtrail_event;
  LookupInfo lookup;
};

}  // namespace

struct EventReader::Impl {
  ReadLimits limits;
  ByteBuffer compressed;
  ByteBuffer text;
  ByteBuffer inner_text;  // a lookup Event's CloudTrailEvent string, padded for parsing
  od::parser parser;
  od::parser inner_parser;
  od::document* current_document = nullptr;  // the document `parser` is reading

  // State of the input being read.
  std::string_view name;
  const EventVisitor* visit = nullptr;
  ReadReport* report = nullptr;
  const char* base = nullptr;     // start of the inflated input, for byte offsets
  std::uint64_t record = 0;       // records (or array elements, or lines) seen so far
  std::uint64_t line = 0;         // current line, in line-delimited inputs
  std::uint64_t document_first_record = 0;  // `record` when the current document began
  std::uint64_t foreign_objects = 0;  // objects that are not records
  std::uint64_t digest_objects = 0;   // ... of which digests
  bool stopped = false;
  bool failed = false;            // a syntax error ended the current document

  ReadReport read(std::string_view input_name, std::string_view bytes, const EventVisitor& visitor);
  void read_lines(std::string_view bytes, std::size_t capacity);
  /// Reads one JSON document; returns the offset of data after it, or npos.
  std::size_t read_document(std::string_view json, std::size_t capacity);
  void read_documents(std::string_view bytes, std::size_t capacity);
  simdjson::error_code scan_object(od::object& object, Event& event, ObjectScan& scan,
                                   bool allow_wrapper);
  /// Reads each element: a record or a lookup Event, whichever it says it is.
  simdjson::error_code read_array(od::array& array);
  simdjson::error_code read_element(od::value element);
  void deliver(Event& event, const ObjectScan& scan, std::string_view json);
  void deliver_lookup(const ObjectScan& scan);

  Error error_here(std::string message, const char* location = nullptr) const {
    Error error = make_error(std::string(name), std::move(message));
    if (record > document_first_record) error.record = record;
    if (line > 0) error.line = line;
    if (location && base) error.offset = static_cast<std::uint64_t>(location - base);
    return error;
  }
  void add_error(std::string message, const char* location = nullptr) {
    report->errors.push_back(error_here(std::move(message), location));
  }
  void syntax_error(simdjson::error_code code, std::string_view json) {
    // Where the parser stopped, when it can tell; else where the document starts.
    const char* location = nullptr;
    if (!current_document || current_document->current_location().get(location)) {
      location = json.data();
    }
    add_error(fmt::format("invalid JSON: {}", simdjson::error_message(code)), location);
    failed = true;
  }
};

namespace {

/// A scalar as text: strings unescaped, booleans as "true"/"false", numbers as written,
/// null and containers as empty.
simdjson::error_code scalar_text(od::value value, std::string_view& out) {
  out = {};
  od::json_type type;
  if (auto error = value.type().get(type)) return error;
  switch (type) {
    case od::json_type::string:
      return value.get_string().get(out);
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
    default:
      return simdjson::SUCCESS;  // left unread: the iterator skips it
  }
}

/// Raw JSON of an object or array value; empty for null and scalars.
simdjson::error_code container_json(od::value value, std::string_view& out) {
  out = {};
  od::json_type type;
  if (auto error = value.type().get(type)) return error;
  if (type == od::json_type::object) {
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

simdjson::error_code scan_identity(od::value value, UserIdentity& identity) {
  od::json_type type;
  if (auto error = value.type().get(type)) return error;
  if (type != od::json_type::object) return simdjson::SUCCESS;
  od::object object;
  if (auto error = value.get_object().get(object)) return error;
  for (auto field_result : object) {
    od::field field;
    if (auto error = std::move(field_result).get(field)) return error;
    std::string_view key;
    if (auto error = field.unescaped_key().get(key)) return error;
    for (const auto& [name, member] : kIdentityFields) {
      if (key == name) {
        if (auto error = scalar_text(field.value(), identity.*member)) return error;
        break;
      }
    }
  }
  return simdjson::SUCCESS;
}

bool is_digest_key(std::string_view key) {
  return key == "digestStartTime" || key == "digestEndTime" || key == "logFiles" ||
         key == "digestS3Object" || key == "previousDigestSignature";
}

}  // namespace

simdjson::error_code EventReader::Impl::scan_object(od::object& object, Event& event,
                                                    ObjectScan& scan, bool allow_wrapper) {
  for (auto field_result : object) {
    if (stopped) return simdjson::SUCCESS;
    od::field field;
    if (auto error = std::move(field_result).get(field)) return error;
    std::string_view key;
    if (auto error = field.unescaped_key().get(key)) return error;
    od::value value = field.value();

    bool known = false;
    for (const auto& [field_name, member] : kStringFields) {
      if (key == field_name) {
        if (auto error = scalar_text(value, event.*member)) return error;
        known = true;
        break;
      }
    }
    if (known) {
      scan.record_fields = true;
      continue;
    }
    simdjson::error_code error = simdjson::SUCCESS;
    if (key == "userIdentity") {
      scan.record_fields = true;
      error = scan_identity(value, event.user_identity);
    } else if (key == "resources") {
      error = container_json(value, event.resources_json);
    } else if (key == "requestParameters") {
      error = container_json(value, event.request_parameters_json);
    } else if (allow_wrapper && (key == "Records" || key == "Events")) {
      scan.wrapper = true;
      od::array array;
      if (value.get_array().get(array) == simdjson::SUCCESS) {
        error = read_array(array);
      } else {
        add_error(fmt::format("{} is not an array", key));
      }
    } else if (key == "CloudTrailEvent") {
      scan.has_cloudtrail_event = value.get_string().get(scan.cloudtrail_event) == simdjson::SUCCESS;
    } else if (key == "Username") {
      scan.lookup.has_username = scalar_text(value, scan.lookup.username) == simdjson::SUCCESS &&
                                 !scan.lookup.username.empty();
    } else if (key == "Resources") {
      error = container_json(value, scan.lookup.resources_json);
    } else if (is_digest_key(key)) {
      scan.digest = true;
    }
    if (error) return error;
  }
  return simdjson::SUCCESS;
}

simdjson::error_code EventReader::Impl::read_array(od::array& array) {
  for (auto element : array) {
    if (stopped || failed) break;
    ++record;
    od::value value;
    if (auto error = std::move(element).get(value)) return error;
    if (auto error = read_element(value)) return error;
  }
  return simdjson::SUCCESS;
}

simdjson::error_code EventReader::Impl::read_element(od::value element) {
  od::json_type type;
  if (auto error = element.type().get(type)) return error;
  if (type != od::json_type::object) {
    add_error("not a JSON object");
    ++foreign_objects;
    return simdjson::SUCCESS;
  }
  // The record's text runs from its '{' to just before the token that follows it; finding
  // the end this way saves walking the record twice (object::raw_json() and reset()).
  const char* start = element.raw_json_token().data();
  od::object object;
  if (auto error = element.get_object().get(object)) return error;
  Event event;
  ObjectScan scan;
  if (auto error = scan_object(object, event, scan, false)) return error;
  if (stopped) return simdjson::SUCCESS;
  const char* next = nullptr;
  if (auto error = current_document->current_location().get(next)) return error;
  deliver(event, scan, trim({start, static_cast<std::size_t>(next - start)}));
  return simdjson::SUCCESS;
}

void EventReader::Impl::deliver(Event& event, const ObjectScan& scan, std::string_view json) {
  if (scan.has_cloudtrail_event) {
    deliver_lookup(scan);
  } else if (scan.record_fields) {
    event.json = trim(json);
    event.record = record;
    event.line = line;
    ++report->events;
    if ((*visit)(event) == Visit::kStop) stopped = true;
  } else {
    ++foreign_objects;
    if (scan.digest) ++digest_objects;
    add_error(scan.digest ? "a CloudTrail digest, not a record"
                          : "not a CloudTrail record: it has none of the record fields");
  }
}

void EventReader::Impl::deliver_lookup(const ObjectScan& scan) {
  inner_text.assign(scan.cloudtrail_event);
  od::document document;
  if (auto error = inner_parser.iterate(inner_text.data(), inner_text.size(),
                                        inner_text.capacity() + ByteBuffer::kPadding)
                       .get(document)) {
    add_error(fmt::format("CloudTrailEvent: invalid JSON: {}", simdjson::error_message(error)));
    return;
  }
  od::object object;
  Event event;
  ObjectScan inner_scan;
  simdjson::error_code error = document.get_object().get(object);
  if (!error) error = scan_object(object, event, inner_scan, false);
  if (error) {
    add_error(fmt::format("CloudTrailEvent: invalid JSON: {}", simdjson::error_message(error)));
    return;
  }
  if (!inner_scan.record_fields) {
    ++foreign_objects;
    add_error("CloudTrailEvent: not a CloudTrail record");
    return;
  }
  event.lookup = scan.lookup;
  event.lookup.present = true;
  event.json = trim(inner_text.view());
  event.record = record;
  event.line = line;
  ++report->events;
  if ((*visit)(event) == Visit::kStop) stopped = true;
}

std::size_t EventReader::Impl::read_document(std::string_view json, std::size_t capacity) {
  failed = false;
  od::document document;
  current_document = nullptr;  // only valid while this function runs
  document_first_record = record;
  if (auto error = parser.iterate(json.data(), json.size(), capacity).get(document)) {
    syntax_error(error, json);
    return std::string_view::npos;
  }
  current_document = &document;
  od::json_type type;
  if (auto error = document.type().get(type)) {
    syntax_error(error, json);
    return std::string_view::npos;
  }
  if (type == od::json_type::array) {
    od::array array;
    simdjson::error_code error = document.get_array().get(array);
    if (!error) error = read_array(array);
    if (error) {
      syntax_error(error, json);
      return std::string_view::npos;
    }
  } else if (type == od::json_type::object) {
    od::object object;
    Event event;
    ObjectScan scan;
    simdjson::error_code error = document.get_object().get(object);
    if (!error) error = scan_object(object, event, scan, true);
    if (error) {
      syntax_error(error, json);
      return std::string_view::npos;
    }
    if (!scan.wrapper) {
      ++record;
      deliver(event, scan, json);
    }
  } else {
    report->not_events = "JSON that is neither an object nor an array";
    return std::string_view::npos;
  }
  // In simdjson 3.0 a document has a current location only while tokens are left.
  const char* trailing = nullptr;
  if (stopped || failed || document.current_location().get(trailing) != simdjson::SUCCESS) {
    return std::string_view::npos;
  }
  return static_cast<std::size_t>(trailing - json.data());
}

void EventReader::Impl::read_documents(std::string_view bytes, std::size_t capacity) {
  // Usually one document. Several follow one another when files were concatenated
  // (`zcat *.json.gz |`): each is then split off by its brackets and read on its own.
  const std::size_t first = bytes.find_first_not_of(kWhitespace);
  const std::size_t errors_before = report->errors.size();
  const std::size_t next = read_document(bytes, capacity);
  std::size_t pos = next;
  if (next == std::string_view::npos) {
    // simdjson refuses some concatenations outright (one ending in a scalar, say): if
    // nothing was read and the first document closes early, read them one by one.
    if (!failed || report->events > 0) return;
    const std::size_t length = json_value_length(bytes.substr(first));
    if (length == std::string_view::npos ||
        bytes.find_first_not_of(kWhitespace, first + length) == std::string_view::npos) {
      return;
    }
    report->errors.resize(errors_before);
    pos = first;
  }
  while (pos != std::string_view::npos && !stopped) {
    const std::string_view rest = bytes.substr(pos);
    const std::size_t length = json_value_length(rest);
    if ((rest.front() != '{' && rest.front() != '[') || length == std::string_view::npos) {
      Error error = make_error(std::string(name), "unexpected data after the end of the JSON document");
      error.offset = static_cast<std::uint64_t>(rest.data() - base);
      report->errors.push_back(std::move(error));
      return;
    }
    if (read_document(rest.substr(0, length), capacity - pos) != std::string_view::npos) return;
    const std::size_t skip = rest.find_first_not_of(kWhitespace, length);
    pos = skip == std::string_view::npos ? skip : pos + skip;
  }
}

void EventReader::Impl::read_lines(std::string_view bytes, std::size_t capacity) {
  std::size_t pos = 0;
  while (pos < bytes.size() && !stopped) {
    std::size_t end = bytes.find('\n', pos);
    if (end == std::string_view::npos) end = bytes.size();
    ++line;
    const std::string_view line_text = trim(bytes.substr(pos, end - pos));
    if (!line_text.empty()) {
      const auto offset = static_cast<std::size_t>(line_text.data() - bytes.data());
      read_documents(line_text, capacity - offset);
    }
    pos = end + 1;
  }
}

ReadReport EventReader::Impl::read(std::string_view input_name, std::string_view bytes,
                                   const EventVisitor& visitor) {
  ReadReport result;
  name = input_name;
  visit = &visitor;
  report = &result;
  base = bytes.data();
  record = 0;
  line = 0;
  foreign_objects = 0;
  digest_objects = 0;
  stopped = false;
  failed = false;
  result.bytes = bytes.size();

  std::size_t capacity = bytes.size() + ByteBuffer::kPadding;
  if (bytes.starts_with("\xEF\xBB\xBF")) {  // a UTF-8 byte order mark, as some editors write
    bytes.remove_prefix(3);
    capacity -= 3;
  }
  if (trim(bytes).empty()) return result;
  if (looks_line_delimited(bytes)) {
    read_lines(bytes, capacity);
  } else {
    read_documents(bytes, capacity);
  }
  // An input in which nothing was a record is not an event file at all: say what it is
  // once, instead of an error per object.
  if (result.events == 0 && foreign_objects > 0 && result.errors.size() == foreign_objects) {
    result.errors.clear();
    result.not_events = digest_objects == foreign_objects
                            ? "a CloudTrail digest file"
                            : "JSON without CloudTrail events (no Records, Events or record fields)";
  }
  return result;
}

EventReader::EventReader(ReadLimits limits) : impl_(std::make_unique<Impl>()) {
  impl_->limits = limits;
}
EventReader::~EventReader() = default;
EventReader::EventReader(EventReader&&) noexcept = default;
EventReader& EventReader::operator=(EventReader&&) noexcept = default;

ReadReport EventReader::read_file(const std::string& path, const EventVisitor& visit) {
  Status status = read_input(path, impl_->limits, impl_->compressed, impl_->text);
  if (!status) {
    ReadReport report;
    report.errors.push_back(status.error());
    return report;
  }
  return impl_->read(path, impl_->text.view(), visit);
}

ReadReport EventReader::read_bytes(std::string_view name, std::string_view bytes,
                                   const EventVisitor& visit) {
  if (is_gzip(bytes)) {
    Status status = inflate_gzip(bytes, impl_->limits, impl_->text);
    if (!status) {
      ReadReport report;
      Error error = status.error();
      error.path = std::string(name);
      report.errors.push_back(std::move(error));
      return report;
    }
  } else {
    impl_->text.assign(bytes);
  }
  return impl_->read(name, impl_->text.view(), visit);
}

}  // namespace trailsift
