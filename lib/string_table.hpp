// SPDX-License-Identifier: MIT
// Internal: a hash table from strings to values for counting, flat. With tens of thousands of
// distinct user names, principals and access keys, stats spends its time in lookups that miss
// the cache; a node-based map misses twice before it reaches a key. Here the slots are one
// array, so that the slots of an event's several lookups can be fetched at once (prefetch).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trailsift::detail {

template <typename Value>
class StringTable {
 public:
  using Entry = std::pair<const std::string, Value>;

  static std::size_t hash(std::string_view key) { return std::hash<std::string_view>{}(key); }

  /// Starts fetching the slot of `key_hash` into the cache, before find_or_add() needs it.
  void prefetch(std::size_t key_hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[key_hash & mask_]);
  }

  /// The value of `key` (whose hash() is `key_hash`), added value-initialized when it is new.
  Value& find_or_add(std::string_view key, std::size_t key_hash) {
    if (entries_.size() + 1 > slots_.size() / 2) grow();
    const auto tag = static_cast<std::uint32_t>(key_hash >> 32);
    for (std::size_t at = key_hash & mask_;; at = (at + 1) & mask_) {
      Slot& slot = slots_[at];
      if (slot.entry == 0) {
        entries_.emplace_back(std::string(key), Value{});
        slot = {tag, static_cast<std::uint32_t>(entries_.size())};
        return entries_.back().second;
      }
      if (slot.tag == tag && entries_[slot.entry - 1].first == key)
        return entries_[slot.entry - 1].second;
    }
  }
  Value& find_or_add(std::string_view key) { return find_or_add(key, hash(key)); }

  /// The entry of `key`, or nullptr.
  const Entry* find(std::string_view key) const {
    if (slots_.empty()) return nullptr;
    const std::size_t key_hash = hash(key);
    const auto tag = static_cast<std::uint32_t>(key_hash >> 32);
    for (std::size_t at = key_hash & mask_;; at = (at + 1) & mask_) {
      const Slot& slot = slots_[at];
      if (slot.entry == 0) return nullptr;
      if (slot.tag == tag && entries_[slot.entry - 1].first == key)
        return &entries_[slot.entry - 1];
    }
  }

  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  /// Entries in the order they were added.
  auto begin() const { return entries_.begin(); }
  auto end() const { return entries_.end(); }
  auto begin() { return entries_.begin(); }
  auto end() { return entries_.end(); }

  void clear() {
    entries_.clear();
    slots_.clear();
    mask_ = 0;
  }

 private:
  struct Slot {
    std::uint32_t tag = 0;    // the hash's high bits: most probes that miss compare no key
    std::uint32_t entry = 0;  // 1 + the entry's index; 0: empty
  };

  void grow() {
    const std::size_t capacity = slots_.empty() ? 64 : slots_.size() * 2;
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      const std::size_t key_hash = hash(entries_[i].first);
      std::size_t at = key_hash & mask_;
      while (slots_[at].entry != 0) at = (at + 1) & mask_;
      slots_[at] = {static_cast<std::uint32_t>(key_hash >> 32), static_cast<std::uint32_t>(i + 1)};
    }
  }

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::deque<Entry> entries_;  // stable: callers keep references while adding
};

}  // namespace trailsift::detail
