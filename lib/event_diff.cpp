// SPDX-License-Identifier: MIT
// Events mode of diff. While reading, each event becomes a 48-byte digest; both sides' digests
// are sorted by eventID hash and walked together. Only the records of the changes are then read
// again, batch by batch in order of event time, so that neither the matching nor the output
// holds more than a bounded number of records, however many events or changes there are.
//
// The content hash is SHA-256 (OpenSSL, with the CPU's SHA instructions where present) of the
// canonical record, cut to 128 bits: diff is a tamper check, and a non-cryptographic hash would
// let whoever can edit one copy craft a changed record that compares identical. The eventID is
// only a grouping key, hashed with FNV-1a: a collision merges two IDs' groups, whose contents are
// still compared by SHA-256, so it can change how a difference is labelled, never hide it.
#include "trailsift/event_diff.hpp"

#include <algorithm>
#include <numeric>
#include <tuple>

#include <fmt/format.h>
#include <openssl/evp.h>

#include "json_writer.hpp"
#include "trailsift/canonical_json.hpp"
#include "trailsift/event_format.hpp"
#include "trailsift/event_reader.hpp"
#include "trailsift/parallel.hpp"
#include "trailsift/text_escape.hpp"
#include "trailsift/time.hpp"

namespace trailsift {
namespace {

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::uint64_t load_big_endian(const unsigned char* bytes) {
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | bytes[i];
  return value;
}

}  // namespace

struct EventDigester::Impl {
  JsonCanonicalizer canonicalizer;
  std::string_view canonical;
  EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);  // fetched once: a fetch is slow
  EVP_MD_CTX* context = EVP_MD_CTX_new();

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() {
    EVP_MD_CTX_free(context);
    EVP_MD_free(sha256);
  }
};

EventDigester::EventDigester() : impl_(std::make_unique<Impl>()) {}
EventDigester::~EventDigester() = default;
EventDigester::EventDigester(EventDigester&&) noexcept = default;
EventDigester& EventDigester::operator=(EventDigester&&) noexcept = default;

std::string_view EventDigester::canonical() const { return impl_->canonical; }

Result<EventDigest> EventDigester::digest(const Event& event, std::uint32_t input) {
  Result<std::string_view> canonical = impl_->canonicalizer.canonicalize(event.json);
  if (!canonical) {
    Error error = make_error("", "cannot compare the record: " + canonical.error().message);
    error.record = event.record;
    if (event.line > 0) error.line = event.line;
    return error;
  }
  impl_->canonical = *canonical;
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (impl_->sha256 == nullptr || impl_->context == nullptr ||
      EVP_DigestInit_ex2(impl_->context, impl_->sha256, nullptr) != 1 ||
      EVP_DigestUpdate(impl_->context, canonical->data(), canonical->size()) != 1 ||
      EVP_DigestFinal_ex(impl_->context, hash, &length) != 1) {
    return make_error("", "SHA-256 is not available from OpenSSL");
  }
  EventDigest digest;
  digest.content = {load_big_endian(hash), load_big_endian(hash + 8)};
  digest.key = event.event_id.empty() ? digest.content.high : fnv1a(event.event_id);
  digest.time = parse_iso8601(event.event_time).value_or(kNoTime);
  digest.source = static_cast<std::uint32_t>(fnv1a(event.event_source));
  digest.input = input;
  digest.record = static_cast<std::uint32_t>(event.record);
  return digest;
}

namespace {

bool digest_before(const EventDigest& a, const EventDigest& b) {
  return std::tie(a.key, a.content, a.time, a.source, a.input, a.record) <
         std::tie(b.key, b.content, b.time, b.source, b.input, b.record);
}

/// Matches the records of one eventID: left[l, l_end) against right[r, r_end).
class GroupMatcher {
 public:
  GroupMatcher(const std::vector<EventDigest>& left, const std::vector<EventDigest>& right,
               EventMatch& match)
      : left_(left), right_(right), match_(match) {}

