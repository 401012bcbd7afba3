// PartnerStore: partners as the operator creates them, their settings, and quota counters kept
// per partner; on the backend that store_fixture.hpp opens.
#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/store_fixture.hpp"

namespace accountsd::store {
namespace {

constexpr std::int64_t kUnlimited = 1000000001000000000;

class PartnersStoreTest : public testing::StoreTest {};

// C.7: a new partner has the "Unlimited" plan and no group, unless NewPartner::group names one.
TEST_F(PartnersStoreTest, CreatePartnerMakesTheUnlimitedPlanAndNoGroup) {
  auto id = make_bare_partner("solo");
  auto plans = directory().plans(id);
  ASSERT_EQ(plans.size(), 1U);
  EXPECT_EQ(plans[0].name, "Unlimited");
  EXPECT_TRUE(directory().groups(id).empty());
  EXPECT_EQ(count_rows("SELECT count(*) FROM groups"), 0);
}

TEST_F(PartnersStoreTest, CreatePartnerWithAGroupMakesItOnTheUnlimitedPlan) {
  auto id = make_partner("alpha");
  auto plans = directory().plans(id);
  ASSERT_EQ(plans.size(), 1U);
  EXPECT_EQ(plans[0].name, "Unlimited");
  EXPECT_EQ(plans[0].storage_bytes, kUnlimited);

  auto groups = directory().groups(id);
  ASSERT_EQ(groups.size(), 1U);
  EXPECT_EQ(groups[0].name, "alpha Corp");
  EXPECT_EQ(groups[0].plan_id, plans[0].plan_id);
  EXPECT_TRUE(groups[0].webapi_enable);
  EXPECT_FALSE(groups[0].check_domain);
}

TEST_F(PartnersStoreTest, NewPartnerStartsWithDefaults) {
  domain::Features features;
  features.ldap = true;
  auto id = make_partner("alpha", 5000000000, features);

  auto partner = partners().find_partner(id);
  ASSERT_TRUE(partner.has_value());
  EXPECT_EQ(partner->username, "alpha");
  EXPECT_EQ(partner->name, "alpha Corp");
  EXPECT_EQ(partner->billing_mode, domain::BillingMode::invoice);
  EXPECT_EQ(partner->bytes_available, 5000000000);
  EXPECT_EQ(partner->features, features);
  EXPECT_EQ(partners().features(id), features);

  EXPECT_EQ(partners().settings(id), domain::Settings{});
  auto quota = partners().quota(id);
  EXPECT_EQ(quota.bytes_available, 5000000000);
  EXPECT_EQ(quota.bytes_allocated, 0);
  EXPECT_EQ(quota.bytes_used, 0);
  EXPECT_EQ(quota.share_count, 0);
  EXPECT_EQ(quota.device_count, 0);
  auto billing = partners().billing(id);
  EXPECT_FALSE(billing.address.has_value());
  EXPECT_FALSE(billing.card.has_value());
  EXPECT_FALSE(billing.updated_at.has_value());
}

TEST_F(PartnersStoreTest, DuplicatePartnerUsernameIsAConflict) {
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
  EXPECT_EQ(partners().list_partners().size(), 1U);
  EXPECT_EQ(count_rows("SELECT count(*) FROM plans"), 1);
  EXPECT_EQ(count_rows("SELECT count(*) FROM groups"), 1);
  EXPECT_EQ(count_rows("SELECT count(*) FROM partner_counters"), 1);
  EXPECT_EQ(partners().find_partner("alpha")->id, id);
  // And the store still works afterwards.
  EXPECT_NE(make_partner("beta"), id);
}

TEST_F(PartnersStoreTest, UpdateSettingsSavesTheChangeAndPassesFeatures) {
  domain::Features features;
  features.signup_restrictions = true;
  auto id = make_partner("alpha", std::nullopt, features);
  auto saved = partners().update_settings(id, [&](domain::Settings& s, const domain::Features& f) {
    EXPECT_EQ(f, features);
    s.share_link_ttl = 60;
    s.support_email = "help@example.com";
    s.signup_network_restriction = {"10.0.0.0/8", "fd00::/8"};
  });
  EXPECT_EQ(saved.share_link_ttl, 60);
  EXPECT_EQ(partners().settings(id), saved);
  EXPECT_EQ(partners().settings(id).signup_network_restriction,
            (std::vector<std::string>{"10.0.0.0/8", "fd00::/8"}));
}

TEST_F(PartnersStoreTest, UpdateSettingsRollsBackWhenTheChangeThrows) {
  auto id = make_partner("alpha");
  partners().update_settings(
      id, [](domain::Settings& s, const domain::Features&) { s.api_version = "before"; });
  auto before = partners().settings(id);
  EXPECT_THROW(partners().update_settings(id,
                                          [](domain::Settings& s, const domain::Features&) {
                                            s.share_link_ttl = 5;
                                            s.api_version = "after";
                                            throw std::runtime_error("refused");
                                          }),
               std::runtime_error);
  EXPECT_EQ(partners().settings(id), before);
  // The connection is usable again: the transaction was closed.
  partners().update_settings(
      id, [](domain::Settings& s, const domain::Features&) { s.share_link_ttl = 7; });
  EXPECT_EQ(partners().settings(id).share_link_ttl, 7);
}

TEST_F(PartnersStoreTest, SettingsOfOnePartnerDoNotTouchAnother) {
  auto alpha = make_partner("alpha");
  auto beta = make_partner("beta");
  partners().update_settings(
      alpha, [](domain::Settings& s, const domain::Features&) { s.sharing_enabled = false; });
  EXPECT_FALSE(partners().settings(alpha).sharing_enabled);
  EXPECT_EQ(partners().settings(beta), domain::Settings{});
}

TEST_F(PartnersStoreTest, CountersArePerPartner) {
  auto alpha = make_partner("alpha");
  auto beta = make_partner("beta");
  auto [group, plan] = defaults(alpha);
  std::vector<domain::NewUser> batch;
  batch.push_back(user("ann", group, plan));
  batch.back().bytes_stored = 99;
  batch.back().devices = {device("laptop", 512)};
  batch.back().shares = {share("room")};
  directory().insert_users(alpha, batch);

  auto quota = partners().quota(beta);
  EXPECT_EQ(quota.bytes_allocated, 0);
  EXPECT_EQ(quota.bytes_used, 0);
  EXPECT_EQ(quota.device_count, 0);
  EXPECT_EQ(quota.share_count, 0);
  expect_counters_match_recount(alpha);
  expect_counters_match_recount(beta);
}

}  // namespace
}  // namespace accountsd::store
