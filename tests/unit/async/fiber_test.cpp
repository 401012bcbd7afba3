// Fibers and the waits that suspend them: a fiber's wait never blocks its thread.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_future.hpp>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "async/fiber.hpp"
#include "async/in_fiber.hpp"
#include "async/wait.hpp"

namespace accountsd::async {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// Throws through many frames that own heap memory, after suspending at the deepest one when
// asked: AddressSanitizer must follow the fiber's stack for this not to raise a false report.
int throw_deep(int depth, bool suspend_first = false) {
  std::vector<std::string> held(4, std::string(64, 'x'));
  if (depth == 0) {
    if (suspend_first) Fiber::suspend([](Resume) {});
    throw std::runtime_error("from deep inside the fiber");
  }
  return throw_deep(depth - 1, suspend_first) + static_cast<int>(held.size());
}

TEST(FiberTest, RunsToTheEndAndRethrowsWhatTheBodyThrew) {
  int ran = 0;
  Fiber plain([&] { ++ran; });
  EXPECT_TRUE(plain.resume());
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(Fiber::current(), nullptr);

  Fiber failing([] { throw_deep(30); });
  EXPECT_THROW(failing.resume(), std::runtime_error);
}

TEST(FiberTest, SuspendsHandsOverItsArrangementAndResumesOnAnotherThread) {
  std::vector<std::string> steps;
  Resume held;
  Fiber fiber([&] {
    steps.push_back("before");
    Fiber::suspend([&](Resume resume) { held = std::move(resume); });
    try {
      throw_deep(20);
    } catch (const std::runtime_error&) {
      steps.push_back("caught after resuming");
    }
  });
  EXPECT_FALSE(fiber.resume());
  ASSERT_EQ(steps, std::vector<std::string>{"before"});
  // The driver calls the arrangement once the fiber is out.
  fiber.take_arrange()([&](/*resume*/) {});
  bool finished = false;
  std::thread other([&] { finished = fiber.resume(); });
  other.join();
  EXPECT_TRUE(finished);
  EXPECT_EQ(steps.back(), "caught after resuming");
}

TEST(FiberTest, AFiberSuspendedInACatchBlockKeepsItsExceptionOnAnotherThread) {
  Resume held;
  std::string seen_in_fiber;
  Fiber fiber([&] {
    try {
      throw std::runtime_error("the fiber's");
    } catch (const std::runtime_error&) {
      Fiber::suspend([&](Resume resume) { held = std::move(resume); });
      // Resumed on a thread that is handling an exception of its own: this block still has
      // the fiber's, and `throw;` rethrows it.
      try {
        throw;
      } catch (const std::runtime_error& again) {
        seen_in_fiber = again.what();
      }
    }
  });
  EXPECT_FALSE(fiber.resume());
  // The thread that ran it is not left handling the fiber's exception.
  EXPECT_EQ(std::current_exception(), nullptr);
  fiber.take_arrange()([&](/*resume*/) {});
  std::string seen_by_thread;
  std::thread other([&] {
    try {
      throw std::logic_error("the thread's");
    } catch (const std::logic_error&) {
      EXPECT_TRUE(fiber.resume());
      // And the thread's own exception is still the one it handles.
      try {
        throw;
      } catch (const std::logic_error& mine) {
        seen_by_thread = mine.what();
      }
    }
    EXPECT_EQ(std::current_exception(), nullptr);
  });
  other.join();
  EXPECT_EQ(seen_in_fiber, "the fiber's");
  EXPECT_EQ(seen_by_thread, "the thread's");
}

TEST(FiberTest, DestroyingASuspendedFiberUnwindsItsStack) {
  auto released = std::make_shared<int>(0);
  {
    Fiber fiber([released] {
      struct Guard {
        std::shared_ptr<int> count;
        ~Guard() { ++*count; }
      } guard{released};
      Fiber::suspend([](Resume) {});
    });
    EXPECT_FALSE(fiber.resume());
    EXPECT_EQ(*released, 0);
  }
  EXPECT_EQ(*released, 1);
}

// Stacks are pooled, so each fiber here runs on the stack its predecessor left: one unwound on
// another thread, one that threw across a switch of threads. AddressSanitizer must find each
// stack clean, and follow each thread onto it, for this not to raise a false report.
TEST(FiberTest, FibersOnReusedStacksThrowAndCatchOnAnyThread) {
  for (int round = 0; round < 10; ++round) {
    auto abandoned = std::make_unique<Fiber>([round] { throw_deep(20 + round, true); });
    EXPECT_FALSE(abandoned->resume());
    std::thread([&] { abandoned.reset(); }).join();

    std::string caught;
    Fiber fiber([&] {
      try {
        throw_deep(10 + round, true);
      } catch (const std::runtime_error& e) {
        caught = e.what();
      }
      throw_deep(round);
    });
    EXPECT_FALSE(fiber.resume());
    std::thread([&] { EXPECT_THROW(fiber.resume(), std::runtime_error); }).join();
    EXPECT_EQ(caught, "from deep inside the fiber");
  }
}

TEST(FiberTest, SuspendOutsideAFiberIsRefused) {
  EXPECT_THROW(Fiber::suspend([](Resume) {}), std::logic_error);
}

// Many fibers wait on pipes on ONE thread: if a wait blocked the thread, the first would hang
// the rest and the writer's timer could never run.
TEST(FiberTest, ManyFibersWaitOnSocketsWithoutBlockingTheirOneThread) {
  constexpr int kFibers = 100;
  asio::io_context io;
  std::vector<std::array<int, 2>> pipes(kFibers);
  for (auto& p : pipes) ASSERT_EQ(::pipe(p.data()), 0);
  std::atomic<int> done = 0;
  std::atomic<int> ready = 0;
  for (int i = 0; i < kFibers; ++i) {
    asio::co_spawn(
        asio::make_strand(io),
        [&, i]() -> asio::awaitable<void> {
          bool ok = co_await in_fiber<bool>([&, i] {
            bool readable =
                wait_ready(pipes[i][0], Direction::read, std::chrono::steady_clock::now() + 10s);
            char byte = 0;
            return readable && ::read(pipes[i][0], &byte, 1) == 1 && byte == 'x';
          });
          if (ok) ++ready;
          ++done;
        },
        asio::detached);
  }
  asio::steady_timer writer(io, 50ms);
  writer.async_wait([&](auto) {
    for (auto& p : pipes) EXPECT_EQ(::write(p[1], "x", 1), 1);
  });
  io.run();
  EXPECT_EQ(done, kFibers);
  EXPECT_EQ(ready, kFibers);
  for (auto& p : pipes) {
    ::close(p[0]);
    ::close(p[1]);
  }
}

TEST(FiberTest, ASocketWaitEndsAtItsDeadlineInAFiberAndOutside) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(wait_ready(p[0], Direction::read, started + 30ms));
  EXPECT_GE(std::chrono::steady_clock::now() - started, 30ms);

