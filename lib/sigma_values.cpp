// SPDX-License-Identifier: MIT
// Sigma values: strings with wildcards, the modifiers that transform them (contains, base64,
// windash, expand...) and those that change how they compare (re, cidr, gt, fieldref...).
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <compare>
#include <utility>

#include <fmt/format.h>
#include <re2/re2.h>

#include "sigma_internal.hpp"
#include "trailsift/time.hpp"

namespace trailsift::sigma {
namespace {

constexpr std::int16_t kAnyOne = -1;  // '?': one character
constexpr std::int16_t kAnyRun = -2;  // '*': any characters
/// A field whose values expand (windash, expand, base64offset) into more than this is refused.
constexpr std::size_t kMaxValues = 4096;

std::string folded(std::string_view text) { return ascii_lowercase(text); }

/// `literal` is folded already when the comparison ignores case.
bool equal_at(std::string_view text, std::size_t pos, std::string_view literal, bool cased) {
  if (pos > text.size() || text.size() - pos < literal.size()) return false;
  if (cased) return text.compare(pos, literal.size(), literal) == 0;
  for (std::size_t i = 0; i < literal.size(); ++i) {
    if (fold(static_cast<unsigned char>(text[pos + i])) != static_cast<unsigned char>(literal[i])) {
      return false;
    }
  }
  return true;
}

bool contains_at_any(std::string_view text, std::string_view literal, bool cased) {
  if (cased) return text.find(literal) != std::string_view::npos;
  if (literal.empty()) return true;
  for (std::size_t pos = 0; pos + literal.size() <= text.size(); ++pos) {
    if (fold(static_cast<unsigned char>(text[pos])) == static_cast<unsigned char>(literal[0]) &&
        equal_at(text, pos, literal, false)) {
      return true;
    }
  }
  return false;
}

/// Bytes in the UTF-8 character at `pos` (1 for a byte that does not start a valid one), so
/// that '?' stands for one character, as a person reads it.
std::size_t character_length(std::string_view text, std::size_t pos) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  const std::size_t length = lead < 0xC0   ? 1
                             : lead < 0xE0 ? 2
                             : lead < 0xF0 ? 3
                             : lead < 0xF8 ? 4
                                           : 1;
  if (pos + length > text.size()) return 1;
  for (std::size_t i = 1; i < length; ++i) {
    if ((static_cast<unsigned char>(text[pos + i]) & 0xC0) != 0x80) return 1;
  }
  return length;
}

/// Wildcard matching that backtracks to the last '*' only: linear space and at worst
/// O(pattern x text) time, never exponential.
bool glob_matches(const std::vector<std::int16_t>& program, std::string_view text, bool cased) {
  std::size_t p = 0, t = 0;
  std::size_t star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < program.size()) {
      const std::int16_t op = program[p];
      if (op == kAnyRun) {
        star_p = ++p;
        star_t = t;
        continue;
      }
      if (op == kAnyOne) {
        ++p;
        t += character_length(text, t);
        continue;
      }
      const auto c = static_cast<unsigned char>(text[t]);
      if (op == (cased ? c : fold(c))) {
        ++p;
        ++t;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p;
    star_t += character_length(text, star_t);
    t = star_t;
  }
  while (p < program.size() && program[p] == kAnyRun) ++p;
  return p == program.size();
}

void append_text(SigmaString& value, std::string_view text) {
  if (text.empty()) return;
  if (!value.empty() && value.back().kind == Piece::Kind::kText) {
    value.back().text += text;
  } else {
    value.push_back({Piece::Kind::kText, std::string(text)});
  }
}

void append_piece(SigmaString& value, const Piece& piece) {
  if (piece.kind == Piece::Kind::kText) {
    append_text(value, piece.text);
  } else if (piece.kind != Piece::Kind::kStar || value.empty() ||
             value.back().kind != Piece::Kind::kStar) {
    value.push_back(piece);  // runs of '*' are one '*'
  }
}

bool is_plain(const SigmaString& value) {
  return std::all_of(value.begin(), value.end(),
                     [](const Piece& piece) { return piece.kind == Piece::Kind::kText; });
}

std::string plain_text(const SigmaString& value) {
  std::string text;
  for (const Piece& piece : value) text += piece.text;
  return text;
}

// --- Transformations -------------------------------------------------------------------------

using Values = std::vector<SigmaString>;

Result<Values> expand_placeholders(const Values& values, const SigmaPlaceholders& placeholders) {
  Values out;
  for (const SigmaString& value : values) {
    Values variants = {{}};
    for (const Piece& piece : value) {
      if (piece.kind != Piece::Kind::kPlaceholder) {
        for (SigmaString& variant : variants) append_piece(variant, piece);
        continue;
      }
      const auto found = placeholders.find(piece.text);
      if (found == placeholders.end() || found->second.empty()) {
        return make_error("", fmt::format("placeholder %{}% has no value (give --placeholder "
                                          "{}=VALUE or a placeholder file)",
                                          piece.text, piece.text));
      }
      Values next;
      for (const SigmaString& variant : variants) {
        for (const std::string& replacement : found->second) {
          SigmaString extended = variant;
          for (const Piece& part : parse_sigma_string(replacement, false))
            append_piece(extended, part);
          next.push_back(std::move(extended));
        }
      }
      if (out.size() + next.size() > kMaxValues) {
        return make_error("", fmt::format("expands to more than {} values", kMaxValues));
      }
      variants = std::move(next);
    }
    std::move(variants.begin(), variants.end(), std::back_inserter(out));
  }
  return out;
}

/// `-` and `/` and the en dash, em dash and horizontal bar, any one for any other.
constexpr std::array<std::string_view, 5> kDashes = {"-", "/", "\u2013", "\u2014", "\u2015"};

std::size_t dash_at(std::string_view text, std::size_t pos) {
  for (std::string_view dash : kDashes) {
    if (text.substr(pos, dash.size()) == dash) return dash.size();
  }
  return 0;
}

Result<Values> windash(const Values& values) {
  Values out;
  for (const SigmaString& value : values) {
    Values variants = {{}};
    for (const Piece& piece : value) {
      if (piece.kind != Piece::Kind::kText) {
        for (SigmaString& variant : variants) append_piece(variant, piece);
        continue;
      }
      std::size_t start = 0;
      for (std::size_t pos = 0; pos < piece.text.size();) {
        const std::size_t length = dash_at(piece.text, pos);
        if (length == 0) {
          ++pos;
          continue;
        }
        const std::string_view before = std::string_view(piece.text).substr(start, pos - start);
        if (variants.size() * kDashes.size() > kMaxValues) {
          return make_error("", fmt::format("windash: expands to more than {} values", kMaxValues));
        }
        Values next;
        for (const SigmaString& variant : variants) {
          for (std::string_view dash : kDashes) {
            SigmaString extended = variant;
            append_text(extended, before);
            append_text(extended, dash);
            next.push_back(std::move(extended));
          }
        }
        variants = std::move(next);
        pos += length;
        start = pos;
      }
      for (SigmaString& variant : variants) {
        append_text(variant, std::string_view(piece.text).substr(start));
      }
    }
    if (out.size() + variants.size() > kMaxValues) {
      return make_error("", fmt::format("windash: expands to more than {} values", kMaxValues));
    }
    std::move(variants.begin(), variants.end(), std::back_inserter(out));
  }
  return out;
}

std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const unsigned n = static_cast<unsigned char>(bytes[i]) << 16 |
                       static_cast<unsigned char>(bytes[i + 1]) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out += kAlphabet[(n >> shift) & 63];
  }
  if (i + 1 == bytes.size()) {
    const unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const unsigned n =
        static_cast<unsigned char>(bytes[i]) << 16 | static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

/// A transformation of a value without wildcards into other plain values.
using PlainTransform = std::function<Result<std::vector<std::string>>(std::string_view)>;

Result<Values> transform_plain(const Values& values, std::string_view name,
                               const PlainTransform& transform) {
  Values out;
  for (const SigmaString& value : values) {
    if (!is_plain(value)) {
      return make_error("", fmt::format("{} cannot encode a value with wildcards", name));
    }
    Result<std::vector<std::string>> encoded = transform(plain_text(value));
    if (!encoded) return encoded.error();
    for (std::string& text : *encoded) out.push_back({{Piece::Kind::kText, std::move(text)}});
  }
  return out;
}

/// The three forms a text takes inside base64, at each offset from a 3-byte boundary, without
/// the characters that depend on its neighbours.
std::vector<std::string> base64_offsets(std::string_view text) {
  std::vector<std::string> forms;
  for (std::size_t shift = 0; shift < 3; ++shift) {
    const std::string encoded = base64(std::string(shift, ' ') + std::string(text));
    constexpr std::size_t kStart[] = {0, 2, 3};
    constexpr std::size_t kEnd[] = {0, 3, 2};  // by (shift + size) % 3
    const std::size_t start = kStart[shift];
    const std::size_t end = kEnd[(shift + text.size()) % 3];
    forms.push_back(encoded.size() > start + end
                        ? encoded.substr(start, encoded.size() - start - end)
                        : std::string());
  }
  return forms;
}

/// UTF-8 to UTF-16 code units; nullopt if the text is not UTF-8.
std::optional<std::u16string> utf16_units(std::string_view text) {
  std::u16string units;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = character_length(text, i);
    const auto lead = static_cast<unsigned char>(text[i]);
    char32_t code = lead;
    if (length == 1 && lead >= 0x80) return std::nullopt;
    if (length > 1) {
      code = lead & (0x7F >> length);
      for (std::size_t k = 1; k < length; ++k) code = code << 6 | (text[i + k] & 0x3F);
    }
    if (code >= 0x10000) {
      code -= 0x10000;
      units += static_cast<char16_t>(0xD800 + (code >> 10));
      units += static_cast<char16_t>(0xDC00 + (code & 0x3FF));
    } else {
      units += static_cast<char16_t>(code);
    }
    i += length;
  }
  return units;
}

