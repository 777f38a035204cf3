// SPDX-License-Identifier: MIT
// Cutting an input into RecordBatches: small inputs whole, large ones framed as they stream in.
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "json_framer.hpp"
#include "read_ahead.hpp"
#include "record_batch.hpp"
#include "trailsift/event_reader.hpp"

namespace trailsift {

using detail::FrameItem;

RecordBatch::RecordBatch() : impl_(std::make_unique<Impl>()) {}
RecordBatch::~RecordBatch() = default;
RecordBatch::RecordBatch(RecordBatch&&) noexcept = default;
RecordBatch& RecordBatch::operator=(RecordBatch&&) noexcept = default;
std::uint64_t RecordBatch::input_bytes() const { return impl_->input_bytes; }
bool RecordBatch::last() const { return impl_->last; }

struct InputSplitter::Impl {
  ReadLimits limits;
  std::optional<InputStream> stream;
  std::unique_ptr<detail::ReadAhead> ahead;  // inflates `stream` on a thread of its own
  ByteBuffer window;                         // input bytes from window_offset on
  std::uint64_t window_offset = 0;
  detail::JsonFramer framer;
  std::vector<FrameItem> items;
  std::uint64_t records = 0;       // records framed so far
  std::uint64_t raw_reported = 0;  // raw bytes accounted for in earlier batches
  std::uint64_t inflated_reported = 0;
  std::string head;  // the input's first bytes, for starts_as_log_file
  std::optional<bool> log_file;
  bool started = false;
  bool end_of_input = false;
  std::optional<Error> read_error;

  explicit Impl(const ReadLimits& read_limits) : limits(read_limits), framer(read_limits) {}

  /// Reads up to `wanted` more bytes into the window; false on a read error (kept).
  bool read_more(std::size_t wanted) {
    // Growth by a quarter: an input read in chunks is copied a few times, not once per chunk,
    // and a record near --max-record costs at most a quarter more than itself.
    if (window.size() + wanted > window.capacity()) {
      window.reserve(std::max(window.size() + wanted, window.capacity() + window.capacity() / 4));
    }
    while (wanted > 0 && !end_of_input) {
      char* out = window.data() + window.size();
      Result<std::size_t> count = ahead ? ahead->read(out, wanted) : stream->read(out, wanted);
      if (!count) {
        read_error = count.error();
        end_of_input = true;
        return false;
      }
      if (*count == 0) end_of_input = true;
      if (head.size() < detail::kLogFileStart) {
        head.append(out, std::min(*count, detail::kLogFileStart - head.size()));
      }
      window.resize(window.size() + *count);
      wanted -= *count;
    }
    return true;
  }

  /// Reads the rest of an input whose records ended early (data after the document), so that
  /// a corrupt or truncated gzip member further on is still reported, as a whole read reports it.
  void drain() {
    while (!end_of_input) {
      window_offset += window.size();
      window.resize(0);
      read_more(limits.chunk_bytes);
    }
  }

  /// Where the window is to start once framed: what the framer still needs, and the byte before
  /// it, which the `[` of a run taken in place (hand_over_window) overwrites.
  std::uint64_t kept_offset() const {
    const std::uint64_t keep = framer.keep_offset();
    return keep > window_offset ? keep - 1 : keep;
  }

  /// Gives the window's records to `batch` in place (RecordBatch::Impl::take_records); the
  /// window goes on in new memory from kept_offset().
  void hand_over_window(RecordBatch::Impl& batch, bool framing_done) {
    const std::uint64_t end = window_offset + window.size();
    const std::uint64_t rest_offset = framing_done ? end : kept_offset();
    ByteBuffer rest;  // room for the next read, and for the `]` after the records it completes
    rest.reserve(static_cast<std::size_t>(end - rest_offset) + limits.chunk_bytes + 1);
    rest.assign(window.view().substr(static_cast<std::size_t>(rest_offset - window_offset)));
    batch.take_records(std::move(window), window_offset, items);
    window = std::move(rest);
    window_offset = rest_offset;
  }

