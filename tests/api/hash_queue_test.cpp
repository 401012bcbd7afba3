// A.2: Argon2id runs on a small bounded worker pool; when its queue is full the answer is 503
// with Retry-After, and nothing is half done.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "auth/password.hpp"
#include "support/api_fixture.hpp"

namespace accountsd::testing {
namespace {

class HashQueueTest : public ApiTest {
 protected:
  // One worker and room for one task waiting.
  http::ServerLimits server_limits() override {
    auto limits = ApiTest::server_limits();
    limits.worker_threads = 1;
    limits.worker_queue = 1;
    return limits;
  }
};

TEST_F(HashQueueTest, AFullQueueAnswers503WithRetryAfter) {
  ASSERT_EQ(get("/partner/quota").status, 200);  // logged in: cached from here on
  auth::set_hash_cost(auth::HashCost::interactive);
  constexpr int kUsers = 12;
  std::vector<Reply> replies(kUsers);
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kUsers; ++i) {
    threads.emplace_back([&, i] {
      while (!go) std::this_thread::yield();
      // Each needs a temporary password hashed.
      auto name = "user" + std::to_string(i);
      replies[i] = post("/users/", R"({"username": ")" + name + R"(", "name": "U", "email": ")" +
                                       name + R"(@example.com"})");
    });
  }
  go = true;
  // A logged-in request meanwhile does not wait behind the pool.
  EXPECT_EQ(get("/partner/quota").status, 200);
  for (auto& thread : threads) thread.join();

  int created = 0, busy = 0;
  for (int i = 0; i < kUsers; ++i) {
    SCOPED_TRACE("user" + std::to_string(i));
    const auto& reply = replies[i];
    if (reply.status == 200) {
      ++created;
      EXPECT_TRUE(reply.json.at("temp_password").is_string());
    } else {
      ++busy;
      EXPECT_EQ(reply.status, 503) << reply.body;
      EXPECT_FALSE(reply.header("retry-after").empty());
      ASSERT_TRUE(reply.json.is_object()) << reply.body;
      EXPECT_TRUE(reply.json.at("reason").is_string());
      // Refused before anything was stored.
      EXPECT_EQ(get("/users/user" + std::to_string(i)).status, 404);
    }
  }
  EXPECT_GE(created, 2);
  EXPECT_GE(busy, 1);
  auto count = get("/users/?action=user_count");
  EXPECT_EQ(count.json.at("user_count"), boost::json::value(created)) << count.body;
}

}  // namespace
}  // namespace accountsd::testing
