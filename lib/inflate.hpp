// SPDX-License-Identifier: MIT
// Internal: streaming inflation of one gzip member at a time. ISA-L's inflater when the build
// has it (as fast as libdeflate's whole-buffer one, and it streams), zlib's otherwise.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "trailsift/result.hpp"

namespace trailsift::detail {

/// Inflates the gzip member that starts at the first byte given to it, in steps of any size.
class GzipMemberInflater {
 public:
  GzipMemberInflater();
  ~GzipMemberInflater();
  GzipMemberInflater(GzipMemberInflater&&) noexcept;
  GzipMemberInflater& operator=(GzipMemberInflater&&) noexcept;

  /// Forgets the member being read: the next step starts a new one.
  void reset();

  struct Step {
    std::size_t consumed = 0;  ///< bytes of `in` used
    std::size_t produced = 0;  ///< bytes written to `out`
    bool member_end = false;   ///< the member's trailer was read and its checksums matched
  };
  /// Inflates from `in` into `out` until one of them runs out or the member ends. The error's
  /// offset is relative to the start of `in`; its message says what is wrong with the data.
  Result<Step> inflate(std::string_view in, char* out, std::size_t out_capacity);

  /// "ISA-L" or "zlib": what the build inflates with (for --version and the benchmark).
  static const char* name();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace trailsift::detail
