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
  void read_document(std::string_view json, std::size_t capacity);
  simdjson::error_code scan_object(od::object& object, Event& event, ObjectScan& scan,
                                   bool allow_wrapper);
  simdjson::error_code read_array(od::array& array, bool lookup_events);
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
      od::array array;
      if (value.get_array().get(array) == simdjson::SUCCESS) {
        scan.wrapper = true;
        error = read_array(array, key == "Events");
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

simdjson::error_code EventReader::Impl::read_array(od::array& array, bool lookup_events) {
  (void)lookup_events;  // elements say themselves whether they are records or lookup Events
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
                          : "not a CloudTrail record (no eventName, eventSource, eventID or "
                            "eventTime)");
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

void EventReader::Impl::read_document(std::string_view json, std::size_t capacity) {
  failed = false;
  od::document document;
  current_document = nullptr;  // only valid while this function runs
  document_first_record = record;
  if (auto error = parser.iterate(json.data(), json.size(), capacity).get(document)) {
    return syntax_error(error, json);
  }
  current_document = &document;
  od::json_type type;
  if (auto error = document.type().get(type)) return syntax_error(error, json);
  if (type == od::json_type::array) {
    od::array array;
    simdjson::error_code error = document.get_array().get(array);
    if (!error) error = read_array(array, false);
    if (error) return syntax_error(error, json);
  } else if (type == od::json_type::object) {
    od::object object;
    Event event;
    ObjectScan scan;
    simdjson::error_code error = document.get_object().get(object);
    if (!error) error = scan_object(object, event, scan, true);
    if (error) return syntax_error(error, json);
    if (!scan.wrapper) {
      ++record;
      deliver(event, scan, json);
    }
  } else {
    report->not_events = "JSON that is neither an object nor an array";
    return;
  }
  // In simdjson 3.0 a document has a current location only while tokens are left.
  const char* trailing = nullptr;
  if (!stopped && !failed && document.current_location().get(trailing) == simdjson::SUCCESS) {
    add_error("unexpected data after the end of the JSON document", trailing);
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
      read_document(line_text, capacity - offset);
    }
    pos = end + 1;
  }
}

/// One complete JSON object on the first line and more after it: one record (or lookup Event)
/// per line. A pretty-printed document never has a first line that both opens and closes.
static bool looks_line_delimited(std::string_view bytes) {
  const std::string_view start = bytes.substr(std::min(bytes.size(), bytes.find_first_not_of(kWhitespace)));
  const std::size_t end = start.find('\n');
  if (end == std::string_view::npos) return false;
  const std::string_view first_line = trim(start.substr(0, end));
  return first_line.size() >= 2 && first_line.front() == '{' && first_line.back() == '}' &&
         !trim(start.substr(end)).empty();
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

  const std::size_t capacity = bytes.size() + ByteBuffer::kPadding;
  if (trim(bytes).empty()) return result;
  if (looks_line_delimited(bytes)) {
    read_lines(bytes, capacity);
  } else {
    read_document(bytes, capacity);
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
