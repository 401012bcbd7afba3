#include "http/worker_pool.hpp"

#include <algorithm>

namespace accountsd::http {

WorkerPool::WorkerPool(std::size_t threads, std::size_t queue) : capacity_(queue) {
  for (std::size_t i = 0; i < std::max<std::size_t>(1, threads); ++i)
    threads_.emplace_back([this] { work(); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& thread : threads_) thread.join();
}

bool WorkerPool::try_post(Task& task) {
  return queue(task, false);
}

void WorkerPool::post(Task task) {
  queue(task, true);
}

bool WorkerPool::queue(Task& task, bool past_capacity) {
  {
    std::lock_guard lock(mutex_);
    if (!past_capacity && queue_.size() >= capacity_) return false;
    queue_.push_back(std::move(task));
  }
  ready_.notify_one();
  return true;
}

void WorkerPool::work() {
  for (;;) {
    Task task;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to run
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

}  // namespace accountsd::http
