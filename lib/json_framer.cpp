// SPDX-License-Identifier: MIT
// The framer is a state machine over input offsets, so that a value can be framed across any
// number of windows: each state knows where it resumes, and keep_offset() says which bytes it may
// still look at again. Brackets, quotes and line ends inside values are found 64 bytes at a time
// (JsonBlockScanner); the few bytes between values are looked at one by one.
#include "json_framer.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include <fmt/format.h>

#include "literal_search.hpp"

namespace trailsift::detail {
namespace {

constexpr std::string_view kWhitespace = " \t\r\n";
/// How far after a top-level `{` its first key is looked for before giving up on it being a
/// wrapper.
constexpr std::size_t kPeekLimit = 4096;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(kWhitespace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kWhitespace) - first + 1);
}

bool is_object_line(std::string_view line) {
  line = trim(line);
  return line.size() >= 2 && line.front() == '{' && line.back() == '}';
}

/// Whether `text` holds a control character other than blanks: binary data, not text.
bool has_control_byte(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 && !is_space(c); });
}

/// What a first line that is not JSON looks like, for "holds no CloudTrail events: it ...".
std::string describe_not_json(std::string_view start) {
  // Gzip was inflated already; other compressors are named, so that the user knows what to run.
  static constexpr std::pair<std::string_view, std::string_view> kArchives[] = {
      {"PK\x03\x04", "a zip archive, not JSON or gzip (unzip it first)"},
      {"BZh", "bzip2 data, not JSON or gzip (bunzip2 it first)"},
      {"\xFD\x37zXZ", "xz data, not JSON or gzip (unxz it first)"},
      {"\x28\xB5\x2F\xFD", "zstd data, not JSON or gzip (unzstd it first)"},
  };
  for (const auto& [magic, description] : kArchives) {
    if (start.starts_with(magic)) return std::string(description);
  }
  const std::string_view line = start.substr(0, std::min(start.find('\n'), std::size_t{4096}));
  if (line.starts_with('<')) {
    return "what looks like XML or HTML, not JSON (an S3 error page saved as an object?)";
  }
  if (has_control_byte(line)) return "binary data, not JSON or gzip";
  const char first = line.empty() ? '\0' : line.front();
  if (first == '"' || first == '-' || is_digit(first) || line.starts_with("true") ||
      line.starts_with("false") || line.starts_with("null")) {
    if (std::count(line.begin(), line.end(), ',') < 2) {
      return "JSON that is neither an object nor an array";
    }
  }
  if (std::count(line.begin(), line.end(), ',') >= 2) {
    return "what looks like CSV, not JSON (for the console's download, choose JSON)";
  }
  return "what looks like text, not JSON";
}

/// Whether `rest` holds all that describe_not_json() looks at (its first line, up to 4096
/// bytes): describing less would depend on where the input was cut.
bool describable(std::string_view rest, bool end_of_input) {
  return end_of_input || rest.size() >= 4096 || rest.find('\n') != std::string_view::npos;
}

/// Whether `c` can be the first character of a JSON value (or of a CloudWatch Logs line).
bool starts_json_value(char c) {
  return c == '{' || c == '[' || c == '"' || c == '-' || is_digit(c) || c == 't' || c == 'f' ||
         c == 'n';
}

/// Whether `next`, the first character after an opening bracket, can follow it in JSON.
bool opens_json_value(char bracket, char next) {
  if (bracket == '{') return next == '"' || next == '}';
  return next == ']' || starts_json_value(next);
}

