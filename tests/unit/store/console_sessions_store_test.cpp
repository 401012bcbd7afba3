// store::ConsoleSessions on every backend: a session kept under its token's hash, ended one at a
// time, all of a partner's ended by a password change, and expired ones pruned in batches.
#include "support/store_fixture.hpp"

namespace accountsd::testing {
namespace {

class ConsoleSessionsStoreTest : public StoreTest {
 protected:
  store::ConsoleSessions& sessions() { return database().console_sessions(); }
  static constexpr std::int64_t kNow = 1'800'000'000;
};

TEST_F(ConsoleSessionsStoreTest, ASessionIsFoundByItsHashUntilEnded) {
  auto alpha = make_partner("alpha");
  sessions().create("hash-1", {alpha, "csrf-1", kNow, kNow + 3600});
  auto found = sessions().find("hash-1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->partner, alpha);
  EXPECT_EQ(found->csrf_token, "csrf-1");
  EXPECT_EQ(found->created_at, kNow);
  EXPECT_EQ(found->expires_at, kNow + 3600);
  EXPECT_FALSE(found->expired(kNow + 3599));
  EXPECT_TRUE(found->expired(kNow + 3600));
  EXPECT_FALSE(sessions().find("hash-2"));
  sessions().end("hash-1");
  EXPECT_FALSE(sessions().find("hash-1"));
  sessions().end("hash-1");  // gone already: nothing
}

TEST_F(ConsoleSessionsStoreTest, APasswordChangeEndsThePartnersSessionsOnly) {
  auto alpha = make_partner("alpha");
  auto beta = make_partner("beta");
  sessions().create("a1", {alpha, "c", kNow, kNow + 60});
  sessions().create("a2", {alpha, "c", kNow, kNow + 60});
  sessions().create("b1", {beta, "c", kNow, kNow + 60});
  database().partners().set_password_hash(alpha, "$argon2id$new");
  EXPECT_FALSE(sessions().find("a1"));
  EXPECT_FALSE(sessions().find("a2"));
  EXPECT_TRUE(sessions().find("b1"));
}

TEST_F(ConsoleSessionsStoreTest, PruningDeletesExpiredSessionsInBatches) {
  auto alpha = make_partner("alpha");
  for (int i = 0; i < 5; ++i)
    sessions().create("old-" + std::to_string(i), {alpha, "c", kNow - 100, kNow - i});
  sessions().create("live", {alpha, "c", kNow, kNow + 1});
  EXPECT_EQ(sessions().prune(kNow, 3), 3);
  EXPECT_EQ(sessions().prune(kNow, 3), 2);
  EXPECT_EQ(sessions().prune(kNow, 3), 0);
  EXPECT_TRUE(sessions().find("live"));
  EXPECT_EQ(count_rows("SELECT count(*) FROM console_sessions"), 1);
}

}  // namespace
}  // namespace accountsd::testing
