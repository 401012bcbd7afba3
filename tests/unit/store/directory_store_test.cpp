// Directory: plans, groups and users, the counters their writes keep exact, and the typed
// refusals (NotFound, Conflict, QuotaExceeded) of the writes that a rule forbids; on the backend
// that store_fixture.hpp opens.
#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "domain/quota.hpp"
#include "support/store_fixture.hpp"

namespace accountsd::store {
namespace {

constexpr std::int64_t kUnlimited = 1000000001000000000;
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

class DirectoryStoreTest : public testing::StoreTest {
 protected:
  // Expects insert_users(batch) to be refused as a Conflict of `clash`.
  void expect_conflict(PartnerId partner, const std::vector<domain::NewUser>& batch, Clash clash) {
    try {
      directory().insert_users(partner, batch);
      ADD_FAILURE() << "no conflict";
    } catch (const Conflict& refusal) {
      EXPECT_EQ(refusal.clash, clash);
    }
  }

  static domain::UserCreate new_user(const std::string& username) {
    domain::UserCreate user;
    user.username = username;
    user.name = "User " + username;
    user.email = username + "@example.com";
    return user;
  }
};

TEST_F(DirectoryStoreTest, InsertUsersKeepsCountersEqualToARecount) {
  auto id = make_partner("alpha");
  auto [group, unlimited] = defaults(id);
  auto small = directory().create_plan(id, "Small", 1000000000);

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
  directory().insert_users(id, batch);

  auto quota = partners().quota(id);
  EXPECT_EQ(quota.bytes_allocated, 1000000000 + 500 + kUnlimited + 1000000000);
  EXPECT_EQ(quota.bytes_used, 123456 + 7);
  EXPECT_EQ(quota.device_count, 3);
  EXPECT_EQ(quota.share_count, 2);
  expect_counters_match_recount(id);

  std::vector<domain::NewUser> second;
  second.push_back(user("dee", group, small));
  second.back().shares = {share("a")};
  second.back().bytes_stored = 1;
  directory().insert_users(id, second);
  expect_counters_match_recount(id);
  EXPECT_EQ(directory().count_users(id, domain::UserQuery{}), 4);
}

TEST_F(DirectoryStoreTest, QuotaSaturatesAndStaysExactUnderneath) {
  auto id = make_partner("alpha");
  auto [group, unlimited] = defaults(id);
  std::vector<domain::NewUser> batch;
  for (int i = 0; i < 12; ++i) batch.push_back(user("u" + std::to_string(i), group, unlimited));
  directory().insert_users(id, batch);
  EXPECT_EQ(partners().quota(id).bytes_allocated, kMax);
  expect_counters_match_recount(id);
  // The exact 128-bit sum survives storage: more users keep it saturated, not wrapped.
  directory().insert_users(id, std::vector<domain::NewUser>{user("more", group, unlimited)});
  EXPECT_EQ(partners().quota(id).bytes_allocated, kMax);
  EXPECT_TRUE(recount(id).allocated == domain::Int128(kUnlimited) * 13);
}

TEST_F(DirectoryStoreTest, InsertUsersWithAnUnknownPlanChangesNothing) {
  auto id = make_partner("alpha");
  auto [group, unlimited] = defaults(id);
  directory().insert_users(id, std::vector<domain::NewUser>{user("first", group, unlimited)});
  auto before = partners().quota(id);

  std::vector<domain::NewUser> batch;
  batch.push_back(user("ok", group, unlimited));
  batch.back().devices = {device("laptop", 512)};
  batch.back().shares = {share("room")};
  batch.push_back(user("bad", group, unlimited + 1000));
  expect_conflict(id, batch, Clash::unknown_plan);

  auto after = partners().quota(id);
  EXPECT_EQ(after.bytes_allocated, before.bytes_allocated);
  EXPECT_EQ(after.bytes_used, before.bytes_used);
  EXPECT_EQ(after.device_count, before.device_count);
  EXPECT_EQ(after.share_count, before.share_count);
  EXPECT_EQ(directory().count_users(id, domain::UserQuery{}), 1);
  EXPECT_EQ(count_rows("SELECT count(*) FROM devices"), 0);
  EXPECT_EQ(count_rows("SELECT count(*) FROM shares"), 0);
  expect_counters_match_recount(id);
}

TEST_F(DirectoryStoreTest, InsertUsersRefusesAnotherPartnersPlanAndGroup) {
  auto alpha = make_partner("alpha");
  auto beta = make_partner("beta");
  auto [alpha_group, alpha_plan] = defaults(alpha);
  auto [beta_group, beta_plan] = defaults(beta);

  expect_conflict(alpha, {user("x", alpha_group, beta_plan)}, Clash::unknown_plan);
  expect_conflict(alpha, {user("x", beta_group, alpha_plan)}, Clash::unknown_group);
  EXPECT_EQ(directory().count_users(alpha, domain::UserQuery{}), 0);
  EXPECT_EQ(directory().count_users(beta, domain::UserQuery{}), 0);
  EXPECT_EQ(partners().quota(alpha).bytes_allocated, 0);
  EXPECT_EQ(partners().quota(beta).bytes_allocated, 0);
}

TEST_F(DirectoryStoreTest, DuplicateUsernameInABatchRollsBackTheWholeBatch) {
  auto id = make_partner("alpha");
  auto [group, unlimited] = defaults(id);
  std::vector<domain::NewUser> batch;
  batch.push_back(user("ann", group, unlimited));
  batch.back().devices = {device("laptop", 512)};
  batch.push_back(user("ann", group, unlimited));
  batch.back().email = "other@example.com";
  try {
    directory().insert_users(id, batch);
    ADD_FAILURE() << "no conflict";
  } catch (const Conflict& refusal) {
    EXPECT_EQ(refusal.clash, Clash::taken);
    EXPECT_EQ(refusal.object, Object::user);
    EXPECT_EQ(refusal.field, "username");
  }
  EXPECT_EQ(directory().count_users(id, domain::UserQuery{}), 0);
  auto quota = partners().quota(id);
  EXPECT_EQ(quota.bytes_allocated, 0);
  EXPECT_EQ(quota.device_count, 0);
  expect_counters_match_recount(id);
}

TEST_F(DirectoryStoreTest, InsertUsersBeyondBytesAvailableChangesNothing) {
  auto id = make_partner("alpha", 2500);
  auto [group, unlimited] = defaults(id);
  auto small = directory().create_plan(id, "Small", 1000);
  directory().insert_users(id, std::vector<domain::NewUser>{user("first", group, small)});

  // 1000 + 1000 + 1000 > 2500: the whole batch is refused, the first user of it included.
  std::vector<domain::NewUser> batch{user("second", group, small), user("third", group, small)};
  batch.front().devices = {device("laptop", 512)};
  try {
    directory().insert_users(id, batch);
    ADD_FAILURE() << "no refusal";
  } catch (const QuotaExceeded& refusal) {
    EXPECT_EQ(refusal.bytes_available, 2500);
  }
  auto quota = partners().quota(id);
  EXPECT_EQ(quota.bytes_allocated, 1000);
  EXPECT_EQ(quota.device_count, 0);
  EXPECT_EQ(directory().count_users(id, domain::UserQuery{}), 1);
  expect_counters_match_recount(id);

  // Up to the limit exactly is fine.
  domain::NewUser fits = user("fits", group, small);
  fits.bonus_bytes = 500;
  directory().insert_users(id, std::vector<domain::NewUser>{fits});
  EXPECT_EQ(partners().quota(id).bytes_allocated, 2500);
  expect_counters_match_recount(id);
}

TEST_F(DirectoryStoreTest, WritesAboutAMissingGroupOrUserAreNotFound) {
  auto alpha = make_partner("alpha");
  auto beta = make_partner("beta");
  auto beta_group = defaults(beta).first;
  auto beta_user = directory().create_user(beta, new_user("bea"));
  // Another partner's objects are as missing as ones that never existed.
  for (auto group : {beta_group, beta_group + 1000}) {
    auto missing = refusal_of<NotFound>(
        [&] { directory().update_group(alpha, group, domain::GroupPatch{}, false); });
    ASSERT_TRUE(missing.has_value());
    EXPECT_EQ(missing->object, Object::group);
    missing = refusal_of<NotFound>([&] { directory().delete_group(alpha, group, std::nullopt); });
    ASSERT_TRUE(missing.has_value());
    EXPECT_EQ(missing->object, Object::group);
  }
  for (auto avatar : {beta_user.avatar_id, beta_user.avatar_id + 1000}) {
    auto missing =
        refusal_of<NotFound>([&] { directory().update_user(alpha, avatar, domain::UserPatch{}); });
    ASSERT_TRUE(missing.has_value());
    EXPECT_EQ(missing->object, Object::user);
    EXPECT_TRUE(refusal_of<NotFound>([&] { directory().delete_user(alpha, avatar); }));
    EXPECT_TRUE(refusal_of<NotFound>(
        [&] { directory().queue_activation_email(alpha, avatar, std::nullopt, std::nullopt); }));
  }
  EXPECT_EQ(directory().count_users(beta, domain::UserQuery{}), 1);
  EXPECT_TRUE(directory().activation_emails(std::nullopt).empty());
}

TEST_F(DirectoryStoreTest, ReferencesToAnotherPartnersObjectsAreConflicts) {
  auto alpha = make_partner("alpha");
  auto beta = make_partner("beta");
  auto [alpha_group, alpha_plan] = defaults(alpha);
  auto [beta_group, beta_plan] = defaults(beta);
  domain::DevicePolicy policy;
  policy.name = "Laptops";
  auto beta_policy = directory().create_device_policy(beta, policy).policy_id;

  EXPECT_EQ(clash_of([&] {
              directory().create_group(alpha, {0, "Sales", beta_plan, true, false, std::nullopt});
            }),
            Clash::unknown_plan);
  EXPECT_EQ(clash_of([&] {
              directory().create_group(alpha, {0, "Sales", alpha_plan, true, false, beta_policy});
            }),
            Clash::unknown_device_policy);
  domain::GroupPatch to_beta_plan;
  to_beta_plan.plan_id = beta_plan;
  EXPECT_EQ(clash_of([&] { directory().update_group(alpha, alpha_group, to_beta_plan, true); }),
            Clash::unknown_plan);
  auto user = new_user("ann");
  user.group_id = beta_group;
  EXPECT_EQ(clash_of([&] { directory().create_user(alpha, user); }), Clash::unknown_group);
  user.group_id = alpha_group;
  user.plan_id = beta_plan;
  EXPECT_EQ(clash_of([&] { directory().create_user(alpha, user); }), Clash::unknown_plan);
  auto ann = directory().create_user(alpha, new_user("ann"));
  domain::UserPatch to_beta_group;
  to_beta_group.group_id = beta_group;
  EXPECT_EQ(clash_of([&] { directory().update_user(alpha, ann.avatar_id, to_beta_group); }),
            Clash::unknown_group);
  EXPECT_EQ(clash_of([&] { directory().delete_group(alpha, alpha_group, beta_group); }),
            Clash::unknown_move_target);
  EXPECT_EQ(clash_of([&] { directory().delete_group(alpha, alpha_group, alpha_group); }),
            Clash::unknown_move_target);
  EXPECT_EQ(directory().groups(alpha).size(), 1u);
  EXPECT_EQ(directory().count_users(alpha, domain::UserQuery{}), 1);
}

TEST_F(DirectoryStoreTest, TakenNamesAndAddressesAreConflictsNamingTheField) {
  auto alpha = make_partner("alpha");
  auto plan = defaults(alpha).second;
  directory().create_plan(alpha, "Small", 1000);
  auto taken = refusal_of<Conflict>([&] { directory().create_plan(alpha, "Small", 2000); });
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->clash, Clash::taken);
  EXPECT_EQ(taken->object, Object::plan);
  EXPECT_EQ(taken->field, "name");

