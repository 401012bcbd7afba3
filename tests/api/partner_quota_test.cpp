// A.6 GET /partner/quota: the partner's allocation and usage figures, saturating at int64 max.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "support/api_fixture.hpp"

namespace accountsd::testing {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kUnlimited = 1000000001000000000;

class PartnerQuotaTest : public ApiTest {
 protected:
  boost::json::object quota_of(const Login& login) {
    auto reply = get_as(login, "/partner/quota");
    EXPECT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8");
    EXPECT_TRUE(reply.json.is_object()) << reply.body;
    if (!reply.json.is_object()) return {};
    const auto& q = reply.json.as_object();
    EXPECT_EQ(q.size(), 5u) << reply.body;
    for (const char* key : {"bytes_allocated", "bytes_used", "share_count", "device_count"}) {
      EXPECT_TRUE(q.contains(key) && q.at(key).is_int64()) << key << " in " << reply.body;
    }
    EXPECT_TRUE(q.contains("bytes_available") &&
                (q.at("bytes_available").is_null() || q.at("bytes_available").is_int64()))
        << reply.body;
    return q;
  }
  boost::json::object quota() { return quota_of(alpha); }

  domain::Plan plan_named(store::PartnerId partner, const std::string& name) {
    for (const auto& plan : directory().plans(partner))
      if (plan.name == name) return plan;
    ADD_FAILURE() << "no plan " << name;
    return {};
  }
  std::int64_t default_group(store::PartnerId partner) {
    auto groups = directory().groups(partner);
    EXPECT_FALSE(groups.empty());
    return groups.empty() ? 0 : groups.front().group_id;
  }

  domain::NewUser user(const std::string& username, std::int64_t plan_id, std::int64_t group_id,
                       std::int64_t bonus_bytes, std::int64_t bytes_stored, int devices,
                       int shares) {
    domain::NewUser u;
    u.username = username;
    u.name = "User " + username;
    u.email = username + "@example.com";
    u.group_id = group_id;
    u.plan_id = plan_id;
    u.bonus_bytes = bonus_bytes;
    u.bytes_stored = bytes_stored;
    u.creation_time = 1700000000;
    for (int i = 0; i < devices; ++i) {
      domain::NewDevice d;
      d.name = "device-" + std::to_string(i);
      d.client_revision = 500 + i;
      d.creation_time = 1700000000;
      u.devices.push_back(d);
    }
    for (int i = 0; i < shares; ++i) {
      domain::Share s;
      s.room_key = "room-" + std::to_string(i);
      s.name = "Share " + std::to_string(i);
      s.creation_time = 1700000000;
      s.update_time = 1700000000;
      u.shares.push_back(s);
    }
    return u;
  }
};

TEST_F(PartnerQuotaTest, NewPartnerHasNoLimitAndNothingUsed) {
  auto q = quota();
  EXPECT_EQ(q, json(R"({"bytes_available": null, "bytes_allocated": 0, "bytes_used": 0,
                        "share_count": 0, "device_count": 0})")
                   .as_object());
}

