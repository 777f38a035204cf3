// SPDX-License-Identifier: MIT
#include "trailsift/event_sort.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

using namespace trailsift;

namespace {

std::vector<std::string> sorted_pieces(EventSorter& sorter, std::size_t limit = SIZE_MAX) {
  std::vector<std::string> out;
  const Status done = sorter.for_each([&](std::string_view piece) {
    out.emplace_back(piece);
    return out.size() < limit;
  });
  REQUIRE(done);
  return out;
}

/// A fresh, empty folder for spilled runs.
std::filesystem::path make_temp_folder() {
  std::string name =
      (std::filesystem::temp_directory_path() / "trailsift-sort-test-XXXXXX").string();
  REQUIRE(::mkdtemp(name.data()) != nullptr);
  return name;
}

}  // namespace

TEST_CASE("sort_time reads eventTime to the nanosecond") {
  const SortTime plain = sort_time("2024-03-01T12:00:00Z");
  CHECK(plain.known);
  CHECK(plain.seconds == 1709294400);
  CHECK(plain.nanoseconds == 0);
  CHECK(sort_time("2024-03-01T12:00:00.5Z").nanoseconds == 500'000'000);
  CHECK(sort_time("2024-03-01T12:00:00.123456789123Z").nanoseconds == 123'456'789);
  // An offset is converted to UTC: 13:00+01:00 is 12:00Z.
  CHECK(sort_time("2024-03-01T13:00:00+01:00").seconds == 1709294400);
  CHECK_FALSE(sort_time("").known);
  CHECK_FALSE(sort_time("yesterday").known);
  CHECK_FALSE(sort_time("2024-03-01T12:00:00").known);  // no zone
  // Unknown times come after every known one; fractions order within a second.
  CHECK(sort_time("9999-12-31T23:59:59Z") < sort_time("x"));
  CHECK_FALSE(sort_time("x") < sort_time("1970-01-01T00:00:00Z"));
  CHECK(sort_time("2024-03-01T12:00:00Z") < sort_time("2024-03-01T12:00:00.001Z"));
  CHECK(sort_time("2024-03-01T12:00:00.9Z") < sort_time("2024-03-01T12:00:01Z"));
}

TEST_CASE("EventSorter orders by time, ties and unknown times in the order added") {
  EventSorter sorter({});
  REQUIRE(sorter.add(sort_time("2024-03-01T12:00:02Z"), "c"));
  REQUIRE(sorter.add(sort_time("nothing"), "u1"));
  REQUIRE(sorter.add(sort_time("2024-03-01T12:00:01Z"), "a"));
  REQUIRE(sorter.add(sort_time("2024-03-01T12:00:01Z"), "b"));
  REQUIRE(sorter.add(SortTime{}, "u2"));
  REQUIRE(sorter.add(sort_time("2024-03-01T11:00:00Z"), "first"));
  CHECK(sorted_pieces(sorter) == std::vector<std::string>{"first", "a", "b", "c", "u1", "u2"});
  CHECK(sorted_pieces(sorter, 2) == std::vector<std::string>{"first", "a"});
  CHECK(sorter.size() == 6);
  CHECK(sorter.runs_spilled() == 0);
}

TEST_CASE("EventSorter gives the same order when it spills runs and merges them in levels") {
  const std::filesystem::path folder = make_temp_folder();
  std::mt19937 random(20240301);
  struct Item {
    SortTime time;
    std::string piece;
  };
  std::vector<Item> items;
  for (int i = 0; i < 700; ++i) {
    // Few distinct times, so that many ties must keep their order; some unknown; some empty.
    const int second = static_cast<int>(random() % 40);
    SortTime time =
        random() % 10 == 0 ? SortTime{} : sort_time(fmt::format("2024-03-01T12:00:{:02}Z", second));
    items.push_back({time, i % 50 == 0 ? std::string() : fmt::format("piece {} {}", i, second)});
  }
  // The reference: std::stable_sort of the same items.
  std::vector<Item> reference = items;
  std::stable_sort(reference.begin(), reference.end(),
                   [](const Item& a, const Item& b) { return a.time < b.time; });
  std::vector<std::string> expected;
  for (const Item& item : reference) expected.push_back(item.piece);

  const std::uint64_t budget =
      GENERATE(std::uint64_t{1}, std::uint64_t{2000}, std::uint64_t{1} << 30);
  EventSorter sorter({budget, folder.string()});
  for (const Item& item : items) REQUIRE(sorter.add(item.time, item.piece));
  if (budget == 1) {
    // Every piece but the last (held until for_each) is a run: runs of the second and third
    // levels are merged from them.
    CHECK(sorter.runs_spilled() == 699);
  } else if (budget == 2000) {
    CHECK(sorter.runs_spilled() > 1);
  } else {
    CHECK(sorter.runs_spilled() == 0);
  }
  CHECK(sorted_pieces(sorter) == expected);
  CHECK(sorted_pieces(sorter) == expected);  // again, for the table's second pass
  CHECK(sorted_pieces(sorter, 3) ==
        std::vector<std::string>(expected.begin(), expected.begin() + 3));
  // The runs were unlinked as soon as made: the folder is empty while they are in use.
  CHECK(std::filesystem::is_empty(folder));
  std::filesystem::remove(folder);
}

TEST_CASE("EventSorter says which temporary folder it cannot use") {
  EventSorter sorter({1, "/nonexistent/trailsift-folder"});
  REQUIRE(sorter.add(sort_time("2024-03-01T12:00:00Z"), "a"));              // held: the first piece
  const Status added = sorter.add(sort_time("2024-03-01T12:00:01Z"), "b");  // spills "a"
  REQUIRE_FALSE(added);
  CHECK(added.error().message ==
        "--temp-dir: cannot make a temporary file in /nonexistent/trailsift-folder: No such file "
        "or directory");
}