  taken = refusal_of<Conflict>([&] {
    directory().create_group(alpha, {0, "alpha Corp", plan, true, false, std::nullopt});
  });
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->object, Object::group);
  EXPECT_EQ(taken->field, "name");

  directory().create_user(alpha, new_user("ann"));
  auto same_username = new_user("ann");
  same_username.email = "other@example.com";
  taken = refusal_of<Conflict>([&] { directory().create_user(alpha, same_username); });
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->object, Object::user);
  EXPECT_EQ(taken->field, "username");
  auto same_email = new_user("bob");
  same_email.email = "ANN@example.com";
  taken = refusal_of<Conflict>([&] { directory().create_user(alpha, same_email); });
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->field, "email");
  EXPECT_EQ(directory().taken_user_field(alpha, "bob", "ann@EXAMPLE.com"), "email");
  EXPECT_EQ(directory().taken_user_field(alpha, "ann", "new@example.com"), "username");
}

TEST_F(DirectoryStoreTest, GroupRulesCountTheMembersConcerned) {
  auto alpha = make_partner("alpha");
  auto [group, unlimited] = defaults(alpha);
  auto small = directory().create_plan(alpha, "Small", 100);
  std::vector<domain::NewUser> batch{user("ann", group, unlimited), user("bob", group, unlimited),
                                     user("cy", group, unlimited)};
  batch[0].bytes_stored = 500;
  batch[1].bytes_stored = 101;
  batch[2].bytes_stored = 100;
  directory().insert_users(alpha, batch);

  domain::GroupPatch to_small;
  to_small.plan_id = small;
  auto over =
      refusal_of<Conflict>([&] { directory().update_group(alpha, group, to_small, false); });
  ASSERT_TRUE(over.has_value());
  EXPECT_EQ(over->clash, Clash::members_over_plan);
  EXPECT_EQ(over->count, 2);
  EXPECT_EQ(directory().group(alpha, group)->plan_id, unlimited);

  auto members =
      refusal_of<Conflict>([&] { directory().delete_group(alpha, group, std::nullopt); });
  ASSERT_TRUE(members.has_value());
  EXPECT_EQ(members->clash, Clash::group_has_members);
  EXPECT_EQ(members->count, 3);
  EXPECT_TRUE(directory().group(alpha, group).has_value());
}

