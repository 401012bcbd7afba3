// Store cursors (user_cursor, share_cursor): their pages join into what one query returns, from
// the state of the database when the cursor was opened, whatever is written meanwhile.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "support/store_fixture.hpp"

namespace accountsd::store {
namespace {

// What tells two listed users apart: identity, a sortable field and the share rooms.
using UserKey = std::tuple<std::int64_t, std::string, std::string, std::vector<std::string>>;
// A user with shares and the room keys of those shares.
using SharesKey = std::pair<std::int64_t, std::vector<std::string>>;

std::vector<UserKey> keys(const std::vector<domain::User>& users) {
  std::vector<UserKey> out;
  for (const auto& u : users) out.emplace_back(u.avatar_id, u.username, u.name, u.share_rooms);
  return out;
}

std::vector<SharesKey> keys(const std::vector<domain::UserShares>& users) {
  std::vector<SharesKey> out;
  for (const auto& u : users) {
    std::vector<std::string> rooms;
    for (const auto& share : u.shares) rooms.push_back(share.room_key);
    out.emplace_back(u.avatar_id, rooms);
  }
  return out;
}

// Every row of `cursor`, read `rows` at a time.
template <typename Row>
std::vector<Row> drain(Cursor<Row>& cursor, std::size_t rows) {
  std::vector<Row> out;
  for (;;) {
    auto page = cursor.next_page(rows);
    EXPECT_LE(page.size(), rows);
    out.insert(out.end(), page.begin(), page.end());
    if (page.size() < rows) break;
  }
  EXPECT_TRUE(cursor.next_page(rows).empty()) << "a page after the end";
  return out;
}

class ListCursorTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    domain::NewPartner partner;
    partner.username = "alpha";
    partner.name = "Alpha";
    partner.group = "Alpha";
    partner.password_hash = "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA";
    partner_ = partners().create_partner(partner);
    auto group = directory().groups(partner_).front();
    std::vector<domain::NewUser> batch;
    // Names run against avatar order, and every third user has shares.
    for (int i = 0; i < 12; ++i) {
      domain::NewUser u;
      u.username = "user" + std::to_string(i);
      u.name = "Name " + std::string(1, char('z' - i));
      u.email = u.username + "@example.com";
      u.group_id = group.group_id;
      u.plan_id = group.plan_id;
      u.bytes_stored = (i % 4) * 100;
      u.creation_time = 1764201600 + i;
      if (i % 3 == 0) {
        for (const char* room : {"b", "a"}) {
          domain::Share share;
          share.room_key = room + std::to_string(i);
          share.name = "share";
          u.shares.push_back(share);
        }
      }
      batch.push_back(std::move(u));
    }
    directory().insert_users(partner_, batch);
  }

  std::vector<std::int64_t> avatar_ids() {
    std::vector<std::int64_t> ids;
    for (const auto& user : directory().users(partner_, {})) ids.push_back(user.avatar_id);
    return ids;
  }

  PartnerId partner_ = 0;
};

TEST_F(ListCursorTest, UserPagesJoinIntoTheUnpagedQueryForEveryPageSize) {
  std::vector<domain::UserQuery> queries(5);
  queries[1].order_by = "name";
  queries[2].order_by = "bytes_stored";
  queries[2].descending = true;
  queries[3].offset = 5;
  queries[4].search = "user1";
  queries[4].conditions.push_back({"bytes_stored", '>', 0});
  for (std::size_t q = 0; q < queries.size(); ++q) {
    auto expected = keys(directory().users(partner_, queries[q]));
    ASSERT_FALSE(expected.empty());
    for (std::size_t rows : {1u, 2u, 5u, 100u}) {
      SCOPED_TRACE("query " + std::to_string(q) + ", rows " + std::to_string(rows));
      auto cursor = directory().user_cursor(partner_, queries[q]);
      EXPECT_EQ(keys(drain(*cursor, rows)), expected);
    }
  }
}

