// SPDX-License-Identifier: MIT
// Internal: finding a short byte string in a large text at memory speed, for the reader's
// prefilter (EventReader::set_required_literals). glibc's memmem runs at about 1.5 GB/s on a
// needle that is not there, as long as inflating the text took; this one compares the needle's
// first and last bytes 16, 32 or 64 positions at a time (SSE2, AVX2, AVX-512: the best the
// processor has) and checks the rest only where both match.
#pragma once

#include <cstddef>
#include <string_view>

#include "vectors.hpp"

namespace trailsift::detail {

/// The first position at or after `from` where `text` holds `needle`, or npos. An empty needle
/// is found at `from`. `vectors` caps the instruction set used (tests compare them).
std::size_t find_literal(std::string_view text, std::string_view needle, std::size_t from = 0,
                         Vectors vectors = Vectors::kAvx512);

/// The same, ASCII letters matching without regard to case.
std::size_t find_literal_ignoring_case(std::string_view text, std::string_view needle,
                                       std::size_t from = 0, Vectors vectors = Vectors::kAvx512);

}  // namespace trailsift::detail
