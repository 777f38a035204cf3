// SPDX-License-Identifier: MIT
// Canonical JSON is written by a small recursive-descent parser over the record's bytes, in one
// pass: strings without escapes (nearly all) are found eight bytes at a time and copied as they
// are, and each object's members are reordered in place when they were not already sorted. It
// validates as it goes (grammar, escapes, surrogates; UTF-8 with simdjson), so that only valid
// JSON has a canonical form. The field differences are then found by walking two canonical
// texts, where a subtree is equal exactly when its bytes are.
#include "trailsift/canonical_json.hpp"

#include <simdjson.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <deque>

#include <fmt/format.h>

#include "json_scanner.hpp"

namespace trailsift {
namespace {

// Deeper documents are refused, as simdjson refuses them: recursion stays bounded.
constexpr std::size_t kMaxDepth = simdjson::DEFAULT_MAX_DEPTH;

/// The canonical text being written. Its appends are inlined, unlike std::string's (an extern
/// template in libstdc++): a record is hundreds of small appends.
class Output {
 public:
  std::size_t size() const { return size_; }
  const char* data() const { return data_.get(); }
  std::string_view view() const { return {data_.get(), size_}; }
  void shrink(std::size_t size) { size_ = std::min(size, size_); }
  void put(char c) {
    room(1);
    data_[size_++] = c;
  }
  void append(const char* bytes, std::size_t count) {
    room(count);
    if (count > 0) std::memcpy(data_.get() + size_, bytes, count);
    size_ += count;
  }
  void append(std::string_view text) { append(text.data(), text.size()); }

  /// Makes room for `count` more bytes, to be written through end() and kept with grow().
  void room(std::size_t count) {
    if (size_ + count > capacity_) reallocate(size_ + count);
  }
  char* end() { return data_.get() + size_; }
  void grow(std::size_t count) { size_ += count; }

 private:
  [[gnu::noinline]] void reallocate(std::size_t needed) {
    const std::size_t capacity = std::max(needed, capacity_ * 2 + 1024);
    auto grown = std::make_unique_for_overwrite<char[]>(capacity);
    if (size_ > 0) std::memcpy(grown.get(), data_.get(), size_);
    data_ = std::move(grown);
    capacity_ = capacity;
  }

  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

bool is_special(unsigned char c) { return c == '"' || c == '\\' || c < 0x20; }

/// The eight bytes at `bytes`, the first in the lowest bits whatever the machine's byte order.
std::uint64_t load_word(const char* bytes) {
  std::uint64_t word;
  std::memcpy(&word, bytes, 8);
  return std::endian::native == std::endian::little ? word : __builtin_bswap64(word);
}

/// How many of the eight bytes of `word` come before the first that is '"', '\\' or a control
/// character; 8 when none is. (SWAR: the lowest flag of each zero-byte test is exact.)
std::size_t plain_bytes(std::uint64_t word) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  auto has_zero = [](std::uint64_t bytes) { return (bytes - kOnes) & ~bytes & kHighs; };
  const std::uint64_t hits = has_zero(word ^ (kOnes * '"')) | has_zero(word ^ (kOnes * '\\')) |
                             ((word - kOnes * 0x20) & ~word & kHighs);
  return static_cast<std::size_t>(std::countr_zero(hits)) / 8;  // 64 / 8 when there are none
}

/// Copies bytes from [pos, end) to `out` up to the first that is '"', '\\' or a control
/// character, several at a time; returns where it stopped. `out` must have room for
/// end - pos + 16.
std::size_t copy_plain(const char* data, std::size_t pos, std::size_t end, char* out) {
  const std::size_t start = pos;
#ifdef __SSE2__  // every x86-64: sixteen bytes a step
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i highest_control = _mm_set1_epi8(0x1F);
  for (; pos + 16 <= end; pos += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + pos));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + (pos - start)), bytes);
    const __m128i special =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash)),
                     _mm_cmpeq_epi8(_mm_min_epu8(bytes, highest_control), bytes));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(special));
    if (mask != 0) return pos + static_cast<std::size_t>(std::countr_zero(mask));
  }
#endif
  for (; pos + 8 <= end; pos += 8) {
    std::memcpy(out + (pos - start), data + pos, 8);  // stored whole; the caller keeps the plain
    const std::size_t plain = plain_bytes(load_word(data + pos));
    if (plain < 8) return pos + plain;
  }
  for (; pos < end && !is_special(static_cast<unsigned char>(data[pos])); ++pos) {
    out[pos - start] = data[pos];
  }
  return pos;
}

