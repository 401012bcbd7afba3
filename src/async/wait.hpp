// Waits that suspend a fiber instead of blocking its thread, and block a thread outside fibers
// (the operator's commands, tests): one way for code such as the PostgreSQL client to wait.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

#include "async/fiber.hpp"

namespace accountsd::async {

using Deadline = std::chrono::steady_clock::time_point;

enum class Direction { read, write };

// Waits until `fd` is ready for `direction` or `deadline` passes; true when ready. The socket is
// only watched, never closed or read.
bool wait_ready(int fd, Direction direction, Deadline deadline);

// Waits until `deadline` without blocking a fiber's thread (a pause before a retry).
void sleep_until(Deadline deadline);

// A wake-up one thread hands another that waits for it, say a pooled connection handed to the
// first waiter in line. Make it with std::make_shared: a fiber's timer may outlive the wait.
class Wakeup : public std::enable_shared_from_this<Wakeup> {
 public:
  // Waits until notify() or `deadline`; true when notified. Call once.
  bool wait(Deadline deadline);
  // Wakes the waiter. False when it has stopped waiting (its deadline passed): then whatever the
  // caller meant to hand over must go to someone else.
  bool notify();

 private:
  enum class State { waiting, notified, timed_out };

  std::mutex mutex_;
  std::condition_variable notified_;
  State state_ = State::waiting;
  Resume resume_;  // a suspended fiber's, once it has switched out
  std::shared_ptr<boost::asio::steady_timer> timer_;
};

}  // namespace accountsd::async
