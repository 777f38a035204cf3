// SPDX-License-Identifier: MIT
#include "trailsift/ip_address.hpp"

#include <catch2/catch.hpp>

using trailsift::parse_ip_address;
using trailsift::parse_ip_network;

namespace {

bool in(std::string_view network, std::string_view address) {
  const auto block = parse_ip_network(network);
  const auto ip = parse_ip_address(address);
  REQUIRE(block);
  REQUIRE(ip);
  return block->contains(*ip);
}

}  // namespace

TEST_CASE("Addresses: dotted quads and IPv6, nothing else", "[ip_address]") {
  CHECK(parse_ip_address("203.0.113.7")->v4);
  CHECK_FALSE(parse_ip_address("2001:db8::5")->v4);
  CHECK_FALSE(parse_ip_address(""));
  CHECK_FALSE(parse_ip_address("253.252.51.07"));  // a leading zero: not inet_pton's form
  CHECK_FALSE(parse_ip_address("s3.amazonaws.com"));
  CHECK_FALSE(parse_ip_address(std::string(100, '1')));
}

TEST_CASE("Networks: the prefix's bits and no more - IPv4 apart from IPv6", "[ip_address]") {
  CHECK(in("10.0.0.0/8", "10.255.1.2"));
  CHECK_FALSE(in("10.0.0.0/8", "11.0.0.1"));
  CHECK(in("192.168.1.0/25", "192.168.1.127"));
  CHECK_FALSE(in("192.168.1.0/25", "192.168.1.128"));
  CHECK(in("0.0.0.0/0", "8.8.8.8"));
  CHECK_FALSE(in("0.0.0.0/0", "2001:db8::1"));
  CHECK(in("2001:db8::/32", "2001:db8:ffff::1"));
  CHECK_FALSE(in("2001:db8::/32", "2001:db9::1"));
  CHECK(in("203.0.113.7", "203.0.113.7"));
  CHECK_FALSE(in("203.0.113.7", "203.0.113.8"));
  CHECK_FALSE(parse_ip_network("10.0.0.0/33"));
  CHECK_FALSE(parse_ip_network("10.0.0.0/"));
  CHECK_FALSE(parse_ip_network("10.0.0.0/8x"));
  CHECK_FALSE(parse_ip_network("2001:db8::/129"));
  CHECK_FALSE(parse_ip_network("not-an-ip/8"));
}
