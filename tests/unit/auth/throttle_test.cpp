#include "auth/throttle.hpp"

#include <gtest/gtest.h>

#include <string>

namespace accountsd::auth {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using Clock = Throttle::Clock;

// A fixed starting point; every call gets an explicit time, so nothing depends on the real clock.
const Clock::time_point t0 = Clock::time_point() + std::chrono::hours(24);

void fail_times(Throttle& throttle, std::string_view username, std::string_view address, int n,
                Clock::time_point at) {
  for (int i = 0; i < n; ++i) throttle.record_failure(username, address, at);
}

TEST(Throttle, NineFailuresDoNotBlock) {
  Throttle throttle;
  fail_times(throttle, "alice", "10.0.0.1", 9, t0);
  EXPECT_FALSE(throttle.retry_after("alice", "10.0.0.1", t0).has_value());
  EXPECT_FALSE(throttle.retry_after("alice", "10.0.0.2", t0 + seconds(1)).has_value());
}

TEST(Throttle, TenthFailureBlocksTheUsernameFromAnyAddress) {
  Throttle throttle;
  for (int i = 0; i < 10; ++i) throttle.record_failure("alice", "10.0.0." + std::to_string(i), t0);
  auto wait = throttle.retry_after("alice", "10.0.0.1", t0);
  ASSERT_TRUE(wait.has_value());
  EXPECT_GT(*wait, 0);
  EXPECT_LE(*wait, 300);
  // A different client address does not help: the username is locked.
  EXPECT_TRUE(throttle.retry_after("alice", "192.168.1.1", t0).has_value());
}

TEST(Throttle, UsernameLockoutDoesNotAffectOtherUsernames) {
  Throttle throttle;
  fail_times(throttle, "alice", "10.0.0.1", 10, t0);
  ASSERT_TRUE(throttle.retry_after("alice", "10.0.0.1", t0).has_value());
  EXPECT_FALSE(throttle.retry_after("bob", "10.0.0.1", t0).has_value());
  EXPECT_FALSE(throttle.retry_after("bob", "10.0.0.2", t0).has_value());
  EXPECT_FALSE(throttle.retry_after("Alice", "10.0.0.2", t0).has_value());
}

TEST(Throttle, HundredFailuresFromOneAddressBlockThatAddress) {
  Throttle throttle;
  // 100 usernames with one failure each: no username reaches its limit.
  for (int i = 0; i < 99; ++i) throttle.record_failure("user" + std::to_string(i), "10.0.0.1", t0);
  EXPECT_FALSE(throttle.retry_after("fresh", "10.0.0.1", t0).has_value());
  throttle.record_failure("user99", "10.0.0.1", t0);

  auto wait = throttle.retry_after("fresh", "10.0.0.1", t0);
  ASSERT_TRUE(wait.has_value());
  EXPECT_GT(*wait, 0);
  EXPECT_LE(*wait, 300);
  // The same usernames from another address are fine.
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

TEST(Throttle, RetryAfterIsWhenTheBlockEnds) {
  Throttle throttle;
  fail_times(throttle, "alice", "10.0.0.1", 10, t0);
  auto now = t0 + seconds(42);
  auto wait = throttle.retry_after("alice", "10.0.0.1", now);
  ASSERT_TRUE(wait.has_value());
  // Still blocked a second before the promised time, free at it.
  EXPECT_TRUE(throttle.retry_after("alice", "10.0.0.1", now + seconds(*wait - 1)).has_value());
  EXPECT_FALSE(throttle.retry_after("alice", "10.0.0.1", now + seconds(*wait)).has_value());
}

TEST(Throttle, WindowExpiryAfterFiveMinutesUnblocks) {
  Throttle throttle;
  fail_times(throttle, "alice", "10.0.0.1", 10, t0);
  EXPECT_TRUE(throttle.retry_after("alice", "10.0.0.1", t0 + minutes(5) - seconds(1)));
  EXPECT_FALSE(throttle.retry_after("alice", "10.0.0.1", t0 + minutes(5)));
  // A new failure after the window starts a fresh count.
  throttle.record_failure("alice", "10.0.0.1", t0 + minutes(6));
  EXPECT_FALSE(throttle.retry_after("alice", "10.0.0.1", t0 + minutes(6)));
}

TEST(Throttle, AddressBlockExpiresWithTheWindow) {
  Throttle throttle;
  for (int i = 0; i < 100; ++i) throttle.record_failure("user" + std::to_string(i), "10.0.0.1", t0);
  EXPECT_TRUE(throttle.retry_after("fresh", "10.0.0.1", t0 + minutes(4)));
  EXPECT_FALSE(throttle.retry_after("fresh", "10.0.0.1", t0 + minutes(5)));
}

TEST(Throttle, WindowSlides) {
  Throttle throttle;
  fail_times(throttle, "alice", "10.0.0.1", 5, t0);
  fail_times(throttle, "alice", "10.0.0.1", 5, t0 + minutes(2));
  // Ten failures within five minutes: blocked.
  EXPECT_TRUE(throttle.retry_after("alice", "10.0.0.1", t0 + minutes(3)));
  // The first five have left the window; five remain.
  EXPECT_FALSE(throttle.retry_after("alice", "10.0.0.1", t0 + minutes(5)));
  fail_times(throttle, "alice", "10.0.0.1", 4, t0 + minutes(5));
  EXPECT_FALSE(throttle.retry_after("alice", "10.0.0.1", t0 + minutes(5)));
  throttle.record_failure("alice", "10.0.0.1", t0 + minutes(5));
  EXPECT_TRUE(throttle.retry_after("alice", "10.0.0.1", t0 + minutes(5)));
}

TEST(Throttle, BlockingReportsTheLongerOfBothWaits) {
  Throttle throttle;
  for (int i = 0; i < 100; ++i) throttle.record_failure("user" + std::to_string(i), "10.0.0.1", t0);
  fail_times(throttle, "alice", "10.0.0.2", 10, t0 + minutes(2));
  auto address_only = throttle.retry_after("fresh", "10.0.0.1", t0 + minutes(3));
  auto username_only = throttle.retry_after("alice", "10.0.0.3", t0 + minutes(3));
  auto both = throttle.retry_after("alice", "10.0.0.1", t0 + minutes(3));
  ASSERT_TRUE(address_only && username_only && both);
  EXPECT_LT(*address_only, *username_only);
  EXPECT_EQ(*both, *username_only);
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
  EXPECT_TRUE(throttle.retry_after("victim", "192.168.0.1", later).has_value());
  EXPECT_TRUE(throttle.retry_after("nobody", "10.0.0.1", later).has_value());
  EXPECT_FALSE(throttle.retry_after("flood1", "fd00::1", later).has_value());
  // And after the window they still expire.
  EXPECT_FALSE(throttle.retry_after("victim", "192.168.0.1", t0 + minutes(5)).has_value());
}

TEST(Throttle, HonoursCustomLimits) {
  Throttle throttle(ThrottleLimits{.per_username = 2, .per_address = 3, .window = seconds(60)});
  throttle.record_failure("a", "1.1.1.1", t0);
  EXPECT_FALSE(throttle.retry_after("a", "1.1.1.1", t0));
  throttle.record_failure("a", "1.1.1.1", t0);
  EXPECT_TRUE(throttle.retry_after("a", "2.2.2.2", t0));
  EXPECT_FALSE(throttle.retry_after("b", "1.1.1.1", t0));
  throttle.record_failure("b", "1.1.1.1", t0);
  EXPECT_TRUE(throttle.retry_after("c", "1.1.1.1", t0));
  EXPECT_FALSE(throttle.retry_after("a", "1.1.1.1", t0 + seconds(60)));
}

}  // namespace
}  // namespace accountsd::auth
