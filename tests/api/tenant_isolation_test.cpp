// Tenant isolation: each partner sees only its own quota, shares, devices, settings, features and
// billing, and nothing one partner does changes another's.
#include <string>
#include <vector>

#include "support/api_fixture.hpp"

namespace accountsd::testing {
namespace {

class TenantIsolationTest : public ApiTest {
 protected:
  // A user with `devices` devices at `revision` and shares named after the partner.
  domain::NewUser user(store::PartnerId partner, const std::string& username,
                       const std::string& tag, std::int64_t revision, int devices, int shares,
                       std::int64_t bytes_stored, std::int64_t bonus_bytes) {
    domain::NewUser u;
    u.username = username;
    u.name = tag + " " + username;
    u.email = username + "@" + tag + ".example.com";
    u.group_id = directory().groups(partner).front().group_id;
    u.plan_id = plan_of(partner);
    u.bonus_bytes = bonus_bytes;
    u.bytes_stored = bytes_stored;
    u.creation_time = 1700000000;
    u.share_id = tag + "-" + username;
    for (int i = 0; i < devices; ++i) {
      domain::NewDevice d;
      d.name = tag + "-device-" + std::to_string(i);
      d.client_revision = revision;
      d.creation_time = 1700000000;
      d.last_login = 1700000000;
      u.devices.push_back(d);
    }
    for (int i = 0; i < shares; ++i) {
      domain::Share s;
      s.room_key = "room" + std::to_string(i);
      s.name = tag + " share " + std::to_string(i);
      s.creation_time = 1700000000;
      s.update_time = 1700000000;
      u.shares.push_back(s);
    }
    return u;
  }

  std::int64_t plan_of(store::PartnerId partner) {
    auto plans = directory().plans(partner);
    for (const auto& plan : plans)
      if (plan.name == "Small") return plan.plan_id;
    return plans.front().plan_id;
  }

