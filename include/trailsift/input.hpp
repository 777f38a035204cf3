// SPDX-License-Identifier: MIT
// Finding inputs (files, directories, standard input) and reading them into memory, inflated.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "trailsift/result.hpp"

namespace trailsift {

/// The name that stands for standard input.
inline constexpr std::string_view kStdinPath = "-";

/// One input to read.
struct InputFile {
  std::string path;        ///< file path, or "-" for standard input
  bool named = false;      ///< given by the user, not found by walking a directory
  std::uint64_t size = 0;  ///< size on disk when known (for progress), else 0
};

/// What expand_inputs found: the files in reading order, and the paths it could not use.
struct InputList {
  std::vector<InputFile> files;
  std::vector<Error> errors;
};

/// Turns command-line paths into files: directories are walked recursively in byte order of
/// their entries, keeping only event files (see is_event_file_name) and skipping
/// `CloudTrail-Digest` folders; symbolic links to directories are not followed. No paths at
/// all means standard input.
InputList expand_inputs(const std::vector<std::string>& paths);

/// Reads a file that lists paths, one per line (diff's `@list.txt`): blank lines are skipped,
/// and a path is taken as written (a relative one from the current directory). Fails when the
/// file cannot be read or lists no path (an empty list is more likely a mistake than a wish).
Result<std::vector<std::string>> read_path_list(const std::string& path);

/// True for `.json`, `.jsonl`, `.ndjson` and their `.gz` forms, except digest files.
bool is_event_file_name(std::string_view file_name);

/// A growable byte buffer that keeps `kPadding` readable bytes after its end, as simdjson needs,
/// and is never zero-filled (it is overwritten by reads and inflation).
class ByteBuffer {
 public:
  static constexpr std::size_t kPadding = 64;

  const char* data() const { return data_.get(); }
  char* data() { return data_.get(); }
  std::size_t size() const { return size_; }
  std::size_t capacity() const { return capacity_; }
  std::string_view view() const { return {data_.get(), size_}; }

  /// Makes room for `capacity` bytes (plus padding), keeping the current contents.
  void reserve(std::size_t capacity);
  /// Sets the size; `size` must not exceed capacity().
  void resize(std::size_t size) { size_ = size; }
  void assign(std::string_view bytes);

 private:
  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

/// Limits that protect memory against hostile or broken inputs.
struct ReadLimits {
  /// Largest input accepted after inflation; larger ones are refused with an error.
  std::uint64_t max_bytes = std::uint64_t{2} << 30;
};

/// True when `bytes` starts with the gzip magic number.
bool is_gzip(std::string_view bytes);

/// Inflates every gzip member of `compressed` (as `gzip -d` does) into `out`.
Status inflate_gzip(std::string_view compressed, const ReadLimits& limits, ByteBuffer& out);

/// Inflates only the first gzip member of `compressed` into `out` and returns how many bytes
/// of `compressed` it used: whatever follows is data that member does not cover.
Result<std::size_t> inflate_gzip_member(std::string_view compressed, const ReadLimits& limits,
                                        ByteBuffer& out);

/// Reads the whole input at `path` ("-": standard input) into `out`, inflating it when it
/// starts with the gzip magic number, whatever its name. `scratch` holds the compressed bytes.
Status read_input(const std::string& path, const ReadLimits& limits, ByteBuffer& scratch,
                  ByteBuffer& out);

/// Reads the whole file at `path` into `out`, as it is on disk (no inflation).
Status read_file(const std::string& path, const ReadLimits& limits, ByteBuffer& out);

/// A file under the root of a bucket mirror (`aws s3 sync s3://BUCKET ROOT`).
struct MirrorFile {
  std::string key;         ///< its path under the root, '/'-separated: its S3 key
  std::uint64_t size = 0;  ///< size on disk; for a link, of the file it leads to (0 if none)
  /// A symbolic link, or reached through one: resolve_mirror_key decides whether it may be read.
  bool symlink = false;
  /// Why this is not a file to read: a FIFO, a socket or a device, or a link to a folder that
  /// was not walked (leading out of the root, or to a folder that holds it). Empty for files.
  std::string not_a_file;
};

/// Lists the files under `root`, recursively, in byte order of their keys. A symbolic link to
/// a folder inside the root is walked as a folder (its files listed under the link's key, as
/// links), unless it leads to a folder that holds it or was itself reached through a link; a
/// link to a file is listed, never followed. Entries that are not files are listed too (see
/// MirrorFile::not_a_file), so that nothing under the root goes unseen.
Result<std::vector<MirrorFile>> list_mirror(const std::string& root);

/// Where an S3 key leads in a mirror.
enum class KeyPlace {
  kInside,   ///< an existing file inside the root: `path` may be read
  kMissing,  ///< no such file
  kOutside,  ///< `..`, an absolute key, or a symbolic link leading out of the root: never read
};

/// A key resolved in a mirror: where it leads, the path to read, and why it may not be read.
struct ResolvedKey {
  KeyPlace place = KeyPlace::kMissing;
  std::string path;    ///< root/key, for reading and for messages
  std::string reason;  ///< for kOutside: what leads out
};

/// Reads a mirror file as read_file does, after checking that the file actually opened lies
/// inside `root`: a link swapped after resolve_mirror_key checked it is refused, not read.
Status read_mirror_file(const std::string& root, const std::string& path, const ReadLimits& limits,
                        ByteBuffer& out);

/// Resolves `key` under `root` without ever leaving it: keys with empty, `.` or `..` parts or a
/// leading '/' are refused without touching the disk, and symbolic links are followed only to
/// check that they stay inside the root.
ResolvedKey resolve_mirror_key(const std::string& root, std::string_view key);

/// "2 GiB", "512 MiB", "100 KiB", "12 bytes": sizes in error messages.
std::string format_size(std::uint64_t bytes);

}  // namespace trailsift