/// The first byte in [pos, end) that is '"', '\\' or a control character, or `end`.
std::size_t find_special(const char* data, std::size_t pos, std::size_t end) {
  for (; pos + 8 <= end; pos += 8) {
    const std::size_t plain = plain_bytes(load_word(data + pos));
    if (plain < 8) return pos + plain;
  }
  while (pos < end && !is_special(static_cast<unsigned char>(data[pos]))) ++pos;
  return pos;
}

void append_canonical_string(Output& out, std::string_view text) {
  out.put('"');
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t special = find_special(text.data(), pos, text.size());
    out.append(text.data() + pos, special - pos);
    if (special == text.size()) break;
    const auto c = static_cast<unsigned char>(text[special]);
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default: out.append(fmt::format("\\u{:04x}", c));
    }
    pos = special + 1;
  }
  out.put('"');
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// The largest exponent a canonical number is written with. Beyond it (far beyond any double)
/// a number is refused: its exponent is read saturated, so two numbers could no longer be told
/// apart, and writing it again would not give it back.
constexpr std::int64_t kMaxExponent = 1'000'000'000'000'000;

/// Appends the canonical spelling of the JSON number `token`; the problem when it has none.
std::string_view append_canonical_number(Output& out, std::string_view token) {
  std::size_t i = 0;
  const std::size_t n = token.size();
  const bool negative = i < n && token[i] == '-';
  if (negative) ++i;
  if (i >= n || !is_digit(token[i])) return "an invalid value";
  // The value is `digits` x 10^exponent.
  std::string digits;
  std::int64_t exponent = 0;
  if (token[i] == '0') {
    ++i;
  } else {
    while (i < n && is_digit(token[i])) digits += token[i++];
  }
  if (i < n && token[i] == '.') {
    const std::size_t start = ++i;
    while (i < n && is_digit(token[i])) {
      digits += token[i++];
      --exponent;
    }
    if (i == start) return "an invalid value";
  }
  if (i < n && (token[i] == 'e' || token[i] == 'E')) {
    ++i;
    const bool negative_exponent = i < n && token[i] == '-';
    if (i < n && (token[i] == '-' || token[i] == '+')) ++i;
    if (i >= n || !is_digit(token[i])) return "an invalid value";
    std::int64_t value = 0;
    constexpr std::int64_t kSaturated = 100 * kMaxExponent;  // no overflow, still out of range
    while (i < n && is_digit(token[i]))
      value = std::min(value * 10 + (token[i++] - '0'), kSaturated);
    exponent += negative_exponent ? -value : value;
  }
  if (i != n) return "an invalid value";

  const std::size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) {
    out.put('0');  // every zero, -0 included
    return {};
  }
  const std::size_t last = digits.find_last_not_of('0');
  exponent += static_cast<std::int64_t>(digits.size() - 1 - last);
  digits = digits.substr(first, last - first + 1);

  // JavaScript's Number::toString layout (ECMA-262 7.1.12.1), as RFC 8785 uses it.
  const auto k = static_cast<std::int64_t>(digits.size());
  const std::int64_t point = k + exponent;  // digits before the decimal point
  if (point - 1 > kMaxExponent || point - 1 < -kMaxExponent) return "a number out of range";
  std::string text = negative ? "-" : "";
  if (k <= point && point <= 21) {
    text += digits;
    text.append(static_cast<std::size_t>(point - k), '0');
  } else if (0 < point && point <= 21) {
    text.append(digits, 0, static_cast<std::size_t>(point));
    text += '.';
    text.append(digits, static_cast<std::size_t>(point));
  } else if (-6 < point && point <= 0) {
    text += "0.";
    text.append(static_cast<std::size_t>(-point), '0');
    text += digits;
  } else {
    text += digits[0];
    if (k > 1) {
      text += '.';
      text.append(digits, 1);
    }
    fmt::format_to(std::back_inserter(text), "e{}{}", point - 1 > 0 ? "+" : "-",
                   point - 1 > 0 ? point - 1 : 1 - point);
  }
  out.append(text);
  return {};
}

void append_utf8(std::string& out, std::uint32_t code_point) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

/// The first eight bytes of a key, big-endian, zero-padded: ordering keys by it orders them as
/// their bytes do, except between keys that share the eight, which are compared in full.
std::uint64_t key_prefix(const char* key, std::size_t length) {
  if (length >= 8) {
    std::uint64_t bytes;
    std::memcpy(&bytes, key, 8);
    return std::endian::native == std::endian::little ? __builtin_bswap64(bytes) : bytes;
  }
  std::uint64_t prefix = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    prefix = (prefix << 8) | (i < length ? static_cast<unsigned char>(key[i]) : 0u);
  }
  return prefix;
}

}  // namespace

