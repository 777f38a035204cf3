// SPDX-License-Identifier: MIT
#include "literal_search.hpp"

#include <cstring>

#include "trailsift/ascii.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace trailsift::detail {

namespace {

bool equal_ignoring_case(const char* a, const char* b, std::size_t length) {
  for (std::size_t i = 0; i < length; ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

/// The search, exact or folded: candidates where the first and last bytes match (with the 0x20
/// bit set on both sides when folding, which lets through a few non-letters too: `verify`
/// decides), 16 starts at a time.
template <bool kFold>
std::size_t find(std::string_view text, std::string_view needle, std::size_t from) {
  if (from > text.size()) return std::string_view::npos;
  const std::size_t length = needle.size();
  if (length == 0) return from;
  const auto verify = [&](std::size_t start) {
    return kFold ? equal_ignoring_case(text.data() + start, needle.data(), length)
                 : std::memcmp(text.data() + start + 1, needle.data() + 1, length - 1) == 0;
  };
  std::size_t at = from;
#if defined(__SSE2__)
  const char bit = kFold ? 0x20 : 0;
  const __m128i case_bit = _mm_set1_epi8(bit);
  const __m128i first = _mm_set1_epi8(static_cast<char>(needle.front() | bit));
  const __m128i last = _mm_set1_epi8(static_cast<char>(needle.back() | bit));
  for (; at + length - 1 + 16 <= text.size(); at += 16) {
    const __m128i starts = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + at));
    const __m128i ends =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + at + length - 1));
    const __m128i both = _mm_and_si128(_mm_cmpeq_epi8(first, _mm_or_si128(starts, case_bit)),
                                       _mm_cmpeq_epi8(last, _mm_or_si128(ends, case_bit)));
    for (auto mask = static_cast<unsigned>(_mm_movemask_epi8(both)); mask != 0; mask &= mask - 1) {
      const std::size_t start = at + static_cast<std::size_t>(__builtin_ctz(mask));
      if (verify(start)) return start;
    }
  }
#endif
  for (; at + length <= text.size(); ++at) {
    if ((kFold ? ascii_lower(text[at]) == ascii_lower(needle.front())
               : text[at] == needle.front()) &&
        verify(at))
      return at;
  }
  return std::string_view::npos;
}

}  // namespace

std::size_t find_literal(std::string_view text, std::string_view needle, std::size_t from) {
  return find<false>(text, needle, from);
}

std::size_t find_literal_ignoring_case(std::string_view text, std::string_view needle,
                                       std::size_t from) {
  return find<true>(text, needle, from);
}

}  // namespace trailsift::detail
