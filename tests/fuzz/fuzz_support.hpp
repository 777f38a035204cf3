// SPDX-License-Identifier: MIT
// What every fuzz target shares: the libFuzzer entry point's declaration and a check that stops
// the run, so that libFuzzer (or the replay driver) reports the input that broke a property.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace trailsift::fuzz {

/// The fuzzer's bytes as text.
inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

[[noreturn]] inline void property_failed(const char* property, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: property does not hold: %s\n", file, line, property);
  std::abort();
}

}  // namespace trailsift::fuzz

/// Aborts (a finding) when `condition` is false, naming it.
#define FUZZ_CHECK(condition) \
  ((condition) ? void(0) : ::trailsift::fuzz::property_failed(#condition, __FILE__, __LINE__))