/// Where the first key of an object starting at text[0] == '{' names a wrapper and its value opens
/// an array: the offset just after that `[`, or 0. `complete` is false when `text` ends too soon.
std::size_t wrapper_array_start(std::string_view text, bool& complete, std::string* key_out) {
  complete = true;
  std::size_t p = 1;
  const auto skip_space = [&] {
    while (p < text.size() && is_space(text[p])) ++p;
    return p < text.size();
  };
  if (!skip_space()) {
    complete = text.size() >= kPeekLimit;
    return 0;
  }
  if (text[p] != '"') return 0;
  const std::size_t length = json_string_length(text.substr(p, kPeekLimit));
  if (length == 0) {
    complete = text.size() - p >= kPeekLimit;
    return 0;
  }
  std::string key;
  if (!unescape_json_string(text.substr(p + 1, length - 2), key) || !is_wrapper_key(key)) return 0;
  p += length;
  if (!skip_space()) {
    complete = false;
    return 0;
  }
  if (text[p++] != ':') return 0;
  if (!skip_space()) {
    complete = false;
    return 0;
  }
  if (text[p] != '[') return 0;
  if (key_out) *key_out = std::move(key);
  return p + 1;
}

}  // namespace

bool starts_as_log_file(std::string_view bytes) {
  std::string_view start = bytes.substr(0, kLogFileStart);
  if (start.starts_with("\xEF\xBB\xBF")) start.remove_prefix(3);
  start = trim(start);
  return start.starts_with("{\"Records\":[") || start.starts_with("{\"Records\" : [");
}

bool is_wrapper_key(std::string_view key) {
  return key == "Records" || key == "Events" || key == "events" || key == "logEvents";
}

std::size_t cloudwatch_prefix_length(std::string_view text, bool& complete) {
  // YYYY-MM-DDTHH:MM:SS, optional fraction, Z, then a space.
  constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd";
  complete = true;
  std::size_t p = 0;
  for (; p < kShape.size(); ++p) {
    if (p == text.size()) {
      complete = false;
      return 0;
    }
    if (kShape[p] == 'd' ? !is_digit(text[p]) : text[p] != kShape[p]) return 0;
  }
  if (p < text.size() && text[p] == '.') {
    ++p;
    while (p < text.size() && is_digit(text[p]) && p < 40) ++p;
  }
  if (p + 1 >= text.size()) {
    complete = false;  // the 'Z' and the space are still to come
    return 0;
  }
  if (text[p] != 'Z' || text[p + 1] != ' ') return 0;
  return p + 2;
}

bool unescape_json_string(std::string_view escaped, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    const char c = escaped[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i == escaped.size()) return false;
    switch (escaped[i]) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        // Only ASCII matters for comparing keys; other code points are kept as a marker that
        // cannot equal any wrapper key.
        if (i + 4 >= escaped.size()) return false;
        unsigned value = 0;
        for (int k = 1; k <= 4; ++k) {
          const char h = escaped[i + k];
          value <<= 4;
          const bool decimal = h >= '0' && h <= '9';
          const char lower = static_cast<char>(h | 0x20);
          if (!decimal && (lower < 'a' || lower > 'f')) return false;
          value |= static_cast<unsigned>(decimal ? h - '0' : lower - 'a' + 10);
        }
        out += value < 0x80 ? static_cast<char>(value) : '\x01';
        i += 4;
        break;
      }
      default: return false;
    }
  }
  return true;
}

JsonFramer::JsonFramer(const ReadLimits& limits) : limits_(limits) {}

std::uint64_t JsonFramer::keep_offset() const {
  switch (state_) {
    case State::kObjectPeek: return object_start_;
    case State::kValue:
    case State::kString:
    case State::kScalar:
      if (purpose_ == Purpose::kRecord || purpose_ == Purpose::kTopObject) {
        return oversize_ ? pos_ : value_start_;
      }
      return full_walk_ ? object_start_ : pos_;
    case State::kMembers: return full_walk_ ? object_start_ : pos_;
    default: return mode_ == Mode::kUndecided ? 0 : pos_;
  }
}