TEST_F(DirectoryStoreTest, AUserWithoutAGroupNeedsADefaultGroup) {
  auto solo = make_bare_partner("solo");
  auto refusal = refusal_of<Conflict>([&] { directory().create_user(solo, new_user("ann")); });
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->clash, Clash::no_default_group);
  EXPECT_EQ(directory().count_users(solo, domain::UserQuery{}), 0);
}

TEST_F(DirectoryStoreTest, AllocationBeyondBytesAvailableIsQuotaExceeded) {
  auto alpha = make_partner("alpha", 1500);
  auto small = directory().create_plan(alpha, "Small", 1000);
  auto user = new_user("ann");
  user.plan_id = small;
  auto ann = directory().create_user(alpha, user);
  user = new_user("bob");
  user.plan_id = small;
  auto quota = refusal_of<QuotaExceeded>([&] { directory().create_user(alpha, user); });
  ASSERT_TRUE(quota.has_value());
  EXPECT_EQ(quota->bytes_available, 1500);
  domain::UserPatch bonus;
  bonus.bonus_bytes = 501;
  EXPECT_TRUE(
      refusal_of<QuotaExceeded>([&] { directory().update_user(alpha, ann.avatar_id, bonus); }));
  bonus.bonus_bytes = 500;
  EXPECT_EQ(directory().update_user(alpha, ann.avatar_id, bonus).bonus_bytes, 500);
  EXPECT_EQ(partners().quota(alpha).bytes_allocated, 1500);
}

