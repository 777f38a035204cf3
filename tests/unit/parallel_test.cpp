// SPDX-License-Identifier: MIT
#include "trailsift/parallel.hpp"

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

TEST_CASE("run_in_order delivers every item once, in order, whatever the threads", "[parallel]") {
  for (unsigned threads : {1u, 2u, 4u, 7u}) {
    const std::size_t count = 200;
    const std::size_t slots = 3 * threads;
    std::vector<std::size_t> results(slots);
    std::vector<std::size_t> delivered;
    std::atomic<std::size_t> in_flight{0};
    std::atomic<std::size_t> max_in_flight{0};
    REQUIRE(trailsift::run_in_order(
        count, threads, slots,
        [&](std::size_t item, std::size_t slot, unsigned worker) {
          REQUIRE(worker < threads);
          const std::size_t now = ++in_flight;
          std::size_t seen = max_in_flight.load();
          while (now > seen && !max_in_flight.compare_exchange_weak(seen, now)) {
          }
          // Later items finish first, to shake the ordering.
          std::this_thread::sleep_for(std::chrono::microseconds((count - item) % 7 * 50));
          results[slot] = item * item;
        },
        [&](std::size_t item, std::size_t slot) {
          CHECK(results[slot] == item * item);
          delivered.push_back(item);
          --in_flight;
        }));
    REQUIRE(delivered.size() == count);
    for (std::size_t i = 0; i < count; ++i) CHECK(delivered[i] == i);
    CHECK(max_in_flight.load() <= slots);
  }
}

TEST_CASE("run_in_order with nothing to do returns at once", "[parallel]") {
  bool called = false;
  REQUIRE(trailsift::run_in_order(
      0, 4, 8, [&](std::size_t, std::size_t, unsigned) { called = true; },
      [&](std::size_t, std::size_t) { called = true; }));
  CHECK_FALSE(called);
}

TEST_CASE("The thread count is clamped to kMaxThreads - 0 means the hardware's", "[parallel]") {
  CHECK(trailsift::resolve_thread_count(0) == trailsift::default_thread_count());
  CHECK(trailsift::default_thread_count() >= 1);
  CHECK(trailsift::default_thread_count() <= trailsift::kMaxThreads);
  CHECK(trailsift::resolve_thread_count(3) == 3);
  CHECK(trailsift::resolve_thread_count(trailsift::kMaxThreads) == trailsift::kMaxThreads);
  CHECK(trailsift::resolve_thread_count(50000) == trailsift::kMaxThreads);
}

TEST_CASE("run_in_order asked for 50000 threads starts at most kMaxThreads", "[parallel]") {
  // Issue 9 item 13: every thread was started, and a failed start aborted the program.
  std::atomic<unsigned> highest_worker{0};
  std::vector<std::size_t> delivered;
  REQUIRE(trailsift::run_in_order(
      1000, 50000, 4,
      [&](std::size_t, std::size_t, unsigned worker) {
        unsigned seen = highest_worker.load();
        while (worker > seen && !highest_worker.compare_exchange_weak(seen, worker)) {
        }
      },
      [&](std::size_t item, std::size_t) { delivered.push_back(item); }));
  CHECK(highest_worker.load() < trailsift::kMaxThreads);
  REQUIRE(delivered.size() == 1000);
  for (std::size_t i = 0; i < delivered.size(); ++i) CHECK(delivered[i] == i);
}

TEST_CASE("An exception thrown by work or deliver reaches the caller instead of terminating",
          "[parallel]") {
  // A worker thread that let an exception escape (std::bad_alloc on a huge input) ended the
  // program in std::terminate; now the run stops and the caller gets the exception.
  for (unsigned threads : {1u, 4u}) {
    std::atomic<std::size_t> worked{0};
    CHECK_THROWS_WITH(trailsift::run_in_order(
                          1000, threads, 8,
                          [&](std::size_t item, std::size_t, unsigned) {
                            if (item == 5) throw std::runtime_error("work 5");
                            ++worked;
                          },
                          [](std::size_t, std::size_t) {}),
                      "work 5");
    CHECK(worked.load() < 1000);  // it stopped early
    CHECK_THROWS_WITH(trailsift::run_in_order(
                          1000, threads, 8, [](std::size_t, std::size_t, unsigned) {},
                          [](std::size_t item, std::size_t) {
                            if (item == 7) throw std::runtime_error("deliver 7");
                          }),
                      "deliver 7");
  }
}
