// SPDX-License-Identifier: MIT
// Work spread over threads, results taken in input order: output is deterministic whatever
// the number of threads.
#pragma once

#include <cstddef>
#include <functional>

#include "trailsift/result.hpp"

namespace trailsift {

/// The most worker threads a command starts, whatever --threads asks. The work (inflating,
/// parsing, hashing) is bound by the cores, so threads beyond them do not make it faster; each
/// one keeps buffers as large as the largest input it has read, and a stack. Tens of thousands
/// of threads would exhaust the system's limits instead of helping.
inline constexpr unsigned kMaxThreads = 256;

/// The number of threads for --threads N: 0 means default_thread_count(); at most kMaxThreads.
unsigned resolve_thread_count(unsigned requested);

/// Runs `work(item, slot, worker)` for every item in [0, count) on `threads` workers (at most
/// kMaxThreads), and `deliver(item, slot)` on the calling thread in item order, each after its
/// work is done. At most `slots` items are between the start of their work and the end of their
/// delivery, so results can live in `slots` reusable buffers (indexed by `slot`, < slots) and
/// memory stays bounded however many items there are. `worker` < threads identifies the
/// thread, for per-thread state. With one thread everything runs on the calling thread.
/// Fails when a worker thread cannot be started (the system's limit on threads or memory):
/// then nothing has been delivered. An exception thrown by `work` or `deliver` stops the run and
/// is thrown again here, once every thread has ended.
Status run_in_order(
    std::size_t count, unsigned threads, std::size_t slots,
    const std::function<void(std::size_t item, std::size_t slot, unsigned worker)>& work,
    const std::function<void(std::size_t item, std::size_t slot)>& deliver);

/// Runs a stream of tasks whose number is not known in advance. `produce(slot)` fills `slot` with
/// the next task, on a thread of its own, in order, and returns false when there are no more;
/// `work(slot, worker)` runs a task on one of `threads` workers; `deliver(slot)` takes its result
/// on the calling thread, in the order the tasks were produced, and returns false to stop: then
/// nothing more is produced or delivered. At most `slots` tasks are between production and
/// delivery, so memory stays bounded. With one thread everything runs on the calling thread.
/// Fails, as run_in_order does, when a thread cannot be started; an exception thrown by
/// `produce`, `work` or `deliver` stops the run and is thrown again here.
Status run_ordered(unsigned threads, std::size_t slots,
                   const std::function<bool(std::size_t slot)>& produce,
                   const std::function<void(std::size_t slot, unsigned worker)>& work,
                   const std::function<bool(std::size_t slot)>& deliver);

/// The default for --threads: the number of hardware threads (at least 1, at most kMaxThreads).
unsigned default_thread_count();

}  // namespace trailsift