struct JsonCanonicalizer::Impl {
  /// One member of an object being written: where it is in the output.
  struct Member {
    std::uint64_t prefix;  // of the key text after its opening quote
    std::size_t begin;
    std::size_t key_end;
    std::size_t end;
  };

  Output out;
  std::string text;                         // a string with escapes, unescaped
  std::string members_text;                 // an object's members while they are reordered
  std::deque<std::vector<Member>> members;  // per depth; a deque keeps references valid

  // The document being read.
  std::string_view json;
  std::size_t pos = 0;
  std::string_view problem;

  bool fail(std::string_view what) {
    problem = what;
    return false;
  }
  void skip_whitespace() {
    while (pos < json.size() &&
           (json[pos] == ' ' || json[pos] == '\n' || json[pos] == '\r' || json[pos] == '\t')) {
      ++pos;
    }
  }
  bool expect(char c) {
    skip_whitespace();
    if (pos >= json.size() || json[pos] != c) return false;
    ++pos;
    return true;
  }
  bool value(std::size_t depth);
  bool object(std::size_t depth);
  bool array(std::size_t depth);
  bool string();
  bool escape();
  bool number();
  bool literal(std::string_view word);
  void sort_members(std::vector<Member>& list, std::size_t body);
};

bool JsonCanonicalizer::Impl::value(std::size_t depth) {
  skip_whitespace();
  if (pos >= json.size()) return fail("a value is missing");
  switch (json[pos]) {
    case '{': return object(depth + 1);
    case '[': return array(depth + 1);
    case '"': return string();
    case 't': return literal("true");
    case 'f': return literal("false");
    case 'n': return literal("null");
    default: return number();
  }
}

bool JsonCanonicalizer::Impl::object(std::size_t depth) {
  if (depth > kMaxDepth) return fail("nested too deeply");
  if (members.size() <= depth) members.resize(depth + 1);
  std::vector<Member>& list = members[depth];
  list.clear();
  ++pos;
  out.put('{');
  const std::size_t body = out.size();
  if (expect('}')) {
    out.put('}');
    return true;
  }
  do {
    skip_whitespace();
    if (pos >= json.size() || json[pos] != '"') return fail("a key is missing");
    Member member{0, out.size(), 0, 0};
    if (!string()) return false;
    member.key_end = out.size();
    member.prefix = key_prefix(out.data() + member.begin + 1, member.key_end - member.begin - 1);
    if (!expect(':')) return fail("a colon is missing");
    out.put(':');
    if (!value(depth)) return false;
    member.end = out.size();
    list.push_back(member);
    if (!expect(',')) break;
    out.put(',');
  } while (true);
  if (!expect('}')) return fail("a comma or '}' is missing");
  sort_members(list, body);
  out.put('}');
  return true;
}

void JsonCanonicalizer::Impl::sort_members(std::vector<Member>& list, std::size_t body) {
  const char* data = out.data();
  auto before = [data](const Member& a, const Member& b) {
    if (a.prefix != b.prefix) return a.prefix < b.prefix;
    return std::string_view(data + a.begin, a.key_end - a.begin) <
           std::string_view(data + b.begin, b.key_end - b.begin);
  };
  // Usually the keys are already in order, and each appears once.
  bool in_order = true;
  for (std::size_t i = 1; i < list.size() && in_order; ++i) in_order = before(list[i - 1], list[i]);
  if (in_order) return;
  // A key given twice keeps its last value, as in jq and in what the reader hands out.
  std::stable_sort(list.begin(), list.end(), before);
  std::size_t kept = 0;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i + 1 < list.size() && !before(list[i], list[i + 1])) continue;  // a later one wins
    list[kept++] = list[i];
  }
  list.resize(kept);
  members_text.assign(data + body, out.size() - body);
  out.shrink(body);
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i > 0) out.put(',');
    out.append(members_text.data() + (list[i].begin - body), list[i].end - list[i].begin);
  }
}

bool JsonCanonicalizer::Impl::array(std::size_t depth) {
  if (depth > kMaxDepth) return fail("nested too deeply");
  ++pos;
  out.put('[');
  if (expect(']')) {
    out.put(']');
    return true;
  }
  do {
    if (!value(depth)) return false;
    if (!expect(',')) break;
    out.put(',');
  } while (true);
  if (!expect(']')) return fail("a comma or ']' is missing");
  out.put(']');
  return true;
}

