#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "domain/quota.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/store.hpp"
#include "support/sqlite_checks.hpp"

namespace accountsd::store {
namespace {

constexpr std::int64_t kUnlimited = 1000000001000000000;
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

std::int64_t saturate(domain::Int128 value) {
  return domain::ByteSum(value).saturated();
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() /
           ("accountsd-store-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "accounts.db").string();
    store_ = open_store("sqlite:" + path_);
  }

  void TearDown() override {
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  PartnerId make_partner(const std::string& username,
                         std::optional<std::int64_t> bytes_available = std::nullopt,
                         domain::Features features = {}) {
    domain::NewPartner partner;
    partner.username = username;
    partner.name = username + " Corp";
    partner.group = partner.name;  // most tests put users in it (defaults())
    partner.password_hash = "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA";
    partner.bytes_available = bytes_available;
    partner.features = features;
    return store_->create_partner(partner);
  }

  // The partner's default group and its "Unlimited" plan.
  std::pair<std::int64_t, std::int64_t> defaults(PartnerId partner) {
    auto groups = store_->groups(partner);
    EXPECT_FALSE(groups.empty());
    return {groups.front().group_id, groups.front().plan_id};
  }

  // Quota figures counted from the rows themselves, independently of the stored counters.
  testing::QuotaRecount recount(PartnerId partner) {
    testing::ReadOnlyDatabase db(path_);
    return testing::recount_quota(db.get(), partner);
  }

  std::int64_t count_rows(const char* sql) {
    sqlite::Connection db(path_);
    auto& q = db.prepared(sql);
    q.step();
    auto n = q.integer(0);
    q.reset();
    return n;
  }

  void expect_counters_match_recount(PartnerId partner) {
    auto quota = store_->quota(partner);
    auto counted = recount(partner);
    EXPECT_EQ(quota.bytes_allocated, saturate(counted.allocated));
    EXPECT_EQ(quota.bytes_used, saturate(counted.used));
    EXPECT_EQ(quota.share_count, counted.shares);
    EXPECT_EQ(quota.device_count, counted.devices);
    EXPECT_EQ(store_->count_users(partner, domain::UserQuery{}), counted.users);
  }

  // Expects insert_users(batch) to be refused as a Conflict of `clash`.
  void expect_conflict(PartnerId partner, const std::vector<domain::NewUser>& batch, Clash clash) {
    try {
      store_->insert_users(partner, batch);
      ADD_FAILURE() << "no conflict";
    } catch (const Conflict& refusal) {
      EXPECT_EQ(refusal.clash, clash);
    }
  }

  static domain::NewUser user(const std::string& username, std::int64_t group, std::int64_t plan) {
    domain::NewUser u;
    u.username = username;
    u.name = "User " + username;
    u.email = username + "@example.com";
    u.group_id = group;
    u.plan_id = plan;
    u.creation_time = 1764201600;
    return u;
  }

  static domain::NewDevice device(const std::string& name, std::int64_t revision) {
    domain::NewDevice d;
    d.name = name;
    d.client_revision = revision;
    d.creation_time = 1764201600;
    d.last_login = 1764201700;
    return d;
  }

  static domain::Share share(const std::string& room_key) {
    return domain::Share{room_key, "Share " + room_key, "", 1764201600, 1764201600, true};
  }

  std::filesystem::path dir_;
  std::string path_;
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteStoreTest, MigrationsAreRecordedOnce) {
  auto expected = std::int64_t(sqlite::migrations().size());
  ASSERT_GT(expected, 0);
  EXPECT_EQ(count_rows("SELECT count(*) FROM schema_migrations"), expected);
}

TEST_F(SqliteStoreTest, ReopeningAppliesNoMigrationTwiceAndKeepsData) {
  auto id = make_partner("alpha");
  store_.reset();
  store_ = open_store("sqlite:" + path_);
  auto again = open_store(path_);  // a plain path is SQLite too
  EXPECT_EQ(count_rows("SELECT count(*) FROM schema_migrations"),
            std::int64_t(sqlite::migrations().size()));
  auto partner = store_->find_partner("alpha");
  ASSERT_TRUE(partner.has_value());
  EXPECT_EQ(partner->id, id);
  EXPECT_EQ(again->find_partner(id)->username, "alpha");
}

// C.7: a new partner has the "Unlimited" plan and no group, unless NewPartner::group names one.
TEST_F(SqliteStoreTest, CreatePartnerMakesTheUnlimitedPlanAndNoGroup) {
  domain::NewPartner partner;
  partner.username = "solo";
  partner.name = "Solo Corp";
  partner.password_hash = "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA";
  auto id = store_->create_partner(partner);
  auto plans = store_->plans(id);
  ASSERT_EQ(plans.size(), 1U);
  EXPECT_EQ(plans[0].name, "Unlimited");
  EXPECT_TRUE(store_->groups(id).empty());
  EXPECT_EQ(count_rows("SELECT count(*) FROM groups"), 0);
}

TEST_F(SqliteStoreTest, CreatePartnerWithAGroupMakesItOnTheUnlimitedPlan) {
  auto id = make_partner("alpha");
  auto plans = store_->plans(id);
  ASSERT_EQ(plans.size(), 1U);
  EXPECT_EQ(plans[0].name, "Unlimited");
  EXPECT_EQ(plans[0].storage_bytes, kUnlimited);

  auto groups = store_->groups(id);
  ASSERT_EQ(groups.size(), 1U);
  EXPECT_EQ(groups[0].name, "alpha Corp");
  EXPECT_EQ(groups[0].plan_id, plans[0].plan_id);
  EXPECT_TRUE(groups[0].webapi_enable);
  EXPECT_FALSE(groups[0].check_domain);
}

TEST_F(SqliteStoreTest, NewPartnerStartsWithDefaults) {
  domain::Features features;
  features.ldap = true;
  auto id = make_partner("alpha", 5000000000, features);

  auto partner = store_->find_partner(id);
  ASSERT_TRUE(partner.has_value());
  EXPECT_EQ(partner->username, "alpha");
  EXPECT_EQ(partner->name, "alpha Corp");
  EXPECT_EQ(partner->billing_mode, domain::BillingMode::invoice);
  EXPECT_EQ(partner->bytes_available, 5000000000);
  EXPECT_EQ(partner->features, features);
  EXPECT_EQ(store_->features(id), features);

  EXPECT_EQ(store_->settings(id), domain::Settings{});
  auto quota = store_->quota(id);
  EXPECT_EQ(quota.bytes_available, 5000000000);
  EXPECT_EQ(quota.bytes_allocated, 0);
  EXPECT_EQ(quota.bytes_used, 0);
  EXPECT_EQ(quota.share_count, 0);
  EXPECT_EQ(quota.device_count, 0);
  auto billing = store_->billing(id);
  EXPECT_FALSE(billing.address.has_value());
  EXPECT_FALSE(billing.card.has_value());
  EXPECT_FALSE(billing.updated_at.has_value());
}

TEST_F(SqliteStoreTest, DuplicatePartnerUsernameIsAConflict) {
  auto id = make_partner("alpha");
  try {
    make_partner("alpha");
    FAIL() << "no exception";
  } catch (const Conflict& e) {
    EXPECT_EQ(e.clash, Clash::taken);
    EXPECT_EQ(e.object, Object::partner);
    EXPECT_EQ(e.field, "username");
  }
  // The failed create left nothing behind: no partner, plan or group of its own.
  EXPECT_EQ(store_->list_partners().size(), 1U);
  EXPECT_EQ(count_rows("SELECT count(*) FROM plans"), 1);
  EXPECT_EQ(count_rows("SELECT count(*) FROM groups"), 1);
  EXPECT_EQ(count_rows("SELECT count(*) FROM partner_counters"), 1);
  EXPECT_EQ(store_->find_partner("alpha")->id, id);
  // And the store still works afterwards.
  EXPECT_NE(make_partner("beta"), id);
}

TEST_F(SqliteStoreTest, UpdateSettingsSavesTheChangeAndPassesFeatures) {
  domain::Features features;
  features.signup_restrictions = true;
  auto id = make_partner("alpha", std::nullopt, features);
  auto saved = store_->update_settings(id, [&](domain::Settings& s, const domain::Features& f) {
    EXPECT_EQ(f, features);
    s.share_link_ttl = 60;
    s.support_email = "help@example.com";
    s.signup_network_restriction = {"10.0.0.0/8", "fd00::/8"};
  });
  EXPECT_EQ(saved.share_link_ttl, 60);
  EXPECT_EQ(store_->settings(id), saved);
  EXPECT_EQ(store_->settings(id).signup_network_restriction,
            (std::vector<std::string>{"10.0.0.0/8", "fd00::/8"}));
}

TEST_F(SqliteStoreTest, UpdateSettingsRollsBackWhenTheChangeThrows) {
  auto id = make_partner("alpha");
  store_->update_settings(
      id, [](domain::Settings& s, const domain::Features&) { s.api_version = "before"; });
  auto before = store_->settings(id);
  EXPECT_THROW(store_->update_settings(id,
                                       [](domain::Settings& s, const domain::Features&) {
                                         s.share_link_ttl = 5;
                                         s.api_version = "after";
                                         throw std::runtime_error("refused");
                                       }),
               std::runtime_error);
  EXPECT_EQ(store_->settings(id), before);
  // The connection is usable again: the transaction was closed.
  store_->update_settings(
      id, [](domain::Settings& s, const domain::Features&) { s.share_link_ttl = 7; });
  EXPECT_EQ(store_->settings(id).share_link_ttl, 7);
}

TEST_F(SqliteStoreTest, SettingsOfOnePartnerDoNotTouchAnother) {
  auto alpha = make_partner("alpha");
  auto beta = make_partner("beta");
  store_->update_settings(
      alpha, [](domain::Settings& s, const domain::Features&) { s.sharing_enabled = false; });
  EXPECT_FALSE(store_->settings(alpha).sharing_enabled);
  EXPECT_EQ(store_->settings(beta), domain::Settings{});
}

TEST_F(SqliteStoreTest, InsertUsersKeepsCountersEqualToARecount) {
  auto id = make_partner("alpha");
  auto [group, unlimited] = defaults(id);
  auto small = store_->create_plan(id, "Small", 1000000000);

  std::vector<domain::NewUser> batch;
  batch.push_back(user("ann", group, small));
  batch.back().bonus_bytes = 500;
  batch.back().bytes_stored = 123456;
  batch.back().devices = {device("laptop", 512), device("phone", 600)};
  batch.back().shares = {share("holiday"), share("work")};
  batch.push_back(user("bob", group, unlimited));
  batch.back().bytes_stored = 7;
  batch.back().devices = {device("desktop", 512)};
  batch.push_back(user("cy", group, small));
  store_->insert_users(id, batch);

  auto quota = store_->quota(id);
  EXPECT_EQ(quota.bytes_allocated, 1000000000 + 500 + kUnlimited + 1000000000);
  EXPECT_EQ(quota.bytes_used, 123456 + 7);
  EXPECT_EQ(quota.device_count, 3);
  EXPECT_EQ(quota.share_count, 2);
  expect_counters_match_recount(id);

  std::vector<domain::NewUser> second;
  second.push_back(user("dee", group, small));
  second.back().shares = {share("a")};
  second.back().bytes_stored = 1;
  store_->insert_users(id, second);
  expect_counters_match_recount(id);
  EXPECT_EQ(store_->count_users(id, domain::UserQuery{}), 4);
}

TEST_F(SqliteStoreTest, QuotaSaturatesAndStaysExactUnderneath) {
  auto id = make_partner("alpha");
  auto [group, unlimited] = defaults(id);
  std::vector<domain::NewUser> batch;
  for (int i = 0; i < 12; ++i) batch.push_back(user("u" + std::to_string(i), group, unlimited));
  store_->insert_users(id, batch);
  EXPECT_EQ(store_->quota(id).bytes_allocated, kMax);
  expect_counters_match_recount(id);
  // The exact 128-bit sum survives storage: more users keep it saturated, not wrapped.
  store_->insert_users(id, std::vector<domain::NewUser>{user("more", group, unlimited)});
  EXPECT_EQ(store_->quota(id).bytes_allocated, kMax);
  EXPECT_TRUE(recount(id).allocated == domain::Int128(kUnlimited) * 13);
}

TEST_F(SqliteStoreTest, InsertUsersWithAnUnknownPlanChangesNothing) {
  auto id = make_partner("alpha");
  auto [group, unlimited] = defaults(id);
  store_->insert_users(id, std::vector<domain::NewUser>{user("first", group, unlimited)});
  auto before = store_->quota(id);

  std::vector<domain::NewUser> batch;
  batch.push_back(user("ok", group, unlimited));
  batch.back().devices = {device("laptop", 512)};
  batch.back().shares = {share("room")};
  batch.push_back(user("bad", group, unlimited + 1000));
  expect_conflict(id, batch, Clash::unknown_plan);

  auto after = store_->quota(id);
  EXPECT_EQ(after.bytes_allocated, before.bytes_allocated);
  EXPECT_EQ(after.bytes_used, before.bytes_used);
  EXPECT_EQ(after.device_count, before.device_count);
  EXPECT_EQ(after.share_count, before.share_count);
  EXPECT_EQ(store_->count_users(id, domain::UserQuery{}), 1);
  EXPECT_EQ(count_rows("SELECT count(*) FROM devices"), 0);
  EXPECT_EQ(count_rows("SELECT count(*) FROM shares"), 0);
  expect_counters_match_recount(id);
}

TEST_F(SqliteStoreTest, InsertUsersRefusesAnotherPartnersPlanAndGroup) {
  auto alpha = make_partner("alpha");
  auto beta = make_partner("beta");
  auto [alpha_group, alpha_plan] = defaults(alpha);
  auto [beta_group, beta_plan] = defaults(beta);

  expect_conflict(alpha, {user("x", alpha_group, beta_plan)}, Clash::unknown_plan);
  expect_conflict(alpha, {user("x", beta_group, alpha_plan)}, Clash::unknown_group);
  EXPECT_EQ(store_->count_users(alpha, domain::UserQuery{}), 0);
  EXPECT_EQ(store_->count_users(beta, domain::UserQuery{}), 0);
  EXPECT_EQ(store_->quota(alpha).bytes_allocated, 0);
  EXPECT_EQ(store_->quota(beta).bytes_allocated, 0);
}

TEST_F(SqliteStoreTest, DuplicateUsernameInABatchRollsBackTheWholeBatch) {
  auto id = make_partner("alpha");
  auto [group, unlimited] = defaults(id);
  std::vector<domain::NewUser> batch;
  batch.push_back(user("ann", group, unlimited));
  batch.back().devices = {device("laptop", 512)};
  batch.push_back(user("ann", group, unlimited));
  batch.back().email = "other@example.com";
  try {
    store_->insert_users(id, batch);
    ADD_FAILURE() << "no conflict";
  } catch (const Conflict& refusal) {
    EXPECT_EQ(refusal.clash, Clash::taken);
    EXPECT_EQ(refusal.object, Object::user);
    EXPECT_EQ(refusal.field, "username");
  }
  EXPECT_EQ(store_->count_users(id, domain::UserQuery{}), 0);
  auto quota = store_->quota(id);
  EXPECT_EQ(quota.bytes_allocated, 0);
  EXPECT_EQ(quota.device_count, 0);
  expect_counters_match_recount(id);
}

TEST_F(SqliteStoreTest, InsertUsersBeyondBytesAvailableChangesNothing) {
  auto id = make_partner("alpha", 2500);
  auto [group, unlimited] = defaults(id);
  auto small = store_->create_plan(id, "Small", 1000);
  store_->insert_users(id, std::vector<domain::NewUser>{user("first", group, small)});

  // 1000 + 1000 + 1000 > 2500: the whole batch is refused, the first user of it included.
  std::vector<domain::NewUser> batch{user("second", group, small), user("third", group, small)};
  batch.front().devices = {device("laptop", 512)};
  try {
    store_->insert_users(id, batch);
    ADD_FAILURE() << "no refusal";
  } catch (const QuotaExceeded& refusal) {
    EXPECT_EQ(refusal.bytes_available, 2500);
  }
  auto quota = store_->quota(id);
  EXPECT_EQ(quota.bytes_allocated, 1000);
  EXPECT_EQ(quota.device_count, 0);
  EXPECT_EQ(store_->count_users(id, domain::UserQuery{}), 1);
  expect_counters_match_recount(id);

  // Up to the limit exactly is fine.
  domain::NewUser fits = user("fits", group, small);
  fits.bonus_bytes = 500;
  store_->insert_users(id, std::vector<domain::NewUser>{fits});
  EXPECT_EQ(store_->quota(id).bytes_allocated, 2500);
  expect_counters_match_recount(id);
}

TEST_F(SqliteStoreTest, CountersArePerPartner) {
  auto alpha = make_partner("alpha");
  auto beta = make_partner("beta");
  auto [group, plan] = defaults(alpha);
  std::vector<domain::NewUser> batch;
  batch.push_back(user("ann", group, plan));
  batch.back().bytes_stored = 99;
  batch.back().devices = {device("laptop", 512)};
  batch.back().shares = {share("room")};
  store_->insert_users(alpha, batch);

  auto quota = store_->quota(beta);
  EXPECT_EQ(quota.bytes_allocated, 0);
  EXPECT_EQ(quota.bytes_used, 0);
  EXPECT_EQ(quota.device_count, 0);
  EXPECT_EQ(quota.share_count, 0);
  expect_counters_match_recount(alpha);
  expect_counters_match_recount(beta);
}

}  // namespace
}  // namespace accountsd::store
