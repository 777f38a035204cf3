// SPDX-License-Identifier: MIT
// The libraries the core was built with, for `trailsift --version`.
#pragma once

#include <string>
#include <vector>

namespace trailsift {

/// One library and its version: the one running when the library can say (zlib, OpenSSL,
/// simdjson's chosen implementation), else the one compiled against.
struct LibraryVersion {
  std::string name;
  std::string version;  ///< "unknown" when neither the headers nor the build say
};

/// simdjson, the gzip inflaters, OpenSSL, fmt, yaml-cpp and RE2, in that order.
std::vector<LibraryVersion> library_versions();

}  // namespace trailsift
