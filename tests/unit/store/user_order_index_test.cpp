// GET /users/?order_by=-bytes_stored&limit=100 must walk an index, not sort the partner's table
// (issue 3): the query plan SQLite chooses for the store's listing query shows it.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <random>
#include <string>

#include "store/store.hpp"

namespace accountsd::testing {
namespace {

// The EXPLAIN QUERY PLAN lines for `sql` on the database at `path`.
std::string query_plan(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  std::string plan;
  EXPECT_EQ(sqlite3_prepare_v2(db, ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &stmt, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  while (sqlite3_step(stmt) == SQLITE_ROW)
    plan += std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3))) + "\n";
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return plan;
}

TEST(UserOrderIndex, SortedPagesWalkAnIndexInsteadOfSorting) {
  auto dir = std::filesystem::temp_directory_path() /
             ("accountsd-index-" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(dir);
  auto path = (dir / "db.sqlite").string();
  store::open_store("sqlite:" + path).reset();  // creates the schema
  // The same shape as SqliteStore::users() builds for order_by=-bytes_stored (and the others).
  for (const char* column : {"bytes_stored", "creation_time", "last_login", "avatar_id"}) {
    auto plan = query_plan(
        path, std::string("SELECT u.avatar_id FROM users u JOIN plans p ON p.plan_id = u.plan_id "
                          "WHERE u.partner_id = 1 ORDER BY u.") +
                  column + " DESC, u.avatar_id DESC LIMIT 100 OFFSET 0");
    EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << column << ":\n" << plan;
    EXPECT_EQ(plan.find("SCAN u"), std::string::npos) << column << ":\n" << plan;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace accountsd::testing
