// The checkpoint that a connection's WAL hook runs once the WAL holds 1000 frames: a statement of
// the same connection still reading keeps it out (SQLITE_LOCKED), which is no fault and not
// logged as one, and a later commit checkpoints once that statement is done.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>

#include "store/sqlite/connection.hpp"
#include "support/captured_log.hpp"
#include "support/sqlite_checks.hpp"

namespace accountsd::store::sqlite {
namespace {

class WalCheckpointTest : public ::testing::Test {
 protected:
  // Writes about 6 MB of new rows in one transaction: over 1000 WAL frames.
  static void write_many_pages(Connection& db) {
    db.exec("BEGIN");
    for (int i = 0; i < 2000; ++i)
      db.prepared("INSERT INTO t (x, v) VALUES (?1, zeroblob(3000))").bind(1, i).run();
    db.exec("COMMIT");
  }
  std::uintmax_t database_bytes() const { return std::filesystem::file_size(db_.path); }

  testing::TempDatabase db_;
  testing::CapturedLog log_;
};

TEST_F(WalCheckpointTest, AReadStillRunningDefersTheCheckpointWithoutAWarning) {
  Connection db(db_.path);
  std::atomic<std::uint64_t> commits{0};
  db.report_commits_to(commits);
  db.exec("CREATE TABLE t (x INTEGER PRIMARY KEY, v BLOB)");
  db.exec("CREATE TABLE r (x INTEGER PRIMARY KEY)");
  db.exec("INSERT INTO r (x) VALUES (1), (2)");
  const auto before = database_bytes();

  // A read of this connection stays open across the big commit: its hook cannot checkpoint.
  Statement reading(db.handle(), "SELECT x FROM r ORDER BY x");
  ASSERT_TRUE(reading.step());
  write_many_pages(db);
  EXPECT_EQ(database_bytes(), before) << "nothing was checkpointed into the database file";
  EXPECT_EQ(log_.text().find("checkpoint"), std::string::npos) << log_.text();

  // Once that read is done, the next commit's hook checkpoints the WAL into the database file.
  reading.reset();
  db.exec("INSERT INTO r (x) VALUES (3)");
  EXPECT_GT(database_bytes(), before + 5'000'000);
  EXPECT_EQ(log_.text(), "");
}

}  // namespace
}  // namespace accountsd::store::sqlite