bool JsonCanonicalizer::Impl::string() {
  const std::size_t start = pos;  // the opening quote
  // Copied while it is scanned: without escapes (nearly always) the bytes are canonical already.
  // A canonical string is never longer than the string it comes from.
  out.room(json.size() - start + 16);
  *out.end() = '"';
  pos = copy_plain(json.data(), start + 1, json.size(), out.end() + 1);
  if (pos < json.size() && json[pos] == '"') {
    out.end()[pos - start] = '"';
    ++pos;
    out.grow(pos - start);
    return true;
  }
  text.assign(json.data() + start + 1, pos - start - 1);
  while (pos < json.size()) {
    const char c = json[pos];
    if (c == '"') {
      ++pos;
      append_canonical_string(out, text);
      return true;
    }
    if (static_cast<unsigned char>(c) < 0x20) return fail("a control character in a string");
    if (c == '\\') {
      if (!escape()) return false;
    } else {
      text += c;
      ++pos;
    }
  }
  return fail("a string does not end");
}

bool JsonCanonicalizer::Impl::escape() {
  auto hex4 = [&](std::size_t at, std::uint32_t& value) {
    if (at + 4 > json.size()) return false;
    value = 0;
    for (std::size_t i = at; i < at + 4; ++i) {
      const char c = json[i];
      const int digit = is_digit(c)              ? c - '0'
                        : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                        : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                                 : -1;
      if (digit < 0) return false;
      value = value * 16 + static_cast<std::uint32_t>(digit);
    }
    return true;
  };
  if (pos + 1 >= json.size()) return fail("a string does not end");
  const char kind = json[pos + 1];
  pos += 2;
  switch (kind) {
    case '"':
    case '\\':
    case '/': text += kind; return true;
    case 'b': text += '\b'; return true;
    case 'f': text += '\f'; return true;
    case 'n': text += '\n'; return true;
    case 'r': text += '\r'; return true;
    case 't': text += '\t'; return true;
    case 'u': break;
    default: return fail("an invalid escape");
  }
  std::uint32_t code_point = 0;
  if (!hex4(pos, code_point)) return fail("an invalid \\u escape");
  pos += 4;
  if (code_point >= 0xDC00 && code_point <= 0xDFFF) return fail("a lone surrogate");
  if (code_point >= 0xD800 && code_point <= 0xDBFF) {  // must be followed by its low half
    std::uint32_t low = 0;
    if (pos + 2 > json.size() || json[pos] != '\\' || json[pos + 1] != 'u' || !hex4(pos + 2, low) ||
        low < 0xDC00 || low > 0xDFFF) {
      return fail("a lone surrogate");
    }
    pos += 6;
    code_point = 0x10000 + ((code_point - 0xD800) << 10) + (low - 0xDC00);
  }
  append_utf8(text, code_point);
  return true;
}

bool JsonCanonicalizer::Impl::number() {
  const std::size_t start = pos;
  while (pos < json.size() && (is_digit(json[pos]) || json[pos] == '-' || json[pos] == '+' ||
                               json[pos] == '.' || json[pos] == 'e' || json[pos] == 'E')) {
    ++pos;
  }
  const std::string_view refused = append_canonical_number(out, json.substr(start, pos - start));
  return refused.empty() || fail(refused);
}

bool JsonCanonicalizer::Impl::literal(std::string_view word) {
  if (json.substr(pos, word.size()) != word) return fail("an invalid literal");
  pos += word.size();
  out.append(word);
  return true;
}

JsonCanonicalizer::JsonCanonicalizer() : impl_(std::make_unique<Impl>()) {}
JsonCanonicalizer::~JsonCanonicalizer() = default;
JsonCanonicalizer::JsonCanonicalizer(JsonCanonicalizer&&) noexcept = default;
JsonCanonicalizer& JsonCanonicalizer::operator=(JsonCanonicalizer&&) noexcept = default;

Result<std::string_view> JsonCanonicalizer::canonicalize(std::string_view json) {
  Impl& impl = *impl_;
  impl.out.shrink(0);
  impl.json = json;
  impl.pos = 0;
  impl.skip_whitespace();
  bool ok = false;
  if (!simdjson::validate_utf8(json.data(), json.size())) {
    impl.fail("invalid UTF-8");
  } else if (impl.pos >= json.size() || (json[impl.pos] != '{' && json[impl.pos] != '[')) {
    impl.fail("not an object or an array");
  } else if (impl.value(0)) {
    impl.skip_whitespace();
    ok = impl.pos == json.size() || impl.fail("data after the end");
  }
  if (!ok) {
    return make_error("", fmt::format("invalid JSON: {} (byte {})", impl.problem, impl.pos));
  }
  return impl.out.view();
}

