// A value per fiber, or per thread outside fibers: what thread_local is for code that may run in
// fibers, several of which take turns on one thread (a request's read snapshot).
#pragma once

#include <memory>
#include <unordered_map>

#include "async/fiber.hpp"

namespace accountsd::async {

template <typename T>
class Local {
 public:
  // This fiber's (or thread's) value, default-constructed on first use.
  T& get() {
    if (Fiber* fiber = Fiber::current()) return ensure(fiber->local(this));
    thread_local std::unordered_map<const void*, std::shared_ptr<void>> by_thread;
    return ensure(by_thread[this]);
  }

 private:
  static T& ensure(std::shared_ptr<void>& slot) {
    if (!slot) slot = std::make_shared<T>();
    return *static_cast<T*>(slot.get());
  }
};

}  // namespace accountsd::async
