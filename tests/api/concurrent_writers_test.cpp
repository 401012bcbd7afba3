// Issue 5, item 4: 64 clients writing at once — one partner's settings, its billing, and many
// users — all get a 2xx, no update is lost, and what remains equals one whole write.
#include <algorithm>
#include <functional>
#include <latch>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/api_fixture.hpp"
#include "support/sqlite_checks.hpp"

namespace accountsd::testing {
namespace {

constexpr int kWriters = 64;
constexpr int kUsersPerWriter = 10;
constexpr int kSharedUserWriters = 16;
constexpr const char* kBcrypt = "$2b$12$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXY01";

class ConcurrentWritersTest : public ApiTest {
 protected:
  // Runs `work(i)` for i = 0..n-1, each on its own thread, all released at the same moment.
  static void in_parallel(int n, const std::function<void(int)>& work) {
    std::latch start(n);
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i) {
      threads.emplace_back([&, i] {
        start.arrive_and_wait();
        work(i);
      });
    }
    for (auto& thread : threads) thread.join();
  }

  // The index of the write whose reply equals `final`, or -1.
  static int matching_write(const std::vector<Reply>& replies, const boost::json::value& final) {
    auto it = std::find_if(replies.begin(), replies.end(),
                           [&](const Reply& reply) { return reply.json == final; });
    return it == replies.end() ? -1 : int(it - replies.begin());
  }
};

TEST_F(ConcurrentWritersTest, SettingsEndAsExactlyOneOfTheWrites) {
  std::vector<Reply> replies(kWriters);
  in_parallel(kWriters, [&](int i) {
    auto n = std::to_string(i);
    replies[i] = post(
        "/partner/settings",
        R"({"omva_url": "https://omva-)" + n +
            R"(.example.com/", "support_email": )"
            R"("support-)" +
            n + R"(@example.com", "share_link_ttl": )" + std::to_string(1000 + i) +
            R"(, "autopurge_interval": )" + std::to_string(1 + i) + R"(, "purgehold_duration": )" +
            std::to_string(2000 + i) + R"(, "versionpurge_interval": )" + std::to_string(2 + i) +
            R"(, "admin_email": "admin-)" + n + R"(@example.com", "sharing_enabled": )" +
            (i % 2 ? "true" : "false") + R"(, "api_version": "api-)" + n + R"("})");
  });
  for (int i = 0; i < kWriters; ++i) {
    ASSERT_EQ(replies[i].status, 200) << "writer " << i << ": " << replies[i].body;
    // Each 200 shows the whole of its own write.
    EXPECT_EQ(replies[i].json.at("api_version"), boost::json::value("api-" + std::to_string(i)));
    EXPECT_EQ(replies[i].json.at("share_link_ttl"), boost::json::value(1000 + i));
  }
  auto final = get("/partner/settings");
  ASSERT_EQ(final.status, 200) << final.body;
  EXPECT_NE(matching_write(replies, final.json), -1) << "not one whole write: " << final.body;
}

TEST_F(ConcurrentWritersTest, BillingEndsAsExactlyOneOfTheWrites) {
  set_partner("alpha", [](domain::Partner& p) { p.billing_mode = domain::BillingMode::prepaid; });
  const char* countries[] = {"US", "CA", "DE", "FR"};
  std::vector<Reply> replies(kWriters);
  in_parallel(kWriters, [&](int i) {
    auto n = std::to_string(i);
    // A Visa test number the sandbox approves (spec A.3); the reply shows only its last four.
    replies[i] =
        post("/partner/billing",
             R"({"name": "Partner )" + n + R"(", "address": [")" + n + R"( Main St", "Floor )" + n +
                 R"("], "city": "City )" + n + R"(", "state": "State )" + n +
                 R"(", "postal_code": "P)" + n + R"(", "country": ")" + countries[i % 4] +
                 R"(", "card_number": "4111111111111111", "security_code": "123", )"
                 R"("expiration_month": )" +
                 std::to_string(1 + i % 12) + R"(, "expiration_year": )" +
                 std::to_string(2030 + i) + "}");
  });
  for (int i = 0; i < kWriters; ++i) {
    ASSERT_EQ(replies[i].status, 200) << "writer " << i << ": " << replies[i].body;
    EXPECT_EQ(replies[i].json.at("name"), boost::json::value("Partner " + std::to_string(i)));
    EXPECT_EQ(replies[i].json.at("card").at("expiration_year"), boost::json::value(2030 + i));
  }
  auto final = get("/partner/billing");
  ASSERT_EQ(final.status, 200) << final.body;
  EXPECT_NE(matching_write(replies, final.json), -1) << "not one whole write: " << final.body;
}

