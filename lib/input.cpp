// SPDX-License-Identifier: MIT
// Input discovery and whole-file reading. This is the only file of the core that touches the
// file system. Inputs are read whole: CloudTrail files are at most tens of MB, and whole-buffer
// inflation (libdeflate) is about twice as fast as streaming zlib.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "trailsift/input.hpp"

#include <zlib.h>
#ifdef TRAILSIFT_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

namespace trailsift {
namespace {

namespace fs = std::filesystem;

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

Error system_error(const std::string& path, int error_number) {
  return make_error(path, std::strerror(error_number));
}

void walk_directory(const fs::path& directory, InputList& list) {
  std::error_code error;
  std::vector<fs::directory_entry> entries;
  for (fs::directory_iterator it(directory, error), end; !error && it != end; it.increment(error)) {
    entries.push_back(*it);
  }
  if (error) {
    list.errors.push_back(make_error(directory.string(), error.message()));
    return;
  }
  // Byte order of names, so every run and every machine reads the same files in the same order.
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.path().native() < b.path().native(); });
  for (const fs::directory_entry& entry : entries) {
    const std::string name = entry.path().filename().string();
    const fs::file_status link_status = entry.symlink_status(error);
    if (!error && fs::is_directory(link_status)) {
      if (name != "CloudTrail-Digest") walk_directory(entry.path(), list);
      continue;
    }
    if (!is_event_file_name(name)) continue;
    const fs::file_status status = entry.status(error);
    if (error || !fs::is_regular_file(status)) continue;  // dangling link, socket, ...
    const std::uintmax_t size = entry.file_size(error);
    list.files.push_back({entry.path().string(), false, error ? 0 : size});
  }
}

Status read_descriptor(int fd, const std::string& path, const ReadLimits& limits,
                       ByteBuffer& out) {
  out.resize(0);
  struct stat info {};
  if (fstat(fd, &info) == 0 && S_ISREG(info.st_mode)) {
    if (static_cast<std::uint64_t>(info.st_size) > limits.max_bytes) {
      return make_error(path, fmt::format("file is larger than the {} limit (--max-size)",
                                          format_size(limits.max_bytes)));
    }
    out.reserve(static_cast<std::size_t>(info.st_size) + 1);
  }
  while (true) {
    if (out.size() == out.capacity()) {
      if (out.size() >= limits.max_bytes) {
        return make_error(path, fmt::format("input is larger than the {} limit (--max-size)",
                                            format_size(limits.max_bytes)));
      }
      out.reserve(std::min<std::uint64_t>(limits.max_bytes + 1,
                                          std::max<std::size_t>(out.capacity() * 2, 1 << 16)));
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
  return make_error("", fmt::format("gzip data inflates to more than the {} limit (--max-size)",
                                    format_size(limits.max_bytes)));
}

/// A first guess at the inflated size, from the gzip trailer (size modulo 2^32 of the last member).
std::size_t guess_inflated_size(std::string_view compressed, const ReadLimits& limits) {
  std::uint64_t guess = compressed.size() * std::uint64_t{4};
  if (compressed.size() >= 18) {
    const auto* tail = reinterpret_cast<const unsigned char*>(compressed.data() + compressed.size() - 4);
    const std::uint64_t trailer_size =
        tail[0] | (tail[1] << 8) | (tail[2] << 16) | (std::uint64_t{tail[3]} << 24);
    if (trailer_size >= compressed.size() / 2) guess = trailer_size + 16;
  }
  return static_cast<std::size_t>(std::min(guess, limits.max_bytes));
}

Error after_member_error(std::size_t offset) {
  Error error = make_error("", "unexpected data after the end of the gzip stream");
  error.offset = offset;
  return error;
}


/// Streaming zlib: the fallback inflater, and the one that explains a failure precisely
/// (truncated or corrupt, and where). Inflates one gzip member, appending to `out`.
Result<std::size_t> inflate_member_with_zlib(std::string_view in, const ReadLimits& limits,
                                             ByteBuffer& out) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK) return make_error("", "zlib: out of memory");
  std::unique_ptr<z_stream, decltype(&inflateEnd)> guard(&stream, &inflateEnd);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  stream.avail_in = static_cast<uInt>(std::min<std::size_t>(in.size(), UINT32_MAX));
  std::size_t in_pos = 0;
  while (true) {
    if (out.size() == out.capacity()) {
      if (out.capacity() >= limits.max_bytes) return too_large(limits);
      out.reserve(static_cast<std::size_t>(
          std::min<std::uint64_t>(limits.max_bytes, std::uint64_t{out.capacity()} * 2 + 4096)));
    }
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + out.size());
    stream.avail_out = static_cast<uInt>(std::min<std::size_t>(out.capacity() - out.size(), UINT32_MAX));
    const uInt out_before = stream.avail_out;
    const uInt in_before = stream.avail_in;
    const int result = inflate(&stream, Z_NO_FLUSH);
    out.resize(out.size() + (out_before - stream.avail_out));
    in_pos += in_before - stream.avail_in;
    if (stream.avail_in == 0 && in_pos < in.size()) {
      stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + in_pos));
      stream.avail_in = static_cast<uInt>(std::min<std::size_t>(in.size() - in_pos, UINT32_MAX));
    }
    if (result == Z_STREAM_END) return in_pos;
    if (result == Z_OK || (result == Z_BUF_ERROR && stream.avail_out == 0)) continue;
    Error error = make_error("", result == Z_BUF_ERROR ? "truncated gzip data"
                                 : stream.msg      ? fmt::format("corrupt gzip data: {}", stream.msg)
                                                   : "corrupt gzip data");
    error.offset = in_pos;
    return error;
  }
}