bool JsonFramer::decide_mode(std::string_view bytes, bool end_of_input) {
  // The first two non-blank lines decide, as they always have: one whole object per line is
  // line-delimited; a first line that opens a document (or a wrapper, or an array) is not.
  std::size_t p = bytes.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  const std::size_t bom = p;
  const auto too_far = [&](std::size_t at) { return at > limits_.max_record_bytes; };
  const auto decide = [&](Mode mode) {
    mode_ = mode;
    pos_ = bom;
    return true;
  };
  // The first non-blank line.
  const std::size_t first = bytes.find_first_not_of(kWhitespace, p);
  if (first == std::string_view::npos) {
    if (end_of_input || too_far(bytes.size())) return decide(Mode::kDocument);
    return false;
  }
  const char c = bytes[first];
  if (c == '[' || c == '{') {
    // `[INFO] started`, `{'key': 1}`: a bracket that opens no JSON value starts text, not JSON.
    const std::size_t next = bytes.find_first_not_of(kWhitespace, first + 1);
    if (next == std::string_view::npos) {
      if (!end_of_input && !too_far(bytes.size())) return false;
    } else if (!opens_json_value(c, bytes[next])) {
      if (!describable(bytes.substr(first), end_of_input)) return false;
      not_json_ = describe_not_json(bytes.substr(first));
      state_ = State::kStopped;
      return decide(Mode::kDocument);
    }
  }
  if (c == '[') return decide(Mode::kDocument);
  if (is_digit(c)) {
    bool complete = false;
    if (cloudwatch_prefix_length(bytes.substr(first), complete) > 0) return decide(Mode::kLines);
    if (!complete && !end_of_input) return false;
  }
  if (c == '{') {
    bool complete = false;
    if (wrapper_array_start(bytes.substr(first), complete, nullptr) > 0)
      return decide(Mode::kDocument);
    if (!complete && !end_of_input) return false;
  }
  const std::size_t first_end = bytes.find('\n', first);
  // Binary data (control bytes) on a first line that cannot start a JSON value and runs on
  // past what describe_not_json() reads is not JSON whatever follows it: waiting for the line's
  // end would hold a decompression bomb's zeros in memory. (A long line of text still waits:
  // records may follow it.)
  const std::size_t first_length = std::min(first_end, bytes.size()) - first;
  if (!starts_json_value(c) && first_length >= kPeekLimit &&
      has_control_byte(bytes.substr(first, kPeekLimit))) {
    return decide(Mode::kDocument);
  }
  if (first_end == std::string_view::npos) {
    if (end_of_input || too_far(bytes.size())) return decide(Mode::kDocument);
    return false;
  }
  const std::string_view line1 = trim(bytes.substr(first, first_end - first));
  const std::size_t second = bytes.find_first_not_of(kWhitespace, first_end);
  if (second == std::string_view::npos) {
    if (end_of_input || too_far(bytes.size())) return decide(Mode::kDocument);
    return false;
  }
  if (is_object_line(line1)) return decide(Mode::kLines);
  if (line1.back() == '{' || line1.back() == '[') return decide(Mode::kDocument);
  std::size_t second_end = bytes.find('\n', second);
  if (second_end == std::string_view::npos) {
    if (!end_of_input && !too_far(bytes.size())) return false;
    second_end = bytes.size();
  }
  return decide(is_object_line(bytes.substr(second, second_end - second)) ? Mode::kLines
                                                                          : Mode::kDocument);
}

bool JsonFramer::looks_line_delimited(std::string_view bytes, const ReadLimits& limits) {
  JsonFramer framer(limits);
  framer.decide_mode(bytes, true);
  return framer.mode_ == Mode::kLines;
}

void JsonFramer::frame(std::string_view bytes, std::uint64_t window_offset, bool end_of_input,
                       std::vector<FrameItem>& out) {
  window_ = {bytes, window_offset};
  if (mode_ == Mode::kUndecided && !decide_mode(bytes, end_of_input)) return;
  while (state_ != State::kStopped) {
    const std::uint64_t pos_before = pos_;
    const State state_before = state_;
    switch (state_) {
      case State::kTop: step_top(end_of_input, out); break;
      case State::kObjectPeek: step_object_peek(end_of_input, out); break;
      case State::kValue:
      case State::kString: step_value(end_of_input, out); break;
      case State::kScalar: step_scalar(end_of_input, out); break;
      case State::kElements: step_elements(end_of_input, out); break;
      case State::kMembers: step_members(end_of_input, out); break;
      case State::kSkipLine: step_skip_line(); break;
      case State::kStopped: break;
    }
    if (pos_ == pos_before && state_ == state_before) break;  // needs more bytes
  }
}

