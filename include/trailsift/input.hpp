// SPDX-License-Identifier: MIT
// Finding inputs (files, directories, standard input) and reading them, inflated: streamed in
// chunks, or whole where a caller needs the whole file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "trailsift/result.hpp"
#include "trailsift/time.hpp"

namespace trailsift {

/// The name that stands for standard input.
inline constexpr std::string_view kStdinPath = "-";

/// One input to read.
struct InputFile {
  std::string path;        ///< file path, or "-" for standard input
  bool named = false;      ///< given by the user, not found by walking a directory
  std::uint64_t size = 0;  ///< size on disk when known (for progress), else 0
};

/// A file a directory walk found but does not read, and why.
struct SkippedInput {
  std::string path;
  std::string reason;  ///< "a dangling symbolic link", "not an event file name (...)"...
};

/// What expand_inputs found: the files in reading order, the paths it could not use, and what it
/// left out.
struct InputList {
  std::vector<InputFile> files;
  std::vector<Error> errors;
  std::vector<SkippedInput> skipped;        ///< walked entries that are not read (digests aside)
  std::uint64_t outside_range = 0;          ///< log files skipped: delivered before the range
  std::vector<std::string> digest_folders;  ///< `CloudTrail-Digest` folders the walks met
};

/// How directories are walked.
struct WalkOptions {
  /// Globs (matched against the file name) of other files to read: `--include '*.log'`.
  std::vector<std::string> includes;
  /// With a start, a bucket mirror's log files delivered (by the time in their name, or their
  /// day, month or year folder) before start - skew_allowance are not read: a log file holds
  /// only events from before its delivery.
  TimeRange range;
  /// How much later than its log file's delivery an event's own time may be (clock skew).
  std::int64_t skew_allowance = 3600;
};

/// Turns command-line paths into files: directories are walked recursively in byte order of
/// their entries, keeping event files (see is_event_file_name) and those `includes` names, and
/// skipping `CloudTrail-Digest` folders; symbolic links to directories are not followed. Every
/// other entry is listed in `skipped`. Files named on the command line are always read. No paths
/// at all means standard input.
InputList expand_inputs(const std::vector<std::string>& paths, const WalkOptions& options = {});

/// Reads a file that lists paths, one per line (diff's `@list.txt`): blank lines are skipped,
/// and a path is taken as written (a relative one from the current directory). Fails when the
/// file cannot be read or lists no path (an empty list is more likely a mistake than a wish).
Result<std::vector<std::string>> read_path_list(const std::string& path);

/// True for `.json`, `.jsonl`, `.ndjson` and their `.gz` forms, in any case, except digest files.
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
  /// Appends `bytes`, growing the buffer geometrically.
  void append(std::string_view bytes);
  /// Removes the first `count` bytes, moving the rest to the front.
  void drop_front(std::size_t count);
  /// Fills the padding after the data with spaces. A parser may look at the padding of a
  /// malformed document: what it says must not depend on what the buffer held before.
  void pad_with_spaces();

 private:
  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

/// How inputs are read, and the limits that protect memory against hostile or broken inputs.
struct ReadLimits {
  static constexpr std::uint64_t kNoLimit = UINT64_MAX;
  /// Largest input accepted, once inflated (`--max-size`); none by default. A streamed input is
  /// refused as soon as it crosses the limit, not after inflating it.
  std::uint64_t max_bytes = kNoLimit;
  /// Largest single record, or other top-level value, held in memory (`--max-record`). Whatever
  /// the size of an input, a reader holds at most this plus `chunk_bytes` of it.
  std::size_t max_record_bytes = std::size_t{64} << 20;
  /// Inputs up to this size, inflated, are read into memory whole and parsed in one go (the
  /// fast path for the files of a bucket mirror); larger ones are read in chunks.
  std::size_t whole_bytes = std::size_t{8} << 20;
  /// Bytes read or inflated at a time, and the size of a batch of records cut from a large input.
  std::size_t chunk_bytes = std::size_t{1} << 20;
  /// A gzip input too large to read whole is inflated on a thread of its own, a few chunks ahead
  /// of the framing (the commands turn this on when they run more than one thread).
  bool inflate_ahead = false;
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

/// One input as a stream of bytes, inflated when it starts with the gzip magic number (whatever
/// its name; every member, as `gzip -d` reads them). Files, FIFOs and standard input are read
/// once, front to back, in chunks: memory does not follow the size of the input.
class InputStream {
 public:
  /// Opens a file, a FIFO or standard input ("-"). With `copy_fd`, every raw byte read is also
  /// written there (a copy of an input that can be read only once).
  static Result<InputStream> open(const std::string& path, const ReadLimits& limits,
                                  int copy_fd = -1);
  /// Streams bytes already in memory (which must outlive the stream), named `name` in errors.
  /// The raw bytes are taken at most `raw_chunk` at a time, so that tests can cut an input (and
  /// its gzip header) anywhere.
  static InputStream from_memory(std::string name, std::string_view bytes, const ReadLimits& limits,
                                 std::size_t raw_chunk = SIZE_MAX);

  InputStream(InputStream&&) noexcept;
  InputStream& operator=(InputStream&&) noexcept;
  ~InputStream();

  /// Reads up to `capacity` more bytes (inflated) into `out`; 0 at the end of the input. An
  /// error (unreadable, corrupt or truncated gzip, over --max-size) ends the stream; its offset,
  /// for gzip data, is in the compressed bytes.
  Result<std::size_t> read(char* out, std::size_t capacity);

  /// Problems that did not stop the reading: zero padding after the last gzip member (which
  /// `gzip -d` also accepts with a warning). Taken once.
  std::vector<Error> take_warnings();

  const std::string& path() const;
  /// Names the input differently in errors (a copy read in place of the original).
  void rename(std::string name);
  /// True once the first bytes showed the gzip magic number.
  bool gzip() const;
  /// True when a read may wait for a writer: a FIFO, a terminal or standard input that is not a
  /// regular file.
  bool may_wait() const;
  /// Raw (compressed) bytes read so far.
  std::uint64_t raw_bytes() const;

 private:
  struct Impl;
  explicit InputStream(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

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
