// SPDX-License-Identifier: MIT
#include "trailsift/event_sort.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <queue>

#include <fmt/format.h>

namespace trailsift {

SortTime sort_time(std::string_view event_time) {
  const std::optional<UnixSeconds> seconds = parse_iso8601(event_time);
  if (!seconds) return {};
  SortTime time{true, *seconds, 0};
  const std::size_t dot = event_time.find('.');
  if (dot != std::string_view::npos) {
    std::uint32_t scale = 100'000'000;
    for (std::size_t i = dot + 1; i < event_time.size() && scale > 0; ++i, scale /= 10) {
      const char c = event_time[i];
      if (c < '0' || c > '9') break;
      time.nanoseconds += static_cast<std::uint32_t>(c - '0') * scale;
    }
  }
  return time;
}

namespace {

/// What precedes each piece in a run file (written and read by this process only, so in its
/// own byte order).
struct PieceHeader {
  UnixSeconds seconds = 0;
  std::uint64_t sequence = 0;  // the order of add(): ties keep it
  std::uint64_t length = 0;
  std::uint32_t nanoseconds = 0;
  std::uint32_t known = 0;

  SortTime time() const { return {known != 0, seconds, nanoseconds}; }
  friend bool operator<(const PieceHeader& a, const PieceHeader& b) {
    if (a.time() < b.time()) return true;
    if (b.time() < a.time()) return false;
    return a.sequence < b.sequence;
  }
};

constexpr std::size_t kIoBuffer = std::size_t{1} << 16;

/// One sorted run in an unlinked temporary file.
struct Run {
  int fd = -1;
  std::uint64_t size = 0;
  unsigned level = 0;  // 0: spilled from memory; n + 1: merged from kMergeWidth runs of level n
};

std::string io_message(const std::string& folder, std::string_view what) {
  return fmt::format("{} a temporary file in {}: {}", what, folder, std::strerror(errno));
}

/// A file without a name, so that nothing is left to clean up however the process ends:
/// O_TMPFILE where the file system has it; else a named file unlinked at once (a signal in
/// between is the only way to leave it behind).
Result<Run> make_run_file(const std::string& folder) {
  int fd = ::open(folder.c_str(), O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
    std::string name = folder + "/trailsift-sort-XXXXXX";
    fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd >= 0) ::unlink(name.c_str());
  }
  if (fd < 0) return make_error("", io_message(folder, "--temp-dir: cannot make"));
  return Run{fd, 0, 0};
}

/// Appends pieces to a run file through a buffer.
class RunWriter {
 public:
  RunWriter(Run& run, const std::string& folder) : run_(run), folder_(folder) {}

  Status write(const PieceHeader& header, std::string_view piece) {
    buffer_.append(reinterpret_cast<const char*>(&header), sizeof header);
    buffer_.append(piece);
    return buffer_.size() >= kIoBuffer ? flush() : Status{};
  }

  Status flush() {
    std::size_t done = 0;
    while (done < buffer_.size()) {
      const ssize_t n = ::pwrite(run_.fd, buffer_.data() + done, buffer_.size() - done,
                                 static_cast<off_t>(run_.size + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return make_error("", io_message(folder_, "--temp-dir: cannot write"));
      done += static_cast<std::size_t>(n);
    }
    run_.size += buffer_.size();
    buffer_.clear();
    return {};
  }

 private:
  Run& run_;
  const std::string& folder_;
  std::string buffer_;
};

/// Reads a run file's pieces back in order, from its start.
class RunReader {
 public:
  RunReader(const Run& run, const std::string& folder) : run_(run), folder_(folder) {}

  /// The next piece into header and piece; false at the end of the run.
  Result<bool> next(PieceHeader& header, std::string& piece) {
    if (offset_ - (end_ - pos_) == run_.size) return false;  // all of it consumed
    if (Status got = read(&header, sizeof header); !got) return got.error();
    piece.resize(header.length);
    if (Status got = read(piece.data(), piece.size()); !got) return got.error();
    return true;
  }

 private:
  Status read(void* out, std::size_t size) {
    char* to = static_cast<char*>(out);
    while (size > 0) {
      if (pos_ == end_) {
        buffer_.resize(kIoBuffer);
        const ssize_t n =
            ::pread(run_.fd, buffer_.data(), buffer_.size(), static_cast<off_t>(offset_));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return make_error("", io_message(folder_, "--temp-dir: cannot read"));
        if (n == 0)
          return make_error("", fmt::format("--temp-dir: a temporary file in {} is "
                                            "shorter than written",
                                            folder_));
        offset_ += static_cast<std::uint64_t>(n);
        pos_ = 0;
        end_ = static_cast<std::size_t>(n);
      }
      const std::size_t take = std::min(size, end_ - pos_);
      std::memcpy(to, buffer_.data() + pos_, take);
      pos_ += take;
      to += take;
      size -= take;
    }
    return {};
  }

  const Run& run_;
  const std::string& folder_;
  std::vector<char> buffer_;
  std::uint64_t offset_ = 0;  // of the end of what is in the buffer
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
};

using MergeVisit = std::function<Result<bool>(const PieceHeader& header, std::string_view piece)>;

/// K-way merge of runs, smallest (time, sequence) first, until `visit` returns false.
Status merge_runs(const std::vector<Run>& runs, const std::string& folder,
                  const MergeVisit& visit) {
  struct Head {
    RunReader reader;
    PieceHeader header;
    std::string piece;
  };
  std::vector<Head> heads;
  heads.reserve(runs.size());
  const auto later = [&](std::size_t a, std::size_t b) {
    return heads[b].header < heads[a].header;
  };
  std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(later)> queue(later);
  for (const Run& run : runs) {
    Head& head = heads.emplace_back(Head{RunReader(run, folder), {}, {}});
    Result<bool> got = head.reader.next(head.header, head.piece);
    if (!got) return got.error();
    if (*got) queue.push(heads.size() - 1);
  }
  while (!queue.empty()) {
    const std::size_t index = queue.top();
    queue.pop();
    Head& head = heads[index];
    Result<bool> more = visit(head.header, head.piece);
    if (!more) return more.error();
    if (!*more) return {};
    Result<bool> got = head.reader.next(head.header, head.piece);
    if (!got) return got.error();
    if (*got) queue.push(index);
  }
  return {};
}

void close_runs(std::vector<Run>& runs) {
  for (const Run& run : runs) ::close(run.fd);
  runs.clear();
}

}  // namespace

struct EventSorter::State {
  struct Entry {
    PieceHeader header;
    std::uint64_t offset = 0;  // into text
  };