void JsonFramer::new_line() {
  ++line_;
  line_start_ = true;
}

void JsonFramer::emit(FrameItem::Kind kind, std::uint64_t start, std::uint64_t end,
                      std::vector<FrameItem>& out) {
  FrameItem item;
  item.kind = kind;
  item.offset = start;
  item.length = end - start;
  item.line = mode_ == Mode::kLines ? value_line_ : 0;
  out.push_back(std::move(item));
}

void JsonFramer::emit_error(std::string message, std::uint64_t offset,
                            std::vector<FrameItem>& out) {
  FrameItem item;
  item.kind = FrameItem::Kind::kError;
  item.offset = offset;
  item.line = mode_ == Mode::kLines ? line_ : 0;
  item.error = make_error("", std::move(message));
  item.error->offset = offset;
  if (item.line > 0) item.error->line = item.line;
  out.push_back(std::move(item));
}

void JsonFramer::break_off() {
  array_depth_ = 0;
  full_walk_ = false;
  wrapper_seen_ = false;
  wrapper_keys_.clear();
  state_ = mode_ == Mode::kLines ? State::kSkipLine : State::kStopped;
}

void JsonFramer::start_value(Purpose purpose, std::uint64_t start, int depth) {
  purpose_ = purpose;
  value_start_ = start;
  value_line_ = line_;
  depth_ = depth;
  oversize_ = false;
  scanner_.reset();
  pos_ = start;
  state_ = State::kValue;
}

void JsonFramer::start_string_or_scalar(char first, Purpose purpose) {
  start_value(purpose, pos_, 0);
  state_ = first == '"' ? State::kString : State::kScalar;
}

void JsonFramer::step_top(bool end_of_input, std::vector<FrameItem>& out) {
  while (pos_ < window_.end()) {
    const char c = window_.at(pos_);
    if (c == '\n') {
      ++pos_;
      if (mode_ == Mode::kLines) new_line();
      continue;
    }
    if (is_space(c)) {
      ++pos_;
      continue;
    }
    if (mode_ == Mode::kLines && line_start_ && is_digit(c)) {
      bool complete = false;
      const std::size_t prefix = cloudwatch_prefix_length(window_.from(pos_), complete);
      if (!complete && !end_of_input) return;
      pos_ += prefix;
      line_start_ = false;
      if (prefix > 0) continue;
    }
    line_start_ = false;
    if (c == '{') {
      object_start_ = pos_;
      object_line_ = line_;
      value_line_ = line_;
      state_ = State::kObjectPeek;
      return;
    }
    if (c == '[') {
      values_seen_ = true;
      value_line_ = line_;
      array_depth_ = 1;
      element_expected_ = true;
      ++pos_;
      state_ = State::kElements;
      return;
    }
    if (mode_ == Mode::kDocument) {
      if (!values_seen_ && out.empty()) {
        if (!describable(window_.from(pos_), end_of_input)) return;  // more bytes first
        not_json_ = describe_not_json(window_.from(pos_));
      } else {
        emit_error("unexpected data after the end of the JSON document", pos_, out);
      }
      state_ = State::kStopped;
      return;
    }
    emit_error("invalid JSON: a line must hold a JSON object or array", pos_, out);
    state_ = State::kSkipLine;
    return;
  }
}