namespace {

/// Where the canonical value that starts at `pos` ends (canonical scalars hold none of `,}]`).
std::size_t value_end(std::string_view text, std::size_t pos) {
  if (pos >= text.size()) return text.size();
  const std::string_view rest = text.substr(pos);
  std::size_t length = 0;
  switch (rest.empty() ? '\0' : rest.front()) {
    case '"': length = detail::json_string_length(rest); break;
    case '{':
    case '[': length = detail::json_container_length(rest); break;
    default: return std::min(text.find_first_of(",}]", pos), text.size());
  }
  return length == 0 ? text.size() : pos + length;
}

struct Entry {
  std::string_view key;  // canonical string, quotes included; empty for array elements
  std::string_view value;
};

/// The members of a canonical object, or the elements of a canonical array.
std::vector<Entry> entries(std::string_view container) {
  std::vector<Entry> list;
  const bool is_object = container.front() == '{';
  std::size_t pos = 1;
  while (pos + 1 < container.size()) {
    Entry entry;
    if (is_object) {
      const std::size_t key_end = value_end(container, pos);
      entry.key = container.substr(pos, key_end - pos);
      pos = key_end + 1;  // the colon
    }
    const std::size_t end = value_end(container, pos);
    entry.value = container.substr(pos, end - pos);
    list.push_back(entry);
    pos = end + 1;  // the comma, or the closing bracket
  }
  return list;
}

int hex_digit(char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; }

/// The text of a canonical string, unescaped.
std::string unescape(std::string_view quoted) {
  std::string text;
  for (std::size_t i = 1; i + 1 < quoted.size(); ++i) {
    char c = quoted[i];
    if (c == '\\' && i + 2 < quoted.size()) {
      c = quoted[++i];
      switch (c) {
        case 'b': c = '\b'; break;
        case 'f': c = '\f'; break;
        case 'n': c = '\n'; break;
        case 'r': c = '\r'; break;
        case 't': c = '\t'; break;
        case 'u':  // canonical strings use \u00xx only, for control characters
          if (i + 5 < quoted.size()) {
            c = static_cast<char>(hex_digit(quoted[i + 3]) * 16 + hex_digit(quoted[i + 4]));
            i += 4;
          }
          break;
        default: break;  // '"' and '\\' stand for themselves
      }
    }
    text += c;
  }
  return text;
}

void diff_values(std::string_view left, std::string_view right, std::string& path,
                 std::vector<FieldDifference>& out) {
  if (left == right) return;
  const bool objects = left.front() == '{' && right.front() == '{';
  const bool arrays = left.front() == '[' && right.front() == '[';
  const std::vector<Entry> left_entries = objects || arrays ? entries(left) : std::vector<Entry>{};
  const std::vector<Entry> right_entries =
      objects || arrays ? entries(right) : std::vector<Entry>{};
  if (!objects && !(arrays && left_entries.size() == right_entries.size())) {
    out.push_back({path, std::string(left), std::string(right)});
    return;
  }
  const std::size_t length = path.size();
  auto descend = [&](const Entry& entry, std::size_t index) {
    if (objects) {
      if (!path.empty()) path += '.';
      path += unescape(entry.key);
    } else {
      path += fmt::format("[{}]", index);
    }
  };
  // Members are sorted by key in both, so one merge pass pairs them.
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < left_entries.size() || j < right_entries.size()) {
    const bool take_left = j == right_entries.size() ||
                           (i < left_entries.size() && left_entries[i].key < right_entries[j].key);
    const bool take_right =
        i == left_entries.size() ||
        (j < right_entries.size() && right_entries[j].key < left_entries[i].key);
    if (take_left) {
      descend(left_entries[i], i);
      out.push_back({path, std::string(left_entries[i].value), std::nullopt});
      ++i;
    } else if (take_right) {
      descend(right_entries[j], j);
      out.push_back({path, std::nullopt, std::string(right_entries[j].value)});
      ++j;
    } else {
      descend(left_entries[i], i);
      diff_values(left_entries[i].value, right_entries[j].value, path, out);
      ++i;
      ++j;
    }
    path.resize(length);
  }
}

}  // namespace

std::vector<FieldDifference> diff_canonical_json(std::string_view left, std::string_view right) {
  std::vector<FieldDifference> out;
  if (left.empty() || right.empty()) {
    if (left != right) out.push_back({"", std::string(left), std::string(right)});
    return out;
  }
  std::string path;
  diff_values(left, right, path, out);
  return out;
}

}  // namespace trailsift
