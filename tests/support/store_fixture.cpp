#include "support/store_fixture.hpp"

namespace accountsd::testing {

void StoreTest::reopen(const store::StoreOptions& options) {
  database_.reset();
  database_ = store::open_store(test_db_.url(), options);
}

store::PartnerId StoreTest::make_partner(const std::string& username,
                                         std::optional<std::int64_t> bytes_available,
                                         domain::Features features) {
  domain::NewPartner partner;
  partner.username = username;
  partner.name = username + " Corp";
  partner.group = partner.name;  // most tests put users in it (defaults())
  partner.password_hash = "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA";
  partner.bytes_available = bytes_available;
  partner.features = features;
  return partners().create_partner(partner);
}

store::PartnerId StoreTest::make_bare_partner(const std::string& username) {
  domain::NewPartner partner;
  partner.username = username;
  partner.name = username + " Corp";
  partner.password_hash = "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA";
  return partners().create_partner(partner);
}

std::pair<std::int64_t, std::int64_t> StoreTest::defaults(store::PartnerId partner) {
  auto groups = directory().groups(partner);
  EXPECT_FALSE(groups.empty());
  if (groups.empty()) return {0, 0};
  return {groups.front().group_id, groups.front().plan_id};
}

std::int64_t StoreTest::count_rows(const char* sql) {
  return test_db_.integer(sql);
}

QuotaRecount StoreTest::recount(store::PartnerId partner) {
  return test_db_.recount(partner);
}

void StoreTest::expect_counters_match_recount(store::PartnerId partner) {
  auto quota = partners().quota(partner);
  auto counted = recount(partner);
  EXPECT_EQ(quota.bytes_allocated, domain::ByteSum(counted.allocated).saturated());
  EXPECT_EQ(quota.bytes_used, domain::ByteSum(counted.used).saturated());
  EXPECT_EQ(quota.share_count, counted.shares);
  EXPECT_EQ(quota.device_count, counted.devices);
  EXPECT_EQ(directory().count_users(partner, domain::UserQuery{}), counted.users);
}

domain::NewUser StoreTest::user(const std::string& username, std::int64_t group,
                                std::int64_t plan) {
  domain::NewUser u;
  u.username = username;
  u.name = "User " + username;
  u.email = username + "@example.com";
  u.group_id = group;
  u.plan_id = plan;
  u.creation_time = 1764201600;
  return u;
}

domain::NewDevice StoreTest::device(const std::string& name, std::int64_t revision) {
  domain::NewDevice d;
  d.name = name;
  d.client_revision = revision;
  d.creation_time = 1764201600;
  d.last_login = 1764201700;
  return d;
}

domain::Share StoreTest::share(const std::string& room_key) {
  return domain::Share{room_key, "Share " + room_key, "", 1764201600, 1764201600, true};
}

}  // namespace accountsd::testing
