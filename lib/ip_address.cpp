// SPDX-License-Identifier: MIT
#include "trailsift/ip_address.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace trailsift {

std::optional<IpAddress> parse_ip_address(std::string_view text) {
  char buffer[64];
  if (text.empty() || text.size() >= sizeof buffer) return std::nullopt;
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  IpAddress address;
  unsigned char v4[4];
  if (inet_pton(AF_INET, buffer, v4) == 1) {
    address.v4 = true;
    address.bytes[10] = address.bytes[11] = 0xff;
    std::memcpy(address.bytes.data() + 12, v4, 4);
    return address;
  }
  if (inet_pton(AF_INET6, buffer, address.bytes.data()) == 1) return address;
  return std::nullopt;
}

bool IpNetwork::contains(const IpAddress& other) const {
  for (unsigned bit = 0; bit < prefix_bits; ++bit) {
    const unsigned mask = 0x80u >> (bit % 8);
    if ((other.bytes[bit / 8] & mask) != (address.bytes[bit / 8] & mask)) return false;
  }
  return true;
}

std::optional<IpNetwork> parse_ip_network(std::string_view text) {
  const std::size_t slash = text.find('/');
  IpNetwork network;
  const std::optional<IpAddress> address = parse_ip_address(text.substr(0, slash));
  if (!address) return std::nullopt;
  network.address = *address;
  if (slash == std::string_view::npos) return network;
  const std::string_view bits_text = text.substr(slash + 1);
  unsigned bits = 0;
  const auto [end, error] =
      std::from_chars(bits_text.data(), bits_text.data() + bits_text.size(), bits);
  if (bits_text.empty() || error != std::errc() || end != bits_text.data() + bits_text.size() ||
      bits > (address->v4 ? 32u : 128u)) {
    return std::nullopt;
  }
  // The IPv4-mapped prefix (96 bits) always counts, so an IPv4 block never holds IPv6 addresses.
  network.prefix_bits = address->v4 ? bits + 96 : bits;
  return network;
}

}  // namespace trailsift
