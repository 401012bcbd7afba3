// Read snapshots on one SQLite connection: nesting, statements left mid-result, and a write
// transaction begun inside a snapshot.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "store/sqlite/connection.hpp"
#include "support/sqlite_checks.hpp"

namespace accountsd::store::sqlite {
namespace {

class ReadSnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Connection setup(path_);
    setup.exec("CREATE TABLE t (n INTEGER PRIMARY KEY)");
    setup.exec("INSERT INTO t VALUES (1), (2), (3)");
  }

  static std::int64_t count(Connection& db) {
    auto& q = db.prepared("SELECT count(*) FROM t");
    q.step();
    std::int64_t n = q.integer(0);
    q.reset();
    return n;
  }
  static bool in_transaction(Connection& db) { return sqlite3_get_autocommit(db.handle()) == 0; }

  testing::TempDatabase db_;
  const std::string& path_ = db_.path;
};

TEST_F(ReadSnapshotTest, NestedPairsKeepOneSnapshotUntilTheOutermostEnds) {
  Connection reader(path_);
  Connection writer(path_);
  reader.begin_read();
  reader.begin_read();
  EXPECT_EQ(count(reader), 3);
  writer.exec("INSERT INTO t VALUES (4)");
  reader.end_read();
  EXPECT_TRUE(in_transaction(reader));
  EXPECT_EQ(count(reader), 3) << "the inner end must not end the snapshot";
  reader.end_read();
  EXPECT_FALSE(in_transaction(reader));
  EXPECT_EQ(count(reader), 4);
  reader.end_read();  // unmatched: ignored
  EXPECT_FALSE(in_transaction(reader));
}

TEST_F(ReadSnapshotTest, AStatementLeftMidResultDoesNotHoldTheSnapshot) {
  Connection reader(path_);
  Connection writer(path_);
  reader.begin_read();
  auto& rows = reader.prepared("SELECT n FROM t ORDER BY n");
  ASSERT_TRUE(rows.step());
  EXPECT_EQ(rows.integer(0), 1);
  reader.end_read();  // `rows` still has two rows to give
  EXPECT_FALSE(in_transaction(reader));
  writer.exec("INSERT INTO t VALUES (4)");
  EXPECT_EQ(count(reader), 4);
  // The statement is usable again from the start.
  auto& again = reader.prepared("SELECT n FROM t ORDER BY n");
  ASSERT_TRUE(again.step());
  EXPECT_EQ(again.integer(0), 1);
  again.reset();
}

TEST_F(ReadSnapshotTest, AWriteTransactionEndsTheSnapshotAndLaterEndsAreHarmless) {
  Connection db(path_);
  db.begin_read();
  db.begin_read();
  EXPECT_EQ(count(db), 3);
  {
    Transaction write(db);
    db.prepared("INSERT INTO t VALUES (5)").run();
    write.commit();
  }
  EXPECT_FALSE(in_transaction(db));
  db.end_read();
  db.end_read();
  EXPECT_FALSE(in_transaction(db));
  Connection other(path_);
  EXPECT_EQ(count(other), 4);
}

TEST_F(ReadSnapshotTest, ABeginInsideAWriteTransactionReadsItsOwnChanges) {
  Connection db(path_);
  Transaction write(db);
  db.prepared("INSERT INTO t VALUES (6)").run();
  db.begin_read();
  EXPECT_EQ(count(db), 4);
  db.end_read();
  EXPECT_TRUE(in_transaction(db)) << "ending the read must not commit the write";
  write.commit();
  EXPECT_FALSE(in_transaction(db));
}

// Connections of one store with snapshot reuse: they share a commit counter.
class SnapshotReuseTest : public ReadSnapshotTest {
 protected:
  static constexpr std::chrono::milliseconds kWindow{200};
  std::unique_ptr<Connection> open() {
    auto connection = std::make_unique<Connection>(path_, StoreOptions{.snapshot_reuse = kWindow});
    connection->report_commits_to(commits_);
    return connection;
  }
  static void read_once(Connection& db, std::int64_t expected) {
    db.begin_read();
    EXPECT_EQ(count(db), expected);
    db.end_read();
  }
  std::atomic<std::uint64_t> commits_{0};
};

TEST_F(SnapshotReuseTest, AFinishedSnapshotIsKeptAndReusedWhileNothingIsCommitted) {
  auto reader = open();
  Connection other_process(path_);  // reports to no counter, like another process
  read_once(*reader, 3);
  EXPECT_TRUE(in_transaction(*reader)) << "parked";
  other_process.exec("INSERT INTO t VALUES (4)");
  read_once(*reader, 3);  // within the window, the kept snapshot serves
  std::this_thread::sleep_for(kWindow);
  read_once(*reader, 4);  // expired: a new snapshot
}

