// SPDX-License-Identifier: MIT
// Calls that fail, with the error code and message the service would return.
#pragma once

#include <cstdint>

#include "record.hpp"
#include "services.hpp"

namespace trailsift::generator {

/// Why a call fails.
enum class FailureKind : std::uint8_t { kDenied, kNotFound, kThrottled };

/// Makes `r` fail: errorCode and errorMessage as its service words them for that kind of
/// failure (a missing resource the service cannot name becomes a denial), no response.
void apply_failure(const Ctx& c, Record& r, FailureKind kind);

/// Makes about 5% of the calls of principals fail: denied, not found or throttled.
void maybe_fail(const Ctx& c, Record& r);

}  // namespace trailsift::generator
