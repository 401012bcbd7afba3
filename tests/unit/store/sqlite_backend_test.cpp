// The SQLite backend's own duties: migrations applied once, and data kept across reopening.
#include <gtest/gtest.h>

#include <string>

#include "store/database.hpp"
#include "store/migrations.hpp"
#include "store/sqlite/connection.hpp"
#include "support/sqlite_checks.hpp"

namespace accountsd::store {
namespace {

class SqliteBackendTest : public ::testing::Test {
 protected:
  std::int64_t count_rows(const char* sql) {
    sqlite::Connection db(db_.path);
    auto& q = db.prepared(sql);
    q.step();
    auto n = q.integer(0);
    q.reset();
    return n;
  }

  testing::TempDatabase db_;  // outlives the store
  std::unique_ptr<Database> store_ = open_store("sqlite:" + db_.path);
};

TEST_F(SqliteBackendTest, MigrationsAreRecordedOnce) {
  auto expected = std::int64_t(store::migrations().size());
  ASSERT_GT(expected, 0);
  EXPECT_EQ(count_rows("SELECT count(*) FROM schema_migrations"), expected);
}

TEST_F(SqliteBackendTest, ReopeningAppliesNoMigrationTwiceAndKeepsData) {
  domain::NewPartner partner;
  partner.username = "alpha";
  partner.name = "alpha Corp";
  partner.password_hash = "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA";
  auto id = store_->partners().create_partner(partner);
  store_.reset();
  store_ = open_store("sqlite:" + db_.path);
  auto again = open_store(db_.path);  // a plain path is SQLite too
  EXPECT_EQ(count_rows("SELECT count(*) FROM schema_migrations"),
            std::int64_t(store::migrations().size()));
  auto found = store_->partners().find_partner("alpha");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, id);
  EXPECT_EQ(again->partners().find_partner(id)->username, "alpha");
}

}  // namespace
}  // namespace accountsd::store
