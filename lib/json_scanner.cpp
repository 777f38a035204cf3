// SPDX-License-Identifier: MIT
#include "json_scanner.hpp"

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

#include "vectors.hpp"

#if defined(TRAILSIFT_X86_VECTORS)
#include <immintrin.h>
#endif

namespace trailsift::detail {
namespace {

/// Where each byte of interest is in a block; bit i stands for byte i.
struct RawMasks {
  std::uint64_t quote = 0;
  std::uint64_t backslash = 0;
  std::uint64_t open = 0;
  std::uint64_t close = 0;
  std::uint64_t newline = 0;
};

// `{` and `[` differ only in bit 0x20, as do `}` and `]`: OR-ing it in, one compare finds both.
constexpr char kBracketCaseBit = 0x20;

#if defined(TRAILSIFT_X86_VECTORS)
RawMasks classify_baseline(const char* block) {  // SSE2: every x86-64 has it
  RawMasks masks;
  for (int lane = 0; lane < 4; ++lane) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * lane));
    const __m128i folded = _mm_or_si128(bytes, _mm_set1_epi8(kBracketCaseBit));
    const int shift = 16 * lane;
    const auto bits = [shift](__m128i equal) {
      return std::uint64_t{static_cast<std::uint16_t>(_mm_movemask_epi8(equal))} << shift;
    };
    masks.quote |= bits(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('"')));
    masks.backslash |= bits(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('\\')));
    masks.open |= bits(_mm_cmpeq_epi8(folded, _mm_set1_epi8('{')));
    masks.close |= bits(_mm_cmpeq_epi8(folded, _mm_set1_epi8('}')));
    masks.newline |= bits(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('\n')));
  }
  return masks;
}

[[gnu::target("avx2")]] std::uint64_t movemask_avx2(__m256i equal, int shift) {
  return std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(equal))} << shift;
}

[[gnu::target("avx2")]] RawMasks classify_avx2(const char* block) {
  RawMasks masks;
  for (int half = 0; half < 2; ++half) {
    const __m256i bytes = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(block + 32 * half));
    const __m256i folded = _mm256_or_si256(bytes, _mm256_set1_epi8(kBracketCaseBit));
    const int shift = 32 * half;
    masks.quote |= movemask_avx2(_mm256_cmpeq_epi8(bytes, _mm256_set1_epi8('"')), shift);
    masks.backslash |= movemask_avx2(_mm256_cmpeq_epi8(bytes, _mm256_set1_epi8('\\')), shift);
    masks.open |= movemask_avx2(_mm256_cmpeq_epi8(folded, _mm256_set1_epi8('{')), shift);
    masks.close |= movemask_avx2(_mm256_cmpeq_epi8(folded, _mm256_set1_epi8('}')), shift);
    masks.newline |= movemask_avx2(_mm256_cmpeq_epi8(bytes, _mm256_set1_epi8('\n')), shift);
  }
  return masks;
}

[[gnu::target("avx512bw")]] RawMasks classify_avx512(const char* block) {
  const __m512i bytes = _mm512_loadu_si512(block);
  const __m512i folded = _mm512_or_si512(bytes, _mm512_set1_epi8(kBracketCaseBit));
  RawMasks masks;
  masks.quote = _mm512_cmpeq_epi8_mask(bytes, _mm512_set1_epi8('"'));
  masks.backslash = _mm512_cmpeq_epi8_mask(bytes, _mm512_set1_epi8('\\'));
  masks.open = _mm512_cmpeq_epi8_mask(folded, _mm512_set1_epi8('{'));
  masks.close = _mm512_cmpeq_epi8_mask(folded, _mm512_set1_epi8('}'));
  masks.newline = _mm512_cmpeq_epi8_mask(bytes, _mm512_set1_epi8('\n'));
  return masks;
}