  void match(std::uint32_t l, std::uint32_t l_end, std::uint32_t r, std::uint32_t r_end) {
    left_only_.clear();
    right_only_.clear();
    // Digests are sorted by content within an ID: equal contents form runs on each side.
    auto run_end = [](const std::vector<EventDigest>& digests, std::uint32_t from,
                      std::uint32_t end) {
      std::uint32_t to = from + 1;
      while (to < end && digests[to].content == digests[from].content) ++to;
      return to;
    };
    for (std::uint32_t i = l, j = r; i < l_end || j < r_end;) {
      if (j == r_end || (i < l_end && left_[i].content < right_[j].content)) {
        left_only_.push_back(i);
        i = run_end(left_, i, l_end);
      } else if (i == l_end || right_[j].content < left_[i].content) {
        right_only_.push_back(j);
        j = run_end(right_, j, r_end);
      } else {
        const std::uint32_t i_end = run_end(left_, i, l_end);
        const std::uint32_t j_end = run_end(right_, j, r_end);
        match_.counts.identical += std::min(i_end - i, j_end - j);
        i = i_end;
        j = j_end;
      }
    }
    pair_remaining();
    const std::uint32_t left_count = l_end - l;
    const std::uint32_t right_count = r_end - r;
    if (std::max(left_count, right_count) > 1 && left_count != right_count) {
      EventChange change{Change::kDuplicate, first_in_input(left_, l, l_end),
                         first_in_input(right_, r, r_end), left_count, right_count};
      match_.changes.push_back(change);
      ++match_.counts.duplicate;
    }
  }

 private:
  void pair_remaining() {
    auto when = [](const EventDigest& digest) { return std::tie(digest.time, digest.source); };
    auto order = [&](const std::vector<EventDigest>& digests) {
      return [&](std::uint32_t a, std::uint32_t b) {
        return std::tuple(digests[a].time, digests[a].source, a) <
               std::tuple(digests[b].time, digests[b].source, b);
      };
    };
    std::sort(left_only_.begin(), left_only_.end(), order(left_));
    std::sort(right_only_.begin(), right_only_.end(), order(right_));
    // Pair records of the same eventSource and eventTime; both lists are sorted by them.
    unpaired_left_.clear();
    unpaired_right_.clear();
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < left_only_.size() || j < right_only_.size()) {
      if (j == right_only_.size() ||
          (i < left_only_.size() && when(left_[left_only_[i]]) < when(right_[right_only_[j]]))) {
        unpaired_left_.push_back(left_only_[i++]);
      } else if (i == left_only_.size() ||
                 when(right_[right_only_[j]]) < when(left_[left_only_[i]])) {
        unpaired_right_.push_back(right_only_[j++]);
      } else {
        add(Change::kModified, left_only_[i++], right_only_[j++]);
      }
    }
    if (unpaired_left_.size() == 1 && unpaired_right_.size() == 1) {
      add(Change::kModified, unpaired_left_[0], unpaired_right_[0]);
      return;
    }
    for (const std::uint32_t index : unpaired_left_) add(Change::kRemoved, index, kNoEvent);
    for (const std::uint32_t index : unpaired_right_) add(Change::kAdded, kNoEvent, index);
  }

  void add(Change change, std::uint32_t left, std::uint32_t right) {
    match_.changes.push_back({change, left, right, 0, 0});
    DiffCounts& counts = match_.counts;
    ++(change == Change::kRemoved ? counts.removed
       : change == Change::kAdded ? counts.added
                                  : counts.modified);
  }

  static std::uint32_t first_in_input(const std::vector<EventDigest>& digests, std::uint32_t from,
                                      std::uint32_t end) {
    if (from == end) return kNoEvent;
    std::uint32_t first = from;
    for (std::uint32_t i = from + 1; i < end; ++i) {
      if (std::tie(digests[i].input, digests[i].record) <
          std::tie(digests[first].input, digests[first].record)) {
        first = i;
      }
    }
    return first;
  }

  const std::vector<EventDigest>& left_;
  const std::vector<EventDigest>& right_;
  EventMatch& match_;
  // Reused from group to group: most groups are one identical pair and allocate nothing.
  std::vector<std::uint32_t> left_only_;
  std::vector<std::uint32_t> right_only_;
  std::vector<std::uint32_t> unpaired_left_;
  std::vector<std::uint32_t> unpaired_right_;
};

}  // namespace

