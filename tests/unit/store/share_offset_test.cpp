// The A.9 share listing finds a deep offset through per-block counts of users with shares
// (migration 005). Random share changes must leave every page equal to a plain ordered scan.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "store/database.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/sqlite_usage.hpp"
#include "support/sqlite_checks.hpp"

namespace accountsd::store {
namespace {

class ShareOffsetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("accountsd-share-offset-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "accounts.db").string();
    store_ = open_store("sqlite:" + path_);
  }

  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  PartnerId make_partner(const std::string& username) {
    domain::NewPartner partner;
    partner.username = username;
    partner.name = username;
    partner.group = username;  // users are added to it
    partner.password_hash = "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA";
    return store_->partners().create_partner(partner);
  }

  // Adds `count` users without shares; returns their avatar ids in order.
  std::vector<std::int64_t> add_users(PartnerId partner, const std::string& prefix, int count) {
    auto group = store_->directory().groups(partner).front();
    std::vector<domain::NewUser> batch;
    for (int i = 0; i < count; ++i) {
      domain::NewUser u;
      u.username = prefix + std::to_string(i);
      u.name = u.username;
      u.email = u.username + "@example.com";
      u.group_id = group.group_id;
      u.plan_id = group.plan_id;
      u.creation_time = 1764201600;
      batch.push_back(std::move(u));
    }
    store_->directory().insert_users(partner, batch);
    std::vector<std::int64_t> ids;
    domain::UserQuery all;
    all.order_by = "avatar_id";
    for (const auto& user : store_->directory().users(partner, all)) {
      if (user.username.rfind(prefix, 0) == 0) ids.push_back(user.avatar_id);
    }
    return ids;
  }

  // Runs raw SQL against the file (to move the id sequence or read the block table).
  std::int64_t scalar(const std::string& sql) {
    sqlite::Connection db(path_);
    auto& q = db.prepared_text(sql);
    std::int64_t value = q.step() ? q.integer(0) : -1;
    q.reset();
    return value;
  }

  static std::vector<std::int64_t> ids_of(const std::vector<domain::UserShares>& page) {
    std::vector<std::int64_t> ids;
    for (const auto& user : page) ids.push_back(user.avatar_id);
    return ids;
  }

  std::filesystem::path dir_;
  std::string path_;
  std::unique_ptr<Database> store_;
};

TEST_F(ShareOffsetTest, RandomChangesKeepEveryPageEqualToAnOrderedScan) {
  auto alpha = make_partner("alpha");
  auto beta = make_partner("beta");
  std::vector<std::int64_t> users = add_users(alpha, "a", 700);
  auto beta_users = add_users(beta, "b", 300);
  // Move the id sequence close to 65536, so alpha's next users straddle a level-16 block.
  sqlite::Connection(path_).exec("UPDATE users SET avatar_id = 65300 WHERE avatar_id = " +
                                 std::to_string(beta_users.back()));
  auto more = add_users(alpha, "c", 700);
  users.insert(users.end(), more.begin(), more.end());
  ASSERT_GT(users.back(), 65536);

  std::mt19937_64 rng(20261127);
  std::map<std::int64_t, std::set<std::string>> model;  // alpha's users with shares
  const std::vector<std::string> rooms = {"holiday", "work", "family"};
  domain::ShareReport report{"Share", "", true};
  auto check = [&] {
    std::vector<std::int64_t> expected;
    for (const auto& [id, keys] : model) expected.push_back(id);
    ASSERT_EQ(ids_of(store_->usage().shares(alpha, 0, std::nullopt)), expected);
    const std::int64_t total = std::int64_t(expected.size());
    std::vector<std::int64_t> offsets = {0, 1, 255, 256, 257, total - 1, total, total + 3};
    for (int i = 0; i < 12; ++i) offsets.push_back(std::int64_t(rng() % std::uint64_t(total + 1)));
    for (std::int64_t offset : offsets) {
      if (offset < 0) continue;
      for (std::optional<std::int64_t> limit :
           {std::optional<std::int64_t>(1), std::optional<std::int64_t>(100),
            std::optional<std::int64_t>()}) {
        std::vector<std::int64_t> page;
        for (std::int64_t i = offset; i < total && (!limit || i < offset + *limit); ++i)
          page.push_back(expected[std::size_t(i)]);
        auto got = store_->usage().shares(alpha, offset, limit);
        ASSERT_EQ(ids_of(got), page) << "offset " << offset;
        for (const auto& user : got) EXPECT_EQ(user.shares.size(), model[user.avatar_id].size());
      }
    }
    // The block table holds no empty blocks, and each level adds up to the users with shares.
    EXPECT_EQ(scalar("SELECT count(*) FROM share_user_blocks WHERE users <= 0"), 0);
    for (int level : {8, 16}) {
      EXPECT_EQ(scalar("SELECT coalesce(sum(users), 0) FROM share_user_blocks WHERE partner_id = " +
                       std::to_string(alpha) + " AND level = " + std::to_string(level)),
                total);
    }
  };

  for (int round = 0; round < 8; ++round) {
    for (int step = 0; step < 150; ++step) {
      auto id = users[std::size_t(rng() % users.size())];
      const auto& room = rooms[std::size_t(rng() % rooms.size())];
      if (rng() % 3 != 0) {
        store_->usage().put_share(alpha, id, room, report);
        model[id].insert(room);
      } else if (store_->usage().delete_share(alpha, id, room)) {
        model[id].erase(room);
        if (model[id].empty()) model.erase(id);
      }
    }
    // Beta's shares sit between alpha's ids and must never shift alpha's pages.
    store_->usage().put_share(beta, beta_users[std::size_t(round)], "beta-room", report);
    if (round == 4) {
      // Deleting a user with shares takes it out of the listing.
      auto victim = model.begin()->first;
      store_->directory().delete_user(alpha, victim);
      model.erase(victim);
      users.erase(std::find(users.begin(), users.end(), victim));
    }
    check();
  }
}

TEST_F(ShareOffsetTest, AnOffsetPastTheEndIsAnEmptyPage) {
  auto alpha = make_partner("alpha");
  auto users = add_users(alpha, "a", 3);
  store_->usage().put_share(alpha, users[1], "room", domain::ShareReport{"Share", "", true});
  EXPECT_EQ(ids_of(store_->usage().shares(alpha, 0, 100)), std::vector<std::int64_t>{users[1]});
  EXPECT_TRUE(store_->usage().shares(alpha, 1, 100).empty());
  EXPECT_TRUE(store_->usage().shares(alpha, 1000000, std::nullopt).empty());
}

TEST_F(ShareOffsetTest, APageOfUsersIsReadFromTheCoveringIndexAlone) {
  auto plan = testing::query_plan(path_, sqlite::kSharePageUsersSql);
  EXPECT_NE(plan.find("USING COVERING INDEX users_with_shares"), std::string::npos) << plan;
}

}  // namespace
}  // namespace accountsd::store
