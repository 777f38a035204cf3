// SPDX-License-Identifier: MIT
#include "trailsift/parallel.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace trailsift {

void run_in_order(std::size_t count, unsigned threads, std::size_t slots,
                  const std::function<void(std::size_t, std::size_t, unsigned)>& work,
                  const std::function<void(std::size_t, std::size_t)>& deliver) {
  threads = std::max(1u, threads);
  slots = std::max<std::size_t>(slots, threads);
  if (threads == 1) {
    for (std::size_t item = 0; item < count; ++item) {
      work(item, 0, 0);
      deliver(item, 0);
    }
    return;
  }
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t next_item = 0;       // next item a worker may take
  std::size_t delivered = 0;       // items delivered so far
  std::vector<bool> done(slots, false);

  auto worker_loop = [&](unsigned worker) {
    while (true) {
      std::size_t item = 0;
      {
        std::unique_lock lock(mutex);
        // Wait for a free slot: the item `slots` places back must have been delivered.
        changed.wait(lock, [&] { return next_item >= count || next_item < delivered + slots; });
        if (next_item >= count) return;
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
  for (unsigned worker = 0; worker < threads; ++worker) pool.emplace_back(worker_loop, worker);

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
}

void run_ordered(unsigned threads, std::size_t slots, const std::function<bool(std::size_t)>& produce,
                 const std::function<void(std::size_t, unsigned)>& work,
                 const std::function<bool(std::size_t)>& deliver) {
  threads = std::max(1u, threads);
  slots = std::max<std::size_t>(slots, threads);
  if (threads == 1) {
    while (produce(0)) {
      work(0, 0);
      if (!deliver(0)) return;
    }
    return;
  }
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t produced = 0;    // tasks produced so far
  std::size_t started = 0;     // tasks a worker took
  std::size_t delivered = 0;   // tasks delivered
  bool finished = false;       // the producer has no more
  bool stop = false;           // deliver said stop
  std::vector<bool> done(slots, false);

  std::thread producer([&] {
    for (std::size_t task = 0;; ++task) {
      {
        std::unique_lock lock(mutex);
        // The slot is free once the task `slots` places back was delivered.
        changed.wait(lock, [&] { return stop || task < delivered + slots; });
        if (stop) break;
      }
      const bool more = produce(task % slots);
      std::lock_guard lock(mutex);
      if (!more) break;
      produced = task + 1;
      changed.notify_all();
    }
    std::lock_guard lock(mutex);
    finished = true;
    changed.notify_all();
  });
  auto worker_loop = [&](unsigned worker) {
    while (true) {
      std::size_t task = 0;
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return stop || started < produced || finished; });
        if (stop || started == produced) return;
        task = started++;
      }
      work(task % slots, worker);
      std::lock_guard lock(mutex);
      done[task % slots] = true;
      changed.notify_all();
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (unsigned worker = 0; worker < threads; ++worker) pool.emplace_back(worker_loop, worker);

  for (std::size_t task = 0;; ++task) {
    const std::size_t slot = task % slots;
    {
      std::unique_lock lock(mutex);
      changed.wait(lock, [&] { return done[slot] || (finished && task == produced); });
      if (!done[slot]) break;
    }
    const bool more = deliver(slot);
    std::lock_guard lock(mutex);
    done[slot] = false;
    ++delivered;
    if (!more) stop = true;
    changed.notify_all();
    if (stop) break;
  }
  producer.join();
  for (std::thread& thread : pool) thread.join();
}

unsigned default_thread_count() { return std::max(1u, std::thread::hardware_concurrency()); }

}  // namespace trailsift
