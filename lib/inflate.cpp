// SPDX-License-Identifier: MIT
#include "inflate.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>

#include <fmt/format.h>
#include <zlib.h>

#ifdef TRAILSIFT_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

namespace trailsift::detail {
namespace {

// Both libraries count in 32 bits.
constexpr std::size_t kMaxStep = std::numeric_limits<std::uint32_t>::max();
constexpr std::size_t kMaxHeaderField = std::size_t{64} << 10;

Error data_error(std::string message, std::size_t offset) {
  Error error = make_error("", std::move(message));
  error.offset = offset;
  return error;
}

}  // namespace

Result<std::size_t> gzip_header_length(std::string_view bytes) {
  // RFC 1952: ID1 ID2 CM FLG MTIME(4) XFL OS, then the optional fields FLG announces.
  constexpr unsigned kText = 1, kHeaderCrc = 2, kExtra = 4, kName = 8, kComment = 16;
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
  if (bytes.size() < 10) return std::size_t{0};
  if (byte(0) != 0x1f || byte(1) != 0x8b)
    return data_error("corrupt gzip data: not a gzip header", 0);
  if (byte(2) != 8) return data_error("corrupt gzip data: unknown compression method", 2);
  const unsigned flags = byte(3);
  if (flags & ~(kText | kHeaderCrc | kExtra | kName | kComment)) {
    return data_error("corrupt gzip data: reserved header flags set", 3);
  }
  std::size_t length = 10;
  if (flags & kExtra) {
    if (bytes.size() < length + 2) return std::size_t{0};
    length += 2 + (byte(length) | (byte(length + 1) << 8));
    if (bytes.size() < length) return std::size_t{0};
  }
  for (const unsigned field : {kName, kComment}) {
    if (!(flags & field)) continue;
    const std::size_t end = bytes.find('\0', length);
    if (end == std::string_view::npos) {
      if (bytes.size() - length > kMaxHeaderField) {
        return data_error("corrupt gzip data: a header name or comment over 64 KiB", length);
      }
      return std::size_t{0};
    }
    length = end + 1;
  }
  if (flags & kHeaderCrc) {
    if (bytes.size() < length + 2) return std::size_t{0};
    const auto crc =
        crc32(0, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(length));
    if ((crc & 0xffffu) != static_cast<uLong>(byte(length) | (byte(length + 1) << 8))) {
      return data_error("corrupt gzip data: the header checksum does not match", length);
    }
    length += 2;
  }
  return length;
}

#ifdef TRAILSIFT_HAVE_ISAL

struct GzipMemberInflater::Impl {
  inflate_state state{};
  Impl() { reset(); }
  void reset() {
    isal_inflate_init(&state);
    state.crc_flag = ISAL_GZIP_NO_HDR_VER;  // deflate data, then a trailer to check
  }
};

const char* GzipMemberInflater::name() { return "ISA-L"; }

GzipMemberInflater::Step GzipMemberInflater::inflate(std::string_view in, char* out,
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
      case ISAL_INCORRECT_CHECKSUM: what = "corrupt gzip data: the checksum does not match"; break;
      case ISAL_INVALID_BLOCK: what = "corrupt gzip data: invalid block type"; break;
      case ISAL_INVALID_SYMBOL: what = "corrupt gzip data: invalid code"; break;
      case ISAL_INVALID_LOOKBACK: what = "corrupt gzip data: invalid distance"; break;
      default: break;
    }
    // Where decoding reached: bytes taken in, less those still waiting in the bit buffer.
    const std::size_t buffered =
        state.read_in_length > 0 ? static_cast<std::size_t>(state.read_in_length) / 8 : 0;
    step.error = data_error(what, step.consumed - std::min(buffered, step.consumed));
    return step;
  }
  step.member_end = state.block_state == ISAL_BLOCK_FINISH;
  return step;
}

#else  // zlib

struct GzipMemberInflater::Impl {
  z_stream stream{};
  bool ready = false;
  bool deflate_done = false;
  uLong crc = 0;
  std::uint32_t size = 0;  // the inflated size, modulo 2^32 as the trailer has it
  unsigned char trailer[8] = {};
  std::size_t trailer_bytes = 0;
  Impl() {
    ready = inflateInit2(&stream, -15) == Z_OK;  // raw deflate: the header is read already
    reset();
  }
  ~Impl() {
    if (ready) inflateEnd(&stream);
  }
  void reset() {
    if (ready) inflateReset(&stream);
    deflate_done = false;
    crc = crc32(0, nullptr, 0);
    size = 0;
    trailer_bytes = 0;
  }
};

const char* GzipMemberInflater::name() { return "zlib"; }

GzipMemberInflater::Step GzipMemberInflater::inflate(std::string_view in, char* out,
                                                     std::size_t out_capacity) {
  Impl& impl = *impl_;
  Step step;
  if (!impl.ready) {
    step.error = make_error("", "zlib: out of memory");
    return step;
  }
  if (!impl.deflate_done) {
    z_stream& stream = impl.stream;
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    stream.avail_in = static_cast<uInt>(std::min(in.size(), kMaxStep));
    stream.next_out = reinterpret_cast<Bytef*>(out);
    stream.avail_out = static_cast<uInt>(std::min(out_capacity, kMaxStep));
    const uInt in_before = stream.avail_in;
    const uInt out_before = stream.avail_out;
    const int result = ::inflate(&stream, Z_NO_FLUSH);
    step.consumed = in_before - stream.avail_in;
    step.produced = out_before - stream.avail_out;
    impl.crc =
        crc32(impl.crc, reinterpret_cast<const Bytef*>(out), static_cast<uInt>(step.produced));
    impl.size += static_cast<std::uint32_t>(step.produced);
    if (result == Z_MEM_ERROR) {
      step.error = make_error("", "zlib: out of memory");
      return step;
    }
    if (result != Z_OK && result != Z_STREAM_END && result != Z_BUF_ERROR) {
      step.error = data_error(
          stream.msg ? fmt::format("corrupt gzip data: {}", stream.msg) : "corrupt gzip data",
          step.consumed);
      return step;
    }
    if (result != Z_STREAM_END) return step;
    impl.deflate_done = true;
  }
  // The trailer: CRC-32 and size of the inflated data, little-endian.
  while (impl.trailer_bytes < 8 && step.consumed < in.size()) {
    impl.trailer[impl.trailer_bytes++] = static_cast<unsigned char>(in[step.consumed++]);
  }
  if (impl.trailer_bytes < 8) return step;
  const auto word = [&](int at) {
    return static_cast<std::uint32_t>(impl.trailer[at]) | (impl.trailer[at + 1] << 8) |
           (impl.trailer[at + 2] << 16) | (static_cast<std::uint32_t>(impl.trailer[at + 3]) << 24);
  };
  if (word(0) != (impl.crc & 0xffffffffu) || word(4) != impl.size) {
    step.error = data_error("corrupt gzip data: the checksum does not match", step.consumed - 8);
    return step;
  }
  step.member_end = true;
  return step;
}

#endif

GzipMemberInflater::GzipMemberInflater() : impl_(std::make_unique<Impl>()) {}
GzipMemberInflater::~GzipMemberInflater() = default;
GzipMemberInflater::GzipMemberInflater(GzipMemberInflater&&) noexcept = default;
GzipMemberInflater& GzipMemberInflater::operator=(GzipMemberInflater&&) noexcept = default;
void GzipMemberInflater::reset() { impl_->reset(); }

}  // namespace trailsift::detail