  SortLimits limits;
  std::string text;            // the pieces in memory, one after another
  std::vector<Entry> entries;  // one per piece in memory
  bool entries_sorted = true;
  std::uint64_t added = 0;
  std::uint64_t spilled = 0;
  std::vector<Run> runs;  // levels never increase along the list

  ~State() { close_runs(runs); }

  std::uint64_t memory() const { return text.size() + entries.size() * sizeof(Entry); }

  void sort_entries() {
    if (!entries_sorted) {
      std::sort(entries.begin(), entries.end(),
                [](const Entry& a, const Entry& b) { return a.header < b.header; });
    }
    entries_sorted = true;
  }

  /// Writes the pieces in memory as a sorted run, then merges the last kMergeWidth runs while
  /// they are of one level, so that no more than kMergeWidth runs of a level ever wait.
  Status spill() {
    sort_entries();
    Result<Run> run = make_run_file(limits.temp_dir);
    if (!run) return run.error();
    runs.push_back(*run);
    ++spilled;
    RunWriter writer(runs.back(), limits.temp_dir);
    for (const Entry& entry : entries) {
      Status written = writer.write(
          entry.header, std::string_view(text).substr(entry.offset, entry.header.length));
      if (!written) return written;
    }
    if (Status flushed = writer.flush(); !flushed) return flushed;
    text.clear();
    entries.clear();
    while (runs.size() >= kMergeWidth &&
           runs[runs.size() - kMergeWidth].level == runs.back().level) {
      std::vector<Run> merged(runs.end() - kMergeWidth, runs.end());
      runs.resize(runs.size() - kMergeWidth);
      Result<Run> into = make_run_file(limits.temp_dir);
      if (!into) {
        close_runs(merged);
        return into.error();
      }
      into->level = merged.back().level + 1;
      runs.push_back(*into);
      RunWriter merged_writer(runs.back(), limits.temp_dir);
      Status done =
          merge_runs(merged, limits.temp_dir,
                     [&](const PieceHeader& header, std::string_view piece) -> Result<bool> {
                       if (Status written = merged_writer.write(header, piece); !written) {
                         return written.error();
                       }
                       return true;
                     });
      if (done) done = merged_writer.flush();
      close_runs(merged);
      if (!done) return done;
    }
    return {};
  }
};

EventSorter::EventSorter(SortLimits limits) : state_(std::make_unique<State>()) {
  state_->limits = std::move(limits);
}
EventSorter::EventSorter(EventSorter&&) noexcept = default;
EventSorter& EventSorter::operator=(EventSorter&&) noexcept = default;
EventSorter::~EventSorter() = default;

Status EventSorter::add(SortTime time, std::string_view piece) {
  State& s = *state_;
  if (!s.entries.empty() &&
      s.memory() + piece.size() + sizeof(State::Entry) > s.limits.memory_bytes) {
    if (Status spilled = s.spill(); !spilled) return spilled;
  }
  // Growing by doubling could take twice the budget; pages reserved but not written cost no
  // memory. A budget beyond kReservedMost grows as it goes, so that no huge reservation fails.
  constexpr std::uint64_t kReservedMost = std::uint64_t{1} << 30;
  if (s.text.capacity() < s.limits.memory_bytes && s.limits.memory_bytes <= kReservedMost) {
    s.text.reserve(s.limits.memory_bytes);
  }
  PieceHeader header{time.seconds, s.added++, piece.size(), time.nanoseconds, time.known ? 1u : 0u};
  if (!s.entries.empty() && header < s.entries.back().header) s.entries_sorted = false;
  s.entries.push_back({header, s.text.size()});
  s.text.append(piece);
  return {};
}

Status EventSorter::for_each(const std::function<bool(std::string_view piece)>& visit) {
  State& s = *state_;
  if (s.runs.empty()) {
    s.sort_entries();
    for (const State::Entry& entry : s.entries) {
      if (!visit(std::string_view(s.text).substr(entry.offset, entry.header.length))) break;
    }
    return {};
  }
  if (!s.entries.empty()) {
    if (Status spilled = s.spill(); !spilled) return spilled;
  }
  return merge_runs(
      s.runs, s.limits.temp_dir,
      [&](const PieceHeader&, std::string_view piece) -> Result<bool> { return visit(piece); });
}

std::uint64_t EventSorter::size() const { return state_->added; }

std::uint64_t EventSorter::runs_spilled() const { return state_->spilled; }

}  // namespace trailsift
