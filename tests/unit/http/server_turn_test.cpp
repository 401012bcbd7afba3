// Server::set_handler_turn: a request that finds the turn taken waits for it without blocking
// its I/O thread (which answers other connections meanwhile), runs once it has the turn, and
// every handler is followed by give_back.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/server.hpp"
#include "support/http_client.hpp"
#include "support/unrecorded_replies.hpp"

namespace accountsd::http {
namespace {

using namespace std::chrono_literals;

// A turn held by one request at a time (or by the test); GETs need none. The handler gives a
// POST's turn back as it ends, as a store's write request does.
class Turn {
 public:
  bool try_take(const Request& request) {
    if (request.method == "GET") return true;
    std::lock_guard lock(mutex_);
    if (held_) return false;
    held_ = true;
    return true;
  }
  void when_free(UniqueFunction<void()> wake) {
    {
      std::lock_guard lock(mutex_);
      if (held_) {
        waiting_.push_back(std::move(wake));
        return;
      }
    }
    wake();
  }
  void take() {
    std::lock_guard lock(mutex_);
    held_ = true;
  }
  void give_back() {
    std::vector<UniqueFunction<void()>> waking;
    {
      std::lock_guard lock(mutex_);
      held_ = false;
      waking.swap(waiting_);
    }
    for (auto& wake : waking) wake();
  }
  bool held() {
    std::lock_guard lock(mutex_);
    return held_;
  }
  std::size_t waiting() {
    std::lock_guard lock(mutex_);
    return waiting_.size();
  }

 private:
  std::mutex mutex_;
  bool held_ = false;
  std::vector<UniqueFunction<void()>> waiting_;
};

class ServerTurnTest : public ::testing::Test {
 protected:
  ServerTurnTest() {
    server_ = std::make_unique<Server>([this](Request& request) {
      Response response;
      response.headers.emplace_back("Content-Type", "text/plain");
      if (request.method == "POST") {
        // Handled only with the turn; given back as the write request ends.
        response.body = turn_.held() ? "had the turn" : "ran without the turn";
        turn_.give_back();
      } else {
        response.body = "read";
      }
      return response;
    });
    HandlerTurn turn;
    turn.try_take = [this](const Request& request) { return turn_.try_take(request); };
    turn.when_free = [this](UniqueFunction<void()> wake) { turn_.when_free(std::move(wake)); };
    turn.give_back = [this](const Request&) { ++given_back_; };
    server_->set_handler_turn(std::move(turn));
    // One I/O thread: a request blocking it would hold up every other.
    port_ = server_->listen({boost::asio::ip::make_address("127.0.0.1"), 0}).port();
    server_->start(1);
  }
  ~ServerTurnTest() override {
    turn_.give_back();
    server_->stop();
    server_.reset();
  }

  std::future<testing::Reply> send(const std::string& method) {
    return std::async(std::launch::async, [this, method] {
      // Not the API: nothing here is for the OpenAPI check.
      testing::UnrecordedReplies unrecorded;
      return testing::http_request(port_, method, "/x", method == "POST" ? "{}" : "", std::nullopt);
    });
  }

  Turn turn_;
  std::atomic<int> given_back_{0};
  std::unique_ptr<Server> server_;
  unsigned short port_ = 0;
};

TEST_F(ServerTurnTest, AWriteWaitsForTheTurnWhileTheThreadAnswersOthers) {
  turn_.take();
  auto write = send("POST");
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (turn_.waiting() == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(1ms);
  ASSERT_EQ(turn_.waiting(), 1u) << "the write waits for the turn";
  // The only I/O thread is free for a read meanwhile.
  auto read = send("GET");
  ASSERT_EQ(read.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(read.get().body, "read");
  EXPECT_EQ(write.wait_for(50ms), std::future_status::timeout);
  turn_.give_back();
  ASSERT_EQ(write.wait_for(10s), std::future_status::ready);
  auto reply = write.get();
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "had the turn");
  EXPECT_FALSE(turn_.held());
  EXPECT_EQ(given_back_.load(), 2) << "after the read and after the write";
}

TEST_F(ServerTurnTest, EveryWriteThatWaitedRunsOnceTheTurnIsFree) {
  turn_.take();
  std::vector<std::future<testing::Reply>> writes;
  for (int i = 0; i < 20; ++i) writes.push_back(send("POST"));
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (turn_.waiting() < 20 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(1ms);
  ASSERT_EQ(turn_.waiting(), 20u);
  turn_.give_back();
  for (auto& write : writes) {
    ASSERT_EQ(write.wait_for(10s), std::future_status::ready);
    EXPECT_EQ(write.get().body, "had the turn");
  }
  EXPECT_FALSE(turn_.held());
}

}  // namespace
}  // namespace accountsd::http
