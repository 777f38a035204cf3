// SPDX-License-Identifier: MIT
// Reading inputs, streamed or whole (finding them: input_paths.cpp). With input_paths.cpp, the
// only file of the core that touches the file system.
#include "trailsift/input.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <system_error>

#include <fmt/format.h>

#include "inflate.hpp"

namespace trailsift {
namespace {

namespace fs = std::filesystem;

Error system_error(const std::string& path, int error_number) {
  return make_error(path, std::strerror(error_number));
}

Status read_descriptor(int fd, const std::string& path, const ReadLimits& limits, ByteBuffer& out) {
  out.resize(0);
  struct stat info {};
  if (fstat(fd, &info) == 0 && S_ISREG(info.st_mode)) {
    if (static_cast<std::uint64_t>(info.st_size) > limits.max_bytes) {
      return make_error(
          path, fmt::format("file is larger than the {} limit", format_size(limits.max_bytes)));
    }
    out.reserve(static_cast<std::size_t>(info.st_size) + 1);
  }
  while (true) {
    if (out.size() == out.capacity()) {
      if (out.size() >= limits.max_bytes) {
        return make_error(
            path, fmt::format("input is larger than the {} limit", format_size(limits.max_bytes)));
      }
      out.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(
          limits.max_bytes, std::max<std::size_t>(out.capacity() * 2, 1 << 16))));
    }
    const ssize_t count = ::read(fd, out.data() + out.size(), out.capacity() - out.size());
    if (count == 0) return {};
    if (count < 0) {
      if (errno == EINTR) continue;
      return system_error(path, errno);
    }
    out.resize(out.size() + static_cast<std::size_t>(count));
  }
}

Error too_large(const ReadLimits& limits) {
  return make_error("", fmt::format("gzip data inflates to more than the {} limit",
                                    format_size(limits.max_bytes)));
}

Error after_member_error(std::uint64_t offset) {
  Error error = make_error("", "unexpected data after the end of the gzip stream");
  error.offset = offset;
  return error;
}

/// Inflates one gzip member at the start of `in`, appending to `out` (grown as needed, up to
/// the limit); returns the bytes of `in` it used.
Result<std::size_t> inflate_member(std::string_view in, const ReadLimits& limits, ByteBuffer& out) {
  thread_local detail::GzipMemberInflater inflater;
  inflater.reset();
  Result<std::size_t> header = detail::gzip_header_length(in);
  if (!header) return header.error();
  if (*header == 0) {
    Error error = make_error("", "truncated gzip data");
    error.offset = in.size();
    return error;
  }
  std::size_t used = *header;
  while (true) {
    if (out.size() == out.capacity()) {
      if (out.capacity() >= limits.max_bytes) return too_large(limits);
      out.reserve(static_cast<std::size_t>(
          std::min<std::uint64_t>(limits.max_bytes, std::uint64_t{out.capacity()} * 2 + 4096)));
    }
    detail::GzipMemberInflater::Step step =
        inflater.inflate(in.substr(used), out.data() + out.size(), out.capacity() - out.size());
    if (step.error) {
      Error error = *step.error;
      if (error.offset) *error.offset += used;
      return error;
    }
    used += step.consumed;
    out.resize(out.size() + step.produced);
    if (step.member_end) return used;
    if (used == in.size() && out.size() < out.capacity()) {
      Error error = make_error("", "truncated gzip data");
      error.offset = used;
      return error;
    }
  }
}

/// A first guess at the inflated size, from the gzip trailer (size modulo 2^32 of the last member).
std::size_t guess_inflated_size(std::string_view compressed, const ReadLimits& limits) {
  std::uint64_t guess = compressed.size() * std::uint64_t{4};
  if (compressed.size() >= 18) {
    const auto* tail =
        reinterpret_cast<const unsigned char*>(compressed.data() + compressed.size() - 4);
    const std::uint64_t trailer_size =
        tail[0] | (tail[1] << 8) | (tail[2] << 16) | (std::uint64_t{tail[3]} << 24);
    if (trailer_size >= compressed.size() / 2) guess = trailer_size + 16;
  }
  // A hostile trailer must not make us reserve much: growth is cheap, a huge reserve is not.
  return static_cast<std::size_t>(std::min({guess, limits.max_bytes, std::uint64_t{1} << 30}));
}

/// Where raw bytes come from: a descriptor, or memory.
class RawSource {
 public:
  virtual ~RawSource() = default;
  /// Up to `capacity` bytes into `out`; 0 at the end.
  virtual Result<std::size_t> read(char* out, std::size_t capacity) = 0;
};

