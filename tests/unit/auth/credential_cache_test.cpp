#include "auth/credential_cache.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

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
const std::string kNewHash = "$argon2id$v=19$m=65536,t=2,p=1$bmV3c2FsdA$bmV3aGFzaG5ld2hhc2g";

TEST_F(CredentialCacheTest, RemembersAVerifiedTriple) {
  CredentialCache cache;
  EXPECT_FALSE(cache.contains("alpha", "s3cret-and-long", kHash));
  cache.remember("alpha", "s3cret-and-long", kHash);
  EXPECT_TRUE(cache.contains("alpha", "s3cret-and-long", kHash));
  EXPECT_TRUE(cache.contains("alpha", "s3cret-and-long", kHash));
}

TEST_F(CredentialCacheTest, DifferentPasswordDoesNotMatch) {
  CredentialCache cache;
  cache.remember("alpha", "s3cret-and-long", kHash);
  EXPECT_FALSE(cache.contains("alpha", "wrong-password", kHash));
  EXPECT_FALSE(cache.contains("alpha", "s3cret-and-lon", kHash));
  EXPECT_FALSE(cache.contains("alpha", "", kHash));
}

TEST_F(CredentialCacheTest, DifferentUsernameDoesNotMatch) {
  CredentialCache cache;
  cache.remember("alpha", "s3cret-and-long", kHash);
  EXPECT_FALSE(cache.contains("beta", "s3cret-and-long", kHash));
  EXPECT_FALSE(cache.contains("Alpha", "s3cret-and-long", kHash));
}

TEST_F(CredentialCacheTest, PasswordChangeInvalidatesTheEntry) {
  CredentialCache cache;
  cache.remember("alpha", "old-password", kHash);
  // After a password change the store holds a new hash: the old password no longer matches.
  EXPECT_FALSE(cache.contains("alpha", "old-password", kNewHash));
}

TEST_F(CredentialCacheTest, PartsCannotBeShiftedBetweenFields) {
  CredentialCache cache;
  cache.remember("ab", "c", kHash);
  EXPECT_FALSE(cache.contains("a", "bc", kHash));
  cache.remember("user", "pass", "hash");
  EXPECT_FALSE(cache.contains("user", "passhash", ""));
  EXPECT_FALSE(cache.contains("userpass", "", "hash"));
}

TEST_F(CredentialCacheTest, EntriesExpireAfterTheTtl) {
  CredentialCache cache(seconds(0));
  cache.remember("alpha", "s3cret-and-long", kHash);
  EXPECT_FALSE(cache.contains("alpha", "s3cret-and-long", kHash));
}

TEST_F(CredentialCacheTest, SeparateCachesDoNotShareEntries) {
  CredentialCache first;
  CredentialCache second;
  first.remember("alpha", "s3cret-and-long", kHash);
  EXPECT_FALSE(second.contains("alpha", "s3cret-and-long", kHash));
}

TEST_F(CredentialCacheTest, HoldsAtMostItsCapacity) {
  constexpr std::size_t capacity = 3;
  CredentialCache cache(minutes(5), capacity);
  for (int i = 0; i < 10; ++i) cache.remember("user" + std::to_string(i), "password", kHash);
  std::size_t held = 0;
  for (int i = 0; i < 10; ++i)
    held += cache.contains("user" + std::to_string(i), "password", kHash);
  EXPECT_LE(held, capacity);
  // The most recent entry is always kept.
  EXPECT_TRUE(cache.contains("user9", "password", kHash));
}

TEST_F(CredentialCacheTest, RememberingAgainDoesNotUseCapacity) {
  CredentialCache cache(minutes(5), 2);
  cache.remember("alpha", "password-a", kHash);
  cache.remember("beta", "password-b", kHash);
  for (int i = 0; i < 5; ++i) cache.remember("beta", "password-b", kHash);
  EXPECT_TRUE(cache.contains("alpha", "password-a", kHash));
  EXPECT_TRUE(cache.contains("beta", "password-b", kHash));
}

}  // namespace
}  // namespace accountsd::auth
