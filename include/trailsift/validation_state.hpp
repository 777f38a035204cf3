// SPDX-License-Identifier: MIT
// What earlier runs of validate learned by reading a mirror (--state): each file's size and
// what its bytes hashed to, and each chain's newest verified digest, so that a nightly run
// reads only what is new or changed.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "trailsift/result.hpp"
#include "trailsift/time.hpp"

namespace trailsift {

/// A file of the mirror as a run read it.
struct KnownFile {
  std::uint64_t size = 0;      ///< its size on disk then: a file of another size is read again
  std::string sha256;          ///< of its inflated bytes
  bool gzip = true;            ///< stored compressed (else hashed as it is)
  bool trailing_data = false;  ///< bytes followed its first gzip member (digests only)
  /// A digest's inflated JSON, parsed again on every run (its signature is checked again, so
  /// a state cannot vouch for a digest); nullopt for a log file.
  std::optional<std::string> digest_json;

  friend bool operator==(const KnownFile&, const KnownFile&) = default;
};

/// The newest digest of a chain that a run verified: it must still be in the mirror later.
struct ChainHead {
  std::string key;
  UnixSeconds end = 0;
  std::string signature;  ///< hex, as it verified
  std::string sha256;     ///< of its inflated bytes

  friend bool operator==(const ChainHead&, const ChainHead&) = default;
};

/// What runs learned; saved between runs as versioned JSON with a SHA-256 checksum.
struct ValidationState {
  std::string bucket;                      ///< the mirror's bucket: a state of another is refused
  std::map<std::string, ChainHead> heads;  ///< by the chain's digest folder, trail, home region
  std::unordered_map<std::string, KnownFile> files;  ///< by key (saved in key order)

  friend bool operator==(const ValidationState&, const ValidationState&) = default;
};

/// The key that names a digest's chain in ValidationState::heads.
std::string chain_name(std::string_view digest_key);

/// The state as saved: one JSON document, its checksum last (fails only if SHA-256 does).
Result<std::string> format_validation_state(const ValidationState& state);

/// Parses a saved state. Fails when it is not one of this version, when its checksum does not
/// match its content (a truncated or edited file), or when a field is malformed.
Result<ValidationState> parse_validation_state(std::string_view text);

/// Whether --recheck-fraction picks the file at `key` to be read again although it is known:
/// a pseudo-random choice from the seed and the key, so the same seed picks the same files on
/// every machine and for any number of threads.
bool picked_for_recheck(std::string_view key, double fraction, std::uint64_t seed);

}  // namespace trailsift