class DescriptorSource final : public RawSource {
 public:
  DescriptorSource(int fd, bool owned, std::string path, int copy_fd)
      : fd_(fd), owned_(owned), copy_fd_(copy_fd), path_(std::move(path)) {}
  ~DescriptorSource() override {
    if (owned_) ::close(fd_);
  }
  Result<std::size_t> read(char* out, std::size_t capacity) override {
    while (true) {
      const ssize_t count = ::read(fd_, out, capacity);
      if (count < 0 && errno == EINTR) continue;
      if (count < 0) return system_error(path_, errno);
      if (copy_fd_ >= 0) {
        if (Status copied = copy(out, static_cast<std::size_t>(count)); !copied)
          return copied.error();
      }
      return static_cast<std::size_t>(count);
    }
  }

 private:
  Status copy(const char* bytes, std::size_t count) {
    while (count > 0) {
      const ssize_t written = ::write(copy_fd_, bytes, count);
      if (written < 0 && errno == EINTR) continue;
      if (written < 0) {
        return make_error(
            path_, fmt::format("cannot keep a copy for a second read: {}", std::strerror(errno)));
      }
      bytes += written;
      count -= static_cast<std::size_t>(written);
    }
    return {};
  }

  int fd_;
  bool owned_;
  int copy_fd_;
  std::string path_;
};

class MemorySource final : public RawSource {
 public:
  MemorySource(std::string_view bytes, std::size_t chunk)
      : bytes_(bytes), chunk_(std::max<std::size_t>(chunk, 1)) {}
  Result<std::size_t> read(char* out, std::size_t capacity) override {
    const std::size_t count = std::min({capacity, chunk_, bytes_.size()});
    if (count > 0) std::memcpy(out, bytes_.data(), count);
    bytes_.remove_prefix(count);
    return count;
  }

 private:
  std::string_view bytes_;
  std::size_t chunk_;
};

}  // namespace

struct InputStream::Impl {
  std::string path;
  ReadLimits limits;
  std::unique_ptr<RawSource> source;
  ByteBuffer raw;  // raw bytes read but not yet used: [raw_pos, raw.size())
  std::size_t raw_pos = 0;
  std::uint64_t raw_offset = 0;  // offset of raw[0] in the input
  bool raw_eof = false;
  enum class State {
    kStart,
    kPlain,
    kHeader,
    kMember,
    kCorrupt,
    kBetweenMembers,
    kEnd
  } state = State::kStart;
  detail::GzipMemberInflater inflater;
  std::uint64_t member_start = 0;  // raw offset of the member being read
  bool gzip = false;
  std::uint64_t inflated = 0;
  std::vector<Error> warnings;
  std::optional<Error> corrupt;  // kCorrupt: the error to give once the bytes before it are taken
  bool may_wait = false;

  Error error_at(std::string message, std::uint64_t offset) const {
    Error error = make_error(path, std::move(message));
    error.offset = offset;
    return error;
  }

  /// Makes at least `wanted` raw bytes available (fewer at the end of the input).
  Status fill(std::size_t wanted) {
    if (raw.size() - raw_pos >= wanted || raw_eof) return {};
    if (raw_pos > 0) {  // keep the unused tail at the front
      const std::size_t rest = raw.size() - raw_pos;
      std::memmove(raw.data(), raw.data() + raw_pos, rest);
      raw_offset += raw_pos;
      raw.resize(rest);
      raw_pos = 0;
    }
    raw.reserve(std::max(limits.chunk_bytes, wanted));
    while (raw.size() < wanted && !raw_eof) {
      Result<std::size_t> count =
          source->read(raw.data() + raw.size(), raw.capacity() - raw.size());
      if (!count) return count.error();
      if (*count == 0) raw_eof = true;
      raw.resize(raw.size() + *count);
    }
    return {};
  }
  std::string_view available() const { return {raw.data() + raw_pos, raw.size() - raw_pos}; }
  std::uint64_t position() const { return raw_offset + raw_pos; }

  Result<std::size_t> read_plain(char* out, std::size_t capacity) {
    if (raw_pos < raw.size()) {  // bytes read while sniffing for gzip
      const std::size_t count = std::min(capacity, raw.size() - raw_pos);
      std::memcpy(out, raw.data() + raw_pos, count);
      raw_pos += count;
      return count;
    }
    Result<std::size_t> count = source->read(out, capacity);
    if (count) raw_offset += *count;
    return count;
  }

  /// After a member: the end, another member, zero padding, or data gzip does not explain.
  Status next_member() {
    if (Status filled = fill(2); !filled) return filled;
    std::string_view rest = available();
    if (rest.empty()) {
      state = State::kEnd;
      return {};
    }
    if (is_gzip(rest)) {
      state = State::kHeader;
      return {};
    }
    // Zero bytes to the end (a tape or a block device's padding) are what gzip -d accepts with a
    // warning; anything else after the data is an error.
    const std::uint64_t padding_start = position();
    while (true) {
      rest = available();
      const std::size_t nonzero = rest.find_first_not_of('\0');
      if (nonzero != std::string_view::npos) {
        return error_at("unexpected data after the end of the gzip stream", padding_start);
      }
      raw_pos = raw.size();
      if (raw_eof) break;
      if (Status filled = fill(1); !filled) return filled;
    }
    const std::uint64_t zeros = position() - padding_start;
    warnings.push_back(error_at(fmt::format("{} zero byte{} after the end of the gzip data ignored",
                                            zeros, zeros == 1 ? "" : "s"),
                                padding_start));
    state = State::kEnd;
    return {};
  }

