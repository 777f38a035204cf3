// SPDX-License-Identifier: MIT
#include "string_table.hpp"

#include <map>
#include <string>

#include <catch2/catch.hpp>
#include <fmt/format.h>

using trailsift::detail::StringTable;

TEST_CASE("StringTable counts like a map, through growth, and keeps the order of insertion") {
  StringTable<int> table;
  std::map<std::string, int> reference;
  // Keys that share prefixes, differ in length, and include the empty key and a NUL byte.
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 5000; ++i) {
      std::string key = fmt::format("arn:aws:iam::111122223333:user/{}", i % 1777);
      if (i % 7 == 0) key.clear();
      if (i % 11 == 0) key += std::string(1, '\0') + "x";
      ++table.find_or_add(key);
      ++reference[key];
    }
  }
  REQUIRE(table.size() == reference.size());
  for (const auto& [key, count] : reference) {
    const auto* entry = table.find(key);
    REQUIRE(entry != nullptr);
    CHECK(entry->second == count);
  }
  CHECK(table.find("arn:aws:iam::111122223333:user/1777") == nullptr);
  CHECK(table.begin()->first ==
        std::string(1, '\0') + "x");  // the first key added (i = 0) comes first
  std::size_t visited = 0;
  for (const auto& entry : table) visited += entry.second > 0;
  CHECK(visited == reference.size());
}

TEST_CASE("StringTable keeps references to values valid while it grows") {
  StringTable<int> table;
  int& first = table.find_or_add("first");
  first = 42;
  for (int i = 0; i < 10000; ++i) table.find_or_add(std::to_string(i));
  CHECK(first == 42);
  CHECK(&table.find_or_add("first") == &first);
  table.clear();
  CHECK(table.empty());
  CHECK(table.find("first") == nullptr);
  CHECK(table.find_or_add("first") == 0);
}
