// Two `accountsd serve` processes on one PostgreSQL database behave as one server (issue 12):
// a password changed through one is refused by the other at its next request, failed logins
// through one count on the other, an answer one keeps is not sent after a write through the
// other, and writers spread over both leave exact quota counters and never see an id twice.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/database.hpp"
#include "support/http_client.hpp"
#include "support/metrics_text.hpp"
#include "support/postgres_server.hpp"
#include "support/server_process.hpp"
#include "support/sqlite_checks.hpp"
#include "support/test_database.hpp"

namespace accountsd::testing {
namespace {

constexpr const char* kRoot = "/apis/accounts/v1";
constexpr const char* kToken = "two-servers-service-token-0123456789";
const Login kAcme{"acme", "acme-password-1"};

class TwoServersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = test_postgres_url();
    if (!server)
      GTEST_SKIP() << "ACCOUNTSD_TEST_POSTGRES is not set (run under scripts/with-postgres)";
    scratch_ = std::make_unique<ScratchDatabase>(*server);
    std::ofstream(files_.dir / "token.txt") << kToken;
    const std::string db = " --db '" + scratch_->url() + "'";
    ASSERT_EQ(run_accountsd("partner create --username acme --name Acme --group Staff "
                            "--password-stdin" +
                                db,
                            kAcme.password + "\n", files_.dir / "stdin"),
              0);
    // Users on a 1 GB plan, so that the allocation sums stay far from saturation.
    ASSERT_EQ(
        run_accountsd("plan create --partner acme --name Small --storage-bytes 1000000000" + db, "",
                      files_.dir / "stdin"),
        0);
    for (int i = 0; i < 2; ++i) {
      servers_.push_back(
          std::make_unique<ServerProcess>(files_.dir / ("serve" + std::to_string(i) + ".log")));
      ports_[i] = servers_.back()->start(
          scratch_->url(), {"--service-token-file", (files_.dir / "token.txt").string()});
      ASSERT_NE(ports_[i], 0) << servers_.back()->log();
    }
  }
  void TearDown() override {
    for (auto& server : servers_) server->stop();
    servers_.clear();
  }

  Reply call(int server, const std::string& method, const std::string& path,
             const std::string& body = "", const Login& login = kAcme) {
    return http_request(ports_[server], method, kRoot + path, body, login);
  }
  Reply internal(int server, const std::string& method, const std::string& path,
                 const std::string& body) {
    return http_request(ports_[server], method, "/internal/v1/partners/acme" + path, body,
                        std::nullopt, {{"Authorization", std::string("Bearer ") + kToken}});
  }

  TempDatabase files_;  // a folder for the logs and files
  std::unique_ptr<ScratchDatabase> scratch_;
  std::vector<std::unique_ptr<ServerProcess>> servers_;
  unsigned short ports_[2] = {0, 0};
};

TEST_F(TwoServersTest, APasswordChangedThroughOneIsRefusedByTheOtherAtItsNextRequest) {
  // Both have verified (and cached) the old password.
  ASSERT_EQ(call(0, "GET", "/partner/quota").status, 200);
  ASSERT_EQ(call(1, "GET", "/partner/quota").status, 200);
  ASSERT_EQ(call(0, "POST", "/partner/password", R"("a-new-password-22")").status, 200);
  EXPECT_EQ(call(1, "GET", "/partner/quota").status, 401);
  EXPECT_EQ(call(0, "GET", "/partner/quota").status, 401);
  const Login renewed{"acme", "a-new-password-22"};
  EXPECT_EQ(call(1, "GET", "/partner/quota", "", renewed).status, 200);
}

TEST_F(TwoServersTest, AnAnswerKeptByOneIsNotSentAfterAWriteThroughTheOther) {
  auto groups = [&](int server) {
    auto reply = call(server, "GET", "/groups/");
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.body;
  };
  auto hits = [&](int server) {
    auto reply = http_request(ports_[server], "GET", "/metrics", "", std::nullopt);
    EXPECT_EQ(reply.status, 200) << reply.body;
    return MetricsText(reply.body).value("accountsd_answer_cache_hits_total");
  };
  auto plans = call(0, "GET", "/plans");
  ASSERT_EQ(plans.status, 200) << plans.body;
  const auto plan = std::to_string(plans.json.as_array().at(0).at("plan_id").as_int64());
  for (int i = 1; i <= 5; ++i) {
    // Server 0 answers the page from memory: read until it has (a commit anywhere in the
    // cluster, such as another test's, makes it read the page again).
    auto name = "Group " + std::to_string(i);
    const double before = hits(0);
    for (int read = 0; read < 50 && hits(0) == before; ++read)
      EXPECT_EQ(groups(0).find(name), std::string::npos);
    ASSERT_GT(hits(0), before) << "server 0 never answered the page from memory";
    auto write = call(1, "POST", "/groups/",
                      R"({"name": ")" + name + R"(", "plan_id": )" + plan +
                          R"(, "webapi_enable": true, "check_domain": false})");
    ASSERT_EQ(write.status, 201) << write.body;
    EXPECT_NE(groups(0).find(name), std::string::npos) << "server 0 answered a page from before";
  }
}

