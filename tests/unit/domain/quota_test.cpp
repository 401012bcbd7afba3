#include "domain/quota.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

namespace accountsd::domain {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kUnlimited = 1000000001000000000;
const Int128 kTwoTo62 = Int128(1) << 62;
const Int128 kTwoTo100 = Int128(1) << 100;

TEST(ByteSum, StartsAtZero) {
  ByteSum sum;
  EXPECT_TRUE(sum.value() == 0);
  EXPECT_EQ(sum.saturated(), 0);
  EXPECT_EQ(sum.high(), 0);
  EXPECT_EQ(sum.low(), 0);
}

TEST(ByteSum, PartsRoundTripUpToTwoToTheHundred) {
  std::vector<Int128> values = {0,
                                1,
                                kTwoTo62 - 1,
                                kTwoTo62,
                                kTwoTo62 + 1,
                                Int128(kMax),
                                Int128(kMax) + 1,
                                Int128(kUnlimited) * 1000,
                                kTwoTo100 - 1,
                                kTwoTo100,
                                kTwoTo100 + 12345};
  for (Int128 value : values) {
    ByteSum sum(value);
    EXPECT_GE(sum.low(), 0);
    EXPECT_TRUE(Int128(sum.low()) < kTwoTo62);
    EXPECT_GE(sum.high(), 0);
    EXPECT_TRUE(ByteSum::from_parts(sum.high(), sum.low()).value() == value)
        << "high=" << sum.high() << " low=" << sum.low();
  }
}

TEST(ByteSum, PartsOfKnownValues) {
  EXPECT_EQ(ByteSum(kTwoTo62).high(), 1);
  EXPECT_EQ(ByteSum(kTwoTo62).low(), 0);
  EXPECT_EQ(ByteSum(kTwoTo100 + 7).high(), std::int64_t(1) << 38);
  EXPECT_EQ(ByteSum(kTwoTo100 + 7).low(), 7);
  EXPECT_EQ(ByteSum(Int128(kMax)).high(), 1);
  EXPECT_EQ(ByteSum(Int128(kMax)).low(), (std::int64_t(1) << 62) - 1);
}

TEST(ByteSum, ReportsExactValuesUpToInt64Max) {
  EXPECT_EQ(ByteSum(12345).saturated(), 12345);
  EXPECT_EQ(ByteSum(kUnlimited).saturated(), kUnlimited);
  EXPECT_EQ(ByteSum(Int128(kMax)).saturated(), kMax);
}

TEST(ByteSum, SaturatesAtInt64Max) {
  EXPECT_EQ(ByteSum(Int128(kMax) + 1).saturated(), kMax);
  EXPECT_EQ(ByteSum(kTwoTo100).saturated(), kMax);
  ByteSum sum;
  // Ten "unlimited" users overflow 64 bits.
  for (int i = 0; i < 10; ++i) sum += kUnlimited;
  EXPECT_TRUE(sum.value() == Int128(kUnlimited) * 10);
  EXPECT_EQ(sum.saturated(), kMax);
}

TEST(ByteSum, NegativeDeltasComeBackBelowTheLimitExactly) {
  ByteSum sum;
  for (int i = 0; i < 10; ++i) sum += kUnlimited;
  sum += 5;
  for (int i = 0; i < 9; ++i) sum += -Int128(kUnlimited);
  EXPECT_EQ(sum.saturated(), kUnlimited + 5);
  sum += -Int128(kUnlimited);
  EXPECT_EQ(sum.saturated(), 5);
  sum += -5;
  EXPECT_EQ(sum.saturated(), 0);
}

TEST(ByteSum, SurvivesStorageAsPartsWhileSaturated) {
  // The store keeps (high, low) between transactions; a saturated sum must come back exact.
  ByteSum sum;
  for (int i = 0; i < 20; ++i) sum += kUnlimited;
  auto stored = ByteSum::from_parts(sum.high(), sum.low());
  stored += -Int128(kUnlimited) * 19;
  EXPECT_EQ(stored.saturated(), kUnlimited);
}

TEST(ByteSum, NeverReportsBelowZero) {
  ByteSum sum(5);
  sum += -6;
  EXPECT_EQ(sum.saturated(), 0);
}

}  // namespace
}  // namespace accountsd::domain
