// SPDX-License-Identifier: MIT
#include "inflate.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>

#include <fmt/format.h>

#ifdef TRAILSIFT_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#else
#include <zlib.h>
#endif

namespace trailsift::detail {
namespace {

// Both libraries count in 32 bits.
constexpr std::size_t kMaxStep = std::numeric_limits<std::uint32_t>::max();

Error data_error(std::string message, std::size_t offset) {
  Error error = make_error("", std::move(message));
  error.offset = offset;
  return error;
}

}  // namespace

#ifdef TRAILSIFT_HAVE_ISAL

struct GzipMemberInflater::Impl {
  inflate_state state{};
  Impl() { reset(); }
  void reset() {
    isal_inflate_init(&state);
    state.crc_flag = ISAL_GZIP;  // parse the header (its CRC too) and check the trailer
  }
};

const char* GzipMemberInflater::name() { return "ISA-L"; }

Result<GzipMemberInflater::Step> GzipMemberInflater::inflate(std::string_view in, char* out,
                                                           std::size_t out_capacity) {
  inflate_state& state = impl_->state;
  state.next_in = reinterpret_cast<std::uint8_t*>(const_cast<char*>(in.data()));
  state.avail_in = static_cast<std::uint32_t>(std::min(in.size(), kMaxStep));
  state.next_out = reinterpret_cast<std::uint8_t*>(out);
  state.avail_out = static_cast<std::uint32_t>(std::min(out_capacity, kMaxStep));
  const std::uint32_t in_before = state.avail_in;
  const std::uint32_t out_before = state.avail_out;
  const int result = isal_inflate(&state);
  Step step;
  step.consumed = in_before - state.avail_in;
  step.produced = out_before - state.avail_out;
  if (result < 0) {
    const char* what = "corrupt gzip data";
    switch (result) {
      case ISAL_INVALID_WRAPPER: what = "corrupt gzip data: invalid gzip header"; break;
      case ISAL_UNSUPPORTED_METHOD: what = "corrupt gzip data: unknown compression method"; break;
      case ISAL_INCORRECT_CHECKSUM: what = "corrupt gzip data: a checksum does not match"; break;
      case ISAL_INVALID_BLOCK: what = "corrupt gzip data: invalid block type"; break;
      case ISAL_INVALID_SYMBOL: what = "corrupt gzip data: invalid code"; break;
      case ISAL_INVALID_LOOKBACK: what = "corrupt gzip data: invalid distance"; break;
      default: break;
    }
    // Where decoding reached: bytes taken in, less those still waiting in the bit buffer, so
    // that the position does not depend on how the input was handed over.
    const std::size_t buffered = state.read_in_length > 0 ? static_cast<std::size_t>(state.read_in_length) / 8 : 0;
    return data_error(what, step.consumed - std::min(buffered, step.consumed));
  }
  step.member_end = state.block_state == ISAL_BLOCK_FINISH;
  return step;
}

#else  // zlib

struct GzipMemberInflater::Impl {
  z_stream stream{};
  bool ready = false;
  Impl() {
    // windowBits 15 + 16: gzip only, header CRC and trailer checked.
    ready = inflateInit2(&stream, 15 + 16) == Z_OK;
  }
  ~Impl() {
    if (ready) inflateEnd(&stream);
  }
  void reset() {
    if (ready) inflateReset(&stream);
  }
};

const char* GzipMemberInflater::name() { return "zlib"; }

Result<GzipMemberInflater::Step> GzipMemberInflater::inflate(std::string_view in, char* out,
                                                           std::size_t out_capacity) {
  z_stream& stream = impl_->stream;
  if (!impl_->ready) return make_error("", "zlib: out of memory");
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  stream.avail_in = static_cast<uInt>(std::min(in.size(), kMaxStep));
  stream.next_out = reinterpret_cast<Bytef*>(out);
  stream.avail_out = static_cast<uInt>(std::min(out_capacity, kMaxStep));
  const uInt in_before = stream.avail_in;
  const uInt out_before = stream.avail_out;
  const int result = ::inflate(&stream, Z_NO_FLUSH);
  Step step;
  step.consumed = in_before - stream.avail_in;
  step.produced = out_before - stream.avail_out;
  if (result == Z_STREAM_END) {
    step.member_end = true;
    return step;
  }
  if (result == Z_OK || result == Z_BUF_ERROR) return step;  // Z_BUF_ERROR: no progress possible
  if (result == Z_MEM_ERROR) return make_error("", "zlib: out of memory");
  return data_error(stream.msg ? fmt::format("corrupt gzip data: {}", stream.msg) : "corrupt gzip data",
                    step.consumed);
}

#endif

GzipMemberInflater::GzipMemberInflater() : impl_(std::make_unique<Impl>()) {}
GzipMemberInflater::~GzipMemberInflater() = default;
GzipMemberInflater::GzipMemberInflater(GzipMemberInflater&&) noexcept = default;
GzipMemberInflater& GzipMemberInflater::operator=(GzipMemberInflater&&) noexcept = default;
void GzipMemberInflater::reset() { impl_->reset(); }

}  // namespace trailsift::detail
