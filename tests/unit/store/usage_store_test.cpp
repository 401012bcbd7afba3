// Usage: a user's devices and shares as the storage service reports them, the counters the
// reports keep exact, and NotFound for a report about a user the partner does not have; on the
// backend that store_fixture.hpp opens.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "support/store_fixture.hpp"

namespace accountsd::store {
namespace {

class UsageStoreTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    alpha_ = make_partner("alpha");
    beta_ = make_partner("beta");
    auto [group, plan] = defaults(alpha_);
    directory().insert_users(alpha_, std::vector<domain::NewUser>{user("ann", group, plan)});
    ann_ = directory().find_user(alpha_, "ann")->avatar_id;
  }

  // The object of the NotFound that `write` throws, or nullopt when it throws none.
  template <typename Write>
  static std::optional<Object> not_found(Write&& write) {
    auto refusal = refusal_of<NotFound>(write);
    return refusal ? std::optional<Object>(refusal->object) : std::nullopt;
  }

  PartnerId alpha_ = 0;
  PartnerId beta_ = 0;
  std::int64_t ann_ = 0;
};

TEST_F(UsageStoreTest, ReportsKeepTheCountersExact) {
  usage().put_device(alpha_, ann_, "laptop", {512, 1764201700, 1764201800});
  usage().put_device(alpha_, ann_, "laptop", {600, 1764201900, std::nullopt});
  usage().put_share(alpha_, ann_, "room", {"Room", "", true});
  usage().set_bytes_stored(alpha_, ann_, 4096);
  auto devices = usage().devices(alpha_, ann_);
  ASSERT_EQ(devices.size(), 1u);
  EXPECT_EQ(devices[0].client_revision, 600);
  EXPECT_EQ(usage().user_shares(alpha_, ann_).size(), 1u);
  EXPECT_EQ(directory().find_user(alpha_, "ann")->share_id, "ann");
  auto quota = partners().quota(alpha_);
  EXPECT_EQ(quota.device_count, 1);
  EXPECT_EQ(quota.share_count, 1);
  EXPECT_EQ(quota.bytes_used, 4096);
  expect_counters_match_recount(alpha_);

  EXPECT_TRUE(usage().set_share_enabled(alpha_, ann_, "room", false));
  EXPECT_FALSE(usage().user_share(alpha_, ann_, "room")->enabled);
  EXPECT_FALSE(usage().set_share_enabled(alpha_, ann_, "other", false));
  EXPECT_TRUE(usage().delete_share(alpha_, ann_, "room"));
  EXPECT_FALSE(usage().delete_share(alpha_, ann_, "room"));
  EXPECT_TRUE(usage().delete_device(alpha_, ann_, "laptop"));
  EXPECT_FALSE(usage().delete_device(alpha_, ann_, "laptop"));
  expect_counters_match_recount(alpha_);
}

TEST_F(UsageStoreTest, AReportAboutAnotherPartnersOrAMissingUserIsNotFound) {
  for (auto [partner, avatar] : {std::pair{beta_, ann_}, std::pair{alpha_, ann_ + 1000}}) {
    EXPECT_EQ(not_found([&] {
                usage().put_device(partner, avatar, "laptop", {512, std::nullopt, std::nullopt});
              }),
              Object::user);
    EXPECT_EQ(not_found([&] { usage().delete_device(partner, avatar, "laptop"); }), Object::user);
    EXPECT_EQ(not_found([&] {
                usage().put_share(partner, avatar, "room", {"Room", "", true});
              }),
              Object::user);
    EXPECT_EQ(not_found([&] { usage().delete_share(partner, avatar, "room"); }), Object::user);
    EXPECT_EQ(not_found([&] { usage().set_bytes_stored(partner, avatar, 1); }), Object::user);
  }
  EXPECT_TRUE(usage().devices(alpha_, ann_).empty());
  expect_counters_match_recount(alpha_);
  expect_counters_match_recount(beta_);
}

}  // namespace
}  // namespace accountsd::store