Result<EventMatch> match_events(std::vector<EventDigest>& left, std::vector<EventDigest>& right) {
  if (left.size() >= kNoEvent || right.size() >= kNoEvent) {
    return make_error("", "too many events to compare: at most 4294967294 on each side");
  }
  std::sort(left.begin(), left.end(), digest_before);
  std::sort(right.begin(), right.end(), digest_before);
  EventMatch match;
  GroupMatcher matcher(left, right, match);
  const auto left_size = static_cast<std::uint32_t>(left.size());
  const auto right_size = static_cast<std::uint32_t>(right.size());
  for (std::uint32_t i = 0, j = 0; i < left_size || j < right_size;) {
    const std::uint64_t key = j == right_size || (i < left_size && left[i].key < right[j].key)
                                  ? left[i].key
                                  : right[j].key;
    const std::uint32_t l = i;
    const std::uint32_t r = j;
    while (i < left_size && left[i].key == key) ++i;
    while (j < right_size && right[j].key == key) ++j;
    matcher.match(l, i, r, j);
  }
  return match;
}

namespace {

/// A record to read again: which side, input and record, and which digest it must match.
struct Wanted {
  std::uint32_t side = 0;  // 0 left, 1 right
  std::uint32_t input = 0;
  std::uint32_t record = 0;
  std::uint32_t digest = 0;
  bool canonical = false;  // its canonical form is needed (modified records)

  auto location() const { return std::tie(side, input, record); }
};

bool by_location(const Wanted& a, const Wanted& b) { return a.location() < b.location(); }

/// What is kept of a record read again.
struct Fetched {
  bool found = false;
  std::string json;  // compact, as filter prints it
  std::string canonical;
  std::string event_id;
  std::string event_time;
  std::string username;
  std::string event_name;
};

/// One change ready to write.
struct Ready {
  const EventChange* change;
  std::int64_t time;
  const Fetched* left;
  const Fetched* right;

