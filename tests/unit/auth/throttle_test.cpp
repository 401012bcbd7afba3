#include "auth/throttle.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace accountsd::auth {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using Clock = Throttle::Clock;

// A fixed starting point; every call gets an explicit time, so nothing depends on the real clock.
const Clock::time_point t0 = Clock::time_point() + std::chrono::hours(24);

void fail_times(Throttle& throttle, std::string_view username, std::string_view address, int n,
                Clock::time_point at) {
  for (int i = 0; i < n; ++i) throttle.record_failure(username, address, at);
}

std::string address(int i) {
  return "10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250);
}

TEST(Throttle, DefaultsAreTheSpecs) {
  ThrottleLimits limits;
  EXPECT_EQ(limits.per_username_address, 10u);
  EXPECT_EQ(limits.per_address, 100u);
  EXPECT_EQ(limits.slow_username_after, 50u);
  EXPECT_EQ(limits.max_slowdown, seconds(2));
  EXPECT_EQ(limits.window, minutes(5));
}

TEST(Throttle, NineFailuresDoNotRefuse) {
  Throttle throttle;
  fail_times(throttle, "alice", "10.0.0.1", 9, t0);
  EXPECT_FALSE(throttle.retry_after("alice", "10.0.0.1", t0).has_value());
  EXPECT_FALSE(throttle.retry_after("alice", "10.0.0.2", t0 + seconds(1)).has_value());
}

TEST(Throttle, TenFailuresRefuseThatUsernameFromThatAddressOnly) {
  Throttle throttle;
  fail_times(throttle, "alice", "10.0.0.1", 10, t0);
  auto wait = throttle.retry_after("alice", "10.0.0.1", t0);
  ASSERT_TRUE(wait.has_value());
  EXPECT_GT(*wait, 0);
  EXPECT_LE(*wait, 300);
  // The owner elsewhere, and other usernames from there, are not refused.
  EXPECT_FALSE(throttle.retry_after("alice", "192.168.1.1", t0).has_value());
  EXPECT_FALSE(throttle.retry_after("bob", "10.0.0.1", t0).has_value());
  EXPECT_FALSE(throttle.retry_after("Alice", "10.0.0.1", t0).has_value());
}

TEST(Throttle, FailuresFromManyAddressesOnlySlowTheUsername) {
  Throttle throttle;
  for (int i = 0; i < 100; ++i) fail_times(throttle, "alice", address(i), 1, t0);
  EXPECT_FALSE(throttle.retry_after("alice", "192.168.1.1", t0).has_value());
  EXPECT_TRUE(
      std::holds_alternative<Throttle::Attempt>(throttle.reserve("alice", "192.168.1.1", t0)));
  auto wait = throttle.slowdown("alice", t0);
  EXPECT_GT(wait, milliseconds(0));
  EXPECT_LE(wait, seconds(2));
  EXPECT_EQ(throttle.slowdown("bob", t0), milliseconds(0));
}

TEST(Throttle, SlowdownStartsAfterFiftyFailuresGrowsAndIsCapped) {
  Throttle throttle;
  for (int i = 0; i < 50; ++i) fail_times(throttle, "alice", address(i), 1, t0);
  EXPECT_EQ(throttle.slowdown("alice", t0), milliseconds(0));
  fail_times(throttle, "alice", address(50), 1, t0);
  auto first = throttle.slowdown("alice", t0);
  EXPECT_GT(first, milliseconds(0));
  fail_times(throttle, "alice", address(51), 5, t0);
  EXPECT_GT(throttle.slowdown("alice", t0), first);
  for (int i = 60; i < 400; ++i) fail_times(throttle, "alice", address(i), 1, t0);
  EXPECT_EQ(throttle.slowdown("alice", t0), seconds(2));
  // It ends with the window.
  EXPECT_EQ(throttle.slowdown("alice", t0 + minutes(5)), milliseconds(0));
}

TEST(Throttle, HundredFailuresFromOneAddressRefuseThatAddress) {
  Throttle throttle;
  // 100 usernames with one failure each: no pair reaches its limit.
  for (int i = 0; i < 99; ++i) throttle.record_failure("user" + std::to_string(i), "10.0.0.1", t0);
  EXPECT_FALSE(throttle.retry_after("fresh", "10.0.0.1", t0).has_value());
  throttle.record_failure("user99", "10.0.0.1", t0);

  auto wait = throttle.retry_after("fresh", "10.0.0.1", t0);
  ASSERT_TRUE(wait.has_value());
  EXPECT_GT(*wait, 0);
  EXPECT_LE(*wait, 300);
  EXPECT_FALSE(throttle.retry_after("fresh", "10.0.0.2", t0).has_value());
  EXPECT_FALSE(throttle.retry_after("user0", "10.0.0.2", t0).has_value());
}