  void finish_batch(RecordBatch::Impl& batch) {
    batch.close_run();
    // Batches cut before the input's first 64 bytes were read are not screened: the same
    // records come out, only parsed.
    if (!log_file && (head.size() >= detail::kLogFileStart || end_of_input)) {
      log_file = detail::starts_as_log_file(head);
    }
    batch.log_file = log_file.value_or(false);
    const std::uint64_t raw = ahead ? ahead->raw_bytes() : stream->raw_bytes();
    batch.input_bytes = raw - raw_reported;
    raw_reported = raw;
    const std::uint64_t inflated = batch.whole ? batch.bytes.size() : window_offset + window.size();
    batch.inflated_bytes = inflated - inflated_reported;
    inflated_reported = inflated;
    if (batch.last) {
      if (ahead) ahead->finish();  // the stream is this thread's again
      if (read_error) batch.end_errors.push_back(*read_error);
      batch.warnings = stream->take_warnings();
      batch.not_json = framer.not_json();
    }
  }

  RecordBatch next() {
    RecordBatch result;
    RecordBatch::Impl& batch = *result.impl_;
    batch.name = stream->path();
    batch.first_record = records;
    if (!started) {
      started = true;
      // Small inputs are read whole: one batch, parsed on the fast path.
      while (!end_of_input && window.size() <= limits.whole_bytes) {
        read_more(std::min(limits.chunk_bytes, limits.whole_bytes + 1 - window.size()));
      }
      if (end_of_input && !read_error && window.size() <= limits.whole_bytes) {
        batch.whole = true;
        batch.last = true;
        std::swap(batch.bytes, window);
        batch.bytes.pad_with_spaces();
        finish_batch(batch);
        return result;
      }
      // Not from a pipe: a thread waiting there for a writer could not be told to stop.
      if (limits.inflate_ahead && stream->gzip() && !stream->may_wait() && !end_of_input) {
        ahead = detail::ReadAhead::start(*stream, limits.chunk_bytes);
      }
    }
    while (true) {
      // A read error stops the input where it happened: records completed before it are read,
      // the one it cut is not reported twice.
      const bool framing_ends = end_of_input && !read_error;
      framer.frame(window.view(), window_offset, framing_ends, items);
      const bool framing_done = framer.stopped() || end_of_input;
      const bool taken = batch.can_take(window, window_offset, items);
      if (taken) {
        records += items.size();
        hand_over_window(batch, framing_done);
      } else {
        for (FrameItem& item : items) {
          if (RecordBatch::Impl::counts_as_record(item.kind)) ++records;
          batch.add(std::move(item), window.view(), window_offset);
        }
      }
      items.clear();
      if (framing_done) {
        if (!end_of_input && stream->gzip()) drain();
        batch.last = true;
      }
      if (framing_done || taken) {
        finish_batch(batch);
        return result;
      }
      // Drop what the framer no longer needs, and read on.
      const std::uint64_t keep = kept_offset();
      window.drop_front(static_cast<std::size_t>(keep - window_offset));
      window_offset = keep;
      if (batch.bytes.size() >= limits.chunk_bytes) {
        finish_batch(batch);
        return result;
      }
      read_more(limits.chunk_bytes);
    }
  }
};

InputSplitter::InputSplitter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
InputSplitter::InputSplitter(InputSplitter&&) noexcept = default;
InputSplitter& InputSplitter::operator=(InputSplitter&&) noexcept = default;
InputSplitter::~InputSplitter() = default;

Result<InputSplitter> InputSplitter::open(const std::string& path, const ReadLimits& limits,
                                          int copy_fd, std::string_view name) {
  Result<InputStream> stream = InputStream::open(path, limits, copy_fd);
  if (!stream) {
    Error error = stream.error();
    if (!name.empty()) error.path = std::string(name);
    return error;
  }
  if (!name.empty()) stream->rename(std::string(name));
  auto impl = std::make_unique<Impl>(limits);
  impl->stream.emplace(std::move(*stream));
  return InputSplitter(std::move(impl));
}

InputSplitter InputSplitter::from_memory(std::string name, std::string_view bytes,
                                         const ReadLimits& limits, std::size_t raw_chunk) {
  auto impl = std::make_unique<Impl>(limits);
  impl->stream.emplace(InputStream::from_memory(std::move(name), bytes, limits, raw_chunk));
  return InputSplitter(std::move(impl));
}

RecordBatch InputSplitter::next() { return impl_->next(); }

void InputSplitter::reuse_memory(ByteBuffer memory) {
  impl_->window = std::move(memory);
  impl_->window.resize(0);
}

}  // namespace trailsift
