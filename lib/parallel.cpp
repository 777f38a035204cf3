// SPDX-License-Identifier: MIT
#include "trailsift/parallel.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include <fmt/format.h>

namespace trailsift {

unsigned resolve_thread_count(unsigned requested) {
  return requested == 0 ? default_thread_count() : std::min(requested, kMaxThreads);
}

Status run_in_order(std::size_t count, unsigned threads, std::size_t slots,
                    const std::function<void(std::size_t, std::size_t, unsigned)>& work,
                    const std::function<void(std::size_t, std::size_t)>& deliver) {
  threads = std::clamp(threads, 1u, kMaxThreads);
  slots = std::max<std::size_t>(slots, threads);
  if (threads == 1) {
    for (std::size_t item = 0; item < count; ++item) {
      work(item, 0, 0);
      deliver(item, 0);
    }
    return {};
  }
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t next_item = 0;       // next item a worker may take
  std::size_t delivered = 0;       // items delivered so far
  std::vector<bool> done(slots, false);
  bool stopping = false;           // a thread could not be started: take no more items

  auto worker_loop = [&](unsigned worker) {
    while (true) {
      std::size_t item = 0;
      {
        std::unique_lock lock(mutex);
        // Wait for a free slot: the item `slots` places back must have been delivered.
        changed.wait(lock, [&] {
          return stopping || next_item >= count || next_item < delivered + slots;
        });
        if (stopping || next_item >= count) return;
        item = next_item++;
      }
      work(item, item % slots, worker);
      {
        std::lock_guard lock(mutex);
        done[item % slots] = true;
      }
      changed.notify_all();
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(threads);
  Status started;
  for (unsigned worker = 0; worker < threads && started; ++worker) {
    try {
      pool.emplace_back(worker_loop, worker);
    } catch (const std::system_error& error) {
      started = make_error("", fmt::format("cannot start worker thread {} of {}: {} (try a lower "
                                           "--threads)",
                                           worker + 1, threads, error.what()));
    }
  }
  if (!started) {
    {
      std::lock_guard lock(mutex);
      stopping = true;
    }
    changed.notify_all();
    for (std::thread& thread : pool) thread.join();
    return started;
  }

  for (std::size_t item = 0; item < count; ++item) {
    const std::size_t slot = item % slots;
    {
      std::unique_lock lock(mutex);
      changed.wait(lock, [&] { return done[slot]; });
    }
    deliver(item, slot);
    {
      std::lock_guard lock(mutex);
      done[slot] = false;
      ++delivered;
    }
    changed.notify_all();
  }
  for (std::thread& thread : pool) thread.join();
  return {};
}

unsigned default_thread_count() {
  return std::clamp(std::thread::hardware_concurrency(), 1u, kMaxThreads);
}

}  // namespace trailsift