TEST_F(PartnerQuotaTest, FiguresAreTheSumsOverUsers) {
  const std::int64_t small = directory().create_plan(alpha_id, "Small", 5'000'000'000);
  const std::int64_t large = directory().create_plan(alpha_id, "Large", 250'000'000'000);
  const std::int64_t group = default_group(alpha_id);
  std::vector<domain::NewUser> users = {
      user("ann", small, group, 0, 1'234'567, 2, 1),
      user("bob", small, group, 3'000'000'000, 4'500'000'000, 0, 0),
      user("cat", large, group, 7, 0, 3, 4),
      user("dan", large, group, 0, 99, 1, 0),
  };
  std::int64_t allocated = 0, used = 0, shares = 0, devices = 0;
  auto tally = [&](const std::vector<domain::NewUser>& batch) {
    for (const auto& u : batch) {
      std::int64_t storage = 0;
      for (const auto& plan : directory().plans(alpha_id))
        if (plan.plan_id == u.plan_id) storage = plan.storage_bytes;
      allocated += storage + u.bonus_bytes;
      used += u.bytes_stored;
      shares += std::int64_t(u.shares.size());
      devices += std::int64_t(u.devices.size());
    }
  };
  add_users(alpha_id, users);
  tally(users);
  auto q = quota();
  EXPECT_TRUE(q.at("bytes_available").is_null());
  EXPECT_EQ(q.at("bytes_allocated"), boost::json::value(allocated));
  EXPECT_EQ(q.at("bytes_used"), boost::json::value(used));
  EXPECT_EQ(q.at("share_count"), boost::json::value(shares));
  EXPECT_EQ(q.at("device_count"), boost::json::value(devices));
  // Worked out by hand too: 2*5e9 + 3e9 + 2*250e9 + 7.
  EXPECT_EQ(allocated, 513'000'000'007);

  // A second batch adds to the figures.
  std::vector<domain::NewUser> more = {user("eve", small, group, 1, 2, 5, 6)};
  add_users(alpha_id, more);
  tally(more);
  q = quota();
  EXPECT_EQ(q.at("bytes_allocated"), boost::json::value(allocated));
  EXPECT_EQ(q.at("bytes_used"), boost::json::value(used));
  EXPECT_EQ(q.at("share_count"), boost::json::value(shares));
  EXPECT_EQ(q.at("device_count"), boost::json::value(devices));
}

TEST_F(PartnerQuotaTest, AllocationSaturatesAtInt64Max) {
  const auto unlimited = plan_named(alpha_id, "Unlimited");
  ASSERT_EQ(unlimited.storage_bytes, kUnlimited);
  const std::int64_t group = default_group(alpha_id);
  std::vector<domain::NewUser> users;
  for (int i = 0; i < 9; ++i)
    users.push_back(user("u" + std::to_string(i), unlimited.plan_id, group, 0, 0, 0, 0));
  add_users(alpha_id, users);
  // Nine still fit in 64 bits: the exact sum.
  EXPECT_EQ(quota().at("bytes_allocated"), boost::json::value(9 * kUnlimited));

  add_users(alpha_id, {user("u9", unlimited.plan_id, group, 0, 0, 0, 0)});
  EXPECT_EQ(quota().at("bytes_allocated"), boost::json::value(kMax));

  // More users keep it saturated rather than wrapping around.
  users.clear();
  for (int i = 10; i < 30; ++i)
    users.push_back(user("u" + std::to_string(i), unlimited.plan_id, group, kMax, 0, 0, 0));
  add_users(alpha_id, users);
  auto q = quota();
  EXPECT_EQ(q.at("bytes_allocated"), boost::json::value(kMax));
  EXPECT_EQ(q.at("bytes_used"), boost::json::value(0));
}

TEST_F(PartnerQuotaTest, UsageSaturatesAtInt64Max) {
  const std::int64_t plan = directory().create_plan(alpha_id, "Tiny", 1);
  const std::int64_t group = default_group(alpha_id);
  add_users(alpha_id, {user("big1", plan, group, 0, 5'000'000'000'000'000'000, 0, 0)});
  EXPECT_EQ(quota().at("bytes_used"), boost::json::value(5'000'000'000'000'000'000));
  add_users(alpha_id, {user("big2", plan, group, 0, 5'000'000'000'000'000'000, 0, 0)});
  auto q = quota();
  EXPECT_EQ(q.at("bytes_used"), boost::json::value(kMax));
  EXPECT_EQ(q.at("bytes_allocated"), boost::json::value(2));
}

TEST_F(PartnerQuotaTest, BytesAvailableIsWhatTheOperatorSet) {
  set_partner("alpha", [](domain::Partner& p) { p.bytes_available = 123'456'789'000; });
  EXPECT_EQ(quota().at("bytes_available"), boost::json::value(123'456'789'000));
  set_partner("alpha", [](domain::Partner& p) { p.bytes_available = 0; });
  EXPECT_EQ(quota().at("bytes_available"), boost::json::value(0));
  set_partner("alpha", [](domain::Partner& p) { p.bytes_available = kMax; });
  EXPECT_EQ(quota().at("bytes_available"), boost::json::value(kMax));
  set_partner("alpha", [](domain::Partner& p) { p.bytes_available = std::nullopt; });
  EXPECT_TRUE(quota().at("bytes_available").is_null());
  // Other figures are unaffected.
  EXPECT_EQ(quota().at("bytes_allocated"), boost::json::value(0));
}

TEST_F(PartnerQuotaTest, AcceptsTrailingSlashAndRefusesOtherMethods) {
  auto reply = get("/partner/quota/");
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_TRUE(reply.json.is_object());
  reply = post("/partner/quota", "{}");
  EXPECT_EQ(reply.status, 405) << reply.body;
  EXPECT_EQ(reply.header("allow"), "GET");
}

TEST_F(PartnerQuotaTest, RequiresCredentials) {
  auto reply = request("GET", "/partner/quota", "", std::nullopt);
  EXPECT_EQ(reply.status, 401);
  EXPECT_TRUE(reply.json.at("reason").is_string());
}

}  // namespace
}  // namespace accountsd::testing
