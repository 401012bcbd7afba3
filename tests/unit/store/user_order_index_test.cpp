// GET /users/?order_by=-bytes_stored&limit=100 must walk an index, not sort the partner's table
// (issue 3): the query plan SQLite chooses for the store's listing query shows it.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "store/database.hpp"
#include "support/sqlite_checks.hpp"

namespace accountsd::testing {
namespace {

TEST(UserOrderIndex, SortedPagesWalkAnIndexInsteadOfSorting) {
  TempDatabase db;
  store::open_store("sqlite:" + db.path).reset();  // creates the schema
  // The same shape as SqliteDirectory::users() builds for order_by=-bytes_stored (and the others).
  for (const char* column :
       {"bytes_stored", "creation_time", "last_login", "avatar_id", "email", "promo"}) {
    auto plan = query_plan(
        db.path,
        std::string("SELECT u.avatar_id FROM users u JOIN plans p ON p.plan_id = u.plan_id "
                    "WHERE u.partner_id = 1 ORDER BY u.") +
            column + " DESC, u.avatar_id DESC LIMIT 100 OFFSET 0");
    EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << column << ":\n" << plan;
    EXPECT_EQ(plan.find("SCAN u"), std::string::npos) << column << ":\n" << plan;
  }
}

// A page of a filter that selects few users (SqliteDirectory's selects_few) walks the filter's
// index and sorts what it finds: +column keeps the order's index out, whatever the order.
TEST(UserOrderIndex, PagesOfFewFilteredUsersWalkTheFiltersIndex) {
  TempDatabase db;
  store::open_store("sqlite:" + db.path).reset();
  const std::pair<const char*, const char*> filters[] = {
      {"u.purgehold_active = 1", "users_by_purgehold (partner_id=? AND purgehold_active=?)"},
      {"u.enabled = 0", "users_by_enabled (partner_id=? AND enabled=?)"},
      {"u.group_id = 7", "users_by_group (partner_id=? AND group_id=?)"},
      {"u.last_backup_complete BETWEEN 1 AND 2",
       "users_by_last_backup (partner_id=? AND last_backup_complete>? AND "
       "last_backup_complete<?)"}};
  for (const auto& [filter, index] : filters) {
    for (const char* column : {"username", "name", "bytes_stored", "last_login"}) {
      auto plan = query_plan(
          db.path, std::string("SELECT u.avatar_id FROM users u JOIN plans p ON p.plan_id = "
                               "u.plan_id WHERE u.partner_id = 1 AND ") +
                       filter + " ORDER BY +u." + column + " DESC, u.avatar_id DESC LIMIT 25");
      EXPECT_NE(plan.find(std::string("SEARCH u USING INDEX ") + index), std::string::npos)
          << filter << ", " << column << ":\n"
          << plan;
    }
  }
}

// C.7: a user found by email regardless of case is one search of users_unique_email, as fast as
// the exact lookup it replaced; share_rooms of a page are one search of the shares key per user
// with shares.
TEST(UserOrderIndex, CaseInsensitiveEmailLookupAndShareRoomsSearchAnIndex) {
  TempDatabase db;
  store::open_store("sqlite:" + db.path).reset();
  auto plan = query_plan(db.path,
                         "SELECT u.avatar_id FROM users u JOIN plans p ON p.plan_id = u.plan_id "
                         "WHERE u.partner_id = 1 AND lower(u.email) = lower('A@b.c') "
                         "AND u.email_clash = 0 LIMIT 1");
  EXPECT_NE(plan.find("SEARCH u USING INDEX users_unique_email (partner_id=? AND <expr>=? AND "
                      "email_clash=?)"),
            std::string::npos)
      << plan;
  EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
  auto rooms = query_plan(db.path,
                          "SELECT avatar_id, room_key FROM shares WHERE avatar_id IN (SELECT "
                          "value FROM json_each('[1,2]')) AND partner_id = 1 "
                          "ORDER BY avatar_id, room_key");
  EXPECT_NE(rooms.find("SEARCH shares USING PRIMARY KEY (avatar_id=?)"), std::string::npos)
      << rooms;
  EXPECT_EQ(rooms.find("SCAN shares"), std::string::npos) << rooms;
}

}  // namespace
}  // namespace accountsd::testing