TEST_F(ConcurrentWritersTest, ManyUsersLoseNoUpdateAndQuotaEqualsTheRecount) {
  auto plan = directory().create_plan(alpha_id, "Small", 1000000000);
  const std::string on_plan = R"(, "password_bcrypt": ")" + std::string(kBcrypt) +
                              R"(", "plan_id": )" + std::to_string(plan);
  auto shared = post("/users/", R"({"username": "shared", "name": "Shared", "email": )"
                                R"("shared@example.com")" +
                                    on_plan + "}");
  ASSERT_EQ(shared.status, 200) << shared.body;

  std::mutex mutex;
  std::vector<std::string> shared_writes;  // "name|bonus" of every 2xx on the shared user
  std::vector<std::string> failures;
  auto expect_2xx = [&](const Reply& reply, const std::string& what) {
    if (reply.status / 100 == 2) return true;
    std::lock_guard lock(mutex);
    failures.push_back(what + ": " + std::to_string(reply.status) + " " + reply.body);
    return false;
  };
  in_parallel(kWriters, [&](int i) {
    for (int k = 0; k < kUsersPerWriter; ++k) {
      auto username = "c" + std::to_string(i) + "-" + std::to_string(k);
      expect_2xx(
          post("/users/", R"({"username": ")" + username +
                              R"(", "name": "First", )"
                              R"("email": ")" +
                              username + R"(@example.com")" + on_plan + R"(, "bonus_bytes": 1})"),
          "create " + username);
      if (k < 2) {
        expect_2xx(
            internal("PUT",
                     "/partners/alpha/users/" + username + "/devices/laptop-" + std::to_string(i),
                     R"({"client_revision": )" + std::to_string(500 + i) +
                         R"(, "last_login": 1764201600, "last_backup_complete": null})"),
            "device of " + username);
      }
      if (i < kSharedUserWriters) {
        auto value = "Shared " + std::to_string(i * 100 + k);
        auto bonus = std::to_string(i * 100 + k);
        if (expect_2xx(post("/users/shared",
                            R"({"name": ")" + value + R"(", "bonus_bytes": )" + bonus + "}"),
                       "update shared")) {
          std::lock_guard lock(mutex);
          shared_writes.push_back(value + "|" + bonus);
        }
      }
    }
    // Then the last value of each of its users.
    for (int k = 0; k < kUsersPerWriter; ++k) {
      auto username = "c" + std::to_string(i) + "-" + std::to_string(k);
      expect_2xx(
          post("/users/" + username, R"({"name": "Last )" + username + R"(", "bonus_bytes": )" +
                                         std::to_string(i * 1000 + k) + "}"),
          "update " + username);
    }
  });
  EXPECT_TRUE(failures.empty()) << failures.size() << " failed, e.g. " << failures.front();

  auto users = get("/users/");
  ASSERT_EQ(users.status, 200);
  std::map<std::string, std::string> found;
  for (const auto& user : users.json.as_array()) {
    found[std::string(user.at("username").as_string())] =
        std::string(user.at("name").as_string()) + "|" +
        std::to_string(user.at("bonus_bytes").as_int64());
  }
  EXPECT_EQ(found.size(), std::size_t(kWriters * kUsersPerWriter + 1));
  for (int i = 0; i < kWriters; ++i) {
    for (int k = 0; k < kUsersPerWriter; ++k) {
      auto username = "c" + std::to_string(i) + "-" + std::to_string(k);
      EXPECT_EQ(found[username], "Last " + username + "|" + std::to_string(i * 1000 + k));
    }
  }
  EXPECT_EQ(shared_writes.size(), std::size_t(kSharedUserWriters * kUsersPerWriter));
  EXPECT_NE(std::find(shared_writes.begin(), shared_writes.end(), found["shared"]),
            shared_writes.end())
      << "the shared user is not one whole write: " << found["shared"];

  auto recount = test_db().recount(alpha_id);
  EXPECT_EQ(recount.users, kWriters * kUsersPerWriter + 1);
  EXPECT_EQ(recount.devices, kWriters * 2);
  auto quota = get("/partner/quota");
  ASSERT_EQ(quota.status, 200);
  EXPECT_EQ(quota.json, quota_json(recount));
}

}  // namespace
}  // namespace accountsd::testing
