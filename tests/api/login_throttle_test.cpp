// A.2's login throttle against an attacker: refusals per (username, address) and per address,
// only a slowdown per username, and exactly 10 guesses however many arrive at once. Client
// addresses are varied through X-Forwarded-For from the fixture's trusted proxy (127.0.0.1).
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "auth/password.hpp"
#include "domain/netblock.hpp"
#include "support/api_fixture.hpp"

namespace accountsd::testing {
namespace {

using Clock = std::chrono::steady_clock;

class LoginThrottleTest : public ApiTest {
 protected:
  void configure(api::AppConfig& config) override {
    ApiTest::configure(config);
    config.trusted_proxies.push_back(*domain::parse_netblock("127.0.0.1/32"));
  }
  Reply quota_from(const std::string& client, const Login& login) {
    return request("GET", "/partner/quota", "", login, {{"X-Forwarded-For", client}});
  }
  // The same with how long it took.
  std::pair<Reply, std::chrono::milliseconds> timed_quota_from(const std::string& client,
                                                               const Login& login) {
    auto started = Clock::now();
    auto reply = quota_from(client, login);
    return {reply, std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started)};
  }
};

TEST_F(LoginThrottleTest, AHundredFailuresFromManyAddressesDoNotLockTheOwnerOut) {
  const Login wrong{alpha.username, "not-the-password"};
  // 100 guesses from 100 addresses, 20 at a time (the later ones are slowed, so in turn they
  // would take a minute).
  std::atomic<int> unauthorized{0};
  std::vector<std::thread> attackers;
  for (int t = 0; t < 20; ++t) {
    attackers.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i)
        if (quota_from("198.51.100." + std::to_string(t * 5 + i), wrong).status == 401)
          ++unauthorized;
    });
  }
  for (auto& thread : attackers) thread.join();
  ASSERT_EQ(unauthorized, 100);
  // The right password from a new address still works, only slowed (up to 2 s).
  auto [fresh, fresh_time] = timed_quota_from("192.0.2.77", alpha);
  EXPECT_EQ(fresh.status, 200) << fresh.body;
  EXPECT_GE(fresh_time, std::chrono::milliseconds(1500)) << "attempts for alpha are slowed";
  EXPECT_LT(fresh_time, std::chrono::milliseconds(10000));
  // Logged in now, the owner is not slowed any more, from anywhere: a cached login is no guess.
  auto [cached, cached_time] = timed_quota_from("192.0.2.10", alpha);
  EXPECT_EQ(cached.status, 200) << cached.body;
  EXPECT_LT(cached_time, std::chrono::milliseconds(1000));
  // A further wrong guess from a new address is slowed too, and an ordinary 401, not a 429.
  auto [guess, guess_time] = timed_quota_from("203.0.113.99", wrong);
  EXPECT_EQ(guess.status, 401) << guess.body;
  EXPECT_GE(guess_time, std::chrono::milliseconds(1500));
  // Other partners are untouched.
  auto [other, other_time] = timed_quota_from("203.0.113.99", beta);
  EXPECT_EQ(other.status, 200) << other.body;
  EXPECT_LT(other_time, std::chrono::milliseconds(1000));
}

TEST_F(LoginThrottleTest, ExactlyTenGuessesPassHoweverManyArriveAtOnce) {
  // Verifications that take real time (Argon2id at its production cost), so the 40 overlap.
  auth::set_hash_cost(auth::HashCost::interactive);
  partners().set_password_hash(alpha_id, auth::hash_password(alpha.password));
  const Login wrong{alpha.username, "not-the-password"};
  std::atomic<int> unauthorized{0}, throttled{0}, other{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < 40; ++i) {
    threads.emplace_back([&] {
      while (!go) std::this_thread::yield();
      auto reply = quota_from("203.0.113.9", wrong);
      if (reply.status == 401) {
        ++unauthorized;
      } else if (reply.status == 429 && !reply.header("retry-after").empty()) {
        ++throttled;
      } else {
        ++other;
      }
    });
  }
  go = true;
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(unauthorized, 10);
  EXPECT_EQ(throttled, 30);
  EXPECT_EQ(other, 0);
  // The right password is refused from that address too, so guessing gained nothing...
  auto there = quota_from("203.0.113.9", alpha);
  EXPECT_EQ(there.status, 429) << there.body;
  // ...and works from any other.
  auto elsewhere = quota_from("203.0.113.10", alpha);
  EXPECT_EQ(elsewhere.status, 200) << elsewhere.body;
}

}  // namespace
}  // namespace accountsd::testing
