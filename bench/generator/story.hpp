// SPDX-License-Identifier: MIT
// The example story (--scenario example): an intrusion and its response, written into
// examples/bucket among background traffic. examples/README.md tells it.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "catalog.hpp"
#include "organization.hpp"

namespace trailsift::generator {

// Fixed identities so that examples/README.md can name them. The story has its own random stream,
// so event IDs stay put if the background traffic changes.
inline constexpr std::array<FixedAccount, 2> kExampleAccounts = {{
    {"418295730146", "acme-prod", "WBQ4ZK7N"},
    {"730551927384", "acme-dev", "P3XDL6RE"},
}};
inline constexpr std::string_view kExampleStart = "2024-03-01T09:00:00Z";

/// One record of the story, written in advance; the file writer puts it into its window.
struct StoryItem {
  std::int64_t time;
  std::uint32_t account, region;
  Ev ev;
  Err error;
  IdentityType type;
  std::string json;
};

/// The story's records in `world` (made with kExampleAccounts), from `start`, oldest first.
std::vector<StoryItem> build_story(const World& world, std::int64_t start);

}  // namespace trailsift::generator