/// Carry-less multiplication by all ones is the prefix XOR (see prefix_xor) in one instruction.
[[gnu::target("pclmul")]] std::uint64_t prefix_xor_clmul(std::uint64_t bits) {
  const __m128i product = _mm_clmulepi64_si128(_mm_set_epi64x(0, static_cast<std::int64_t>(bits)),
                                               _mm_set1_epi8(-1), 0);
  return static_cast<std::uint64_t>(_mm_cvtsi128_si64(product));
}
#else
RawMasks classify_baseline(const char* block) {
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

using ScanState = JsonBlockScanner::State;

/// The quotes that open or close strings: those not escaped by a backslash. Backslashes are rare,
/// so walking them one by one costs little.
std::uint64_t unescaped_quotes(const RawMasks& masks, ScanState& state) {
  // Characters escaped by a backslash: the one after each backslash that is not itself escaped.
  std::uint64_t escaped = state.escape_next;
  std::uint64_t escapes = masks.backslash & ~state.escape_next;
  state.escape_next = 0;
  while (escapes != 0) {
    const int at = std::countr_zero(escapes);
    if (at == 63) {
      state.escape_next = 1;
      break;
    }
    escaped |= std::uint64_t{2} << at;
    escapes &= ~(std::uint64_t{3} << at);  // the escaped byte, a backslash or not, escapes nothing
  }
  return masks.quote & ~escaped;
}

/// A block's bits from its masks, with `PrefixXor` (portable or one instruction).
template <std::uint64_t (*PrefixXor)(std::uint64_t)>
[[gnu::always_inline]] inline BlockBits block_bits(const RawMasks& masks, ScanState& state) {
  const std::uint64_t quotes = unescaped_quotes(masks, state);
  const std::uint64_t in_string = PrefixXor(quotes) ^ state.in_string;
  state.in_string = static_cast<std::uint64_t>(static_cast<std::int64_t>(in_string) >> 63);
  BlockBits bits;
  bits.open = masks.open & ~in_string;
  bits.close = masks.close & ~in_string;
  bits.quote = quotes;
  bits.newline = masks.newline;
  bits.opens = std::popcount(bits.open);
  bits.closes = std::popcount(bits.close);
  return bits;
}

/// The 64-byte block of `text` at `start`: in place, or, for a short last block, a copy in
/// `padded` filled out with blanks (a block is read whole).
const char* block_at(std::string_view text, std::size_t start, std::array<char, 64>& padded) {
  if (text.size() - start >= 64) return text.data() + start;
  padded.fill(' ');
  std::memcpy(padded.data(), text.data() + start, text.size() - start);
  return padded.data();
}

/// json_brackets_balance, scanning blocks with `Scan` (inlined: no lambda, whose code would not be
/// compiled for the caller's instruction set).
template <BlockBits (*Scan)(const char*, ScanState&)>
[[gnu::always_inline]] inline bool brackets_balance_with(std::string_view text) {
  ScanState state;
  std::array<char, 64> padded;
  std::int64_t depth = 0;
  for (std::size_t start = 0; start < text.size(); start += 64) {
    const BlockBits bits = Scan(block_at(text, start, padded), state);
    if (depth >= bits.closes) {  // cannot drop below zero inside this block: count, do not walk
      depth += bits.opens - bits.closes;
      continue;
    }
    for (std::uint64_t marks = bits.open | bits.close; marks != 0; marks &= marks - 1) {
      depth += (bits.open >> std::countr_zero(marks)) & 1 ? 1 : -1;
      if (depth < 0) return false;
    }
  }
  return depth == 0;
}

// One function per instruction set, each compiled for it whole (flatten): the builds target the
// x86-64 baseline, and the best code this processor runs is chosen at run time.
BlockBits scan_baseline(const char* block, ScanState& state) {
  return block_bits<prefix_xor>(classify_baseline(block), state);
}
bool brackets_balance_baseline(std::string_view text) {
  return brackets_balance_with<scan_baseline>(text);
}

#if defined(TRAILSIFT_X86_VECTORS)
[[gnu::target("avx2,pclmul,popcnt"), gnu::flatten]] BlockBits scan_avx2(const char* block,
                                                                        ScanState& state) {
  return block_bits<prefix_xor_clmul>(classify_avx2(block), state);
}
[[gnu::target("avx2,pclmul,popcnt"), gnu::flatten]] bool brackets_balance_avx2(
    std::string_view text) {
  return brackets_balance_with<scan_avx2>(text);
}

[[gnu::target("avx512bw,pclmul,popcnt"), gnu::flatten]] BlockBits scan_avx512(const char* block,
                                                                              ScanState& state) {
  return block_bits<prefix_xor_clmul>(classify_avx512(block), state);
}
[[gnu::target("avx512bw,pclmul,popcnt"), gnu::flatten]] bool brackets_balance_avx512(
    std::string_view text) {
  return brackets_balance_with<scan_avx512>(text);
}
#endif

}  // namespace

JsonBlockScanner::JsonBlockScanner(Vectors vectors) {
  switch (usable_vectors(vectors)) {
#if defined(TRAILSIFT_X86_VECTORS)
    case Vectors::kAvx512: scan_block_ = scan_avx512; break;
    case Vectors::kAvx2: scan_block_ = scan_avx2; break;
#endif
    default: scan_block_ = scan_baseline; break;
  }
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
  std::array<char, 64> padded;
  std::int64_t depth = 0;
  for (std::size_t start = 0; start < text.size(); start += 64) {
    const BlockBits bits = scanner.scan(block_at(text, start, padded));
    for (std::uint64_t marks = bits.open | bits.close; marks != 0; marks &= marks - 1) {
      const int at = std::countr_zero(marks);
      depth += (bits.open >> at) & 1 ? 1 : -1;
      if (depth == 0) return start + static_cast<std::size_t>(at) + 1;
    }
  }
  return 0;
}

bool json_brackets_balance(std::string_view text, Vectors vectors) {
  switch (usable_vectors(vectors)) {
#if defined(TRAILSIFT_X86_VECTORS)
    case Vectors::kAvx512: return brackets_balance_avx512(text);
    case Vectors::kAvx2: return brackets_balance_avx2(text);
#endif
    default: return brackets_balance_baseline(text);
  }
}

}  // namespace trailsift::detail