Result<std::vector<std::string>> utf16(std::string_view text, bool big_endian,
                                       bool byte_order_mark) {
  const std::optional<std::u16string> units = utf16_units(text);
  if (!units) return make_error("", fmt::format("'{}' is not UTF-8", text));
  std::string bytes = byte_order_mark ? "\xFF\xFE" : "";
  for (const char16_t unit : *units) {
    const char low = static_cast<char>(unit & 0xFF), high = static_cast<char>(unit >> 8);
    bytes += big_endian ? high : low;
    bytes += big_endian ? low : high;
  }
  return std::vector<std::string>{std::move(bytes)};
}

void add_wildcards(Values& values, bool before, bool after) {
  for (SigmaString& value : values) {
    if (before && (value.empty() || value.front().kind != Piece::Kind::kStar)) {
      value.insert(value.begin(), {Piece::Kind::kStar, {}});
    }
    if (after) append_piece(value, {Piece::Kind::kStar, {}});
  }
}

// --- Modifiers -------------------------------------------------------------------------------

/// The modifiers of one key, sorted by what they do.
struct Modifiers {
  std::vector<std::string> transforms;  ///< in the order written
  bool all = false, cased = false, negate = false, expand = false;
  std::string type;  ///< re, cidr, exists, fieldref, a comparison; empty: a string match
  std::string regex_flags;
  TimePart part = TimePart::kNone;
  std::optional<Comparison> comparison;
};