void JsonFramer::step_object_peek(bool end_of_input, std::vector<FrameItem>& out) {
  const std::string_view text = window_.from(object_start_);
  bool complete = false;
  std::string key;
  std::size_t array_start = wrapper_array_start(text, complete, &key);
  // A line-delimited value cannot go on past its line.
  if (mode_ == Mode::kLines && array_start > 0 &&
      text.substr(0, array_start).find('\n') != std::string_view::npos) {
    array_start = 0;
  }
  if (array_start > 0) {
    values_seen_ = true;
    wrapper_seen_ = true;
    full_walk_ = false;
    wrapper_keys_ = {key};
    array_depth_ = 2;
    element_expected_ = true;
    pos_ = object_start_ + array_start;
    state_ = State::kElements;
    return;
  }
  if (!complete && !end_of_input) return;
  // Not a wrapper whose array comes first: frame the object whole, then see.
  start_value(Purpose::kTopObject, object_start_, 0);
  value_line_ = object_line_;
  step_value(end_of_input, out);
}

void JsonFramer::step_value(bool end_of_input, std::vector<FrameItem>& out) {
  const bool is_string = state_ == State::kString;
  const bool keeps_bytes = purpose_ == Purpose::kRecord || purpose_ == Purpose::kTopObject;
  while (true) {
    const std::uint64_t available = window_.end() - pos_;
    std::uint64_t length = 64;
    BlockBits bits;
    if (available >= 64) {
      bits = scanner_.scan(window_.bytes.data() + (pos_ - window_.offset));
    } else if (end_of_input) {
      std::array<char, 64> block;
      block.fill(' ');
      std::memcpy(block.data(), window_.bytes.data() + (pos_ - window_.offset), available);
      bits = scanner_.scan(block.data());
      length = available;
    } else {
      return;  // resumes here, with the scanner's state as it was
    }
    const std::uint64_t in_block =
        length == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << length) - 1;
    const std::uint64_t newlines = mode_ == Mode::kLines ? bits.newline & in_block : 0;
    // Most blocks of a record cannot close it: more brackets are open than the block closes, so
    // only their counts matter (as in json_brackets_balance). A short last block is padded with
    // blanks: its counts are those of its bytes.
    std::uint64_t events = 0;
    if (!is_string && newlines == 0 && depth_ > bits.closes) {
      depth_ += bits.opens - bits.closes;
    } else {
      events = ((is_string ? bits.quote : bits.open | bits.close) & in_block) | newlines;
    }
    while (events != 0) {
      const int at = __builtin_ctzll(events);
      const std::uint64_t bit = std::uint64_t{1} << at;
      events &= events - 1;
      if (newlines & bit) {
        // The line ends inside the value: it is broken.
        pos_ += static_cast<std::uint64_t>(at);
        if (keeps_bytes) {
          emit(oversize_ ? FrameItem::Kind::kOversize : FrameItem::Kind::kBroken, value_start_,
               pos_, out);
        } else {
          emit_error("invalid JSON: the line ends inside an object", pos_, out);
        }
        break_off();
        return;
      }
      if (is_string) {
        // The first quote opens the string, the second closes it.
        if (++depth_ == 2) {
          pos_ += static_cast<std::uint64_t>(at) + 1;
          value_done(pos_, out);
          return;
        }
      } else if (bits.open & bit) {
        ++depth_;
      } else if (--depth_ == 0) {
        pos_ += static_cast<std::uint64_t>(at) + 1;
        value_done(pos_, out);
        return;
      }
    }
    pos_ += length;
    if (keeps_bytes && !oversize_ && pos_ - value_start_ > limits_.max_record_bytes)
      oversize_ = true;
    if (length < 64) {
      // The input ends inside the value.
      if (keeps_bytes) {
        emit(oversize_ ? FrameItem::Kind::kOversize : FrameItem::Kind::kBroken, value_start_, pos_,
             out);
      } else {
        emit_error("invalid JSON: the input ends inside an object", pos_, out);
      }
      array_depth_ = 0;
      state_ = State::kStopped;
      return;
    }
  }
}

