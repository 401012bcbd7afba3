// B.3's self-signup limits, with an injected clock.
#include "auth/signup_limiter.hpp"

#include <gtest/gtest.h>

#include <string>

namespace accountsd::auth {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using Clock = SignupLimiter::Clock;

const Clock::time_point t0 = Clock::time_point() + hours(24);

TEST(SignupLimiter, DefaultsAreTheSpecs) {
  SignupLimits limits;
  EXPECT_EQ(limits.per_address, 20u);
  EXPECT_EQ(limits.per_brand, 600u);
  EXPECT_EQ(limits.window, hours(1));
}

TEST(SignupLimiter, TwentyAttemptsPerAddressAnHour) {
  SignupLimiter limiter;
  for (int i = 0; i < 20; ++i)
    EXPECT_FALSE(limiter.admit_address("10.0.0.1", t0 + minutes(i))) << "attempt " << i + 1;
  auto wait = limiter.admit_address("10.0.0.1", t0 + minutes(20));
  ASSERT_TRUE(wait.has_value());
  // Until the first attempt leaves the hour.
  EXPECT_EQ(*wait, 40 * 60);
  EXPECT_FALSE(limiter.admit_address("10.0.0.2", t0 + minutes(20)));
  // Refused attempts are not counted: one frees up as the first leaves the hour.
  EXPECT_TRUE(limiter.admit_address("10.0.0.1", t0 + hours(1) - seconds(1)));
  EXPECT_FALSE(limiter.admit_address("10.0.0.1", t0 + hours(1)));
  EXPECT_TRUE(limiter.admit_address("10.0.0.1", t0 + hours(1)));
}

TEST(SignupLimiter, SixHundredPerBrandAnHour) {
  SignupLimiter limiter;
  for (int i = 0; i < 600; ++i) ASSERT_FALSE(limiter.admit_brand("7", t0)) << "attempt " << i + 1;
  auto wait = limiter.admit_brand("7", t0 + minutes(30));
  ASSERT_TRUE(wait.has_value());
  EXPECT_EQ(*wait, 30 * 60);
  EXPECT_FALSE(limiter.admit_brand("8", t0 + minutes(30)));
  EXPECT_FALSE(limiter.admit_brand("7", t0 + hours(1)));
}

TEST(SignupLimiter, HonoursCustomLimits) {
  SignupLimiter limiter({.per_address = 2, .per_brand = 3, .window = seconds(10)});
  EXPECT_FALSE(limiter.admit_address("a", t0));
  EXPECT_FALSE(limiter.admit_address("a", t0));
  EXPECT_TRUE(limiter.admit_address("a", t0));
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(limiter.admit_brand("b", t0));
  EXPECT_TRUE(limiter.admit_brand("b", t0));
  EXPECT_FALSE(limiter.admit_address("a", t0 + seconds(10)));
  EXPECT_FALSE(limiter.admit_brand("b", t0 + seconds(10)));
}

TEST(SignupLimiter, TracksBoundedAddresses) {
  SignupLimiter limiter({.max_addresses = 100});
  for (int i = 0; i < 100; ++i)
    ASSERT_FALSE(limiter.admit_address("fd00::" + std::to_string(i), t0));
  // A new address beyond the cap waits; known ones go on being counted.
  auto wait = limiter.admit_address("fd00::ffff", t0);
  ASSERT_TRUE(wait.has_value());
  EXPECT_GT(*wait, 0);
  EXPECT_FALSE(limiter.admit_address("fd00::1", t0));
  // Once the others have expired, new addresses are tracked again.
  EXPECT_FALSE(limiter.admit_address("fd00::ffff", t0 + hours(1)));
}

}  // namespace
}  // namespace accountsd::auth
