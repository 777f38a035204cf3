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
  bool stopping = false;           // take no more items: a thread did not start, or one threw
  std::exception_ptr failure;      // the first exception of work or deliver, thrown at the end
  auto stop = [&](std::exception_ptr error) {
    {
      std::lock_guard lock(mutex);
      stopping = true;
      if (!failure) failure = error;
    }
    changed.notify_all();
  };

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
      try {
        work(item, item % slots, worker);
      } catch (...) {  // thrown again on the calling thread: an escaping one would terminate
        stop(std::current_exception());
        return;
      }
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
      stop(nullptr);
    }
  }

  for (std::size_t item = 0; item < count && started; ++item) {
    const std::size_t slot = item % slots;
    {
      std::unique_lock lock(mutex);
      changed.wait(lock, [&] { return done[slot] || stopping; });
      if (stopping) break;
    }
    try {
      deliver(item, slot);
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
  }
  for (std::thread& thread : pool) thread.join();
  if (failure) std::rethrow_exception(failure);
  return started;
}

unsigned default_thread_count() {
  return std::clamp(std::thread::hardware_concurrency(), 1u, kMaxThreads);
}

}  // namespace trailsift