bool is_one_of(std::string_view word, std::initializer_list<std::string_view> words) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

Result<Modifiers> parse_modifiers(const std::vector<std::string_view>& names) {
  Modifiers modifiers;
  auto set_type = [&](std::string_view name) -> Status {
    if (!modifiers.type.empty() && modifiers.type != name) {
      return make_error(
          "", fmt::format("modifiers '{}' and '{}' cannot be combined", modifiers.type, name));
    }
    modifiers.type = name;
    return {};
  };
  constexpr std::pair<std::string_view, TimePart> kParts[] = {
      {"minute", TimePart::kMinute}, {"hour", TimePart::kHour},   {"day", TimePart::kDay},
      {"week", TimePart::kWeek},     {"month", TimePart::kMonth}, {"year", TimePart::kYear}};
  constexpr std::pair<std::string_view, Comparison> kComparisons[] = {
      {"lt", Comparison::kLess},
      {"lte", Comparison::kLessOrEqual},
      {"gt", Comparison::kGreater},
      {"gte", Comparison::kGreaterOrEqual}};
  for (const std::string_view name : names) {
    Status status;
    if (is_one_of(name, {"contains", "startswith", "endswith", "windash", "base64", "base64offset",
                         "utf16le", "utf16be", "utf16", "wide"})) {
      modifiers.transforms.emplace_back(name);
    } else if (name == "all") {
      modifiers.all = true;
    } else if (name == "cased") {
      modifiers.cased = true;
    } else if (name == "neq") {
      modifiers.negate = true;
    } else if (name == "expand") {
      modifiers.expand = true;
    } else if (is_one_of(name, {"i", "m", "s"})) {
      modifiers.regex_flags += name;
    } else if (is_one_of(name, {"re", "cidr", "exists", "fieldref"})) {
      status = set_type(name);
    } else if (const auto* part =
                   std::find_if(std::begin(kParts), std::end(kParts),
                                [&](const auto& entry) { return entry.first == name; });
               part != std::end(kParts)) {
      modifiers.part = part->second;
    } else if (const auto* comparison =
                   std::find_if(std::begin(kComparisons), std::end(kComparisons),
                                [&](const auto& entry) { return entry.first == name; });
               comparison != std::end(kComparisons)) {
      modifiers.comparison = comparison->second;
      status = set_type("comparison");
    } else if (name.empty()) {
      status = make_error("", "empty modifier");
    } else {
      status = make_error("", fmt::format("unsupported modifier '{}'", name));
    }
    if (!status) return status.error();
  }
  if (modifiers.part != TimePart::kNone) {
    if (!modifiers.type.empty() && modifiers.type != "comparison") {
      return make_error(
          "", fmt::format("a time modifier cannot be combined with '{}'", modifiers.type));
    }
    modifiers.type = "comparison";
    if (!modifiers.comparison) modifiers.comparison = Comparison::kEqual;
  }
  if (!modifiers.regex_flags.empty() && modifiers.type != "re") {
    return make_error("", "modifiers 'i', 'm' and 's' go with 're'");
  }
  const bool only_wildcards = std::all_of(
      modifiers.transforms.begin(), modifiers.transforms.end(), [](const std::string& name) {
        return is_one_of(name, {"contains", "startswith", "endswith"});
      });
  if (!modifiers.type.empty() && !modifiers.transforms.empty() &&
      !(modifiers.type == "fieldref" && only_wildcards && modifiers.transforms.size() == 1)) {
    return make_error("", fmt::format("modifier '{}' cannot be combined with '{}'",
                                      modifiers.transforms.front(), modifiers.type));
  }
  if (modifiers.expand && !modifiers.type.empty()) {
    return make_error(
        "", fmt::format("modifier 'expand' cannot be combined with '{}'", modifiers.type));
  }
  return modifiers;
}

