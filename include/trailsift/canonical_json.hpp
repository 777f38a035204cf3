// SPDX-License-Identifier: MIT
// A canonical form of JSON, so that the same record written by two tools compares equal, and
// the differences between two records, field by field.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "trailsift/result.hpp"

namespace trailsift {

/// Writes JSON objects and arrays in a canonical form, close to RFC 8785 (JCS):
/// - no whitespace outside strings;
/// - object members sorted by their key as written in the canonical form, byte by byte
///   (a repeated key is kept, and its members are sorted by their whole text);
/// - strings unescaped, then written with the fewest escapes: `\"`, `\\`, `\b`, `\f`, `\n`,
///   `\r`, `\t`, and `\u00xx` for the other control characters; `/` and non-ASCII as UTF-8;
/// - numbers by their exact decimal value, laid out as JavaScript (and JCS) lays out a number:
///   `1.0`, `1e0` and `10E-1` are all `1`, `0.50` is `0.5`, `-0` is `0`, `1.5e-7` is `1.5e-7`.
///   No digit is lost: numbers that a double cannot tell apart still differ. A number whose
///   exponent would be written beyond +-10^15 (far beyond any double) is refused;
/// - `true`, `false` and `null` as themselves.
/// Two documents have the same canonical form exactly when they hold the same values, whatever
/// the key order, whitespace, string escapes and number spelling. Reusable; one per thread.
class JsonCanonicalizer {
 public:
  JsonCanonicalizer();
  ~JsonCanonicalizer();
  JsonCanonicalizer(JsonCanonicalizer&&) noexcept;
  JsonCanonicalizer& operator=(JsonCanonicalizer&&) noexcept;

  /// The canonical form of `json`, an object or an array; valid until the next call. Fails on
  /// anything else, and on invalid JSON (the error gives the byte where reading stopped).
  Result<std::string_view> canonicalize(std::string_view json);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// One field whose value differs between two records.
struct FieldDifference {
  /// Dotted path from the record's top: `userIdentity.arn`, `resources[0].ARN`.
  std::string path;
  std::optional<std::string> left;   ///< canonical JSON of the left value; nullopt: absent
  std::optional<std::string> right;  ///< canonical JSON of the right value; nullopt: absent
};

/// The fields that differ between two canonical documents (see JsonCanonicalizer), in path
/// order. Objects are compared key by key and arrays of the same length element by element;
/// arrays of different lengths, and values of different types, are one difference each.
std::vector<FieldDifference> diff_canonical_json(std::string_view left, std::string_view right);

}  // namespace trailsift
