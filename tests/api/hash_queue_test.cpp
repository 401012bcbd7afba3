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
  // Room for this many tasks waiting.
  virtual std::size_t queue() const { return 1; }
  // One worker.
  http::ServerLimits server_limits() override {
    auto limits = ApiTest::server_limits();
    limits.worker_threads = 1;
    limits.worker_queue = queue();
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

// One partner's share of the hashes in flight (api::AppConfig::hash_work_per_partner): past it
// the partner gets 503 with Retry-After and nothing is stored, while another partner's hash still
// goes through, and the places come back once the hashes are done.
class HashSharePerPartnerTest : public HashQueueTest {
 protected:
  void configure(api::AppConfig& config) override {
    HashQueueTest::configure(config);
    config.hash_work_per_partner = 1;
  }
  // A queue that never refuses: only the share can.
  std::size_t queue() const override { return 64; }
};

TEST_F(HashSharePerPartnerTest, APartnerPastItsShareGets503WhileAnotherPartnersHashGoesThrough) {
  ASSERT_EQ(get("/partner/quota").status, 200);  // both logged in: cached from here on
  ASSERT_EQ(get_as(beta, "/partner/quota").status, 200);
  auth::set_hash_cost(auth::HashCost::interactive);
  constexpr int kUsers = 12;
  std::vector<Reply> replies(kUsers);
  Reply other;
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  auto body = [](const std::string& name) {
    return R"({"username": ")" + name + R"(", "name": "U", "email": ")" + name +
           R"(@example.com"})";
  };
  for (int i = 0; i < kUsers; ++i) {
    threads.emplace_back([&, i] {
      while (!go) std::this_thread::yield();
      replies[i] = post("/users/", body("user" + std::to_string(i)));
    });
  }
  threads.emplace_back([&] {
    while (!go) std::this_thread::yield();
    other = post_as(beta, "/users/", body("beta0"));
  });
  go = true;
  for (auto& thread : threads) thread.join();

  int created = 0, busy = 0;
  for (int i = 0; i < kUsers; ++i) {
    SCOPED_TRACE("user" + std::to_string(i));
    const auto& reply = replies[i];
    if (reply.status == 200) {
      ++created;
      continue;
    }
    ++busy;
    EXPECT_EQ(reply.status, 503) << reply.body;
    EXPECT_EQ(reply.header("retry-after"), "2");
    ASSERT_TRUE(reply.json.is_object()) << reply.body;
    EXPECT_EQ(reply.json.at("reason"),
              "this partner already has 1 password hash in progress; try again in a few seconds");
    EXPECT_EQ(get("/users/user" + std::to_string(i)).status, 404);  // nothing stored
  }
  EXPECT_GE(created, 1);
  EXPECT_GE(busy, 1);
  auto count = get("/users/?action=user_count");
  EXPECT_EQ(count.json.at("user_count"), boost::json::value(created)) << count.body;
  // The other partner's share is its own.
  EXPECT_EQ(other.status, 200) << other.body;
  EXPECT_EQ(get_as(beta, "/users/beta0").status, 200);
  // Every place came back: the partner may hash again.
  EXPECT_EQ(post("/users/", body("after")).status, 200);
}

}  // namespace
}  // namespace accountsd::testing