TEST(Throttle, RetryAfterIsPositiveAndShrinks) {
  Throttle throttle;
  fail_times(throttle, "alice", "10.0.0.1", 10, t0);
  auto first = throttle.retry_after("alice", "10.0.0.1", t0 + seconds(10));
  auto later = throttle.retry_after("alice", "10.0.0.1", t0 + seconds(100));
  auto last = throttle.retry_after("alice", "10.0.0.1", t0 + seconds(299));
  ASSERT_TRUE(first && later && last);
  EXPECT_GT(*first, *later);
  EXPECT_GT(*later, *last);
  EXPECT_GT(*last, 0);
}

TEST(Throttle, RetryAfterIsWhenTheRefusalEnds) {
  Throttle throttle;
  fail_times(throttle, "alice", "10.0.0.1", 10, t0);
  auto now = t0 + seconds(42);
  auto wait = throttle.retry_after("alice", "10.0.0.1", now);
  ASSERT_TRUE(wait.has_value());
  EXPECT_TRUE(throttle.retry_after("alice", "10.0.0.1", now + seconds(*wait - 1)).has_value());
  EXPECT_FALSE(throttle.retry_after("alice", "10.0.0.1", now + seconds(*wait)).has_value());
}

TEST(Throttle, WindowSlides) {
  Throttle throttle;
  fail_times(throttle, "alice", "10.0.0.1", 5, t0);
  fail_times(throttle, "alice", "10.0.0.1", 5, t0 + minutes(2));
  EXPECT_TRUE(throttle.retry_after("alice", "10.0.0.1", t0 + minutes(3)));
  // The first five have left the window; five remain.
  EXPECT_FALSE(throttle.retry_after("alice", "10.0.0.1", t0 + minutes(5)));
  fail_times(throttle, "alice", "10.0.0.1", 4, t0 + minutes(5));
  EXPECT_FALSE(throttle.retry_after("alice", "10.0.0.1", t0 + minutes(5)));
  throttle.record_failure("alice", "10.0.0.1", t0 + minutes(5));
  EXPECT_TRUE(throttle.retry_after("alice", "10.0.0.1", t0 + minutes(5)));
  EXPECT_FALSE(throttle.retry_after("alice", "10.0.0.1", t0 + minutes(10)));
}

TEST(Throttle, RefusalReportsTheLongerOfBothWaits) {
  Throttle throttle;
  for (int i = 0; i < 100; ++i) throttle.record_failure("user" + std::to_string(i), "10.0.0.1", t0);
  fail_times(throttle, "alice", "10.0.0.1", 10, t0 + minutes(2));
  auto address_only = throttle.retry_after("fresh", "10.0.0.1", t0 + minutes(3));
  auto both = throttle.retry_after("alice", "10.0.0.1", t0 + minutes(3));
  ASSERT_TRUE(address_only && both);
  // The address frees up when the first 10 of its 110 failures leave the window (at t0 + 5 min),
  // the pair when its own do (t0 + 7 min).
  EXPECT_LT(*address_only, *both);
}

TEST(Throttle, ReservationsCountLikeFailuresUntilSettled) {
  Throttle throttle;
  std::vector<Throttle::Attempt> attempts;
  for (int i = 0; i < 10; ++i) {
    auto reserved = throttle.reserve("alice", "10.0.0.1", t0);
    ASSERT_TRUE(std::holds_alternative<Throttle::Attempt>(reserved)) << "reservation " << i;
    attempts.push_back(std::get<Throttle::Attempt>(std::move(reserved)));
  }
  // Not refused: those in flight may yet succeed. Asked to come back.
  EXPECT_TRUE(
      std::holds_alternative<Throttle::InFlight>(throttle.reserve("alice", "10.0.0.1", t0)));
  // Verifications in flight hold back more verifications, not a right password's cached path.
  EXPECT_FALSE(throttle.retry_after("alice", "10.0.0.1", t0).has_value());
  // Another address is not held back.
  EXPECT_TRUE(std::holds_alternative<Throttle::Attempt>(throttle.reserve("alice", "10.0.0.2", t0)));

  for (auto& attempt : attempts) attempt.settle(false, t0);
  auto wait = throttle.retry_after("alice", "10.0.0.1", t0);
  ASSERT_TRUE(wait.has_value());
  EXPECT_EQ(*wait, 300);
  auto refused = throttle.reserve("alice", "10.0.0.1", t0);
  ASSERT_TRUE(std::holds_alternative<Throttle::Refused>(refused));
  EXPECT_EQ(std::get<Throttle::Refused>(refused).retry_after, 300);
}

