// Issue 17's first finding as a test: anonymous self-signups (a taken username) flooding the
// server must not slow a logged-in partner down, since the cheap refusals (limits, a taken
// username) come before any Argon2id and Argon2id never runs on a connection's thread.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "auth/password.hpp"
#include "domain/netblock.hpp"
#include "support/api_fixture.hpp"

namespace accountsd::testing {
namespace {

using Clock = std::chrono::steady_clock;

double median_ms(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

class SignupFloodTest : public ApiTest {
 protected:
  void configure(api::AppConfig& config) override {
    ApiTest::configure(config);
    // Each flooding thread plays its own client address, so that more of the flood gets past
    // the per-address limit to the duplicate check.
    config.trusted_proxies.push_back(*domain::parse_netblock("127.0.0.1/32"));
  }
  // Milliseconds for one logged-in GET /partner/quota (credentials cached).
  double timed_quota() {
    auto started = Clock::now();
    auto reply = get("/partner/quota");
    EXPECT_EQ(reply.status, 200) << reply.body;
    return std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  }
};

TEST_F(SignupFloodTest, ALoggedInPartnerIsNotSlowedByAFloodOfSignups) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 60;
  auto taken =
      request("POST", "/users/",
              R"({"username": "taken", "name": "Taken", "email": "taken@example.com"})", alpha);
  ASSERT_EQ(taken.status, 200) << taken.body;
  // From here on, any password hashed costs what it costs in production (64 MiB Argon2id).
  auth::set_hash_cost(auth::HashCost::interactive);
  for (int i = 0; i < 5; ++i) timed_quota();  // logged in: the credentials are cached
  std::vector<double> before;
  for (int i = 0; i < 40; ++i) before.push_back(timed_quota());

  std::atomic<int> running{kThreads};
  std::vector<std::vector<int>> statuses(kThreads);
  std::vector<std::thread> flood;
  auto flood_started = Clock::now();
  for (int t = 0; t < kThreads; ++t) {
    flood.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto body = R"({"brand": "alpha", "username": "taken", "name": "Mallory", "email": "m)" +
                    std::to_string(t * kPerThread + i) + R"(@example.com"})";
        auto reply = request("POST", "/users/", body, std::nullopt,
                             {{"X-Forwarded-For", "203.0.113." + std::to_string(t)}});
        statuses[t].push_back(reply.status);
        // Paced a little: the clients share the machine's two cores with the server, and an
        // unpaced loop of them would measure the contention for the CPU, not the server. Before
        // the fix this rate still meant far more Argon2id than the I/O threads could do.
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      --running;
    });
  }
  std::vector<double> during;
  while (running > 0) during.push_back(timed_quota());
  for (auto& thread : flood) thread.join();
  double flood_seconds = std::chrono::duration<double>(Clock::now() - flood_started).count();

  double before_median = median_ms(before), during_median = median_ms(during);
  std::printf(
      "[figures] %d signups in %.2f s; GET /partner/quota median %.2f ms before, %.2f ms during "
      "(%zu samples): ratio %.2f\n",
      kThreads * kPerThread, flood_seconds, before_median, during_median, during.size(),
      during_median / before_median);
  ASSERT_GE(during.size(), 10u) << "too few samples during the flood";
  // A floor of 1 ms keeps sub-millisecond noise on a busy machine from deciding the ratio.
  EXPECT_LE(during_median, 3 * std::max(before_median, 1.0))
      << "a logged-in request waited behind the signups";
  EXPECT_LT(flood_seconds, 60);

  // Per client address: 20 attempts reach the duplicate check (409), the rest are over the
  // limit (429). None of them was stored.
  for (int t = 0; t < kThreads; ++t) {
    SCOPED_TRACE("client " + std::to_string(t));
    ASSERT_EQ(statuses[t].size(), std::size_t(kPerThread));
    for (int i = 0; i < kPerThread; ++i)
      EXPECT_EQ(statuses[t][i], i < 20 ? 409 : 429) << "attempt " << i + 1;
  }
  auto count = get("/users/?action=user_count");
  EXPECT_EQ(count.json.at("user_count"), boost::json::value(1)) << count.body;
}

}  // namespace
}  // namespace accountsd::testing