Result<ValueTest> compile_typed_value(const Modifiers& modifiers, const RawValue& value) {
  const std::string& text = value.text;
  if (modifiers.type == "re") {
    std::string flags = modifiers.regex_flags;
    std::sort(flags.begin(), flags.end());
    flags.erase(std::unique(flags.begin(), flags.end()), flags.end());
    RE2::Options options;
    options.set_log_errors(false);
    auto regex =
        std::make_shared<const RE2>(flags.empty() ? text : "(?" + flags + ")" + text, options);
    if (!regex->ok()) {
      return make_error("",
                        fmt::format("invalid regular expression '{}': {}", text, regex->error()));
    }
    return ValueTest(RegexTest{std::move(regex)});
  }
  if (modifiers.type == "cidr") {
    const std::optional<IpNetwork> network = parse_ip_network(text);
    if (!network) return make_error("", fmt::format("invalid CIDR block '{}'", text));
    return ValueTest(NetworkTest{*network});
  }
  if (modifiers.type == "comparison") {
    const std::optional<Number> number = parse_number(text);
    if (!number || (modifiers.part != TimePart::kNone && !number->integer)) {
      return make_error("", fmt::format("'{}' is not a number", text));
    }
    return ValueTest(NumberTest{*modifiers.comparison, *number, modifiers.part});
  }
  // fieldref
  const std::optional<FieldPath> path = make_field_path(text);
  if (!path) return make_error("", fmt::format("fieldref: invalid field name '{}'", text));
  FieldRefTest test{*path, FieldRefTest::Shape::kEqual, modifiers.cased};
  if (!modifiers.transforms.empty()) {
    const std::string& shape = modifiers.transforms.front();
    test.shape = shape == "contains"     ? FieldRefTest::Shape::kContains
                 : shape == "startswith" ? FieldRefTest::Shape::kStartsWith
                                         : FieldRefTest::Shape::kEndsWith;
  }
  return ValueTest(std::move(test));
}

