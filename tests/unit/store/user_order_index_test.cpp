// GET /users/?order_by=-bytes_stored&limit=100 must walk an index, not sort the partner's table
// (issue 3): the query plan SQLite chooses for the store's listing query shows it.
#include <gtest/gtest.h>

#include <string>

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