// A page of users comes with each one's share rooms (C.6), in the page's order, whatever the
// offset; so does a cursor over the whole list.
TEST_F(DirectoryStoreTest, APageOfUsersComesWithTheirShareRooms) {
  auto alpha = make_partner("alpha");
  auto [group, plan] = defaults(alpha);
  std::vector<domain::NewUser> batch;
  for (const char* name : {"ann", "bob", "cy", "dee"}) batch.push_back(user(name, group, plan));
  batch[0].shares = {share("work"), share("holiday")};
  batch[0].bytes_stored = 30;
  batch[1].bytes_stored = 20;
  batch[2].shares = {share("photos")};
  batch[2].bytes_stored = 10;
  batch[3].shares = {share("x")};
  directory().insert_users(alpha, batch);

  domain::UserQuery query;
  query.order_by = "bytes_stored";
  query.descending = true;
  query.limit = 3;  // ann, bob (no shares), cy
  query.offset = 0;
  std::vector<std::pair<std::string, std::vector<std::string>>> page;
  for (const auto& u : directory().users(alpha, query))
    page.emplace_back(u.username, u.share_rooms);
  using Rooms = std::vector<std::string>;
  using Page = std::vector<std::pair<std::string, Rooms>>;
  EXPECT_EQ(page,
            (Page{{"ann", Rooms{"holiday", "work"}}, {"bob", Rooms{}}, {"cy", Rooms{"photos"}}}));

  // An offset skips the rows before it, rooms and all; a cursor reads them too.
  query.limit = 2;
  query.offset = 2;
  auto rest = directory().users(alpha, query);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].share_rooms, Rooms{"photos"});
  EXPECT_EQ(rest[1].share_rooms, Rooms{"x"});
  query.limit.reset();
  query.offset = 0;
  auto cursor = directory().user_cursor(alpha, query);
  auto all = cursor->next_page(10);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].share_rooms, (Rooms{"holiday", "work"}));
  EXPECT_EQ(all[3].share_rooms, Rooms{"x"});
}

// What the backends' SQL would otherwise answer differently (PostgreSQL folds, sorts NULL and
// reads LIMIT, OFFSET and text parameters its own way), pinned to SQLite's answers.
class DirectoryAnswersTest : public DirectoryStoreTest {
 protected:
  void SetUp() override {
    DirectoryStoreTest::SetUp();
    alpha_ = make_partner("alpha");
    auto [group, plan] = defaults(alpha_);
    std::vector<domain::NewUser> batch;
    batch.push_back(user("zoe", group, plan));
    batch.back().name = "Zo\xC3\xAB \xC3\x86r\xC3\xB8";  // "Zoë Ærø"
    batch.back().last_login = 5;
    batch.push_back(user("ann", group, plan));
    batch.back().promo = "b";
    batch.push_back(user("bob", group, plan));
    batch.back().last_login = 3;
    batch.back().promo = "a";
    batch.back().enabled = false;
    directory().insert_users(alpha_, batch);
  }