Result<Values> apply_transforms(Values values, const Modifiers& modifiers, bool keywords) {
  bool wildcards_added = false;
  for (const std::string& name : modifiers.transforms) {
    Result<Values> next = values;
    if (name == "contains" || name == "startswith" || name == "endswith") {
      add_wildcards(*next, name != "startswith", name != "endswith");
      wildcards_added = true;
    } else if (name == "windash") {
      next = windash(values);
    } else if (name == "base64") {
      next = transform_plain(values, name, [](std::string_view text) {
        return Result<std::vector<std::string>>(std::vector<std::string>{base64(text)});
      });
    } else if (name == "base64offset") {
      next = transform_plain(values, name, [](std::string_view text) {
        return Result<std::vector<std::string>>(base64_offsets(text));
      });
    } else {
      next = transform_plain(values, name, [&](std::string_view text) {
        return utf16(text, name == "utf16be", name == "utf16");
      });
    }
    if (!next) return next.error();
    if (next->size() > kMaxValues) {
      return make_error("", fmt::format("expands to more than {} values", kMaxValues));
    }
    values = std::move(*next);
  }
  // A keyword is looked for anywhere in a string, as full-text search does.
  if (keywords && !wildcards_added) add_wildcards(values, true, true);
  return values;
}

}  // namespace

SigmaString parse_sigma_string(std::string_view text, bool placeholders) {
  SigmaString value;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\' && i + 1 < text.size() &&
        (text[i + 1] == '*' || text[i + 1] == '?' || text[i + 1] == '\\' ||
         (placeholders && text[i + 1] == '%'))) {
      append_text(value, text.substr(++i, 1));
    } else if (c == '*') {
      append_piece(value, {Piece::Kind::kStar, {}});
    } else if (c == '?') {
      value.push_back({Piece::Kind::kOne, {}});
    } else if (c == '%' && placeholders) {
      const std::size_t end = text.find('%', i + 1);
      const std::string_view name =
          end == std::string_view::npos ? std::string_view() : text.substr(i + 1, end - i - 1);
      const bool valid = !name.empty() && std::all_of(name.begin(), name.end(), [](char n) {
        return std::isalnum(static_cast<unsigned char>(n)) || n == '_' || n == '-' || n == '.';
      });
      if (valid) {
        value.push_back({Piece::Kind::kPlaceholder, std::string(name)});
        i = end;
      } else {
        append_text(value, "%");
      }
    } else {
      append_text(value, text.substr(i, 1));
    }
  }
  return value;
}