  /// Reads a member's header (whole: it is small), then its data come.
  Status read_header() {
    member_start = position();
    while (true) {
      Result<std::size_t> length = detail::gzip_header_length(available());
      if (!length) {
        Error error = length.error();
        return error_at(error.message, position() + error.offset.value_or(0));
      }
      if (*length > 0) {
        raw_pos += *length;
        inflater.reset();
        state = State::kMember;
        return {};
      }
      if (raw_eof)
        return error_at("truncated gzip data (in the gzip member that starts here)", member_start);
      if (Status filled = fill(available().size() + 1); !filled) return filled;
    }
  }

  Result<std::size_t> read_member(char* out, std::size_t capacity) {
    while (true) {
      if (Status filled = fill(1); !filled) return filled.error();
      // At the end of the input the inflater may still hold decoded bytes (ISA-L keeps small
      // steps' output in a buffer of its own): they come out before the truncation is reported.
      const bool input_left = !available().empty();
      detail::GzipMemberInflater::Step step = inflater.inflate(available(), out, capacity);
      raw_pos += step.consumed;
      if (step.error) {
        // Where an inflater notices bad data depends on how much it was handed at a time: the
        // member's start is a position that does not. What was decoded before comes first, as
        // it would in smaller steps.
        corrupt =
            error_at(fmt::format("{} (in the gzip member that starts here)", step.error->message),
                     member_start);
        state = State::kCorrupt;
        if (step.produced > 0) return step.produced;
        return *corrupt;
      }
      if (step.member_end) {
        state = State::kBetweenMembers;
        return step.produced;
      }
      if (step.produced > 0) return step.produced;
      if (!input_left) {
        return error_at("truncated gzip data (in the gzip member that starts here)", member_start);
      }
      if (step.consumed == 0 && capacity == 0) return std::size_t{0};
    }
  }

  Result<std::size_t> read(char* out, std::size_t capacity) {
    while (true) {
      Result<std::size_t> count = std::size_t{0};
      switch (state) {
        case State::kStart: {
          if (Status filled = fill(2); !filled) return filled.error();
          gzip = is_gzip(available());
          state = gzip ? State::kHeader : State::kPlain;
          continue;
        }
        case State::kHeader: {
          if (Status header = read_header(); !header) {
            state = State::kEnd;
            return header.error();
          }
          continue;
        }
        case State::kPlain:
          count = read_plain(out, capacity);
          if (count && *count == 0) state = State::kEnd;
          break;
        case State::kMember: count = read_member(out, capacity); break;
        case State::kCorrupt: count = *corrupt; break;
        case State::kBetweenMembers: {
          if (Status next = next_member(); !next) return next.error();
          continue;
        }
        case State::kEnd: return std::size_t{0};
      }
      if (!count) {
        state = State::kEnd;
        return count;
      }
      inflated += *count;
      if (inflated > limits.max_bytes) {
        state = State::kEnd;
        return make_error(path, fmt::format("input is larger than the --max-size limit of {}",
                                            format_size(limits.max_bytes)));
      }
      if (*count > 0 || state == State::kEnd) return count;
    }
  }
};

InputStream::InputStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
InputStream::InputStream(InputStream&&) noexcept = default;
InputStream& InputStream::operator=(InputStream&&) noexcept = default;
InputStream::~InputStream() = default;

Result<InputStream> InputStream::open(const std::string& path, const ReadLimits& limits,
                                      int copy_fd) {
  const bool from_stdin = path == kStdinPath;
  const int fd = from_stdin ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return system_error(path, errno);
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->limits = limits;
  struct stat info {};
  impl->may_wait = ::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode);
  impl->source = std::make_unique<DescriptorSource>(fd, !from_stdin, path, copy_fd);
  return InputStream(std::move(impl));
}

InputStream InputStream::from_memory(std::string name, std::string_view bytes,
                                     const ReadLimits& limits, std::size_t raw_chunk) {
  auto impl = std::make_unique<Impl>();
  impl->path = std::move(name);
  impl->limits = limits;
  impl->source = std::make_unique<MemorySource>(bytes, raw_chunk);
  return InputStream(std::move(impl));
}

