// SPDX-License-Identifier: MIT
// Randomness for the generator: a PRNG whose every output is specified (unlike std::
// distributions, whose results differ between standard libraries), integer-only choices, and
// the random identifiers CloudTrail records are full of.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace trailsift::generator {

inline constexpr std::uint64_t kGolden = 0x9e3779b97f4a7c15ULL;

constexpr std::uint64_t splitmix64(std::uint64_t& state) {
  state += kGolden;
  std::uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// Folds several integers into one seed: an independent stream per entity or file.
constexpr std::uint64_t mix_seed(std::initializer_list<std::uint64_t> parts) {
  std::uint64_t state = 0x7261696c73696674ULL;  // "railsift"
  std::uint64_t hash = 0;
  for (const std::uint64_t part : parts) {
    state ^= part + kGolden + (hash << 6) + (hash >> 2);
    hash = splitmix64(state);
  }
  return hash;
}

/// FNV-1a: a stable hash of text, to seed a stream from a name.
constexpr std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : text) hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return hash;
}

/// xoshiro256**: fast, of good quality, and fully specified.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    for (std::uint64_t& word : state_) word = splitmix64(seed);
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  /// Uniform in [0, n) by multiply-shift; the bias (< 2^-32) does not matter here.
  std::uint32_t below(std::uint32_t n) {
    return static_cast<std::uint32_t>(((next() >> 32) * n) >> 32);
  }
  /// Uniform in [lo, hi].
  std::uint32_t between(std::uint32_t lo, std::uint32_t hi) { return lo + below(hi - lo + 1); }
  /// True with probability p / 1000.
  bool per_mille(std::uint32_t p) { return below(1000) < p; }

  template <typename Container>
  const auto& pick(const Container& items) {
    return items[below(static_cast<std::uint32_t>(std::size(items)))];
  }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<std::uint64_t, 4> state_{};
};

/// Weighted choice over integer weights (no floating point, so results are the same everywhere).
class WeightedTable {
 public:
  WeightedTable() = default;
  explicit WeightedTable(const std::vector<std::uint32_t>& weights);
  /// An index into the weights, drawn in proportion to them.
  std::size_t pick(Rng& rng) const;
  /// The sum of the weights.
  std::uint32_t total() const { return cumulative_.empty() ? 0 : cumulative_.back(); }

 private:
  std::vector<std::uint32_t> cumulative_;
};

inline constexpr std::string_view kUpperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
inline constexpr std::string_view kAlnum =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
inline constexpr std::string_view kHexDigits = "0123456789abcdef";
inline constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
inline constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Appends `n` characters drawn from `alphabet`.
void append_random(std::string& out, Rng& rng, std::string_view alphabet, std::size_t n);
std::string random_string(Rng& rng, std::string_view alphabet, std::size_t n);

/// Appends the low `digits` hex digits of `value`, lowercase.
void append_hex(std::string& out, std::uint64_t value, int digits);

/// Appends a random (version 4) UUID, lowercase, as CloudTrail writes eventID.
void append_uuid(std::string& out, Rng& rng);
std::string uuid_string(Rng& rng);

}  // namespace trailsift::generator