Pattern::Pattern(const SigmaString& value, bool cased) : cased_(cased) {
  const std::size_t stars =
      static_cast<std::size_t>(std::count_if(value.begin(), value.end(), [](const Piece& piece) {
        return piece.kind == Piece::Kind::kStar;
      }));
  const bool ones = std::any_of(value.begin(), value.end(),
                                [](const Piece& piece) { return piece.kind == Piece::Kind::kOne; });
  const bool star_first = !value.empty() && value.front().kind == Piece::Kind::kStar;
  const bool star_last = !value.empty() && value.back().kind == Piece::Kind::kStar;
  if (!ones && stars == 0) {
    shape_ = Shape::kExact;
  } else if (!ones && stars == 1 && value.size() <= 2 && star_last) {
    shape_ = value.size() == 1 ? Shape::kContains : Shape::kPrefix;
  } else if (!ones && stars == 1 && value.size() == 2 && star_first) {
    shape_ = Shape::kSuffix;
  } else if (!ones && stars == 2 && value.size() == 3 && star_first && star_last) {
    shape_ = Shape::kContains;
  } else {
    shape_ = Shape::kGlob;
  }
  if (shape_ != Shape::kGlob) {
    literal_ = plain_text(value);
    if (!cased_) literal_ = folded(literal_);
    return;
  }
  for (const Piece& piece : value) {
    if (piece.kind == Piece::Kind::kStar) {
      program_.push_back(kAnyRun);
    } else if (piece.kind == Piece::Kind::kOne) {
      program_.push_back(kAnyOne);
    } else {
      for (const char c : piece.text) {
        const auto byte = static_cast<unsigned char>(c);
        program_.push_back(static_cast<std::int16_t>(cased_ ? byte : fold(byte)));
      }
    }
  }
}

bool Pattern::matches(std::string_view text) const {
  switch (shape_) {
    case Shape::kExact:
      return text.size() == literal_.size() && equal_at(text, 0, literal_, cased_);
    case Shape::kPrefix: return equal_at(text, 0, literal_, cased_);
    case Shape::kSuffix:
      return text.size() >= literal_.size() &&
             equal_at(text, text.size() - literal_.size(), literal_, cased_);
    case Shape::kContains: return contains_at_any(text, literal_, cased_);
    case Shape::kGlob: return glob_matches(program_, text, cased_);
  }
  return false;
}

std::optional<Number> parse_number(std::string_view text) {
  if (text.empty() || text.front() == '+') return std::nullopt;
  const char* end = text.data() + text.size();
  Number number;
  std::int64_t integer = 0;
  if (auto [next, error] = std::from_chars(text.data(), end, integer);
      error == std::errc() && next == end) {
    number.integer = integer;
    number.value = static_cast<double>(integer);
    return number;
  }
  if (auto [next, error] = std::from_chars(text.data(), end, number.value);
      error == std::errc() && next == end && std::isfinite(number.value) &&
      (text.front() == '-' || std::isdigit(static_cast<unsigned char>(text.front())))) {
    return number;
  }
  return std::nullopt;
}

bool compare(const Number& left, Comparison comparison, const Number& right) {
  const std::partial_ordering order =
      left.integer && right.integer ? *left.integer <=> *right.integer : left.value <=> right.value;
  switch (comparison) {
    case Comparison::kEqual: return order == 0;
    case Comparison::kLess: return order < 0;
    case Comparison::kLessOrEqual: return order <= 0;
    case Comparison::kGreater: return order > 0;
    case Comparison::kGreaterOrEqual: return order >= 0;
  }
  return false;
}

std::optional<std::int64_t> time_part(std::string_view text, TimePart part) {
  const std::optional<UnixSeconds> time = parse_iso8601(text);
  if (!time) return std::nullopt;
  const std::string utc = format_iso8601(*time);  // YYYY-MM-DDTHH:MM:SSZ
  auto field = [&](std::size_t pos, std::size_t length) {
    std::int64_t value = 0;
    std::from_chars(utc.data() + pos, utc.data() + pos + length, value);
    return value;
  };
  switch (part) {
    case TimePart::kMinute: return field(14, 2);
    case TimePart::kHour: return field(11, 2);
    case TimePart::kDay: return field(8, 2);
    case TimePart::kMonth: return field(5, 2);
    case TimePart::kYear: return field(0, 4);
    case TimePart::kWeek: {
      // ISO 8601: weeks start on Monday; week 1 holds the year's first Thursday.
      const std::int64_t days = (*time >= 0 ? *time : *time - 86399) / 86400;
      const std::int64_t weekday = ((days + 3) % 7 + 7) % 7;  // Monday 0; 1970-01-01 a Thursday
      const std::int64_t thursday = days - weekday + 3;
      const std::string thursday_text = format_iso8601(thursday * 86400);
      const std::optional<UnixSeconds> new_year =
          parse_iso8601(thursday_text.substr(0, 4) + "-01-01T00:00:00Z");
      return (thursday - *new_year / 86400) / 7 + 1;
    }
    case TimePart::kNone: break;
  }
  return std::nullopt;
}

