// Group commit through the server, as `accountsd serve` runs by default: a write's 2xx goes out
// only once the store says it is on disk, the I/O threads serve other requests meanwhile, and a
// failed sync turns the answer into a 500.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "support/api_fixture.hpp"

namespace accountsd::testing {
namespace {

using namespace std::chrono_literals;

// The fixture's default; said again so that these tests keep testing it.
class GroupCommitTest : public ApiTest {
 protected:
  store::StoreOptions store_options() override {
    return {.synchronous = store::Synchronous::group};
  }
};

TEST_F(GroupCommitTest, ManyConcurrentWritesAllSucceedAndAllPersist) {
  constexpr int kClients = 16;
  constexpr int kEach = 6;
  std::vector<std::future<std::vector<int>>> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.push_back(std::async(std::launch::async, [this, c] {
      std::vector<int> statuses;
      for (int i = 0; i < kEach; ++i) {
        auto name = "c" + std::to_string(c) + "u" + std::to_string(i);
        statuses.push_back(post("/users/", R"({"username": ")" + name + R"(", "name": ")" + name +
                                               R"(", "email": ")" + name + R"(@example.com"})")
                               .status);
      }
      return statuses;
    }));
  }
  for (auto& client : clients) {
    for (int status : client.get()) EXPECT_EQ(status, 200);
  }
  for (int c = 0; c < kClients; ++c) {
    for (int i = 0; i < kEach; ++i) {
      auto reply = get("/users/c" + std::to_string(c) + "u" + std::to_string(i));
      EXPECT_EQ(reply.status, 200) << reply.body;
    }
  }
  EXPECT_EQ(directory().count_users(alpha_id, {}), kClients * kEach);
  // And from another connection to the file, as after a restart.
  auto reopened = store::open_store("sqlite:" + db_path().string());
  EXPECT_EQ(reopened->directory().count_users(alpha_id, {}), kClients * kEach);
}

// The durability waiter holds each completion until the test releases it.
class HeldDurabilityTest : public GroupCommitTest {
 protected:
  void wait_durable(std::uint64_t ticket, UniqueFunction<void(bool)> done) override {
    std::lock_guard lock(mutex_);
    tickets_.push_back(ticket);
    held_.push_back(std::move(done));
    arrived_.notify_all();
  }
  void TearDown() override {
    release(true);  // the server waits for every completion before it goes
    GroupCommitTest::TearDown();
  }

  bool wait_for_held(std::size_t n) {
    std::unique_lock lock(mutex_);
    return arrived_.wait_for(lock, 10s, [&] { return held_.size() >= n; });
  }
  std::size_t held() {
    std::lock_guard lock(mutex_);
    return held_.size();
  }
  std::vector<std::uint64_t> tickets() {
    std::lock_guard lock(mutex_);
    return tickets_;
  }
  void release(bool ok) {
    std::deque<UniqueFunction<void(bool)>> held;
    {
      std::lock_guard lock(mutex_);
      held.swap(held_);
    }
    for (auto& done : held) done(ok);
  }

  std::future<Reply> post_later(const std::string& path, const std::string& body) {
    return std::async(std::launch::async, [this, path, body] { return post(path, body); });
  }

 private:
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<std::uint64_t> tickets_;
  std::deque<UniqueFunction<void(bool)>> held_;
};

TEST_F(HeldDurabilityTest, AWriteIsAnsweredOnlyOnceDurableAndTheIoThreadsServeOthersMeanwhile) {
  // More held writes than the server has I/O threads (2): a thread blocked in the wait would
  // leave none for the GETs below.
  std::vector<std::future<Reply>> writes;
  for (int i = 0; i < 3; ++i)
    writes.push_back(
        post_later("/partner/settings", R"({"share_link_ttl": )" + std::to_string(100 + i) + "}"));
  ASSERT_TRUE(wait_for_held(3));
  for (auto& write : writes) EXPECT_EQ(write.wait_for(300ms), std::future_status::timeout);

  // Committed by the syncer although its waits are held (a batch is committed before each sync,
  // and soon after its writes even when nobody waits), and readable meanwhile.
  std::int64_t ttl = 0;
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!(ttl >= 100 && ttl <= 102) && std::chrono::steady_clock::now() < deadline) {
    auto settings = get("/partner/settings");
    ASSERT_EQ(settings.status, 200);
    ttl = settings.json.at("share_link_ttl").as_int64();
  }
  EXPECT_TRUE(ttl >= 100 && ttl <= 102) << ttl;
  EXPECT_EQ(get("/partner/quota").status, 200);
  EXPECT_EQ(held(), 3u);  // reads make no durability wait
  auto tickets = this->tickets();
  for (auto ticket : tickets) EXPECT_GT(ticket, 0u);

  release(true);
  for (auto& write : writes) {
    ASSERT_EQ(write.wait_for(10s), std::future_status::ready);
    EXPECT_EQ(write.get().status, 200);
  }
}

TEST_F(HeldDurabilityTest, AFailedSyncAnswers500WithAReasonAndTheRequestId) {
  auto write = post_later("/partner/settings", R"({"share_link_ttl": 4242})");
  ASSERT_TRUE(wait_for_held(1));
  release(false);
  ASSERT_EQ(write.wait_for(10s), std::future_status::ready);
  auto reply = write.get();
  EXPECT_EQ(reply.status, 500);
  ASSERT_TRUE(reply.json.is_object()) << reply.body;
  EXPECT_TRUE(reply.json.as_object().contains("reason"));
  EXPECT_TRUE(reply.json.as_object().contains("request_id"));
  EXPECT_EQ(reply.json.at("reason"), "the change could not be confirmed on disk");
  EXPECT_EQ(reply.json.as_object().size(), 2u);
}

TEST_F(HeldDurabilityTest, RefusedWritesAndReadsDoNotWait) {
  EXPECT_EQ(post("/partner/settings", R"({"share_link_ttl": "soon"})").status, 400);
  EXPECT_EQ(get("/partner/settings").status, 200);
  EXPECT_EQ(request("GET", "/ping", "", std::nullopt).status, 200);
  EXPECT_EQ(held(), 0u);
}

}  // namespace
}  // namespace accountsd::testing