TEST_F(TwoServersTest, FailedLoginsThroughOneCountOnTheOther) {
  const Login wrong{"acme", "not-the-password"};
  // A.2: ten failures of one username from one address refuse that pair.
  for (int i = 0; i < 10; ++i) {
    auto status = call(0, "GET", "/partner/quota", "", wrong).status;
    ASSERT_TRUE(status == 401 || status == 429) << status;
  }
  EXPECT_EQ(call(0, "GET", "/partner/quota", "", wrong).status, 429);
  // The other server reads the first one's failures at most a second later; then it refuses the
  // pair too, even with the right password.
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  do {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    status = call(1, "GET", "/partner/quota").status;
  } while (status != 429 && std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(status, 429) << "the second server did not count the first one's failures";
}

TEST_F(TwoServersTest, RandomWritersOnBothKeepTheCountersExactAndNeverRepeatAnId) {
  std::string small_plan;
  auto plans = call(0, "GET", "/plans/");
  ASSERT_EQ(plans.status, 200) << plans.body;
  for (const auto& plan : plans.json.as_array())
    if (plan.at("name") == "Small") small_plan = std::to_string(plan.at("plan_id").as_int64());
  ASSERT_FALSE(small_plan.empty()) << plans.body;
  constexpr int kWriters = 6;
  constexpr int kSteps = 40;
  std::mutex mutex;
  std::vector<std::string> failures;
  std::multiset<std::int64_t> ids;
  auto expect_2xx = [&](const Reply& reply, const std::string& what) {
    if (reply.status / 100 == 2) return true;
    std::lock_guard lock(mutex);
    failures.push_back(what + ": " + std::to_string(reply.status) + " " + reply.body);
    return false;
  };
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      std::mt19937 rng(1234 + w);
      std::vector<std::string> mine;
      for (int step = 0; step < kSteps; ++step) {
        int server = int(rng() % 2);
        int action = mine.empty() ? 0 : int(rng() % 5);
        if (action == 0) {
          auto username = "w" + std::to_string(w) + "-" + std::to_string(step);
          auto reply = call(server, "POST", "/users/",
                            R"({"username": ")" + username + R"(", "name": "N", "email": ")" +
                                username + R"(@example.com", "plan_id": )" + small_plan +
                                R"(, "bonus_bytes": )" + std::to_string(rng() % 1000) + "}");
          if (expect_2xx(reply, "create " + username)) {
            mine.push_back(username);
            auto user = call(server, "GET", "/users/" + username);
            if (expect_2xx(user, "read " + username)) {
              std::lock_guard lock(mutex);
              ids.insert(user.json.at("avatar_id").as_int64());
            }
          }
          continue;
        }
        const auto& username = mine[rng() % mine.size()];
        if (action == 1) {
          expect_2xx(call(server, "POST", "/users/" + username,
                          R"({"bonus_bytes": )" + std::to_string(rng() % 100000) + "}"),
                     "bonus of " + username);
        } else if (action == 2) {
          expect_2xx(internal(server, "PUT",
                              "/users/" + username + "/devices/d" + std::to_string(rng() % 3),
                              R"({"client_revision": )" + std::to_string(600 + rng() % 5) +
                                  R"(, "last_login": 1764201600, "last_backup_complete": null})"),
                     "device of " + username);
        } else if (action == 3) {
          expect_2xx(internal(server, "PUT", "/users/" + username + "/usage",
                              R"({"bytes_stored": )" + std::to_string(rng() % 1000000) + "}"),
                     "usage of " + username);
        } else {
          expect_2xx(call(server, "DELETE", "/users/" + username), "delete " + username);
          mine.erase(std::find(mine.begin(), mine.end(), username));
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_TRUE(failures.empty()) << failures.size() << " failed, e.g. " << failures.front();
  EXPECT_EQ(std::set<std::int64_t>(ids.begin(), ids.end()).size(), ids.size())
      << "an avatar_id was given twice";

  // The counters both servers report equal the rows counted afresh.
  TestDatabase database(TestDatabase::Existing{scratch_->url()});
  auto partner = database.integer("SELECT partner_id FROM partners WHERE username = 'acme'");
  auto recount = database.recount(partner);
  EXPECT_GT(recount.users, 0);
  EXPECT_GT(recount.devices, 0);
  for (int server = 0; server < 2; ++server) {
    auto quota = call(server, "GET", "/partner/quota");
    ASSERT_EQ(quota.status, 200) << quota.body;
    EXPECT_EQ(quota.json, quota_json(recount)) << "server " << server;
  }
  auto users = call(0, "GET", "/users/");
  ASSERT_EQ(users.status, 200);
  EXPECT_EQ(std::int64_t(users.json.as_array().size()), recount.users);
}

}  // namespace
}  // namespace accountsd::testing