/// Inflates one gzip member at the start of `in`, appending to `out`; returns the bytes used.
Result<std::size_t> inflate_member(std::string_view in, const ReadLimits& limits, ByteBuffer& out) {
#ifdef TRAILSIFT_HAVE_LIBDEFLATE
  // Whole-buffer libdeflate: about twice as fast as zlib, but it cannot say where data went
  // bad, so zlib inflates again to tell.
  thread_local std::unique_ptr<libdeflate_decompressor, decltype(&libdeflate_free_decompressor)>
      decompressor(libdeflate_alloc_decompressor(), &libdeflate_free_decompressor);
  const std::size_t out_start = out.size();
  while (true) {
    std::size_t in_used = 0;
    std::size_t out_used = 0;
    const libdeflate_result result = libdeflate_gzip_decompress_ex(
        decompressor.get(), in.data(), in.size(), out.data() + out.size(),
        out.capacity() - out.size(), &in_used, &out_used);
    if (result == LIBDEFLATE_SUCCESS) {
      out.resize(out.size() + out_used);
      return in_used;
    }
    if (result != LIBDEFLATE_INSUFFICIENT_SPACE) break;
    if (out.capacity() >= limits.max_bytes) return too_large(limits);
    out.reserve(static_cast<std::size_t>(
        std::min<std::uint64_t>(limits.max_bytes, std::uint64_t{out.capacity()} * 2)));
  }
  out.resize(out_start);
#endif
  return inflate_member_with_zlib(in, limits, out);
}

}  // namespace

bool is_event_file_name(std::string_view name) {
  if (name.find("_CloudTrail-Digest_") != std::string_view::npos) return false;
  if (ends_with(name, ".gz")) name.remove_suffix(3);
  return ends_with(name, ".json") || ends_with(name, ".jsonl") || ends_with(name, ".ndjson");
}

InputList expand_inputs(const std::vector<std::string>& paths) {
  InputList list;
  if (paths.empty()) {
    list.files.push_back({std::string(kStdinPath), true, 0});
    return list;
  }
  for (const std::string& path : paths) {
    if (path == kStdinPath) {
      list.files.push_back({path, true, 0});
      continue;
    }
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (error) {
      list.errors.push_back(system_error(path, error.value()));
    } else if (fs::is_directory(status)) {
      walk_directory(path, list);
    } else {
      const std::uintmax_t size = fs::is_regular_file(status) ? fs::file_size(path, error) : 0;
      list.files.push_back({path, true, error ? 0 : size});
    }
  }
  return list;
}

Result<std::vector<std::string>> read_path_list(const std::string& path) {
  ByteBuffer scratch;
  ByteBuffer text;
  // A list of paths is small; the limit only guards against naming a log file by mistake.
  const ReadLimits limits{std::uint64_t{64} << 20};
  if (Status status = read_input(path, limits, scratch, text); !status) return status.error();
  std::vector<std::string> paths;
  std::string_view rest = text.view();
  while (!rest.empty()) {
    const std::size_t end = std::min(rest.find('\n'), rest.size());
    std::string_view line = rest.substr(0, end);
    rest.remove_prefix(std::min(end + 1, rest.size()));
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.find_first_not_of(" \t") != std::string_view::npos) paths.emplace_back(line);
  }
  if (paths.empty()) return make_error(path, "lists no paths");
  return paths;
}

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