  const Fetched& shown() const { return left ? *left : *right; }
};

constexpr std::string_view kChangeNames[] = {"removed", "added", "modified", "duplicate"};
constexpr char kMarkers[] = {'-', '+', '~', '*'};
// Longer values are cut in text output (never in NDJSON), so that a changed policy document
// does not bury the other lines.
constexpr std::size_t kTextValueLimit = 160;

/// Text for a terminal: control characters (which could move the cursor) become '?'.
/// For JSON text, which holds no raw control characters but may hold other bytes.
void append_plain(std::string& out, std::string_view text) {
  for (const char c : text) {
    out += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c;
  }
}

void append_cell(std::string& out, std::string_view text) {
  if (text.empty()) {
    out += "(none)";
  } else {
    append_escaped_text(out, text);
  }
}

void append_value(std::string& out, const std::optional<std::string>& value) {
  if (!value) {
    out += "(absent)";
    return;
  }
  if (value->size() <= kTextValueLimit) {
    append_plain(out, *value);
    return;
  }
  std::size_t cut = kTextValueLimit;
  while (cut > 0 && (static_cast<unsigned char>((*value)[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
  append_plain(out, std::string_view(*value).substr(0, cut));
  fmt::format_to(std::back_inserter(out), "... ({} bytes)", value->size());
}

void append_text(std::string& out, const Ready& ready) {
  const EventChange& change = *ready.change;
  const Fetched& shown = ready.shown();
  out += kMarkers[static_cast<int>(change.change)];
  for (const std::string* cell :
       {&shown.event_time, &shown.username, &shown.event_name, &shown.event_id}) {
    out += ' ';
    append_cell(out, *cell);
  }
  if (change.change == Change::kDuplicate) {
    fmt::format_to(std::back_inserter(out), "  ({} on the left, {} on the right)",
                   change.left_count, change.right_count);
  }
  out += '\n';
  if (change.change != Change::kModified) return;
  for (const FieldDifference& field :
       diff_canonical_json(ready.left->canonical, ready.right->canonical)) {
    out += "    ";
    append_plain(out, field.path);
    out += ": ";
    append_value(out, field.left);
    out += " -> ";
    append_value(out, field.right);
    out += '\n';
  }
}

void append_ndjson(std::string& out, const Ready& ready) {
  const EventChange& change = *ready.change;
  const Fetched& shown = ready.shown();
  detail::JsonWriter json(out);
  json.begin_object().str("change", kChangeNames[static_cast<int>(change.change)]);
  json.key("eventID").string_or_null(shown.event_id);
  json.key("eventTime").string_or_null(shown.event_time);
  if (change.change == Change::kDuplicate) {
    json.num("left_count", change.left_count).num("right_count", change.right_count);
  }
  json.begin_array("fields");
  if (change.change == Change::kModified) {
    for (const FieldDifference& field :
         diff_canonical_json(ready.left->canonical, ready.right->canonical)) {
      json.begin_object().str("path", field.path);
      if (field.left) json.raw("left", *field.left);
      if (field.right) json.raw("right", *field.right);
      json.end_object();
    }
  }
  json.end_array();
  json.raw("left", ready.left ? std::string_view(ready.left->json) : "null");
  json.raw("right", ready.right ? std::string_view(ready.right->json) : "null");
  json.end_object();
  out += '\n';
}

/// Re-reads the records of one batch of changes, file by file in parallel.
class Fetcher {
 public:
  Fetcher(const DiffSide& left, const DiffSide& right, const ChangeOutput& output)
      : sides_{&left, &right}, threads_(std::clamp(output.threads, 1u, kMaxThreads)) {
    for (unsigned i = 0; i < threads_; ++i) {
      readers_.emplace_back(output.limits);
      digesters_.emplace_back();
    }
  }

  /// Reads `wanted` (sorted by location, no repeats) into `fetched`; adds problems to `errors`.
  /// Fails when the threads cannot be started.
  Status fetch(const std::vector<Wanted>& wanted, std::vector<Fetched>& fetched,
               std::vector<Error>& errors) {
    fetched.assign(wanted.size(), {});
    std::vector<std::pair<std::size_t, std::size_t>> files;  // runs of one (side, input)
    for (std::size_t i = 0; i < wanted.size(); ++i) {
      if (i == 0 || wanted[i].side != wanted[i - 1].side ||
          wanted[i].input != wanted[i - 1].input) {
        files.emplace_back(i, i);
      }
      files.back().second = i + 1;
    }
    std::vector<std::vector<Error>> file_errors(files.size());
    return run_in_order(
        files.size(), threads_, threads_,
        [&](std::size_t item, std::size_t, unsigned worker) {
          read_file(wanted, files[item].first, files[item].second, fetched, file_errors[item],
                    readers_[worker], digesters_[worker]);
        },
        [&](std::size_t item, std::size_t) {
          std::move(file_errors[item].begin(), file_errors[item].end(), std::back_inserter(errors));
        });
  }

 private:
  void read_file(const std::vector<Wanted>& wanted, std::size_t begin, std::size_t end,
                 std::vector<Fetched>& fetched, std::vector<Error>& errors, EventReader& reader,
                 EventDigester& digester) const {
    const DiffSide& side = *sides_[wanted[begin].side];
    const std::string& path = side.inputs[wanted[begin].input];
    std::size_t next = begin;
    auto changed = [&](std::uint32_t record) {
      Error error = make_error(path, "changed since diff read it: the record is not the same");
      error.record = record;
      errors.push_back(std::move(error));
    };
    const EventVisitor visit = [&](const Event& event) {
      while (next < end && wanted[next].record < event.record) ++next;
      if (next == end) return Visit::kStop;
      if (wanted[next].record != event.record) return Visit::kContinue;
      const Wanted& want = wanted[next];
      Result<EventDigest> digest = digester.digest(event, want.input);
      if (!digest || digest->content != side.digests[want.digest].content) {
        changed(want.record);
      } else {
        Fetched& record = fetched[next];
        record.found = true;
        append_compact_json(record.json, event.json);
        if (want.canonical) record.canonical = digester.canonical();
        record.event_id = event.event_id;
        record.event_time = event.event_time;
        record.username = event.username();
        record.event_name = event.event_name;
      }
      ++next;
      return next == end ? Visit::kStop : Visit::kContinue;
    };
    // The read's own errors were reported by the first reading; what matters now is whether
    // every record came back.
    const std::size_t input = wanted[begin].input;
    reader.read_file(side.reread_paths.empty() ? path : side.reread_paths[input], visit, path);
    std::size_t missing = 0;
    for (std::size_t i = begin; i < end; ++i) missing += fetched[i].found ? 0 : 1;
    if (missing > errors.size()) {  // not found at all, besides those found but different
      errors.push_back(make_error(
          path, fmt::format("changed since diff read it: {} of its records could not be read again",
                            missing - errors.size())));
    }
  }

  const DiffSide* sides_[2];
  unsigned threads_;
  std::vector<EventReader> readers_;
  std::vector<EventDigester> digesters_;
};

/// The records that changes[order[i]], i in [begin, end), stand for: sorted by location, each
/// once (a record can stand in two changes: a duplicate's first and a removed one).
std::vector<Wanted> records_of(const std::vector<EventChange>& changes,
                               const std::vector<std::size_t>& order, std::size_t begin,
                               std::size_t end, const DiffSide& left, const DiffSide& right) {
  std::vector<Wanted> wanted;
  for (std::size_t i = begin; i < end; ++i) {
    const EventChange& change = changes[order[i]];
    const bool canonical = change.change == Change::kModified;
    if (change.left != kNoEvent) {
      const EventDigest& digest = left.digests[change.left];
      wanted.push_back({0, digest.input, digest.record, change.left, canonical});
    }
    if (change.right != kNoEvent) {
      const EventDigest& digest = right.digests[change.right];
      wanted.push_back({1, digest.input, digest.record, change.right, canonical});
    }
  }
  std::sort(wanted.begin(), wanted.end(), by_location);
  std::vector<Wanted> unique;
  for (const Wanted& want : wanted) {
    if (!unique.empty() && unique.back().location() == want.location()) {
      unique.back().canonical = unique.back().canonical || want.canonical;
    } else {
      unique.push_back(want);
    }
  }
  return unique;
}

}  // namespace

std::vector<Error> write_changes(const std::vector<EventChange>& changes, const DiffSide& left,
                                 const DiffSide& right, const ChangeOutput& output,
                                 const std::function<void(std::string_view)>& write) {
  auto time_of = [&](std::size_t change) {
    const EventChange& c = changes[change];
    return c.left != kNoEvent ? left.digests[c.left].time : right.digests[c.right].time;
  };
  std::vector<std::size_t> order(changes.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return time_of(a) < time_of(b); });

  std::vector<Error> errors;
  Fetcher fetcher(left, right, output);
  std::vector<Fetched> fetched;
  const std::size_t batch = std::max<std::size_t>(1, output.batch);
  for (std::size_t begin = 0; begin < order.size();) {
    // A batch ends between two event times, so that sorting within it sorts the whole.
    std::size_t end = std::min(begin + batch, order.size());
    while (end < order.size() && time_of(order[end]) == time_of(order[end - 1])) ++end;
    const std::vector<Wanted> wanted = records_of(changes, order, begin, end, left, right);
    if (Status ran = fetcher.fetch(wanted, fetched, errors); !ran) {
      errors.push_back(ran.error());
      break;  // nothing of this batch was read
    }

    auto find = [&](std::uint32_t side, std::uint32_t index) -> const Fetched* {
      if (index == kNoEvent) return nullptr;
      const EventDigest& digest = (side == 0 ? left : right).digests[index];
      const Wanted key{side, digest.input, digest.record, 0, false};
      const auto it = std::lower_bound(wanted.begin(), wanted.end(), key, by_location);
      const Fetched& record = fetched[static_cast<std::size_t>(it - wanted.begin())];
      return record.found ? &record : nullptr;
    };
    std::vector<Ready> ready;
    for (std::size_t i = begin; i < end; ++i) {
      const EventChange& change = changes[order[i]];
      const Ready entry{&change, time_of(order[i]), find(0, change.left), find(1, change.right)};
      // A record that could not be read again has been reported; its change is left out.
      if ((change.left == kNoEvent || entry.left) && (change.right == kNoEvent || entry.right)) {
        ready.push_back(entry);
      }
    }
    auto key = [](const Ready& entry) {
      return std::tuple(entry.time, std::string_view(entry.shown().event_id), entry.change->change,
                        entry.change->left, entry.change->right);
    };
    std::sort(ready.begin(), ready.end(),
              [&](const Ready& a, const Ready& b) { return key(a) < key(b); });
    std::string text;
    for (const Ready& entry : ready) {
      if (output.format == EventDiffFormat::kText) {
        append_text(text, entry);
      } else {
        append_ndjson(text, entry);
      }
    }
    write(text);
    begin = end;
  }
  return errors;
}

}  // namespace trailsift