  std::vector<std::string> names(const domain::UserQuery& query) {
    std::vector<std::string> out;
    for (const auto& u : directory().users(alpha_, query)) out.push_back(u.username);
    EXPECT_EQ(directory().count_users(alpha_, query), std::int64_t(out.size()));
    return out;
  }
  std::vector<std::string> searched(const std::string& search) {
    domain::UserQuery query;
    query.search = search;
    return names(query);
  }
  std::vector<std::string> ordered(const std::string& field, bool descending) {
    domain::UserQuery query;
    query.order_by = field;
    query.descending = descending;
    return names(query);
  }

  PartnerId alpha_ = 0;
};

TEST_F(DirectoryAnswersTest, SearchesFoldLettersBeyondAsciiAndMatchBytesAsInstrDoes) {
  using Names = std::vector<std::string>;
  EXPECT_EQ(searched("ZO\xC3\x8B"), Names{"zoe"});         // "ZOË"
  EXPECT_EQ(searched("\xC3\xA6R\xC3\x98"), Names{"zoe"});  // "æRØ"
  EXPECT_EQ(searched("EXAMPLE"), (Names{"zoe", "ann", "bob"}));
  // Not UTF-8: a lead byte alone matches the characters it begins, a continuation byte alone
  // (which no character begins with) nothing; a NUL is part of what is searched for.
  EXPECT_EQ(searched("\xC3"), Names{"zoe"});
  EXPECT_EQ(searched("\xAB"), Names{});
  EXPECT_EQ(searched(std::string("zo\0e", 4)), Names{});
  domain::Group ete;
  ete.name = "\xC3\x89t\xC3\xA9 team";  // "Été team"
  ete.plan_id = defaults(alpha_).second;
  directory().create_group(alpha_, ete);
  auto groups = directory().groups(alpha_, std::string("\xC3\x89T\xC3\x89"));  // "ÉTÉ"
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups.front().name, "\xC3\x89t\xC3\xA9 team");
  EXPECT_TRUE(directory().groups(alpha_, std::string("\xA9")).empty());
}

TEST_F(DirectoryAnswersTest, NullSortsFirstAndLastWhenDescending) {
  using Names = std::vector<std::string>;
  EXPECT_EQ(ordered("last_login", false), (Names{"ann", "bob", "zoe"}));
  EXPECT_EQ(ordered("last_login", true), (Names{"zoe", "bob", "ann"}));
  EXPECT_EQ(ordered("promo", false), (Names{"zoe", "bob", "ann"}));
  EXPECT_EQ(ordered("promo", true), (Names{"ann", "bob", "zoe"}));
}

TEST_F(DirectoryAnswersTest, FlagsCompareAsZeroOrOneAndNegativeLimitsAndOffsetsMeanNone) {
  using Names = std::vector<std::string>;
  domain::UserQuery query;
  query.conditions = {{"enabled", '>', 0}};
  EXPECT_EQ(names(query), (Names{"zoe", "ann"}));
  query.conditions = {{"enabled", '=', 2}};
  EXPECT_EQ(names(query), Names{});
  query.conditions = {{"enabled", '<', 1}};
  EXPECT_EQ(names(query), Names{"bob"});
  query = {};
  query.limit = -1;
  query.offset = -5;
  EXPECT_EQ(directory().users(alpha_, query).size(), 3u);
  auto cursor = directory().user_cursor(alpha_, query);
  EXPECT_EQ(cursor->next_page(10).size(), 3u);
}

TEST_F(DirectoryAnswersTest, KeysThatNoStoredValueCouldBeFindNothing) {
  EXPECT_TRUE(directory().find_user(alpha_, "ann"));
  EXPECT_TRUE(directory().find_user(alpha_, "ANN@example.com"));
  EXPECT_FALSE(directory().find_user(alpha_, std::string("ann\0x", 5)));
  EXPECT_FALSE(directory().find_user(alpha_, "ann\xFF"));
  EXPECT_EQ(directory().taken_user_field(alpha_, std::string("ann\0", 4), "\xFF"), std::nullopt);
  EXPECT_EQ(directory().taken_user_field(alpha_, "\xFF", "ANN@EXAMPLE.COM"), "email");
}

}  // namespace
}  // namespace accountsd::store
