// SPDX-License-Identifier: MIT
// Sigma conditions: `and`, `or`, `not`, parentheses, `1 of`/`all of` a pattern or `them`, and
// the older `| count() by field > N` after them; and what the rule index learns from them.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "sigma_internal.hpp"
#include "trailsift/ascii.hpp"

namespace trailsift::sigma {
namespace {

/// Nesting deeper than this is refused rather than risking the stack.
constexpr int kMaxDepth = 64;

bool same_word(std::string_view word, std::string_view keyword) {
  return ascii_equal_ignoring_case(word, keyword);
}

std::vector<std::string_view> tokenize(std::string_view text) {
  std::vector<std::string_view> tokens;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '(' || c == ')') {
      tokens.push_back(text.substr(i++, 1));
    } else {
      const std::size_t start = i;
      while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i])) &&
             text[i] != '(' && text[i] != ')') {
        ++i;
      }
      tokens.push_back(text.substr(start, i - start));
    }
  }
  return tokens;
}

class Parser {
 public:
  Parser(std::vector<std::string_view> tokens, const std::vector<Search>& searches)
      : tokens_(std::move(tokens)), searches_(searches) {}

  Result<Condition> parse() {
    std::optional<Condition> condition = parse_or(0);
    if (condition && pos_ < tokens_.size()) fail(fmt::format("unexpected '{}'", tokens_[pos_]));
    if (!error_.empty()) return make_error("", error_);
    return std::move(*condition);
  }

 private:
  std::string_view peek() const {
    return pos_ < tokens_.size() ? tokens_[pos_] : std::string_view();
  }
  std::nullopt_t fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return std::nullopt;
  }

  static Condition join(Condition::Kind kind, std::vector<Condition> children) {
    if (children.size() == 1) return std::move(children.front());
    Condition node;
    node.kind = kind;
    node.children = std::move(children);
    return node;
  }

  std::optional<Condition> parse_binary(int depth, Condition::Kind kind, std::string_view word) {
    if (depth > kMaxDepth) return fail("the condition nests too deeply");
    const bool is_or = kind == Condition::Kind::kOr;
    std::vector<Condition> children;
    do {
      std::optional<Condition> child =
          is_or ? parse_binary(depth + 1, Condition::Kind::kAnd, "and") : parse_not(depth + 1);
      if (!child) return std::nullopt;
      children.push_back(std::move(*child));
    } while (same_word(peek(), word) && ++pos_);
    return join(kind, std::move(children));
  }

  std::optional<Condition> parse_or(int depth) {
    return parse_binary(depth, Condition::Kind::kOr, "or");
  }

  std::optional<Condition> parse_not(int depth) {
    if (depth > kMaxDepth) return fail("the condition nests too deeply");
    if (!same_word(peek(), "not")) return parse_primary(depth);
    ++pos_;
    std::optional<Condition> child = parse_not(depth + 1);
    if (!child) return std::nullopt;
    Condition node;
    node.kind = Condition::Kind::kNot;
    node.children.push_back(std::move(*child));
    return node;
  }

  std::optional<Condition> parse_primary(int depth) {
    const std::string_view token = peek();
    if (token.empty()) return fail("the condition ends too early");
    ++pos_;
    if (token == "(") {
      std::optional<Condition> inner = parse_or(depth + 1);
      if (!inner) return std::nullopt;
      if (peek() != ")") return fail("a '(' is not closed");
      ++pos_;
      return inner;
    }
    if (token == ")" || same_word(token, "and") || same_word(token, "or") ||
        same_word(token, "of") || same_word(token, "them")) {
      return fail(fmt::format("unexpected '{}'", token));
    }
    if ((token == "1" || same_word(token, "all")) && same_word(peek(), "of")) {
      ++pos_;
      return parse_quantifier(token == "1" ? Condition::Kind::kOr : Condition::Kind::kAnd);
    }
    if (same_word(peek(), "of")) {
      return fail(fmt::format("'{} of' is not Sigma: use '1 of' or 'all of'", token));
    }
    for (std::size_t i = 0; i < searches_.size(); ++i) {
      if (searches_[i].name == token) {
        Condition node;
        node.search = static_cast<std::uint32_t>(i);
        return node;
      }
    }
    return fail(fmt::format("unknown search identifier '{}'", token));
  }

  std::optional<Condition> parse_quantifier(Condition::Kind kind) {
    const std::string_view target = peek();
    if (target.empty() || target == "(" || target == ")")
      return fail("'of' needs a pattern or 'them'");
    ++pos_;
    const bool them = same_word(target, "them");
    const Pattern pattern(parse_sigma_string(target, false), true);
    std::vector<Condition> children;
    for (std::size_t i = 0; i < searches_.size(); ++i) {
      const std::string& name = searches_[i].name;
      // `them` leaves out identifiers starting with '_', by Sigma's convention.
      if (them ? !name.starts_with('_') : pattern.matches(name)) {
        Condition node;
        node.search = static_cast<std::uint32_t>(i);
        children.push_back(std::move(node));
      }
    }
    if (children.empty()) return fail(fmt::format("'{}' names no search identifier", target));
    return join(kind, std::move(children));
  }

  std::vector<std::string_view> tokens_;
  std::size_t pos_ = 0;
  const std::vector<Search>& searches_;
  std::string error_;
};

