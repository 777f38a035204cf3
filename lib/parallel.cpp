// SPDX-License-Identifier: MIT
#include "trailsift/parallel.hpp"

#include <algorithm>
#include <condition_variable>
#include <exception>
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
  // A stream of tasks whose producer hands out the items in order: one scheduler to keep right.
  // run_ordered writes a slot only once its previous task was delivered, under its lock, so
  // `items` needs no lock of its own.
  std::vector<std::size_t> items(
      std::max<std::size_t>(slots, std::clamp(threads, 1u, kMaxThreads)));
  std::size_t next_item = 0;
  return run_ordered(
      threads, slots,
      [&](std::size_t slot) {
        if (next_item == count) return false;
        items[slot] = next_item++;
        return true;
      },
      [&](std::size_t slot, unsigned worker) { work(items[slot], slot, worker); },
      [&](std::size_t slot) {
        deliver(items[slot], slot);
        return true;
      });
}

Status run_ordered(unsigned threads, std::size_t slots,
                   const std::function<bool(std::size_t)>& produce,
                   const std::function<void(std::size_t, unsigned)>& work,
                   const std::function<bool(std::size_t)>& deliver) {
  threads = std::clamp(threads, 1u, kMaxThreads);
  slots = std::max<std::size_t>(slots, threads);
  if (threads == 1) {
    while (produce(0)) {
      work(0, 0);
      if (!deliver(0)) break;
    }
    return {};
  }
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t produced = 0;    // tasks produced so far
  std::size_t started = 0;     // tasks a worker took
  std::size_t delivered = 0;   // tasks delivered
  bool finished = false;       // the producer has no more
  bool stopping = false;       // produce and deliver no more: deliver said so, or something failed
  std::exception_ptr failure;  // the first exception of produce, work or deliver
  std::vector<bool> done(slots, false);
  auto stop = [&](std::exception_ptr error) {
    {
      std::lock_guard lock(mutex);
      stopping = true;
      if (!failure) failure = error;
    }
    changed.notify_all();
  };

  auto producer_loop = [&] {
    for (std::size_t task = 0;; ++task) {
      {
        std::unique_lock lock(mutex);
        // The slot is free once the task `slots` places back was delivered.
        changed.wait(lock, [&] { return stopping || task < delivered + slots; });
        if (stopping) break;
      }
      bool more = false;
      try {
        more = produce(task % slots);
      } catch (...) {  // thrown again on the calling thread: an escaping one would terminate
        stop(std::current_exception());
        break;
      }
      if (!more) break;
      std::lock_guard lock(mutex);
      produced = task + 1;
      changed.notify_all();
    }
    std::lock_guard lock(mutex);
    finished = true;
    changed.notify_all();
  };
  auto worker_loop = [&](unsigned worker) {
    while (true) {
      std::size_t task = 0;
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return stopping || started < produced || finished; });
        if (stopping || started == produced) return;
        task = started++;
      }
      try {
        work(task % slots, worker);
      } catch (...) {
        stop(std::current_exception());
        return;
      }
      std::lock_guard lock(mutex);
      done[task % slots] = true;
      changed.notify_all();
    }
  };
  // The producer is one more thread: it reads and inflates while the workers parse.
  std::vector<std::thread> pool;
  pool.reserve(threads + 1);
  Status launched;
  for (unsigned worker = 0; worker <= threads && launched; ++worker) {
    try {
      if (worker == threads) {
        pool.emplace_back(producer_loop);
      } else {
        pool.emplace_back(worker_loop, worker);
      }
    } catch (const std::system_error& error) {
      launched = make_error(
          "", worker == threads
                  ? fmt::format("cannot start the thread that reads the inputs: {}", error.what())
                  : fmt::format("cannot start worker thread {} of {}: {} (try a lower --threads)",
                                worker + 1, threads, error.what()));
      stop(nullptr);
      std::lock_guard lock(mutex);
      finished = true;  // no producer: no task will come
    }
  }

  for (std::size_t task = 0; launched; ++task) {
    const std::size_t slot = task % slots;
    {
      std::unique_lock lock(mutex);
      changed.wait(lock, [&] { return done[slot] || stopping || (finished && task == produced); });
      if (!done[slot] || stopping) break;
    }
    bool more = false;
    try {
      more = deliver(slot);
    } catch (...) {
      stop(std::current_exception());
      break;
    }
    {
      std::lock_guard lock(mutex);
      done[slot] = false;
      ++delivered;
    }
    changed.notify_all();
    if (!more) {
      stop(nullptr);
      break;
    }
  }
  for (std::thread& thread : pool) thread.join();
  if (failure) std::rethrow_exception(failure);
  return launched;
}

unsigned default_thread_count() {
  return std::clamp(std::thread::hardware_concurrency(), 1u, kMaxThreads);
}

}  // namespace trailsift
