// SPDX-License-Identifier: MIT
#include "trailsift/version.hpp"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <simdjson.h>
#include <zlib.h>
#ifdef TRAILSIFT_HAVE_ISAL
#include <isa-l.h>
#endif

namespace trailsift {
namespace {

#define TRAILSIFT_STRINGIFY_(x) #x
#define TRAILSIFT_STRINGIFY(x) TRAILSIFT_STRINGIFY_(x)

/// pkg-config's and CMake's version of a library, given by the build; Debian's re2.pc says 0.0.0.
std::string build_version(const char* version) {
  const std::string text = version;
  return text.empty() || text == "0.0.0" ? "unknown" : text;
}

}  // namespace

std::vector<LibraryVersion> library_versions() {
  std::vector<LibraryVersion> versions;
  versions.push_back({"simdjson", fmt::format("{} ({})", TRAILSIFT_STRINGIFY(SIMDJSON_VERSION),
                                              simdjson::get_active_implementation()->name())});
#ifdef TRAILSIFT_HAVE_ISAL
  versions.push_back({"ISA-L", fmt::format("{}.{}.{}", ISAL_MAJOR_VERSION, ISAL_MINOR_VERSION,
                                           ISAL_PATCH_VERSION)});
#endif
  versions.push_back({"zlib", zlibVersion()});
  versions.push_back({"OpenSSL", OpenSSL_version(OPENSSL_VERSION_STRING)});
  versions.push_back({"fmt", fmt::format("{}.{}.{}", FMT_VERSION / 10000, FMT_VERSION / 100 % 100,
                                         FMT_VERSION % 100)});
  versions.push_back({"yaml-cpp", build_version(TRAILSIFT_YAML_CPP_VERSION)});
  versions.push_back({"RE2", build_version(TRAILSIFT_RE2_VERSION)});
  return versions;
}

}  // namespace trailsift
