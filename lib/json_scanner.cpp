// SPDX-License-Identifier: MIT
#include "json_scanner.hpp"

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace trailsift::detail {
namespace {

struct RawMasks {
  std::uint64_t quote = 0;
  std::uint64_t backslash = 0;
  std::uint64_t open = 0;
  std::uint64_t close = 0;
  std::uint64_t newline = 0;
};

#if defined(__SSE2__)
RawMasks classify(const char* block) {
  RawMasks masks;
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i newline = _mm_set1_epi8('\n');
  // `{` and `[` differ only in bit 0x20, as do `}` and `]`: one compare finds both.
  const __m128i case_bit = _mm_set1_epi8(0x20);
  const __m128i open = _mm_set1_epi8('{');
  const __m128i close = _mm_set1_epi8('}');
  for (int lane = 0; lane < 4; ++lane) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * lane));
    const __m128i folded = _mm_or_si128(bytes, case_bit);
    const auto bits = [&](__m128i equal) {
      return static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_movemask_epi8(equal)))
             << (16 * lane);
    };
    masks.quote |= bits(_mm_cmpeq_epi8(bytes, quote));
    masks.backslash |= bits(_mm_cmpeq_epi8(bytes, backslash));
    masks.open |= bits(_mm_cmpeq_epi8(folded, open));
    masks.close |= bits(_mm_cmpeq_epi8(folded, close));
    masks.newline |= bits(_mm_cmpeq_epi8(bytes, newline));
  }
  return masks;
}
#else
RawMasks classify(const char* block) {
  RawMasks masks;
  for (int i = 0; i < 64; ++i) {
    const std::uint64_t bit = std::uint64_t{1} << i;
    switch (block[i]) {
      case '"': masks.quote |= bit; break;
      case '\\': masks.backslash |= bit; break;
      case '{':
      case '[': masks.open |= bit; break;
      case '}':
      case ']': masks.close |= bit; break;
      case '\n': masks.newline |= bit; break;
      default: break;
    }
  }
  return masks;
}
#endif

/// Bit i of the result is the XOR of bits 0..i of `bits`: ones from each quote to the next.
std::uint64_t prefix_xor(std::uint64_t bits) {
  bits ^= bits << 1;
  bits ^= bits << 2;
  bits ^= bits << 4;
  bits ^= bits << 8;
  bits ^= bits << 16;
  bits ^= bits << 32;
  return bits;
}

}  // namespace

BlockBits JsonBlockScanner::scan(const char* block) {
  const RawMasks masks = classify(block);
  // Characters escaped by a backslash: the one after each backslash that is not itself escaped.
  // Backslashes are rare, so walking them one by one costs little.
  std::uint64_t escaped = escape_next_;
  std::uint64_t escapes = masks.backslash & ~escape_next_;
  escape_next_ = 0;
  while (escapes != 0) {
    const int at = __builtin_ctzll(escapes);
    if (at == 63) {
      escape_next_ = 1;
      break;
    }
    escaped |= std::uint64_t{2} << at;
    escapes &= ~(std::uint64_t{3} << at);  // the escaped byte, a backslash or not, escapes nothing
  }
  const std::uint64_t quotes = masks.quote & ~escaped;
  const std::uint64_t in_string = prefix_xor(quotes) ^ in_string_;
  in_string_ = static_cast<std::uint64_t>(static_cast<std::int64_t>(in_string) >> 63);
  BlockBits bits;
  bits.open = masks.open & ~in_string;
  bits.close = masks.close & ~in_string;
  bits.quote = quotes;
  bits.newline = masks.newline;
  return bits;
}

std::size_t json_string_length(std::string_view text) {
  std::size_t pos = 1;
  while (true) {
    const void* found = std::memchr(text.data() + pos, '"', text.size() - pos);
    if (!found) return 0;
    const auto quote = static_cast<std::size_t>(static_cast<const char*>(found) - text.data());
    std::size_t backslashes = 0;
    while (quote - backslashes > 1 && text[quote - backslashes - 1] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return quote + 1;
    pos = quote + 1;
  }
}

std::size_t json_container_length(std::string_view text) {
  JsonBlockScanner scanner;
  std::int64_t depth = 0;
  for (std::size_t start = 0; start < text.size(); start += 64) {
    // The last block is padded with blanks: scan() reads 64 bytes.
    std::array<char, 64> padded;
    const char* block = text.data() + start;
    if (text.size() - start < 64) {
      padded.fill(' ');
      std::memcpy(padded.data(), block, text.size() - start);
      block = padded.data();
    }
    const BlockBits bits = scanner.scan(block);
    for (std::uint64_t marks = bits.open | bits.close; marks != 0; marks &= marks - 1) {
      const int at = std::countr_zero(marks);
      depth += (bits.open >> at) & 1 ? 1 : -1;
      if (depth == 0) return start + static_cast<std::size_t>(at) + 1;
    }
  }
  return 0;
}

}  // namespace trailsift::detail