namespace {

/// What an entry that is neither a folder, a file nor a link is, for MirrorFile::not_a_file.
std::string not_a_file(fs::file_type type) {
  switch (type) {
    case fs::file_type::fifo: return "a FIFO";
    case fs::file_type::socket: return "a socket";
    case fs::file_type::block:
    case fs::file_type::character: return "a device";
    default: return "not a regular file";
  }
}

/// Why the link to a folder at `link` may not be walked, or "" when it may: it must stay inside
/// `real_root` and not lead to a folder that holds it (a loop). `within_link`: found in a folder
/// reached through a link; not walked, so that links cannot multiply what is listed.
std::string linked_folder_problem(const fs::path& link, const fs::path& real_root, bool within_link) {
  std::error_code error;
  const fs::path target = fs::canonical(link, error);
  const fs::path holder = fs::canonical(link.parent_path(), error);
  if (error) return "a symbolic link to a folder that cannot be resolved: not walked";
  if (holder == target || holder.string().compare(0, target.string().size() + 1, target.string() + "/") == 0) {
    return "a symbolic link to a folder that holds it: not walked";
  }
  const std::string inside = real_root.string() + "/";
  if (target.string().compare(0, inside.size(), inside) != 0) {
    return "a symbolic link to a folder outside the mirror: not walked";
  }
  if (within_link) return "a symbolic link to a folder, inside a linked folder: not walked";
  return "";
}

}  // namespace

Result<std::vector<MirrorFile>> list_mirror(const std::string& root) {
  std::error_code error;
  if (!fs::is_directory(root, error)) {
    return make_error(root, error ? error.message() : "not a directory");
  }
  const fs::path real_root = fs::canonical(root, error);
  if (error) return make_error(root, error.message());
  struct Folder {
    fs::path path;
    std::string prefix;  // its key, with a trailing '/'
    bool linked;         // reached through a symbolic link
  };
  std::vector<MirrorFile> files;
  std::vector<Folder> pending = {{fs::path(root), "", false}};
  while (!pending.empty()) {
    const Folder folder = std::move(pending.back());
    pending.pop_back();
    for (fs::directory_iterator it(folder.path, error), end; !error && it != end; it.increment(error)) {
      MirrorFile file{folder.prefix + it->path().filename().string(), 0, folder.linked, ""};
      const fs::file_status status = it->symlink_status(error);
      if (error) break;
      std::error_code target_error;
      const fs::file_status target = fs::is_symlink(status) ? it->status(target_error) : status;
      file.symlink = file.symlink || fs::is_symlink(status);
      if (fs::is_directory(target)) {
        if (fs::is_symlink(status)) {
          file.not_a_file = linked_folder_problem(it->path(), real_root, folder.linked);
        }
        if (file.not_a_file.empty()) {
          pending.push_back({it->path(), file.key + "/", file.symlink});
          continue;
        }
      } else if (fs::is_regular_file(target)) {
        const std::uintmax_t size = fs::file_size(it->path(), target_error);
        file.size = target_error ? 0 : size;
      } else if (fs::exists(target)) {
        file.not_a_file = not_a_file(target.type());
      }
      files.push_back(std::move(file));  // a dangling link is listed as a link, size 0
    }
    if (error) return make_error(folder.path.string(), error.message());
  }
  // Byte order of keys, so every run and every machine sees the files in the same order.
  std::sort(files.begin(), files.end(),
            [](const MirrorFile& a, const MirrorFile& b) { return a.key < b.key; });
  return files;
}

ResolvedKey resolve_mirror_key(const std::string& root, std::string_view key) {
  ResolvedKey resolved;
  resolved.path = root;
  if (!resolved.path.empty() && resolved.path.back() != '/') resolved.path += '/';
  resolved.path += key;
  auto outside = [&](std::string reason) {
    resolved.place = KeyPlace::kOutside;
    resolved.reason = std::move(reason);
    return resolved;
  };
  if (key.empty()) return outside("an empty key");
  if (key.front() == '/') return outside("an absolute key");
  if (key.find('\0') != std::string_view::npos) return outside("a key with a NUL byte");
  for (std::size_t pos = 0; pos <= key.size();) {
    const std::size_t slash = std::min(key.find('/', pos), key.size());
    const std::string_view part = key.substr(pos, slash - pos);
    if (part == "..") return outside("a key with '..'");
    if (part.empty() || part == ".") return outside("a key with an empty or '.' part");
    pos = slash + 1;
  }
  // Walk the key part by part without following links; a link is resolved only to check that
  // it stays inside the root.
  std::error_code error;
  fs::path path(root);
  bool through_link = false;
  for (std::size_t pos = 0; pos <= key.size();) {
    const std::size_t slash = std::min(key.find('/', pos), key.size());
    path /= std::string(key.substr(pos, slash - pos));
    const fs::file_status status = fs::symlink_status(path, error);
    if (error || !fs::exists(status)) return resolved;  // kMissing
    if (fs::is_symlink(status)) {
      through_link = true;
      break;
    }
    pos = slash + 1;
  }
  if (through_link) {
    const fs::path real_root = fs::canonical(root, error);
    if (error) return resolved;
    const fs::path target = fs::canonical(resolved.path, error);
    if (error) return resolved;  // a dangling link: missing, and never read
    const std::string inside = real_root.string() + "/";
    if (target.string().compare(0, inside.size(), inside) != 0) {
      return outside("a symbolic link");
    }
  }
  if (!fs::is_regular_file(resolved.path, error)) return resolved;
  resolved.place = KeyPlace::kInside;
  return resolved;
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
