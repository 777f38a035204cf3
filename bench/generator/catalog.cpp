// SPDX-License-Identifier: MIT
#include "catalog.hpp"

namespace trailsift::generator {
namespace {

constexpr std::string_view kEventIds[] = {
#define TRAILSIFT_ID(id, service, name, flags, w_principal, w_service, w_event) #id,
    TRAILSIFT_EVENTS(TRAILSIFT_ID)
#undef TRAILSIFT_ID
};

}  // namespace

std::optional<Ev> find_event(std::string_view name) {
  for (std::size_t i = 0; i < kEventCount; ++i) {
    if (kEvents[i].name == name || kEventIds[i] == name) return static_cast<Ev>(i);
  }
  return std::nullopt;
}

std::optional<Err> find_error(std::string_view code) {
  for (std::size_t i = 1; i < kErrorCodes.size(); ++i) {
    if (kErrorCodes[i] == code) return static_cast<Err>(i);
  }
  return std::nullopt;
}

}  // namespace trailsift::generator