std::optional<FieldPath> make_field_path(std::string_view dotted) {
  FieldPath path;
  path.text = std::string(dotted);
  if (dotted.empty()) return path;
  for (std::size_t start = 0;;) {
    const std::size_t dot = dotted.find('.', start);
    const std::string_view segment = dotted.substr(start, dot - start);
    if (segment.empty()) return std::nullopt;
    path.segments.emplace_back(segment);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  // The fields the reader already holds as text: no need to parse the record for them.
  static constexpr std::pair<std::string_view, std::string_view UserIdentity::*> kIdentity[] = {
      {"type", &UserIdentity::type},
      {"principalId", &UserIdentity::principal_id},
      {"arn", &UserIdentity::arn},
      {"accountId", &UserIdentity::account_id},
      {"accessKeyId", &UserIdentity::access_key_id},
      {"userName", &UserIdentity::user_name},
      {"invokedBy", &UserIdentity::invoked_by},
  };
  if (path.segments.size() == 1) {
    for (const auto& [name, member] : kEventStringFields) {
      if (name == path.segments[0]) path.member = member;
    }
  } else if (path.segments.size() == 2 && path.segments[0] == "userIdentity") {
    for (const auto& [name, member] : kIdentity) {
      if (name == path.segments[1]) path.identity_member = member;
    }
  }
  return path;
}

Result<FieldTest> compile_field_test(std::string_view key, const std::vector<RawValue>& values,
                                     const SigmaPlaceholders& placeholders) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const std::size_t bar = key.find('|', start);
    parts.push_back(key.substr(start, bar - start));
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  const std::string_view field = parts.front();
  auto fail = [&](const std::string& message) {
    return make_error("", fmt::format("'{}': {}", key, message));
  };
  Result<Modifiers> modifiers = parse_modifiers({parts.begin() + 1, parts.end()});
  if (!modifiers) return fail(modifiers.error().message);
  const std::optional<FieldPath> path = make_field_path(field);
  if (!path) return fail("invalid field name");
  const bool keywords = path->segments.empty();
  if (keywords && (!modifiers->type.empty() || modifiers->negate)) {
    return fail("keywords take no '" + (modifiers->negate ? std::string("neq") : modifiers->type) +
                "'");
  }
  if (values.empty()) return fail("no values");

  FieldTest test;
  test.path = *path;
  test.all = modifiers->all;
  test.negate = modifiers->negate;
  if (modifiers->type == "exists") {
    const std::string flag = values.size() == 1 ? folded(values[0].text) : std::string();
    if (flag != "true" && flag != "false") return fail("exists takes true or false");
    test.exists = flag == "true";
    return test;
  }
  Values strings;
  for (const RawValue& value : values) {
    if (value.null) {
      if (keywords) return fail("a keyword cannot be null");
      if (!modifiers->type.empty() || !modifiers->transforms.empty() || modifiers->negate) {
        return fail("null takes no modifiers");
      }
      test.values.emplace_back(NullTest{});
    } else if (!modifiers->type.empty()) {
      Result<ValueTest> typed = compile_typed_value(*modifiers, value);
      if (!typed) return fail(typed.error().message);
      test.values.push_back(std::move(*typed));
    } else {
      strings.push_back(parse_sigma_string(value.text, modifiers->expand));
    }
  }
  if (modifiers->expand) {
    Result<Values> expanded = expand_placeholders(strings, placeholders);
    if (!expanded) return fail(expanded.error().message);
    strings = std::move(*expanded);
  }
  Result<Values> transformed = apply_transforms(std::move(strings), *modifiers, keywords);
  if (!transformed) return fail(transformed.error().message);
  for (const SigmaString& value : *transformed)
    test.values.emplace_back(Pattern(value, modifiers->cased));
  return test;
}

}  // namespace trailsift::sigma
