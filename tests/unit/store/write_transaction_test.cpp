// WriteTransaction under group commit outside any request (an operator's command): its commit
// commits the batch at once, and says so when that COMMIT fails instead of returning as if the
// write were made.
#include "store/sqlite/write_transaction.hpp"

#include <gtest/gtest.h>

#include <string>

#include "support/sqlite_checks.hpp"

namespace accountsd::store::sqlite {
namespace {

class WriteTransactionTest : public ::testing::Test {
 protected:
  WriteTransactionTest() {
    Connection setup(db_.path);
    // A deferred foreign key is checked at COMMIT: a way to make the COMMIT itself fail.
    setup.exec("CREATE TABLE parent (id INTEGER PRIMARY KEY)");
    setup.exec(
        "CREATE TABLE child (parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY "
        "DEFERRED)");
  }
  std::int64_t children() {
    Connection reader(db_.path);
    auto& rows = reader.prepared("SELECT count(*) FROM child");
    rows.step();
    auto n = rows.integer(0);
    rows.reset();
    return n;
  }

  testing::TempDatabase db_;
  SqliteBackend backend_{db_.path, StoreOptions{.synchronous = Synchronous::group}};
};

TEST_F(WriteTransactionTest, ACommittedWriteIsSeenByOtherConnectionsAtOnce) {
  {
    WriteTransaction txn(backend_);
    txn.db().exec("INSERT INTO parent VALUES (1)");
    txn.db().exec("INSERT INTO child VALUES (1)");
    txn.commit();
  }
  EXPECT_EQ(children(), 1);
}

TEST_F(WriteTransactionTest, ACommitThatFailsThrowsAndChangesNothing) {
  {
    WriteTransaction txn(backend_);
    txn.db().exec("INSERT INTO child VALUES (42)");  // no parent 42
    EXPECT_THROW(txn.commit(), SqliteError);
  }
  EXPECT_EQ(children(), 0);
  // The writer is usable again afterwards.
  WriteTransaction next(backend_);
  next.db().exec("INSERT INTO parent VALUES (7)");
  next.db().exec("INSERT INTO child VALUES (7)");
  EXPECT_NO_THROW(next.commit());
  EXPECT_EQ(children(), 1);
}

}  // namespace
}  // namespace accountsd::store::sqlite
