// SPDX-License-Identifier: MIT
// Internal: inflating one large gzip input on a thread of its own, a few chunks ahead of the
// thread that frames it. A gzip stream cannot be split, so one thread inflates it; without this,
// that thread also framed the records, and parsing threads waited for it.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "trailsift/input.hpp"
#include "trailsift/result.hpp"

namespace trailsift::detail {

class ReadAhead {
 public:
  /// Reads on from `stream` (which must outlive this, and is not touched by anyone else until
  /// finish()) in chunks of `chunk_bytes`, at most `depth` chunks ahead. Returns null when no
  /// thread can be started: then read the stream directly.
  static std::unique_ptr<ReadAhead> start(InputStream& stream, std::size_t chunk_bytes,
                                          std::size_t depth = 4);
  ~ReadAhead();
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;

  /// As InputStream::read: up to `capacity` bytes, 0 at the end, or the error that ended it.
  Result<std::size_t> read(char* out, std::size_t capacity);
  /// Raw bytes of the stream behind what read() has returned so far (chunk by chunk).
  std::uint64_t raw_bytes() const { return raw_bytes_; }
  /// Stops the thread and waits for it: the stream is the caller's again.
  void finish();

 private:
  struct Chunk {
    ByteBuffer bytes;
    std::size_t taken = 0;
    std::uint64_t raw_bytes = 0;  // the stream's raw bytes once this chunk was read
    std::optional<Error> error;   // the read that ended the stream failed
  };

  ReadAhead(InputStream& stream, std::size_t chunk_bytes, std::size_t depth);
  void run();

  InputStream& stream_;
  std::size_t chunk_bytes_;
  std::size_t depth_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Chunk> ready_;  // read, not yet fully taken; the last one may be the end (empty)
  bool stopping_ = false;
  std::uint64_t raw_bytes_ = 0;
  std::thread thread_;
};

}  // namespace trailsift::detail
