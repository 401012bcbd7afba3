// Work that a handler defers (http::Deferred: Argon2id) is refused with 503 when the worker
// pool's queue is full, except for a request whose large body is already in: refusing it then
// would lose an upload received whole, so its work is queued anyway.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "http/server.hpp"
#include "support/gate.hpp"
#include "support/http_client.hpp"
#include "support/unrecorded_replies.hpp"

namespace accountsd::http {
namespace {

using namespace std::chrono_literals;

class ServerPromisedWorkTest : public ::testing::Test {
 protected:
  ServerPromisedWorkTest() {
    workers_wait_.hold();
    ServerLimits limits;
    limits.worker_threads = 1;
    limits.worker_queue = 1;
    limits.body_bytes = 100;  // a body over 100 bytes is large
    limits.large_bodies = 1;
    server_ = std::make_unique<Server>(
        [this](Request& request) {
          // Every POST defers work that waits for the test's word, then answers its body size.
          Deferred deferred;
          deferred.work = [this] { workers_wait_.pass(); };
          const auto size = std::to_string(request.body.size());
          deferred.then = [size] {
            Response response;
            response.headers.emplace_back("Content-Type", "text/plain");
            response.body = size;
            return response;
          };
          ++deferred_;
          return defer(std::move(deferred));
        },
        limits);
    server_->set_route_resolver([](std::string_view, std::string_view) {
      ResolvedRoute route;
      route.body_limit = 1 << 20;
      return route;
    });
    server_->set_body_gate([](Request&) {
      Response go_on;
      go_on.status = 100;
      return go_on;
    });
    port_ = server_->listen({boost::asio::ip::make_address("127.0.0.1"), 0}).port();
    server_->start(2);
  }
  ~ServerPromisedWorkTest() override {
    workers_wait_.release();
    server_->stop();
    server_.reset();
  }

  std::future<testing::Reply> post(std::size_t body_bytes) {
    return std::async(std::launch::async, [this, body_bytes] {
      // Not the API: nothing here is for the OpenAPI check.
      testing::UnrecordedReplies unrecorded;
      return testing::http_request(port_, "POST", "/x", std::string(body_bytes, 'x'), std::nullopt);
    });
  }
  // Waits until `count` handlers have deferred their work.
  void wait_for_deferred(int count) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (deferred_ < count && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(1ms);
    ASSERT_EQ(deferred_.load(), count);
  }

  // Deferred work waits here while the test holds it.
  testing::Gate workers_wait_;
  std::atomic<int> deferred_{0};
  std::unique_ptr<Server> server_;
  unsigned short port_ = 0;
};

TEST_F(ServerPromisedWorkTest, ALargeBodyThatIsInHasItsWorkQueuedPastAFullQueue) {
  // The one worker busy, and the one place in its queue taken.
  auto running = post(10);
  wait_for_deferred(1);
  auto queued = post(10);
  wait_for_deferred(2);
  // A small request's work finds the queue full: 503, as before.
  auto refused = post(10).get();
  EXPECT_EQ(refused.status, 503) << refused.body;
  // A large upload, whole by now, is not refused for it: its work waits its turn.
  auto upload = post(5000);
  wait_for_deferred(4);
  EXPECT_EQ(upload.wait_for(200ms), std::future_status::timeout) << "it waits, not refused";
  workers_wait_.release();
  for (auto* reply : {&running, &queued}) {
    ASSERT_EQ(reply->wait_for(10s), std::future_status::ready);
    EXPECT_EQ(reply->get().status, 200);
  }
  ASSERT_EQ(upload.wait_for(10s), std::future_status::ready);
  auto stored = upload.get();
  EXPECT_EQ(stored.status, 200) << stored.body;
  EXPECT_EQ(stored.body, "5000");
}

}  // namespace
}  // namespace accountsd::http
