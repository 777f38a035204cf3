// SPDX-License-Identifier: MIT
// IPv4 and IPv6 addresses and CIDR blocks, for `--source-ip` and Sigma's `cidr` modifier.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace trailsift {

/// An IPv4 or IPv6 address as 16 bytes (IPv4 mapped into IPv6, ::ffff:a.b.c.d).
struct IpAddress {
  std::array<unsigned char, 16> bytes{};
  bool v4 = false;
};

/// Parses a dotted quad or an IPv6 address (inet_pton's forms); nullopt for anything else.
std::optional<IpAddress> parse_ip_address(std::string_view text);

/// A CIDR block, or a single address (all bits significant).
struct IpNetwork {
  IpAddress address;
  unsigned prefix_bits = 128;  ///< significant leading bits of the 16-byte form

  /// True when `address` lies in the block. An IPv4 block holds only IPv4 addresses.
  bool contains(const IpAddress& address) const;
};

/// Parses `10.0.0.0/8`, `2001:db8::/32` or a bare address; nullopt when it is not one (a
/// prefix longer than the address, or anything after it).
std::optional<IpNetwork> parse_ip_network(std::string_view text);

}  // namespace trailsift