TEST_F(ListCursorTest, AUserCursorIgnoresTheLimit) {
  domain::UserQuery query;
  query.limit = 2;
  auto cursor = directory().user_cursor(partner_, query);
  EXPECT_EQ(drain(*cursor, 5).size(), 12u);
}

TEST_F(ListCursorTest, SharePagesJoinIntoTheUnpagedListingFromAnyOffset) {
  for (std::int64_t offset : {0, 1, 3, 4, 9}) {
    auto expected = keys(usage().shares(partner_, offset, std::nullopt));
    for (std::size_t rows : {1u, 2u, 3u, 100u}) {
      SCOPED_TRACE("offset " + std::to_string(offset) + ", rows " + std::to_string(rows));
      auto cursor = usage().share_cursor(partner_, offset);
      EXPECT_EQ(keys(drain(*cursor, rows)), expected);
    }
  }
}

TEST_F(ListCursorTest, WritesAfterTheCursorOpensAreNotSeen) {
  auto ids = avatar_ids();
  domain::UserQuery by_name;
  by_name.order_by = "name";
  auto users_before = keys(directory().users(partner_, by_name));
  auto shares_before = keys(usage().shares(partner_, 0, std::nullopt));
  auto users = directory().user_cursor(partner_, by_name);
  auto shares = usage().share_cursor(partner_, 0);
  auto first_users = users->next_page(3);
  auto first_shares = shares->next_page(1);

  // A user added, one deleted, one renamed to move within the order, shares added and removed:
  // each would add, drop or repeat a row in a list read from the live database.
  auto group = directory().groups(partner_).front();
  domain::UserCreate added;
  added.username = "aaa";
  added.name = "Name 0";
  added.email = "aaa@example.com";
  auto created = directory().create_user(partner_, added);
  directory().delete_user(partner_, ids[2]);
  domain::UserPatch rename;
  rename.name = "Name zz";
  directory().update_user(partner_, ids[11], rename);
  usage().put_share(partner_, created.avatar_id, "new", {.name = "n", .description = ""});
  usage().put_share(partner_, ids[1], "new", {.name = "n", .description = ""});
  ASSERT_TRUE(usage().delete_share(partner_, ids[6], "a6"));
  ASSERT_TRUE(usage().delete_share(partner_, ids[6], "b6"));
  ASSERT_NE(keys(directory().users(partner_, by_name)), users_before) << "the writes took effect";

  auto rest_users = drain(*users, 2);
  first_users.insert(first_users.end(), rest_users.begin(), rest_users.end());
  EXPECT_EQ(keys(first_users), users_before);
  auto rest_shares = drain(*shares, 2);
  first_shares.insert(first_shares.end(), rest_shares.begin(), rest_shares.end());
  EXPECT_EQ(keys(first_shares), shares_before);
}

TEST_F(ListCursorTest, ACursorMayMoveBetweenThreads) {
  auto expected = keys(directory().users(partner_, {}));
  auto cursor = directory().user_cursor(partner_, {});
  std::vector<domain::User> all;
  // As a connection's coroutine resumes on any I/O thread: one thread at a time, each a page.
  for (bool more = true; more;) {
    std::thread([&] {
      auto page = cursor->next_page(4);
      more = page.size() == 4;
      all.insert(all.end(), page.begin(), page.end());
    }).join();
  }
  EXPECT_EQ(keys(all), expected);
}

TEST_F(ListCursorTest, AnOpenCursorDoesNotBlockWriters) {
  auto cursor = directory().user_cursor(partner_, {});
  ASSERT_EQ(cursor->next_page(1).size(), 1u);
  domain::UserPatch patch;
  patch.name = "Renamed";
  // Would wait for the busy timeout and throw if the cursor held a write lock.
  EXPECT_NO_THROW(directory().update_user(partner_, avatar_ids().front(), patch));
}

}  // namespace
}  // namespace accountsd::store