TEST_F(SnapshotReuseTest, ACommitThroughTheStoreMakesTheNextReadSeeIt) {
  auto reader = open();
  auto writer = open();
  read_once(*reader, 3);
  // Each connection counted one change when it started counting (what it had not seen).
  EXPECT_EQ(commits_.load(), 2u);
  {
    Transaction write(*writer);
    writer->prepared("INSERT INTO t VALUES (4)").run();
    write.commit();
  }
  EXPECT_EQ(commits_.load(), 3u);
  read_once(*reader, 4);
  writer->exec("INSERT INTO t VALUES (5)");  // autocommit writes count too
  read_once(*reader, 5);
}

// Connection::snapshot_version, which says whether a kept answer (api/answer_cache.hpp) may
// serve: `now` moves past every snapshot that did not see a change.
class SnapshotVersionTest : public ReadSnapshotTest {
 protected:
  std::unique_ptr<Connection> open() {
    auto connection = std::make_unique<Connection>(path_);
    connection->report_commits_to(commits_);
    return connection;
  }
  // The version of a fresh snapshot of `db`, after one read.
  static Transactions::SnapshotVersion version(Connection& db) {
    db.begin_read();
    count(db);
    auto version = db.snapshot_version();
    db.end_read();
    EXPECT_TRUE(version);
    return version.value_or(Transactions::SnapshotVersion{});
  }
  std::atomic<std::uint64_t> commits_{0};
};

TEST_F(SnapshotVersionTest, NoneOutsideASnapshot) {
  auto reader = open();
  EXPECT_FALSE(reader->snapshot_version());
  Connection uncounted(path_);
  uncounted.begin_read();
  count(uncounted);
  EXPECT_FALSE(uncounted.snapshot_version()) << "no counter to compare with";
  uncounted.end_read();
}

TEST_F(SnapshotVersionTest, UnchangedDataKeepsOneVersion) {
  auto reader = open();
  auto first = version(*reader);
  EXPECT_EQ(first.before, first.now);
  auto second = version(*reader);
  EXPECT_EQ(second.before, second.now);
  EXPECT_EQ(second.now, first.now);
}

TEST_F(SnapshotVersionTest, ACommitThroughTheStoreMovesIt) {
  auto reader = open();
  auto writer = open();
  auto first = version(*reader);
  writer->exec("INSERT INTO t VALUES (4)");
  auto second = version(*reader);
  EXPECT_GT(second.before, first.now) << "counted by the writer's commit";
  // The reader's first look at the change counts it once more: harmless, and the next
  // snapshot's answers may be kept again.
  auto third = version(*reader);
  EXPECT_EQ(third.before, third.now);
  EXPECT_GE(third.now, second.now);
}

TEST_F(SnapshotVersionTest, AnotherProcessesCommitMovesItAtTheFirstSnapshotThatSeesIt) {
  auto reader = open();
  Connection other_process(path_);  // reports to no counter
  auto first = version(*reader);
  other_process.exec("INSERT INTO t VALUES (4)");
  auto seeing = version(*reader);
  EXPECT_EQ(seeing.before, first.now) << "nothing in this process counted it";
  EXPECT_GT(seeing.now, seeing.before) << "the snapshot that saw it counted it";
  auto after = version(*reader);
  EXPECT_EQ(after.before, after.now);
  EXPECT_EQ(after.now, seeing.now);
}

TEST_F(SnapshotVersionTest, ASnapshotBegunWithoutARead) {
  auto reader = open();
  Connection other_process(path_);
  version(*reader);
  other_process.exec("INSERT INTO t VALUES (4)");
  // Between BEGIN and the first read the connection's view is the previous snapshot's; the
  // version is taken from a read of the new one.
  reader->begin_read();
  auto seen = reader->snapshot_version();
  reader->end_read();
  ASSERT_TRUE(seen);
  EXPECT_GT(seen->now, seen->before);
}

TEST_F(SnapshotReuseTest, AStatementOutsideAReadPairNeverRunsInAKeptSnapshot) {
  auto reader = open();
  Connection other_process(path_);
  read_once(*reader, 3);
  other_process.exec("INSERT INTO t VALUES (4)");
  EXPECT_EQ(count(*reader), 4);
  EXPECT_FALSE(in_transaction(*reader));
}

TEST_F(SnapshotReuseTest, AWriteTransactionEndsAKeptSnapshot) {
  auto db = open();
  read_once(*db, 3);
  {
    Transaction write(*db);
    db->prepared("INSERT INTO t VALUES (4)").run();
    write.commit();
  }
  EXPECT_FALSE(in_transaction(*db));
  read_once(*db, 4);
}

TEST_F(SnapshotReuseTest, ReleasingEndsOnlyAnOutOfDateSnapshot) {
  auto reader = open();
  read_once(*reader, 3);
  reader->release_stale_snapshot();
  EXPECT_TRUE(in_transaction(*reader)) << "still current: kept";
  std::this_thread::sleep_for(kWindow);
  reader->release_stale_snapshot();
  EXPECT_FALSE(in_transaction(*reader));

  read_once(*reader, 3);
  auto writer = open();
  writer->exec("INSERT INTO t VALUES (4)");
  reader->release_stale_snapshot();
  EXPECT_FALSE(in_transaction(*reader)) << "a commit through the store makes it stale at once";
}

}  // namespace
}  // namespace accountsd::store::sqlite
