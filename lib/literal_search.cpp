// SPDX-License-Identifier: MIT
#include "literal_search.hpp"

#include <cstdint>
#include <cstring>

#include "trailsift/ascii.hpp"
#include "vectors.hpp"

#if defined(TRAILSIFT_X86_VECTORS)
#include <immintrin.h>
#endif

namespace trailsift::detail {

namespace {

bool equal_ignoring_case(const char* a, const char* b, std::size_t length) {
  for (std::size_t i = 0; i < length; ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

/// The bytes a candidate start must have first and last, with the 0x20 bit set on both sides
/// when folding case (which lets through a few non-letters too: the full check decides).
struct Ends {
  char first;
  char last;
  char fold_bit;
};

#if defined(TRAILSIFT_X86_VECTORS)
// One type per instruction set: how many starts it tests at once, and which of them have the
// needle's first byte at `at` and its last `span` bytes further on.
struct Sse2Lanes {
  static constexpr std::size_t kWidth = 16;
  static std::uint64_t candidates(const char* at, std::size_t span, Ends ends) {
    const __m128i bit = _mm_set1_epi8(ends.fold_bit);
    const __m128i starts = _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(at)), bit);
    const __m128i lasts =
        _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(at + span)), bit);
    const __m128i both = _mm_and_si128(_mm_cmpeq_epi8(starts, _mm_set1_epi8(ends.first)),
                                       _mm_cmpeq_epi8(lasts, _mm_set1_epi8(ends.last)));
    return static_cast<std::uint16_t>(_mm_movemask_epi8(both));
  }
};

struct Avx2Lanes {
  static constexpr std::size_t kWidth = 32;
  [[gnu::target("avx2")]] static std::uint64_t candidates(const char* at, std::size_t span,
                                                          Ends ends) {
    const __m256i bit = _mm256_set1_epi8(ends.fold_bit);
    const __m256i starts =
        _mm256_or_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(at)), bit);
    const __m256i lasts =
        _mm256_or_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(at + span)), bit);
    const __m256i both = _mm256_and_si256(_mm256_cmpeq_epi8(starts, _mm256_set1_epi8(ends.first)),
                                          _mm256_cmpeq_epi8(lasts, _mm256_set1_epi8(ends.last)));
    return static_cast<std::uint32_t>(_mm256_movemask_epi8(both));
  }
};

struct Avx512Lanes {
  static constexpr std::size_t kWidth = 64;
  [[gnu::target("avx512bw")]] static std::uint64_t candidates(const char* at, std::size_t span,
                                                              Ends ends) {
    const __m512i bit = _mm512_set1_epi8(ends.fold_bit);
    const __m512i starts = _mm512_or_si512(_mm512_loadu_si512(at), bit);
    const __m512i lasts = _mm512_or_si512(_mm512_loadu_si512(at + span), bit);
    return _mm512_cmpeq_epi8_mask(starts, _mm512_set1_epi8(ends.first)) &
           _mm512_cmpeq_epi8_mask(lasts, _mm512_set1_epi8(ends.last));
  }
};
#endif

/// Checks the start at `start` whole. Needles are short and candidates many: a loop, not a call.
template <bool kFold>
bool matches_at(std::string_view text, std::string_view needle, std::size_t start) {
  if constexpr (kFold)
    return equal_ignoring_case(text.data() + start, needle.data(), needle.size());
  for (std::size_t i = 0; i < needle.size(); ++i) {
    if (text[start + i] != needle[i]) return false;
  }
  return true;
}

/// One start at a time: the end of the text, and processors without vectors.
template <bool kFold>
std::size_t find_one_by_one(std::string_view text, std::string_view needle, std::size_t at) {
  for (; at + needle.size() <= text.size(); ++at) {
    if (matches_at<kFold>(text, needle, at)) return at;
  }
  return std::string_view::npos;
}

/// The search, `Lanes::kWidth` starts at a time; `needle` is not empty and fits from `at`.
template <class Lanes, bool kFold>
[[gnu::always_inline]] inline std::size_t find_with(std::string_view text, std::string_view needle,
                                                    std::size_t at) {
  const char bit = kFold ? 0x20 : 0;
  const Ends ends{static_cast<char>(needle.front() | bit), static_cast<char>(needle.back() | bit),
                  bit};
  const std::size_t span = needle.size() - 1;
  for (; at + span + Lanes::kWidth <= text.size(); at += Lanes::kWidth) {
    for (std::uint64_t mask = Lanes::candidates(text.data() + at, span, ends); mask != 0;
         mask &= mask - 1) {
      const std::size_t start = at + static_cast<std::size_t>(__builtin_ctzll(mask));
      if (matches_at<kFold>(text, needle, start)) return start;
    }
  }
  return find_one_by_one<kFold>(text, needle, at);
}

#if defined(TRAILSIFT_X86_VECTORS)
template <bool kFold>
std::size_t find_sse2(std::string_view text, std::string_view needle, std::size_t at) {
  return find_with<Sse2Lanes, kFold>(text, needle, at);
}
template <bool kFold>
[[gnu::target("avx2"), gnu::flatten]] std::size_t find_avx2(std::string_view text,
                                                            std::string_view needle,
                                                            std::size_t at) {
  return find_with<Avx2Lanes, kFold>(text, needle, at);
}
template <bool kFold>
[[gnu::target("avx512bw"), gnu::flatten]] std::size_t find_avx512(std::string_view text,
                                                                  std::string_view needle,
                                                                  std::size_t at) {
  return find_with<Avx512Lanes, kFold>(text, needle, at);
}
#endif

template <bool kFold>
std::size_t find(std::string_view text, std::string_view needle, std::size_t from,
                 Vectors vectors) {
  if (from > text.size()) return std::string_view::npos;
  if (needle.empty()) return from;
  switch (usable_vectors(vectors)) {
#if defined(TRAILSIFT_X86_VECTORS)
    case Vectors::kAvx512: return find_avx512<kFold>(text, needle, from);
    case Vectors::kAvx2: return find_avx2<kFold>(text, needle, from);
    default: return find_sse2<kFold>(text, needle, from);
#else
    default: return find_one_by_one<kFold>(text, needle, from);
#endif
  }
}

}  // namespace

std::size_t find_literal(std::string_view text, std::string_view needle, std::size_t from,
                         Vectors vectors) {
  return find<false>(text, needle, from, vectors);
}

std::size_t find_literal_ignoring_case(std::string_view text, std::string_view needle,
                                       std::size_t from, Vectors vectors) {
  return find<true>(text, needle, from, vectors);
}

}  // namespace trailsift::detail
