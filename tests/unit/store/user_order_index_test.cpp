// GET /users/?order_by=-bytes_stored&limit=100 must walk an index, not sort the partner's table
// (issue 3): the query plan SQLite chooses for the store's listing query shows it.
#include <gtest/gtest.h>

#include <string>

#include "store/store.hpp"
#include "support/sqlite_checks.hpp"

namespace accountsd::testing {
namespace {

TEST(UserOrderIndex, SortedPagesWalkAnIndexInsteadOfSorting) {
  TempDatabase db;
  store::open_store("sqlite:" + db.path).reset();  // creates the schema
  // The same shape as SqliteStore::users() builds for order_by=-bytes_stored (and the others).
  for (const char* column : {"bytes_stored", "creation_time", "last_login", "avatar_id"}) {
    auto plan = query_plan(
        db.path,
        std::string("SELECT u.avatar_id FROM users u JOIN plans p ON p.plan_id = u.plan_id "
                    "WHERE u.partner_id = 1 ORDER BY u.") +
            column + " DESC, u.avatar_id DESC LIMIT 100 OFFSET 0");
    EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << column << ":\n" << plan;
    EXPECT_EQ(plan.find("SCAN u"), std::string::npos) << column << ":\n" << plan;
  }
}

}  // namespace
}  // namespace accountsd::testing
