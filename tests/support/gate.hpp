// A gate for tests: a thread that reaches it waits there while the test holds it.
#pragma once

#include <condition_variable>
#include <mutex>

namespace accountsd::testing {

class Gate {
 public:
  void hold() {
    std::lock_guard lock(mutex_);
    held_ = true;
  }
  void release() {
    std::lock_guard lock(mutex_);
    held_ = false;
    changed_.notify_all();
  }
  // Returns at once when the gate is open, else once it is released.
  void pass() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return !held_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool held_ = false;
};

}  // namespace accountsd::testing