/// Reads `count([field]) [by field] OP N`.
Result<Aggregation> parse_aggregation(std::string_view text) {
  std::size_t pos = 0;
  auto skip_space = [&] {
    while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos]))) ++pos;
  };
  auto read_word = [&] {
    skip_space();
    const std::size_t start = pos;
    while (pos < text.size() && (std::isalnum(static_cast<unsigned char>(text[pos])) ||
                                 text[pos] == '_' || text[pos] == '.' || text[pos] == '-')) {
      ++pos;
    }
    return text.substr(start, pos - start);
  };
  auto expect = [&](char c) {
    skip_space();
    if (pos < text.size() && text[pos] == c) return ++pos, true;
    return false;
  };
  const std::string_view function = read_word();
  if (same_word(function, "near")) return make_error("", "the 'near' operator is not supported");
  if (!same_word(function, "count")) {
    return make_error("", fmt::format("aggregation '{}' is not supported: only count()", function));
  }
  Aggregation aggregation;
  if (!expect('(')) return make_error("", "count needs '('");
  aggregation.field = read_word();
  if (!expect(')')) return make_error("", "count( is not closed");
  const std::size_t before_by = pos;
  if (same_word(read_word(), "by")) {
    aggregation.group_by = read_word();
    if (aggregation.group_by.empty()) return make_error("", "'by' needs a field");
  } else {
    pos = before_by;
  }
  skip_space();
  constexpr std::pair<std::string_view, Comparison> kOperators[] = {
      {">=", Comparison::kGreaterOrEqual},
      {"<=", Comparison::kLessOrEqual},
      {"==", Comparison::kEqual},
      {">", Comparison::kGreater},
      {"<", Comparison::kLess},
      {"=", Comparison::kEqual}};
  bool found = false;
  for (const auto& [symbol, comparison] : kOperators) {
    if (text.substr(pos).starts_with(symbol)) {
      aggregation.comparison = comparison;
      pos += symbol.size();
      found = true;
      break;
    }
  }
  if (!found) return make_error("", "count() needs a comparison: >, >=, <, <= or ==");
  std::string_view rest = text.substr(pos);
  while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.front())))
    rest.remove_prefix(1);
  while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.back())))
    rest.remove_suffix(1);
  const std::optional<Number> threshold = parse_number(rest);
  if (!threshold || !threshold->integer || *threshold->integer < 0) {
    return make_error("", "count() must be compared with a whole number");
  }
  aggregation.threshold = *threshold->integer;
  return aggregation;
}

// --- The rule index --------------------------------------------------------------------------

using Keys = std::optional<std::vector<std::string>>;

/// The values an event's field must take for `test` to match it; nullopt: any.
Keys test_keys(const FieldTest& test, std::string_view field) {
  if (test.path.text != field || test.negate || test.exists ||
      (test.all && test.values.size() > 1)) {
    return std::nullopt;
  }
  std::vector<std::string> keys;
  for (const ValueTest& value : test.values) {
    const Pattern* pattern = std::get_if<Pattern>(&value);
    if (!pattern || !pattern->exact_text()) return std::nullopt;
    keys.push_back(*pattern->exact_text());
  }
  return keys;
}

Keys both(Keys a, Keys b) {
  if (!a) return b;
  if (!b) return a;
  std::vector<std::string> common;
  for (const std::string& key : *a) {
    if (std::find(b->begin(), b->end(), key) != b->end()) common.push_back(key);
  }
  return common;
}

Keys either(Keys a, Keys b) {
  if (!a || !b) return std::nullopt;
  a->insert(a->end(), b->begin(), b->end());
  return a;
}

IndexKeys search_keys(const Search& search) {
  IndexKeys keys;
  for (std::size_t i = 0; i < search.alternatives.size(); ++i) {
    IndexKeys alternative;
    for (const FieldTest& test : search.alternatives[i]) {
      alternative.names = both(alternative.names, test_keys(test, "eventName"));
      alternative.sources = both(alternative.sources, test_keys(test, "eventSource"));
    }
    keys = i == 0 ? alternative
                  : IndexKeys{either(keys.names, alternative.names),
                              either(keys.sources, alternative.sources)};
  }
  return keys;
}

}  // namespace

Result<ParsedCondition> parse_condition(std::string_view text,
                                        const std::vector<Search>& searches) {
  ParsedCondition parsed;
  const std::size_t pipe = text.find('|');
  if (pipe != std::string_view::npos) {
    Result<Aggregation> aggregation = parse_aggregation(text.substr(pipe + 1));
    if (!aggregation) return aggregation.error();
    parsed.aggregation = std::move(*aggregation);
  }
  Result<Condition> condition = Parser(tokenize(text.substr(0, pipe)), searches).parse();
  if (!condition) return condition.error();
  parsed.condition = std::move(*condition);
  return parsed;
}

IndexKeys index_keys(const Condition& condition, const std::vector<Search>& searches) {
  switch (condition.kind) {
    case Condition::Kind::kSearch: return search_keys(searches[condition.search]);
    case Condition::Kind::kNot: return {};
    case Condition::Kind::kAnd:
    case Condition::Kind::kOr: {
      IndexKeys keys = index_keys(condition.children.front(), searches);
      for (std::size_t i = 1; i < condition.children.size(); ++i) {
        const IndexKeys child = index_keys(condition.children[i], searches);
        if (condition.kind == Condition::Kind::kAnd) {
          keys = {both(keys.names, child.names), both(keys.sources, child.sources)};
        } else {
          keys = {either(keys.names, child.names), either(keys.sources, child.sources)};
        }
      }
      return keys;
    }
  }
  return {};
}

}  // namespace trailsift::sigma
