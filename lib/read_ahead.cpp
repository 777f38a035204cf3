// SPDX-License-Identifier: MIT
#include "read_ahead.hpp"

#include <algorithm>
#include <cstring>
#include <system_error>
#include <utility>

namespace trailsift::detail {

ReadAhead::ReadAhead(InputStream& stream, std::size_t chunk_bytes, std::size_t depth)
    : stream_(stream), chunk_bytes_(std::max<std::size_t>(chunk_bytes, 1)), depth_(depth) {}

std::unique_ptr<ReadAhead> ReadAhead::start(InputStream& stream, std::size_t chunk_bytes,
                                            std::size_t depth) {
  std::unique_ptr<ReadAhead> ahead(new ReadAhead(stream, chunk_bytes, depth));
  try {
    ahead->thread_ = std::thread([raw = ahead.get()] { raw->run(); });
  } catch (const std::system_error&) {
    return nullptr;  // no thread to spare: the caller reads the stream itself
  }
  return ahead;
}

ReadAhead::~ReadAhead() { finish(); }

void ReadAhead::finish() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ReadAhead::run() {
  while (true) {
    Chunk chunk;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return stopping_ || ready_.size() < depth_; });
      if (stopping_) return;
    }
    chunk.bytes.reserve(chunk_bytes_);
    // Fill the chunk, so that the reader gets large pieces; stop at the end or an error.
    bool end = false;
    while (chunk.bytes.size() < chunk_bytes_) {
      Result<std::size_t> count =
          stream_.read(chunk.bytes.data() + chunk.bytes.size(), chunk_bytes_ - chunk.bytes.size());
      if (!count) {
        chunk.error = count.error();
        end = true;
        break;
      }
      if (*count == 0) {
        end = true;
        break;
      }
      chunk.bytes.resize(chunk.bytes.size() + *count);
    }
    chunk.raw_bytes = stream_.raw_bytes();
    // Data and the end travel apart: the end (an empty chunk, with the error if any) comes last.
    Chunk last;
    if (end) {
      last.raw_bytes = chunk.raw_bytes;
      last.error = std::exchange(chunk.error, std::nullopt);
    }
    {
      std::lock_guard lock(mutex_);
      if (chunk.bytes.size() > 0) ready_.push_back(std::move(chunk));
      if (end) ready_.push_back(std::move(last));
    }
    changed_.notify_all();
    if (end) return;
  }
}

Result<std::size_t> ReadAhead::read(char* out, std::size_t capacity) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return !ready_.empty(); });
  // The thread only appends, which leaves the front chunk where it is: copy without the lock.
  Chunk& chunk = ready_.front();
  lock.unlock();
  raw_bytes_ = chunk.raw_bytes;
  if (chunk.bytes.size() == 0) {  // the end: kept, so that a later read says it again
    if (chunk.error) return *chunk.error;
    return std::size_t{0};
  }
  const std::size_t count = std::min(capacity, chunk.bytes.size() - chunk.taken);
  std::memcpy(out, chunk.bytes.data() + chunk.taken, count);
  chunk.taken += count;
  if (chunk.taken == chunk.bytes.size()) {
    lock.lock();
    ready_.pop_front();
    lock.unlock();
    changed_.notify_all();
  }
  return count;
}

}  // namespace trailsift::detail