  asio::io_context io;
  auto result = asio::co_spawn(io, in_fiber<bool>([&] {
                                 return wait_ready(p[0], Direction::read,
                                                   std::chrono::steady_clock::now() + 30ms);
                               }),
                               asio::use_future);
  io.run();
  EXPECT_FALSE(result.get());
  // The pipe is still open: a wait watches a descriptor, it never closes it.
  EXPECT_EQ(::write(p[1], "x", 1), 1);
  EXPECT_TRUE(wait_ready(p[0], Direction::read, std::chrono::steady_clock::now() + 1s));
  ::close(p[0]);
  ::close(p[1]);
}

TEST(FiberTest, AWakeupReachesAFiberFromAnotherThreadOrTimesOut) {
  asio::io_context io;
  auto wakeup = std::make_shared<Wakeup>();
  auto late = std::make_shared<Wakeup>();
  auto woken = asio::co_spawn(
      io, in_fiber<bool>([&] { return wakeup->wait(std::chrono::steady_clock::now() + 10s); }),
      asio::use_future);
  auto timed_out = asio::co_spawn(
      io, in_fiber<bool>([&] { return late->wait(std::chrono::steady_clock::now() + 20ms); }),
      asio::use_future);
  std::thread notifier([&] {
    std::this_thread::sleep_for(10ms);
    EXPECT_TRUE(wakeup->notify());
  });
  io.run();
  notifier.join();
  EXPECT_TRUE(woken.get());
  EXPECT_FALSE(timed_out.get());
  // Too late: the waiter gave up, and the notifier learns that it must hand over elsewhere.
  EXPECT_FALSE(late->notify());
}

TEST(FiberTest, AWakeupWorksOutsideFibersToo) {
  auto wakeup = std::make_shared<Wakeup>();
  std::thread notifier([&] { EXPECT_TRUE(wakeup->notify()); });
  EXPECT_TRUE(wakeup->wait(std::chrono::steady_clock::now() + 10s));
  notifier.join();
  auto alone = std::make_shared<Wakeup>();
  EXPECT_FALSE(alone->wait(std::chrono::steady_clock::now() + 10ms));
}

TEST(FiberTest, AnExceptionInAFiberReachesTheAwaitingCoroutine) {
  asio::io_context io;
  auto result = asio::co_spawn(io, in_fiber<int>([] { return throw_deep(10); }), asio::use_future);
  io.run();
  EXPECT_THROW(result.get(), std::runtime_error);
}

}  // namespace
}  // namespace accountsd::async