void JsonFramer::step_scalar(bool end_of_input, std::vector<FrameItem>& out) {
  while (pos_ < window_.end()) {
    const char c = window_.at(pos_);
    // The first byte always belongs to the value: a stray '}' is a value of its own (invalid),
    // and every value moves the framer on.
    if (pos_ > value_start_ && (is_space(c) || c == ',' || c == ']' || c == '}')) {
      value_done(pos_, out);
      return;
    }
    ++pos_;
    if (!oversize_ && pos_ - value_start_ > limits_.max_record_bytes) oversize_ = true;
  }
  if (end_of_input) value_done(pos_, out);
}

void JsonFramer::value_done(std::uint64_t end, std::vector<FrameItem>& out) {
  pos_ = end;
  switch (purpose_) {
    case Purpose::kRecord:
      emit(oversize_ ? FrameItem::Kind::kOversize : FrameItem::Kind::kRecord, value_start_, end,
           out);
      element_expected_ = false;
      state_ = State::kElements;
      return;
    case Purpose::kTopObject: {
      values_seen_ = true;
      if (oversize_) {
        emit(FrameItem::Kind::kOversize, value_start_, end, out);
        state_ = State::kTop;
        return;
      }
      // An object that is not a wrapper by its first key may still be one by a later key. Such
      // keys are rare: walk the members only when the text could hold one (Records, Events,
      // events, logEvents). find_literal, not string_view::find: glibc's stops at every first
      // letter, which made this a third of the time NDJSON took.
      const std::string_view text = window_.range(value_start_, end);
      if (find_literal(text, "Records\"") == std::string_view::npos &&
          find_literal(text, "vents\"") == std::string_view::npos) {
        emit(FrameItem::Kind::kRecord, value_start_, end, out);
        state_ = State::kTop;
        return;
      }
      full_walk_ = true;
      wrapper_seen_ = false;
      wrapper_keys_.clear();
      member_step_ = MemberStep::kKeyOrEnd;
      object_start_ = value_start_;
      object_end_ = end;
      pos_ = value_start_ + 1;
      state_ = State::kMembers;
      return;
    }
    case Purpose::kMemberValue:
      member_step_ = MemberStep::kCommaOrEnd;
      state_ = State::kMembers;
      return;
    case Purpose::kRestOfObject: end_of_top_object(end, out); return;
  }
}

void JsonFramer::end_of_top_object(std::uint64_t end, std::vector<FrameItem>& out) {
  if (full_walk_ && !wrapper_seen_) {
    value_line_ = object_line_;
    emit(FrameItem::Kind::kRecord, object_start_, end, out);
  }
  pos_ = end;
  full_walk_ = false;
  wrapper_seen_ = false;
  wrapper_keys_.clear();
  state_ = State::kTop;
}

void JsonFramer::step_elements(bool end_of_input, std::vector<FrameItem>& out) {
  std::string_view key;  // (not a ?: expression: it would make a std::string that dies at once)
  if (array_depth_ == 2 && !wrapper_keys_.empty()) key = wrapper_keys_.back();
  while (pos_ < window_.end()) {
    const char c = window_.at(pos_);
    if (c == '\n' && mode_ == Mode::kLines) {
      emit_error(key.empty() ? "invalid JSON: the line ends inside an array"
                             : fmt::format("invalid JSON: the line ends inside the {} array", key),
                 pos_, out);
      break_off();
      return;
    }
    if (is_space(c)) {
      ++pos_;
      continue;
    }
    if (c == ']') {
      ++pos_;
      if (array_depth_ == 1) {
        state_ = State::kTop;
      } else {
        member_step_ = MemberStep::kCommaOrEnd;
        state_ = State::kMembers;
      }
      array_depth_ = 0;
      return;
    }
    if (c == ',') {
      if (element_expected_) emit_error("invalid JSON: a ',' where a record should be", pos_, out);
      element_expected_ = true;
      ++pos_;
      continue;
    }
    if (!element_expected_)
      emit_error("invalid JSON: expected ',' or ']' after a record", pos_, out);
    if (c == '{' || c == '[') {
      start_value(Purpose::kRecord, pos_, 0);
    } else {
      start_string_or_scalar(c, Purpose::kRecord);
    }
    return;
  }
  if (end_of_input) {
    emit_error(key.empty() ? "invalid JSON: the input ends inside an array"
                           : fmt::format("invalid JSON: the input ends inside the {} array", key),
               pos_, out);
    array_depth_ = 0;
    state_ = State::kStopped;
  }
}

