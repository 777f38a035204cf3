// SPDX-License-Identifier: MIT
#include "vectors.hpp"

namespace trailsift::detail {

Vectors best_vectors() {
#if defined(TRAILSIFT_X86_VECTORS)
  static const Vectors best = [] {
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("pclmul") || !__builtin_cpu_supports("popcnt") ||
        !__builtin_cpu_supports("avx2")) {
      return Vectors::kBaseline;
    }
    return __builtin_cpu_supports("avx512bw") ? Vectors::kAvx512 : Vectors::kAvx2;
  }();
  return best;
#else
  return Vectors::kBaseline;
#endif
}

}  // namespace trailsift::detail