  void SetUp() override {
    ApiTest::SetUp();
    directory().create_plan(alpha_id, "Small", 1'000'000);
    directory().create_plan(beta_id, "Small", 7'000'000);
    // The same username in both partners, and different data for each.
    add_users(alpha_id, {user(alpha_id, "sam", "alpha", 100, 2, 1, 10, 1),
                         user(alpha_id, "ann", "alpha", 200, 1, 2, 20, 2)});
    add_users(beta_id, {user(beta_id, "sam", "beta", 900, 3, 3, 300, 30)});
    set_partner("alpha", [](domain::Partner& p) { p.bytes_available = 5'000'000; });
    set_partner("beta", [](domain::Partner& p) {
      p.bytes_available = 90'000'000;
      p.features.ldap = true;
      p.features.netkes = true;
    });
  }
};

TEST_F(TenantIsolationTest, QuotaCountsOnlyThePartnersOwnUsers) {
  auto a = get_as(alpha, "/partner/quota");
  auto b = get_as(beta, "/partner/quota");
  ASSERT_EQ(a.status, 200);
  ASSERT_EQ(b.status, 200);
  EXPECT_EQ(a.json, json(R"({"bytes_available": 5000000, "bytes_allocated": 2000003,
                             "bytes_used": 30, "share_count": 3, "device_count": 3})"));
  EXPECT_EQ(b.json, json(R"({"bytes_available": 90000000, "bytes_allocated": 7000030,
                             "bytes_used": 300, "share_count": 3, "device_count": 3})"));
}

TEST_F(TenantIsolationTest, SharesListOnlyThePartnersOwnUsers) {
  auto a = get_as(alpha, "/shares/");
  auto b = get_as(beta, "/shares/");
  ASSERT_EQ(a.status, 200);
  ASSERT_EQ(b.status, 200);
  ASSERT_TRUE(a.json.is_array());
  ASSERT_TRUE(b.json.is_array());
  ASSERT_EQ(a.json.as_array().size(), 2u);
  ASSERT_EQ(b.json.as_array().size(), 1u);
  for (const auto& u : a.json.as_array()) {
    EXPECT_NE(std::string(u.at("email").as_string()).find("@alpha."), std::string::npos) << u;
    for (const auto& s : u.at("shares").as_array())
      EXPECT_EQ(std::string(s.at("name").as_string()).rfind("alpha share", 0), 0u) << s;
  }
  const auto& sam = b.json.as_array()[0];
  EXPECT_EQ(sam.at("username"), boost::json::value("sam"));
  EXPECT_EQ(sam.at("email"), boost::json::value("sam@beta.example.com"));
  ASSERT_EQ(sam.at("shares").as_array().size(), 3u);
  for (const auto& s : sam.at("shares").as_array()) {
    EXPECT_EQ(s.at("share_id"), boost::json::value("beta-sam"));
    EXPECT_EQ(std::string(s.at("name").as_string()).rfind("beta share", 0), 0u) << s;
  }
  // Paging counts only the partner's own users.
  auto page = get_as(beta, "/shares/?offset=1");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.json, json("[]"));
}

TEST_F(TenantIsolationTest, ClientRevisionsCountOnlyThePartnersOwnDevices) {
  auto a = get_as(alpha, "/clientrevisions/");
  auto b = get_as(beta, "/clientrevisions/");
  ASSERT_EQ(a.status, 200);
  ASSERT_EQ(b.status, 200);
  EXPECT_EQ(a.json, json(R"([{"revision": 100, "count": 2}, {"revision": 200, "count": 1}])"));
  EXPECT_EQ(b.json, json(R"([{"revision": 900, "count": 3}])"));
}

TEST_F(TenantIsolationTest, FeaturesAreThePartnersOwn) {
  auto a = get_as(alpha, "/partner/features");
  auto b = get_as(beta, "/partner/features");
  EXPECT_EQ(a.json, json(R"({"netkes": false, "ldap": false, "group_permissions": false,
                             "signup_restrictions": false, "email_as_username": false})"));
  EXPECT_EQ(b.json, json(R"({"netkes": true, "ldap": true, "group_permissions": false,
                             "signup_restrictions": false, "email_as_username": false})"));
}

TEST_F(TenantIsolationTest, SettingsChangedByOnePartnerDoNotChangeAnother) {
  auto alpha_before = get_as(alpha, "/partner/settings");
  ASSERT_EQ(alpha_before.status, 200);
  auto reply = post_as(beta, "/partner/settings",
                       R"({"share_link_ttl": 42, "support_email": "help@beta.example.com",
                           "sharing_enabled": false, "ad_domain": "beta.example.com"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(get_as(alpha, "/partner/settings").json, alpha_before.json);
  auto beta_now = get_as(beta, "/partner/settings");
  EXPECT_EQ(beta_now.json.at("share_link_ttl"), boost::json::value(42));
  EXPECT_EQ(beta_now.json.at("ad_domain"), boost::json::value("beta.example.com"));

  // Alpha's own change does not touch beta's, and beta's ldap feature does not help alpha.
  reply = post_as(alpha, "/partner/settings", R"({"share_link_ttl": 7})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(get_as(beta, "/partner/settings").json, beta_now.json);
  reply = post_as(alpha, "/partner/settings", R"({"ad_domain": "alpha.example.com"})");
  EXPECT_EQ(reply.status, 400) << reply.body;
  EXPECT_TRUE(get_as(alpha, "/partner/settings").json.at("ad_domain").is_null());
}

TEST_F(TenantIsolationTest, BillingIsThePartnersOwn) {
  auto reply = post_as(alpha, "/partner/billing",
                       R"({"name": "Alpha Corp", "address": ["1 Alpha Way"], "city": "Alphaville",
                           "state": "AL", "postal_code": "11111", "country": "us"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto a = get_as(alpha, "/partner/billing");
  EXPECT_EQ(a.json.at("name"), boost::json::value("Alpha Corp"));
  auto b = get_as(beta, "/partner/billing");
  ASSERT_EQ(b.status, 200) << b.body;
  EXPECT_EQ(b.json, json(R"({"billing_mode": "invoice", "name": null, "address": [], "city": null,
                             "state": null, "postal_code": null, "country": null, "card": null,
                             "updated_at": null})"));
}

TEST_F(TenantIsolationTest, OnePartnersPasswordDoesNotOpenAnother) {
  EXPECT_EQ(request("GET", "/partner/quota", "", Login{"beta", alpha.password}).status, 401);
  EXPECT_EQ(request("GET", "/partner/quota", "", Login{"alpha", beta.password}).status, 401);
}

}  // namespace
}  // namespace accountsd::testing
