#include "auth/credential_cache.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <cstdint>
#include <string>

namespace accountsd::auth {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

class CredentialCacheTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_GE(sodium_init(), 0); }
};

const std::string kHash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";
constexpr std::int64_t kPartner = 7;
const std::string kNewHash = "$argon2id$v=19$m=65536,t=2,p=1$bmV3c2FsdA$bmV3aGFzaG5ld2hhc2g";

TEST_F(CredentialCacheTest, RemembersVerifiedCredentials) {
  CredentialCache cache;
  EXPECT_FALSE(cache.contains("alpha", "s3cret-and-long", kPartner, kHash));
  cache.remember("alpha", "s3cret-and-long", kPartner, kHash);
  EXPECT_TRUE(cache.contains("alpha", "s3cret-and-long", kPartner, kHash));
  EXPECT_TRUE(cache.contains("alpha", "s3cret-and-long", kPartner, kHash));
}

TEST_F(CredentialCacheTest, RecallsWhoseTheyWereAndAgainstWhichHash) {
  CredentialCache cache;
  EXPECT_FALSE(cache.recall("alpha", "s3cret-and-long"));
  cache.remember("alpha", "s3cret-and-long", kPartner, kHash);
  auto verified = cache.recall("alpha", "s3cret-and-long");
  ASSERT_TRUE(verified);
  EXPECT_EQ(verified->partner, kPartner);
  EXPECT_TRUE(cache.matches(*verified, kPartner, kHash));
  EXPECT_FALSE(cache.matches(*verified, kPartner, kNewHash));
  EXPECT_FALSE(cache.matches(*verified, kPartner + 1, kHash));  // the username is someone else's
  EXPECT_FALSE(cache.recall("alpha", "wrong-password"));
}

TEST_F(CredentialCacheTest, RememberingANewHashForgetsTheOld) {
  CredentialCache cache;
  cache.remember("alpha", "s3cret-and-long", kPartner, kHash);
  cache.remember("alpha", "s3cret-and-long", kPartner, kNewHash);
  EXPECT_TRUE(cache.contains("alpha", "s3cret-and-long", kPartner, kNewHash));
  EXPECT_FALSE(cache.contains("alpha", "s3cret-and-long", kPartner, kHash));
}

TEST_F(CredentialCacheTest, DifferentPasswordDoesNotMatch) {
  CredentialCache cache;
  cache.remember("alpha", "s3cret-and-long", kPartner, kHash);
  EXPECT_FALSE(cache.contains("alpha", "wrong-password", kPartner, kHash));
  EXPECT_FALSE(cache.contains("alpha", "s3cret-and-lon", kPartner, kHash));
  EXPECT_FALSE(cache.contains("alpha", "", kPartner, kHash));
}

TEST_F(CredentialCacheTest, DifferentUsernameDoesNotMatch) {
  CredentialCache cache;
  cache.remember("alpha", "s3cret-and-long", kPartner, kHash);
  EXPECT_FALSE(cache.contains("beta", "s3cret-and-long", kPartner, kHash));
  EXPECT_FALSE(cache.contains("Alpha", "s3cret-and-long", kPartner, kHash));
}

TEST_F(CredentialCacheTest, PasswordChangeInvalidatesTheEntry) {
  CredentialCache cache;
  cache.remember("alpha", "old-password", kPartner, kHash);
  // After a password change the store holds a new hash: the old password no longer matches.
  EXPECT_FALSE(cache.contains("alpha", "old-password", kPartner, kNewHash));
}

TEST_F(CredentialCacheTest, PartsCannotBeShiftedBetweenFields) {
  CredentialCache cache;
  cache.remember("ab", "c", kPartner, kHash);
  EXPECT_FALSE(cache.contains("a", "bc", kPartner, kHash));
  cache.remember("user", "pass", kPartner, "hash");
  EXPECT_FALSE(cache.contains("user", "passhash", kPartner, ""));
  EXPECT_FALSE(cache.contains("userpass", "", kPartner, "hash"));
}

TEST_F(CredentialCacheTest, EntriesExpireAfterTheTtl) {
  CredentialCache cache(seconds(0));
  cache.remember("alpha", "s3cret-and-long", kPartner, kHash);
  EXPECT_FALSE(cache.contains("alpha", "s3cret-and-long", kPartner, kHash));
}

TEST_F(CredentialCacheTest, SeparateCachesDoNotShareEntries) {
  CredentialCache first;
  CredentialCache second;
  first.remember("alpha", "s3cret-and-long", kPartner, kHash);
  EXPECT_FALSE(second.contains("alpha", "s3cret-and-long", kPartner, kHash));
}

TEST_F(CredentialCacheTest, HoldsAtMostItsCapacity) {
  constexpr std::size_t capacity = 3;
  CredentialCache cache(minutes(5), capacity);
  for (int i = 0; i < 10; ++i)
    cache.remember("user" + std::to_string(i), "password", kPartner, kHash);
  std::size_t held = 0;
  for (int i = 0; i < 10; ++i)
    held += cache.contains("user" + std::to_string(i), "password", kPartner, kHash);
  EXPECT_LE(held, capacity);
  // The most recent entry is always kept.
  EXPECT_TRUE(cache.contains("user9", "password", kPartner, kHash));
}

TEST_F(CredentialCacheTest, RememberingAgainDoesNotUseCapacity) {
  CredentialCache cache(minutes(5), 2);
  cache.remember("alpha", "password-a", kPartner, kHash);
  cache.remember("beta", "password-b", kPartner, kHash);
  for (int i = 0; i < 5; ++i) cache.remember("beta", "password-b", kPartner, kHash);
  EXPECT_TRUE(cache.contains("alpha", "password-a", kPartner, kHash));
  EXPECT_TRUE(cache.contains("beta", "password-b", kPartner, kHash));
}

}  // namespace
}  // namespace accountsd::auth
