// SPDX-License-Identifier: MIT
// Internal: gzip, one member at a time: the header read here, the deflate data and the trailer
// inflated in steps of any size by ISA-L's inflater when the build has it (as fast as
// libdeflate's whole-buffer one, and it streams), zlib's otherwise.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>

#include "trailsift/result.hpp"

namespace trailsift::detail {

/// The length of the gzip member header at the start of `bytes`: 0 when `bytes` ends before the
/// header does; an error when it is not a valid gzip header (a wrong method, reserved flags, a
/// header checksum (FHCRC) that does not match, a name or comment over 64 KiB).
Result<std::size_t> gzip_header_length(std::string_view bytes);

/// Inflates the deflate data and the trailer of one gzip member (what follows its header), in
/// steps of any size, and checks the trailer's CRC-32 and size.
class GzipMemberInflater {
 public:
  GzipMemberInflater();
  ~GzipMemberInflater();
  GzipMemberInflater(GzipMemberInflater&&) noexcept;
  GzipMemberInflater& operator=(GzipMemberInflater&&) noexcept;

  /// Forgets the member being read: the next step starts a new one (after its header).
  void reset();

  struct Step {
    std::size_t consumed = 0;  ///< bytes of `in` used
    std::size_t produced = 0;  ///< bytes written to `out`
    bool member_end = false;   ///< the member's trailer was read and its checksums matched
    /// Set when the data are corrupt (or memory ran out). `produced` still counts what was
    /// decoded before: those bytes are what smaller steps would have handed over before the
    /// error, so that the output does not depend on the step sizes. The offset is relative to
    /// the start of `in` and does not depend on how the data was handed over either.
    std::optional<Error> error;
  };
  /// Inflates from `in` into `out` until one of them runs out, the member ends or the data
  /// prove corrupt.
  Step inflate(std::string_view in, char* out, std::size_t out_capacity);

  /// "ISA-L" or "zlib": what the build inflates with.
  static const char* name();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace trailsift::detail
