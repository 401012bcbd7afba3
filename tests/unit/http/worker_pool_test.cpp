// The bounded worker pool that takes Argon2id off the I/O threads.
#include "http/worker_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

namespace accountsd::http {
namespace {

TEST(WorkerPool, RunsTasksOffTheCallingThread) {
  WorkerPool pool(2, 8);
  std::promise<std::thread::id> ran;
  WorkerPool::Task task = [&] { ran.set_value(std::this_thread::get_id()); };
  ASSERT_TRUE(pool.try_post(task));
  EXPECT_NE(ran.get_future().get(), std::this_thread::get_id());
}

// Keeps a pool's one worker busy from construction until release().
class BusyWorker {
 public:
  explicit BusyWorker(WorkerPool& pool) {
    WorkerPool::Task blocker = [this, gate = release_.get_future().share()] {
      started_.set_value();
      gate.wait();
    };
    EXPECT_TRUE(pool.try_post(blocker));
    started_.get_future().wait();
  }
  void release() { release_.set_value(); }

 private:
  std::promise<void> started_;
  std::promise<void> release_;
};

TEST(WorkerPool, RefusesBeyondItsQueueAndLeavesTheTask) {
  WorkerPool pool(1, 2);
  BusyWorker busy(pool);  // the one worker is busy; the queue is empty
  std::atomic<int> ran{0};
  for (int i = 0; i < 2; ++i) {
    WorkerPool::Task task = [&] { ++ran; };
    EXPECT_TRUE(pool.try_post(task)) << "queued " << i;
  }
  WorkerPool::Task refused = [&] { ++ran; };
  EXPECT_FALSE(pool.try_post(refused));
  EXPECT_TRUE(static_cast<bool>(refused)) << "a refused task stays with the caller";
  busy.release();
  while (ran < 2) std::this_thread::yield();
  // Room again once the queue drains.
  EXPECT_TRUE(pool.try_post(refused));
}

TEST(WorkerPool, PostQueuesPastAFullQueue) {
  WorkerPool pool(1, 1);
  BusyWorker busy(pool);
  std::atomic<int> ran{0};
  WorkerPool::Task waiting = [&] { ++ran; };
  ASSERT_TRUE(pool.try_post(waiting));
  WorkerPool::Task refused = [&] { ++ran; };
  EXPECT_FALSE(pool.try_post(refused)) << "the queue is full";
  pool.post([&] { ++ran; });
  busy.release();
  while (ran < 2) std::this_thread::yield();
}

TEST(WorkerPool, FinishesQueuedTasksBeforeItGoes) {
  std::atomic<int> ran{0};
  {
    WorkerPool pool(1, 100);
    for (int i = 0; i < 50; ++i) {
      WorkerPool::Task task = [&] { ++ran; };
      ASSERT_TRUE(pool.try_post(task));
    }
  }
  EXPECT_EQ(ran, 50);
}

}  // namespace
}  // namespace accountsd::http