void JsonFramer::step_members(bool end_of_input, std::vector<FrameItem>& out) {
  // Something is wrong with the object's syntax. An object walked whole that showed no wrapper
  // is handed on as a record, so that the parser says what is wrong; otherwise the rest of the
  // object is skipped.
  const auto syntax_error = [&] {
    if (full_walk_) {
      if (!wrapper_seen_) {
        end_of_top_object(object_end_, out);  // a record after all: the parser will say why not
        return;
      }
      emit_error("invalid JSON in the object around the records", pos_, out);
      end_of_top_object(object_end_, out);
      return;
    }
    emit_error("invalid JSON in the object around the records", pos_, out);
    start_value(Purpose::kRestOfObject, pos_, 1);
  };
  while (pos_ < window_.end()) {
    const char c = window_.at(pos_);
    if (c == '\n' && mode_ == Mode::kLines) {
      emit_error("invalid JSON: the line ends inside an object", pos_, out);
      break_off();
      return;
    }
    if (is_space(c)) {
      ++pos_;
      continue;
    }
    switch (member_step_) {
      case MemberStep::kKeyOrEnd: {
        if (c == '}') {
          end_of_top_object(pos_ + 1, out);
          return;
        }
        if (c != '"') return syntax_error();
        const std::string_view rest = window_.from(pos_);
        const std::size_t length = json_string_length(rest);
        if (length == 0) {
          // A key is held whole while it is read: one longer than a record may be is no key.
          if (end_of_input || rest.size() > limits_.max_record_bytes) return syntax_error();
          return;  // the key is not all here yet
        }
        if (!unescape_json_string(rest.substr(1, length - 2), member_key_)) return syntax_error();
        pos_ += length;
        member_step_ = MemberStep::kColon;
        continue;
      }
      case MemberStep::kColon:
        if (c != ':') return syntax_error();
        ++pos_;
        member_step_ = MemberStep::kValue;
        continue;
      case MemberStep::kValue:
        if (is_wrapper_key(member_key_)) {
          wrapper_seen_ = true;
          if (c == '[') {
            if (!wrapper_keys_.empty()) {
              emit_error(fmt::format("a second array of records ('{}') in the same object: both "
                                     "are read, but JSON tools such as jq keep only the last",
                                     member_key_),
                         pos_, out);
            }
            wrapper_keys_.push_back(member_key_);
            values_seen_ = true;
            array_depth_ = 2;
            element_expected_ = true;
            ++pos_;
            state_ = State::kElements;
            return;
          }
          emit_error(fmt::format("{} is not an array", member_key_), pos_, out);
        }
        if (c == '{' || c == '[') {
          start_value(Purpose::kMemberValue, pos_, 0);
        } else {
          start_string_or_scalar(c, Purpose::kMemberValue);
        }
        return;
      case MemberStep::kCommaOrEnd:
        if (c == ',') {
          ++pos_;
          member_step_ = MemberStep::kKeyOrEnd;
          continue;
        }
        if (c == '}') {
          end_of_top_object(pos_ + 1, out);
          return;
        }
        return syntax_error();
    }
  }
  if (end_of_input) {
    emit_error("invalid JSON: the input ends inside an object", pos_, out);
    state_ = State::kStopped;
  }
}

void JsonFramer::step_skip_line() {
  const std::string_view rest = window_.from(pos_);
  const std::size_t newline = rest.find('\n');
  if (newline == std::string_view::npos) {
    pos_ = window_.end();
    return;
  }
  pos_ += newline + 1;
  new_line();
  state_ = State::kTop;
}

}  // namespace trailsift::detail
