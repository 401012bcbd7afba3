// A socket kept registered between fibers' waits: no readiness is slept through, deadlines hold,
// and the registration follows the fibers from io_context to io_context and outlives them.
#include "async/watched_fd.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <functional>
#include <optional>

#include "async/in_fiber.hpp"

namespace accountsd::async {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class WatchedFdTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, ends_), 0); }
  void TearDown() override {
    watch_.reset();  // before the socket closes, as its owner must
    ::close(ends_[0]);
    ::close(ends_[1]);
  }
  // Runs `body` in a fiber on `io` until everything there is done.
  template <typename T>
  T in_fiber_on(asio::io_context& io, std::function<T()> body) {
    auto result = asio::co_spawn(io, in_fiber<T>(std::move(body)), asio::use_future);
    io.restart();
    io.run();
    return result.get();
  }
  // Writes `bytes` to the other end after `delay`, from `io`'s thread.
  void write_later(asio::io_context& io, std::string bytes, std::chrono::milliseconds delay) {
    auto timer = std::make_shared<asio::steady_timer>(io, delay);
    timer->async_wait([this, timer, bytes](auto) {
      EXPECT_EQ(::write(ends_[1], bytes.data(), bytes.size()), ssize_t(bytes.size()));
    });
  }
  int ends_[2] = {-1, -1};
  std::optional<WatchedFd> watch_;
};

TEST_F(WatchedFdTest, AWaitWakesOnNewsAndALaterOneFindsWhatAReadLeftBehind) {
  watch_.emplace(ends_[0]);
  asio::io_context io;
  write_later(io, "ab", 20ms);
  auto waited = in_fiber_on<Clock::duration>(io, [&] {
    EXPECT_TRUE(watch_->wait(Direction::read, Clock::now() + 5s));
    char byte = 0;
    EXPECT_EQ(::read(ends_[0], &byte, 1), 1);  // one of the two: the other stays in the socket
    // No news will come for the byte left behind: the wait must look at the socket itself.
    auto started = Clock::now();
    EXPECT_TRUE(watch_->wait(Direction::read, Clock::now() + 5s));
    EXPECT_EQ(::read(ends_[0], &byte, 1), 1);
    EXPECT_EQ(byte, 'b');
    return Clock::now() - started;
  });
  EXPECT_LT(waited, 1s);
}

TEST_F(WatchedFdTest, AWaitEndsAtItsDeadlineAndTheNextWaitIsNotCutShortByIt) {
  watch_.emplace(ends_[0]);
  asio::io_context io;
  write_later(io, "x", 150ms);
  in_fiber_on<bool>(io, [&] {
    auto started = Clock::now();
    EXPECT_FALSE(watch_->wait(Direction::read, started + 30ms));
    EXPECT_GE(Clock::now() - started, 30ms);
    EXPECT_TRUE(watch_->wait(Direction::read, Clock::now() + 5s));
    char byte = 0;
    EXPECT_EQ(::read(ends_[0], &byte, 1), 1);
    return true;
  });
}

TEST_F(WatchedFdTest, FollowsItsFibersFromIoContextToIoContextAndOutlivesThem) {
  watch_.emplace(ends_[0]);
  auto wait_for_byte = [&](asio::io_context& io) {
    write_later(io, "x", 10ms);
    return in_fiber_on<bool>(io, [&] {
      char byte = 0;
      return watch_->wait(Direction::read, Clock::now() + 5s) && ::read(ends_[0], &byte, 1) == 1;
    });
  };
  {
    asio::io_context first;
    asio::io_context second;
    EXPECT_TRUE(wait_for_byte(first));
    EXPECT_TRUE(wait_for_byte(second));
    EXPECT_TRUE(wait_for_byte(first));
  }  // both gone while the watch stays registered with the first
  asio::io_context third;
  EXPECT_TRUE(wait_for_byte(third));
  // Outside a fiber it blocks, as wait_ready does.
  EXPECT_EQ(::write(ends_[1], "y", 1), 1);
  EXPECT_TRUE(watch_->wait(Direction::read, Clock::now() + 5s));
}

}  // namespace
}  // namespace accountsd::async
