// A few threads for CPU-heavy work (Argon2id) with a bounded queue, so that the I/O threads
// hand such work over instead of running it, and refuse more than the queue holds instead of
// letting it pile up.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "unique_function.hpp"

namespace accountsd::http {

class WorkerPool {
 public:
  using Task = UniqueFunction<void()>;
  // `threads` workers (at least one); at most `queue` tasks waiting for one.
  WorkerPool(std::size_t threads, std::size_t queue);
  // Runs the tasks still queued, then joins the workers.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task` and returns true, or returns false and leaves `task` alone when `queue`
  // tasks are waiting already. A task must not throw.
  bool try_post(Task& task);
  // Queues `task` however many wait: for work already promised, which its callers bound
  // themselves (a request whose large body is in: Request::holds_large_body).
  void post(Task task);

 private:
  void work();
  bool queue(Task& task, bool past_capacity);

  std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Task> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace accountsd::http
