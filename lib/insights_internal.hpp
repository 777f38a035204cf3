// SPDX-License-Identifier: MIT
// What InsightsCounter keeps, shared by its counting (insights.cpp) and its scan
// (insights_detect.cpp). Not a public header.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "trailsift/insights.hpp"

namespace trailsift {
namespace insights_detail {

/// The attributes an insight is attributed to, in the order CloudTrail lists them.
enum Attribute : std::uint32_t { kIdentityArn = 0, kUserAgent = 1, kErrorCode = 2 };
inline constexpr std::size_t kAttributeCount = 3;
inline constexpr std::string_view kAttributeNames[kAttributeCount] = {"userIdentityArn",
                                                                      "userAgent", "errorCode"};

/// Values kept per minute and attribute: enough for a top five over many minutes.
inline constexpr std::size_t kKeptValues = 8;

/// A value (its string's id) with its attribute in the top two bits, and its count.
struct Entry {
  std::uint32_t tagged = 0;
  std::uint32_t count = 0;
};
inline constexpr std::uint32_t kIdBits = 30;
inline constexpr std::uint32_t kIdMask = (1U << kIdBits) - 1;

/// Hashes std::string and std::string_view alike, so that lookups need no copy.
struct TextHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const {
    return std::hash<std::string_view>{}(text);
  }
};

/// Strings kept once, by id, for as long as something refers to them: memory follows the
/// values the cells keep, not every value ever seen (role session names are often unique).
class StringPool {
 public:
  /// The id of `text`, with one more reference to it.
  std::uint32_t acquire(std::string_view text);
  /// One more reference to `id`.
  void acquire(std::uint32_t id) { ++references_[id]; }
  /// One reference fewer; the string is let go with the last one.
  void release(std::uint32_t id);
  std::string_view get(std::uint32_t id) const { return *strings_[id]; }
  /// One past the largest id.
  std::size_t capacity() const { return strings_.size(); }
  void clear();

 private:
  std::unordered_map<std::string, std::uint32_t, TextHash, std::equal_to<>> ids_;
  std::vector<const std::string*> strings_;  // the map's keys, which never move; null if free
  std::vector<std::uint32_t> references_;
  std::vector<std::uint32_t> free_;  // ids to use again
};

/// One series' calls in one minute, and the values behind them. The first three values (one
/// call's identity, user agent and error code) are held in place: most minutes of most series
/// have a call or two, and then a cell costs no allocation.
class Cell {
 public:
  std::uint32_t count = 0;
  std::uint8_t overflowed = 0;  ///< bit per attribute: a value had to give way to another

  /// Counts `weight` calls with value `id` of `attribute`. Past kKeptValues values the least
  /// counted gives way (Space-Saving: a value with more than 1/8 of the calls is never lost).
  /// The cell holds a reference to each value it keeps in `strings`.
  void note(Attribute attribute, std::uint32_t id, std::uint32_t weight, StringPool& strings);

  /// Calls `visit(entry)` for every value, in the order they came.
  template <typename Visit>
  void for_each_entry(Visit&& visit) const {
    for (std::uint8_t i = 0; i < held_; ++i) visit(first_[i]);
    for (const Entry& entry : more_) visit(entry);
  }

 private:
  std::uint8_t held_ = 0;
  std::array<Entry, 3> first_{};
  std::vector<Entry> more_;
};

/// The cells of every series, by key (series id in the high 32 bits, minute since the epoch
/// as an int32 in the low 32): an open-addressing index into one vector, in the order the cells
/// were made.
class CellTable {
 public:
  /// The cell of `key`, made empty if there is none.
  Cell& at(std::uint64_t key);
  std::size_t size() const { return cells_.size(); }
  bool empty() const { return cells_.empty(); }
  std::uint64_t key(std::size_t i) const { return keys_[i]; }
  const Cell& cell(std::size_t i) const { return cells_[i]; }
  void clear();

 private:
  void rehash(std::size_t slots);

  std::vector<std::uint64_t> keys_;
  std::vector<Cell> cells_;
  std::vector<std::uint32_t> slots_;  // cell index + 1, or 0 for none; a power of two long
};

/// What a series counts: an API's calls, or its errors with one code.
struct SeriesKey {
  std::string account;
  std::string region;
  std::string event_source;
  std::string event_name;
  InsightType type = InsightType::kCallRate;
  std::string error_code;
};

/// One counted call of a series (an error also makes one of its error series), waiting to be
/// put in its cell: counting on a worker is a few lookups and an append; the cells are filled
/// on the thread that merges, in input order.
struct Observation {
  std::uint32_t series = 0;
  std::int32_t minute = 0;
  std::uint32_t who = 0;  ///< string ids (each holding a reference), or kNoValue
  std::uint32_t agent = 0;
  std::uint32_t code = 0;
};
inline constexpr std::uint32_t kNoValue = 0xFFFFFFFFU;

}  // namespace insights_detail

struct InsightsCounter::Impl {
  explicit Impl(bool read) : read_events(read) {}

  bool read_events;
  insights_detail::StringPool strings;
  std::vector<insights_detail::SeriesKey> series;  // by id
  std::vector<const std::string*> series_lookup;   // by id: its key in series_ids
  std::unordered_map<std::string, std::uint32_t, insights_detail::TextHash, std::equal_to<>>
      series_ids;
  insights_detail::CellTable cells;
  /// Calls not yet in `cells`, in the order they were added; put there by settle() when this
  /// counter is merged into another or scanned, or when there are kMaxPending of them.
  std::vector<insights_detail::Observation> pending;
  static constexpr std::size_t kMaxPending = std::size_t{1} << 16;
  std::uint64_t events = 0;
  std::uint64_t without_time = 0;
  std::string key_buffer;  // reused

  /// The id of the series with this lookup key (see InsightsCounter::add), made from `key` if
  /// it is new.
  std::uint32_t series_id(std::string_view lookup, const insights_detail::SeriesKey& key);
  insights_detail::Cell& cell(std::uint32_t series_index, std::int64_t minute) {
    return cells.at((std::uint64_t{series_index} << 32) |
                    static_cast<std::uint32_t>(static_cast<std::int32_t>(minute)));
  }
  /// Counts one observation whose ids are this counter's own; the observation keeps its
  /// references.
  void count(const insights_detail::Observation& seen);
  /// Puts the pending observations in their cells, and drops their references.
  void settle();
};

}  // namespace trailsift
