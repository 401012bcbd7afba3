// Stackful fibers: code that must wait for the network without blocking its thread (a request
// on the PostgreSQL backend, waiting for libpq's socket) runs in one and suspends instead.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <cstddef>
#include <exception>
#include <memory>
#include <unordered_map>

#include "unique_function.hpp"

namespace accountsd::async {

// Resumes a suspended fiber: call it exactly once, from any thread.
using Resume = UniqueFunction<void()>;
// What a suspending fiber asks of whoever drives it: called once the fiber has switched out,
// with the Resume that brings it back (an I/O completion, a timer, another thread's hand-off).
using Arrange = UniqueFunction<void(Resume)>;

// One fiber, on a pooled, guard-paged stack, switched by Boost.Context's low-level fcontext
// functions (so that the stacks stay the pool's): a switch saves and loads a few registers and
// makes no system call, where ucontext's swapcontext also sets the signal mask, a system call at
// every switch. The switches tell AddressSanitizer about each stack, and a stack given back is
// cleared of its frames' marks (ASan did that itself only in swapcontext).
//
// A fiber may be resumed on a different thread each time. Code in it must not keep the address
// of a thread_local across a suspension (errno is read right after the call that sets it).
class Fiber {
 public:
  // `body` runs on the fiber's stack; an exception it throws comes out of resume().
  explicit Fiber(UniqueFunction<void()> body,
                 boost::asio::any_io_executor executor = boost::asio::any_io_executor());
  ~Fiber();
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;

  // Runs the fiber on the calling thread until it suspends or finishes: true once finished
  // (rethrowing what the body threw), false when it suspended (take_arrange says how to resume).
  bool resume();
  // What the fiber asked for when it last suspended.
  Arrange take_arrange();

  // Where the fiber's waits (timers, sockets) are run; set by whoever drives it.
  const boost::asio::any_io_executor& executor() const { return executor_; }

  // The fiber running on this thread, or null outside any fiber.
  static Fiber* current() noexcept;
  // From inside a fiber: switches out, has the driver call `arrange`, and returns once resumed.
  static void suspend(Arrange arrange);

  // Bytes of each fiber's stack.
  static std::size_t stack_size() noexcept;

  // The fiber's own value for `key` (see async::Local), made by `make` on first use.
  std::shared_ptr<void>& local(const void* key) { return locals_[key]; }

 private:
  struct Context;
  void switch_out(bool finishing);

  std::unique_ptr<Context> context_;
  UniqueFunction<void()> body_;
  boost::asio::any_io_executor executor_;
  Arrange arrange_;
  std::exception_ptr failure_;
  bool finished_ = false;
  std::unordered_map<const void*, std::shared_ptr<void>> locals_;
};

}  // namespace accountsd::async