Result<std::size_t> InputStream::read(char* out, std::size_t capacity) {
  return impl_->read(out, capacity);
}
std::vector<Error> InputStream::take_warnings() { return std::exchange(impl_->warnings, {}); }
const std::string& InputStream::path() const { return impl_->path; }
void InputStream::rename(std::string name) { impl_->path = std::move(name); }
bool InputStream::gzip() const { return impl_->gzip; }
bool InputStream::may_wait() const { return impl_->may_wait; }
std::uint64_t InputStream::raw_bytes() const { return impl_->position(); }

void ByteBuffer::reserve(std::size_t capacity) {
  if (capacity <= capacity_ && data_) return;
  auto grown = std::make_unique_for_overwrite<char[]>(capacity + kPadding);
  if (size_ > 0) std::memcpy(grown.get(), data_.get(), size_);
  data_ = std::move(grown);
  capacity_ = capacity;
}

void ByteBuffer::assign(std::string_view bytes) {
  reserve(bytes.size());
  if (!bytes.empty()) std::memcpy(data_.get(), bytes.data(), bytes.size());
  size_ = bytes.size();
}

void ByteBuffer::append(std::string_view bytes) {
  if (size_ + bytes.size() > capacity_) reserve(std::max(size_ + bytes.size(), capacity_ * 2));
  if (!bytes.empty()) std::memcpy(data_.get() + size_, bytes.data(), bytes.size());
  size_ += bytes.size();
}

void ByteBuffer::pad_with_spaces() {
  if (!data_) reserve(0);
  std::memset(data_.get() + size_, ' ', kPadding);
}

void ByteBuffer::drop_front(std::size_t count) {
  if (count >= size_) {
    size_ = 0;
    return;
  }
  std::memmove(data_.get(), data_.get() + count, size_ - count);
  size_ -= count;
}

bool is_gzip(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

Status inflate_gzip(std::string_view compressed, const ReadLimits& limits, ByteBuffer& out) {
  out.resize(0);
  out.reserve(guess_inflated_size(compressed, limits));
  std::size_t pos = 0;
  while (pos < compressed.size()) {
    if (!is_gzip(compressed.substr(pos))) return after_member_error(pos);
    Result<std::size_t> used = inflate_member(compressed.substr(pos), limits, out);
    if (!used) {
      Error error = used.error();
      if (error.offset) *error.offset += pos;
      return error;
    }
    pos += *used;
  }
  return {};
}

Result<std::size_t> inflate_gzip_member(std::string_view compressed, const ReadLimits& limits,
                                        ByteBuffer& out) {
  out.resize(0);
  out.reserve(guess_inflated_size(compressed, limits));
  return inflate_member(compressed, limits, out);
}

Status read_input(const std::string& path, const ReadLimits& limits, ByteBuffer& scratch,
                  ByteBuffer& out) {
  const bool from_stdin = path == kStdinPath;
  const int fd = from_stdin ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return system_error(path, errno);
  Status status = read_descriptor(fd, path, limits, scratch);
  if (!from_stdin) ::close(fd);
  if (!status) return status;
  if (!is_gzip(scratch.view())) {
    std::swap(scratch, out);
    return {};
  }
  Status inflated = inflate_gzip(scratch.view(), limits, out);
  if (!inflated) {
    Error error = inflated.error();
    error.path = path;
    return error;
  }
  return {};
}

Status read_file(const std::string& path, const ReadLimits& limits, ByteBuffer& out) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return system_error(path, errno);
  Status status = read_descriptor(fd, path, limits, out);
  ::close(fd);
  return status;
}

Status read_mirror_file(const std::string& root, const std::string& path, const ReadLimits& limits,
                        ByteBuffer& out) {
  // O_NONBLOCK: a FIFO swapped in for the file must not block the open.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return system_error(path, errno);
  struct stat info {};
  if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    return make_error(path, "not a regular file");
  }
  // Ask the kernel where the open file is: checking the path before opening it leaves a window
  // in which a link could be swapped. Without /proc there is nothing to ask.
  std::error_code error;
  const fs::path proc_entry = fmt::format("/proc/self/fd/{}", fd);
  if (fs::exists("/proc/self/fd", error)) {
    const fs::path opened = fs::read_symlink(proc_entry, error);
    std::error_code root_error;
    const std::string inside = fs::canonical(root, root_error).string() + "/";
    if (error || root_error || opened.string().compare(0, inside.size(), inside) != 0) {
      ::close(fd);
      return make_error(path, "the file opened lies outside the mirror");
    }
  }
  Status status = read_descriptor(fd, path, limits, out);
  ::close(fd);
  return status;
}

std::string format_size(std::uint64_t bytes) {
  constexpr const char* kUnits[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  std::size_t unit = 0;
  while (unit + 1 < std::size(kUnits) && bytes >= 1024 && bytes % 1024 == 0) {
    bytes /= 1024;
    ++unit;
  }
  return fmt::format("{} {}", bytes, kUnits[unit]);
}

}  // namespace trailsift
