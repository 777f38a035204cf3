// SPDX-License-Identifier: MIT
// Internal: which vector instructions this processor has. The builds target the x86-64 baseline
// (SSE2), so the hot loops that gain from wider vectors (the JSON scanner, the literal search)
// are compiled once per instruction set (gnu::target) and pick one at run time.
#pragma once

#include <algorithm>

#if defined(__x86_64__) && defined(__GNUC__)
#define TRAILSIFT_X86_VECTORS 1
#endif

namespace trailsift::detail {

/// Instruction sets in order: each later one includes the earlier.
enum class Vectors {
  kBaseline,  ///< SSE2 on x86-64 (every such processor), plain C++ elsewhere
  kAvx2,      ///< with carry-less multiply and popcnt (x86-64 since 2013)
  kAvx512,    ///< AVX-512BW (server processors since 2017)
};

/// The best this processor has, asked once.
Vectors best_vectors();

/// `wanted`, or the best this processor has when that is less (tests ask for each in turn).
inline Vectors usable_vectors(Vectors wanted) { return std::min(wanted, best_vectors()); }

}  // namespace trailsift::detail
