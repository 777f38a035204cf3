// SPDX-License-Identifier: MIT
#include "literal_search.hpp"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace trailsift::detail {

std::size_t find_literal(std::string_view text, std::string_view needle, std::size_t from) {
  if (from > text.size()) return std::string_view::npos;
  const std::size_t length = needle.size();
  if (length < 2) return text.find(needle, from);
  std::size_t at = from;
#if defined(__SSE2__)
  const __m128i first = _mm_set1_epi8(needle.front());
  const __m128i last = _mm_set1_epi8(needle.back());
  // Block i tests the starts at..at+15: their first bytes, and their last bytes length-1 later.
  for (; at + length - 1 + 16 <= text.size(); at += 16) {
    const auto* starts = reinterpret_cast<const __m128i*>(text.data() + at);
    const auto* ends = reinterpret_cast<const __m128i*>(text.data() + at + length - 1);
    const __m128i both = _mm_and_si128(_mm_cmpeq_epi8(first, _mm_loadu_si128(starts)),
                                       _mm_cmpeq_epi8(last, _mm_loadu_si128(ends)));
    for (auto mask = static_cast<unsigned>(_mm_movemask_epi8(both)); mask != 0; mask &= mask - 1) {
      const std::size_t start = at + static_cast<std::size_t>(__builtin_ctz(mask));
      if (std::memcmp(text.data() + start + 1, needle.data() + 1, length - 2) == 0) return start;
    }
  }
#endif
  return text.find(needle, at);
}

}  // namespace trailsift::detail
