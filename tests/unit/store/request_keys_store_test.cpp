// store::RequestKeys on every backend: a key's claim, its answer, a mismatch, a claim in flight,
// expiry after its day, release, pruning, and keys kept per partner.
#include <variant>

#include "support/store_fixture.hpp"

namespace accountsd::testing {
namespace {

using Keys = store::RequestKeys;

class RequestKeysStoreTest : public StoreTest {
 protected:
  Keys& keys() { return database().request_keys(); }
  static constexpr std::int64_t kNow = 1'800'000'000;
};

TEST_F(RequestKeysStoreTest, AFreeKeyIsClaimedThenInFlightThenAnswered) {
  auto alpha = make_partner("alpha");
  EXPECT_TRUE(std::holds_alternative<Keys::Claimed>(keys().claim(alpha, "k1", "f1", kNow, 0)));
  auto again = keys().claim(alpha, "k1", "f1", kNow + 5, 0);
  ASSERT_TRUE(std::holds_alternative<Keys::InFlight>(again));
  EXPECT_EQ(std::get<Keys::InFlight>(again).since, kNow);

  keys().finish(alpha, "k1", {201, "application/json", "/groups/7", R"({"group_id":7})"});
  auto answered = keys().claim(alpha, "k1", "f1", kNow + 6, 0);
  ASSERT_TRUE(std::holds_alternative<Keys::Answer>(answered));
  const auto& answer = std::get<Keys::Answer>(answered);
  EXPECT_EQ(answer.status, 201);
  EXPECT_EQ(answer.content_type, "application/json");
  EXPECT_EQ(answer.location, "/groups/7");
  EXPECT_EQ(answer.body, R"({"group_id":7})");
}

TEST_F(RequestKeysStoreTest, AnotherFingerprintIsAMismatchWhateverTheState) {
  auto alpha = make_partner("alpha");
  ASSERT_TRUE(std::holds_alternative<Keys::Claimed>(keys().claim(alpha, "k", "f1", kNow, 0)));
  EXPECT_TRUE(std::holds_alternative<Keys::Mismatch>(keys().claim(alpha, "k", "f2", kNow, 0)));
  keys().finish(alpha, "k", {400, "application/json", "", "{}"});
  EXPECT_TRUE(std::holds_alternative<Keys::Mismatch>(keys().claim(alpha, "k", "f2", kNow, 0)));
}

TEST_F(RequestKeysStoreTest, KeysArePerPartner) {
  auto alpha = make_partner("alpha");
  auto beta = make_partner("beta");
  ASSERT_TRUE(std::holds_alternative<Keys::Claimed>(keys().claim(alpha, "k", "f1", kNow, 0)));
  EXPECT_TRUE(std::holds_alternative<Keys::Claimed>(keys().claim(beta, "k", "f2", kNow, 0)));
}

TEST_F(RequestKeysStoreTest, AnExpiredKeyIsFreeAgain) {
  auto alpha = make_partner("alpha");
  ASSERT_TRUE(std::holds_alternative<Keys::Claimed>(keys().claim(alpha, "k", "f1", kNow, 0)));
  keys().finish(alpha, "k", {200, "application/json", "", "{}"});
  // Claimed before `expired_before`: forgotten, answer and fingerprint alike.
  EXPECT_TRUE(
      std::holds_alternative<Keys::Claimed>(keys().claim(alpha, "k", "f2", kNow + 10, kNow + 1)));
  EXPECT_TRUE(std::holds_alternative<Keys::InFlight>(keys().claim(alpha, "k", "f2", kNow + 11, 0)));
}

TEST_F(RequestKeysStoreTest, ReleaseFreesOnlyAKeyInFlight) {
  auto alpha = make_partner("alpha");
  ASSERT_TRUE(std::holds_alternative<Keys::Claimed>(keys().claim(alpha, "a", "f", kNow, 0)));
  keys().release(alpha, "a");
  EXPECT_TRUE(std::holds_alternative<Keys::Claimed>(keys().claim(alpha, "a", "f", kNow, 0)));

  ASSERT_TRUE(std::holds_alternative<Keys::Claimed>(keys().claim(alpha, "b", "f", kNow, 0)));
  keys().finish(alpha, "b", {200, "application/json", "", "{}"});
  keys().release(alpha, "b");
  EXPECT_TRUE(std::holds_alternative<Keys::Answer>(keys().claim(alpha, "b", "f", kNow, 0)));
}

TEST_F(RequestKeysStoreTest, PruneDeletesOldKeysInBatches) {
  auto alpha = make_partner("alpha");
  for (int i = 0; i < 5; ++i) keys().claim(alpha, "old" + std::to_string(i), "f", kNow, 0);
  keys().claim(alpha, "new", "f", kNow + 100, 0);
  EXPECT_EQ(keys().prune(kNow + 1, 3), 3);
  EXPECT_EQ(keys().prune(kNow + 1, 3), 2);
  EXPECT_EQ(keys().prune(kNow + 1, 3), 0);
  EXPECT_EQ(count_rows("SELECT count(*) FROM request_keys"), 1);
  EXPECT_TRUE(std::holds_alternative<Keys::InFlight>(keys().claim(alpha, "new", "f", kNow, 0)));
}

}  // namespace
}  // namespace accountsd::testing
