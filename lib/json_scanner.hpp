// SPDX-License-Identifier: MIT
// Internal: finding JSON brackets outside strings, 64 bytes at a time, without parsing. The
// framer uses it to find where records end in a stream, at several GB/s, before simdjson parses
// them (simdjson needs whole documents).
#pragma once

#include <cstdint>
#include <string_view>

#include "vectors.hpp"

namespace trailsift::detail {

/// What one 64-byte block holds: bit i stands for byte i.
struct BlockBits {
  std::uint64_t open = 0;     ///< `{` and `[` outside strings
  std::uint64_t close = 0;    ///< `}` and `]` outside strings
  std::uint64_t quote = 0;    ///< quotes that open or close a string (not escaped ones)
  std::uint64_t newline = 0;  ///< `\n`, inside strings too (raw newlines there are invalid JSON)
  int opens = 0;   ///< bits set in `open`: counted with the block's instruction set (popcnt)
  int closes = 0;  ///< bits set in `close`
};

/// Classifies JSON text block by block, carrying string and escape state from one block to the
/// next, so a value can be scanned across the chunks of a stream. Text outside strings that is not
/// valid JSON does not confuse it: only quotes and backslashes decide what is a string.
class JsonBlockScanner {
 public:
  /// Uses the best vector instructions this processor has, up to `vectors`. All give the same
  /// bits (the tests compare them).
  explicit JsonBlockScanner(Vectors vectors = Vectors::kAvx512);

  /// Starts outside any string.
  void reset() { state_ = {}; }
  /// Classifies the 64 bytes at `block`; all 64 must be readable.
  BlockBits scan(const char* block) { return scan_block_(block, state_); }

  /// What is carried from one block to the next.
  struct State {
    std::uint64_t in_string = 0;    ///< all ones when the last block ended inside a string
    std::uint64_t escape_next = 0;  ///< 1 when the last block ended with an escaping backslash
  };

 private:
  // The code for the chosen instruction set, called directly: its bits land where the caller
  // wants them, with no copy on the way.
  BlockBits (*scan_block_)(const char* block, State& state);
  State state_;
};

/// The length of the JSON string whose opening quote is text[0], closing quote included, or 0
/// when `text` ends before it closes. Escapes are honoured; nothing else is checked.
std::size_t json_string_length(std::string_view text);

/// The length of the JSON object or array whose opening bracket is text[0], closing bracket
/// included, or 0 when `text` ends before it closes (JsonBlockScanner's brackets: strings are
/// skipped, nothing else is checked).
std::size_t json_container_length(std::string_view text);

/// Whether the brackets outside strings in `text` balance: as many closed as opened, and never
/// more closed than opened so far (JsonBlockScanner's brackets: nothing else is checked).
bool json_brackets_balance(std::string_view text, Vectors vectors = Vectors::kAvx512);

}  // namespace trailsift::detail