TEST(Throttle, SuccessesAndUnsettledAttemptsDoNotCount) {
  Throttle throttle;
  for (int i = 0; i < 10; ++i) {
    auto reserved = throttle.reserve("alice", "10.0.0.1", t0);
    ASSERT_TRUE(std::holds_alternative<Throttle::Attempt>(reserved));
    if (i % 2 == 0) std::get<Throttle::Attempt>(reserved).settle(true, t0);
    // Odd ones are dropped unsettled, as when the worker pool refused them.
  }
  EXPECT_FALSE(throttle.retry_after("alice", "10.0.0.1", t0).has_value());
  EXPECT_EQ(throttle.slowdown("alice", t0), milliseconds(0));
  for (int i = 0; i < 10; ++i)
    EXPECT_TRUE(
        std::holds_alternative<Throttle::Attempt>(throttle.reserve("alice", "10.0.0.1", t0)));
}

TEST(Throttle, ExactlyTenGuessesPassHoweverManyArriveAtOnce) {
  Throttle throttle;
  std::atomic<int> reserved{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 40; ++i) {
    threads.emplace_back([&] {
      // As the App does: ask again while others are in flight.
      for (;;) {
        auto outcome = throttle.reserve("alice", "10.0.0.1");
        if (auto* attempt = std::get_if<Throttle::Attempt>(&outcome)) {
          ++reserved;
          std::this_thread::sleep_for(milliseconds(20));  // a verification
          attempt->settle(false);
        } else if (std::holds_alternative<Throttle::InFlight>(outcome)) {
          std::this_thread::sleep_for(milliseconds(1));
          continue;
        } else {
          ++refused;
        }
        return;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(reserved, 10);
  EXPECT_EQ(refused, 30);
  EXPECT_TRUE(throttle.retry_after("alice", "10.0.0.1").has_value());
}

TEST(Throttle, HundredReservationsFromOneAddressHoldItBack) {
  Throttle throttle;
  std::vector<Throttle::Attempt> attempts;
  for (int i = 0; i < 100; ++i) {
    auto reserved = throttle.reserve("user" + std::to_string(i), "10.0.0.1", t0);
    ASSERT_TRUE(std::holds_alternative<Throttle::Attempt>(reserved));
    attempts.push_back(std::get<Throttle::Attempt>(std::move(reserved)));
  }
  EXPECT_TRUE(
      std::holds_alternative<Throttle::InFlight>(throttle.reserve("fresh", "10.0.0.1", t0)));
  attempts.clear();  // released uncounted
  EXPECT_TRUE(std::holds_alternative<Throttle::Attempt>(throttle.reserve("fresh", "10.0.0.1", t0)));
}

TEST(Throttle, MemorySweepKeepsActiveEntries) {
  Throttle throttle;
  fail_times(throttle, "victim", "10.9.9.9", 10, t0);
  for (int i = 0; i < 100; ++i) throttle.record_failure("u" + std::to_string(i), "10.0.0.1", t0);
  // Old entries that have expired by the time of the flood.
  for (int i = 0; i < 200; ++i)
    throttle.record_failure("old" + std::to_string(i), "172.16.0." + std::to_string(i),
                            t0 - minutes(10));
  // Enough distinct usernames and addresses to pass the sweep threshold (10000 keys).
  auto later = t0 + minutes(4);
  for (int i = 0; i < 10500; ++i) {
    auto n = std::to_string(i);
    throttle.record_failure("flood" + n, "fd00::" + n, later);
  }
  EXPECT_TRUE(throttle.retry_after("victim", "10.9.9.9", later).has_value());
  EXPECT_TRUE(throttle.retry_after("nobody", "10.0.0.1", later).has_value());
  EXPECT_FALSE(throttle.retry_after("flood1", "fd00::1", later).has_value());
  EXPECT_FALSE(throttle.retry_after("victim", "10.9.9.9", t0 + minutes(5)).has_value());
}

TEST(Throttle, HonoursCustomLimits) {
  Throttle throttle(
      ThrottleLimits{.per_username_address = 2, .per_address = 3, .window = seconds(60)});
  throttle.record_failure("a", "1.1.1.1", t0);
  EXPECT_FALSE(throttle.retry_after("a", "1.1.1.1", t0));
  throttle.record_failure("a", "1.1.1.1", t0);
  EXPECT_TRUE(throttle.retry_after("a", "1.1.1.1", t0));
  EXPECT_FALSE(throttle.retry_after("a", "2.2.2.2", t0));
  EXPECT_FALSE(throttle.retry_after("b", "1.1.1.1", t0));
  throttle.record_failure("b", "1.1.1.1", t0);
  EXPECT_TRUE(throttle.retry_after("c", "1.1.1.1", t0));
  EXPECT_FALSE(throttle.retry_after("a", "1.1.1.1", t0 + seconds(60)));
}

}  // namespace
}  // namespace accountsd::auth
