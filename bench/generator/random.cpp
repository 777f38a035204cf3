// SPDX-License-Identifier: MIT
#include "random.hpp"

#include <algorithm>

namespace trailsift::generator {

WeightedTable::WeightedTable(const std::vector<std::uint32_t>& weights) {
  std::uint32_t total = 0;
  for (const std::uint32_t weight : weights) {
    total += weight;
    cumulative_.push_back(total);
  }
}

std::size_t WeightedTable::pick(Rng& rng) const {
  const std::uint32_t x = rng.below(cumulative_.back());
  return static_cast<std::size_t>(std::upper_bound(cumulative_.begin(), cumulative_.end(), x) -
                                  cumulative_.begin());
}

void append_random(std::string& out, Rng& rng, std::string_view alphabet, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    out += alphabet[rng.below(static_cast<std::uint32_t>(alphabet.size()))];
  }
}

std::string random_string(Rng& rng, std::string_view alphabet, std::size_t n) {
  std::string s;
  s.reserve(n);
  append_random(s, rng, alphabet, n);
  return s;
}

void append_hex(std::string& out, std::uint64_t value, int digits) {
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4)
    out += kHexDigits[(value >> shift) & 0xF];
}

void append_uuid(std::string& out, Rng& rng) {
  const std::uint64_t hi = (rng.next() & ~0xF000ULL) | 0x4000ULL;
  const std::uint64_t lo = (rng.next() & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  append_hex(out, hi >> 32, 8);
  out += '-';
  append_hex(out, (hi >> 16) & 0xFFFF, 4);
  out += '-';
  append_hex(out, hi & 0xFFFF, 4);
  out += '-';
  append_hex(out, lo >> 48, 4);
  out += '-';
  append_hex(out, lo & 0xFFFFFFFFFFFFULL, 12);
}

std::string uuid_string(Rng& rng) {
  std::string s;
  append_uuid(s, rng);
  return s;
}

}  // namespace trailsift::generator
