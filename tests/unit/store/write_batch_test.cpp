// WriteBatch: members of one open batch share its ticket and see each other's writes while other
// connections see none until the syncer commits it; a member's failed write undoes itself alone;
// a batch that SQLite rolled back fails every member that wrote in it; commit_now and empty
// batches end at once; a batch nobody waits for is still committed; try_join is refused while the
// turn is held and when_turn_free wakes its waiter once it is given back.
#include "store/sqlite/write_batch.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/gate.hpp"
#include "support/sqlite_checks.hpp"

namespace accountsd::store::sqlite {
namespace {

using namespace std::chrono_literals;

class WriteBatchTest : public ::testing::Test {
 protected:
  WriteBatchTest() {
    Connection setup(db_.path);
    setup.exec("CREATE TABLE t (x INTEGER PRIMARY KEY, v TEXT UNIQUE)");
    syncer_ = std::make_unique<WalSyncer>([] { return std::error_code(); },
                                          [this] {
                                            gate_.pass();
                                            return batch_->commit_open();
                                          });
    batch_ = std::make_unique<WriteBatch>(db_.path, StoreOptions{}, commits_, *syncer_);
    reader_ = std::make_unique<Connection>(db_.path);
  }
  ~WriteBatchTest() override {
    gate_.release();
    batch_->commit_open();
    syncer_.reset();
    batch_.reset();
  }

  // One member's turn: `work` on the writer inside a savepoint, as WriteTransaction does.
  std::uint64_t member(const std::string& sql, bool commit_now = false) {
    auto& db = batch_->join();
    bool wrote = false;
    db.exec("SAVEPOINT write");
    try {
      db.exec(sql);
      db.exec("RELEASE write");
      wrote = true;
    } catch (const SqliteError&) {
      db.exec("ROLLBACK TO write");
      db.exec("RELEASE write");
    }
    return batch_->leave(wrote, commit_now);
  }
  static std::int64_t count(Connection& db) {
    auto& rows = db.prepared("SELECT count(*) FROM t");
    rows.step();
    auto n = rows.integer(0);
    rows.reset();
    return n;
  }
  // What when_durable answers for `ticket`, within 10 s.
  std::optional<bool> durable(std::uint64_t ticket) {
    auto result = std::make_shared<std::promise<bool>>();
    auto future = result->get_future();
    syncer_->when_durable(ticket, [result](bool ok) { result->set_value(ok); });
    if (future.wait_for(10s) != std::future_status::ready) return std::nullopt;
    return future.get();
  }
  // The same, answered later.
  std::future<bool> durable_later(std::uint64_t ticket) {
    auto result = std::make_shared<std::promise<bool>>();
    auto future = result->get_future();
    syncer_->when_durable(ticket, [result](bool ok) { result->set_value(ok); });
    return future;
  }

  testing::TempDatabase db_;
  std::atomic<std::uint64_t> commits_{0};
  // Holds the syncer before it commits the open batch, until released.
  testing::Gate gate_;
  std::unique_ptr<WalSyncer> syncer_;
  std::unique_ptr<WriteBatch> batch_;
  std::unique_ptr<Connection> reader_;
};

TEST_F(WriteBatchTest, MembersShareTheBatchAndItsTicketAndOthersSeeItOnlyOnceCommitted) {
  gate_.hold();
  auto first = member("INSERT INTO t (v) VALUES ('a')");
  // The next member sees the first one's write.
  auto& db = batch_->join();
  EXPECT_EQ(count(db), 1);
  batch_->leave(false, false);
  auto second = member("INSERT INTO t (v) VALUES ('b')");
  EXPECT_GT(first, 0u);
  EXPECT_EQ(second, first);
  EXPECT_EQ(count(*reader_), 0);  // not committed: the syncer is held before its commit

  auto done = durable_later(first);
  EXPECT_EQ(done.wait_for(100ms), std::future_status::timeout);
  auto commits_before = commits_.load();
  gate_.release();
  ASSERT_EQ(done.wait_for(10s), std::future_status::ready);
  EXPECT_TRUE(done.get());
  EXPECT_EQ(count(*reader_), 2);
  EXPECT_EQ(commits_.load(), commits_before + 1);  // one COMMIT for both
  // The next batch has a ticket of its own.
  EXPECT_GT(member("INSERT INTO t (v) VALUES ('c')"), first);
}

TEST_F(WriteBatchTest, AFailedWriteUndoesItselfAloneAndTakesNoTicket) {
  gate_.hold();
  auto kept = member("INSERT INTO t (v) VALUES ('a')");
  EXPECT_EQ(member("INSERT INTO t (v) VALUES ('a')"), 0u);  // unique violation
  auto also_kept = member("INSERT INTO t (v) VALUES ('b')");
  EXPECT_EQ(also_kept, kept);
  gate_.release();
  EXPECT_EQ(durable(kept), std::optional<bool>(true));
  EXPECT_EQ(count(*reader_), 2);
}

TEST_F(WriteBatchTest, ABatchThatSqliteRolledBackFailsEveryMemberThatWroteInIt) {
  gate_.hold();
  auto lost = member("INSERT INTO t (v) VALUES ('a')");
  // As SQLite does after some failures (a full disk, an I/O error): the whole transaction is
  // gone, earlier members' writes with it.
  auto& db = batch_->join();
  db.exec("ROLLBACK");
  EXPECT_EQ(batch_->leave(false, false), 0u);
  auto next = member("INSERT INTO t (v) VALUES ('b')");
  EXPECT_GT(next, lost);
  gate_.release();
  EXPECT_EQ(durable(lost), std::optional<bool>(false));
  EXPECT_EQ(durable(next), std::optional<bool>(true));
  EXPECT_EQ(durable(lost), std::optional<bool>(false));  // asked again after its sync
  auto& rows = reader_->prepared("SELECT v FROM t");
  ASSERT_TRUE(rows.step());
  EXPECT_EQ(rows.text(0), "b");
  EXPECT_FALSE(rows.step());
}

TEST_F(WriteBatchTest, CommitNowIsSeenByOtherConnectionsAtOnce) {
  gate_.hold();
  auto ticket = member("INSERT INTO t (v) VALUES ('a')", true);
  EXPECT_GT(ticket, 0u);
  EXPECT_EQ(count(*reader_), 1);
  gate_.release();
  EXPECT_EQ(durable(ticket), std::optional<bool>(true));
}

TEST_F(WriteBatchTest, AMemberThatWroteNothingEndsAnEmptyBatchAndFreesTheWriteLock) {
  gate_.hold();
  auto& db = batch_->join();
  EXPECT_EQ(count(db), 0);
  EXPECT_EQ(batch_->leave(false, false), 0u);
  // Another connection gets SQLite's write lock without waiting.
  Connection other(db_.path);
  sqlite3_busy_timeout(other.handle(), 0);
  EXPECT_NO_THROW(other.exec("BEGIN IMMEDIATE"));
  other.exec("ROLLBACK");
}

TEST_F(WriteBatchTest, ABatchNobodyWaitsForIsCommittedAnyway) {
  member("INSERT INTO t (v) VALUES ('a')");
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (count(*reader_) == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(1ms);
  EXPECT_EQ(count(*reader_), 1);
}

TEST_F(WriteBatchTest, MembersOnSeveralThreadsTakeTurns) {
  constexpr int kThreads = 4;
  constexpr int kEach = 50;
  std::vector<std::future<std::vector<std::uint64_t>>> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.push_back(std::async(std::launch::async, [this, t] {
      std::vector<std::uint64_t> tickets;
      for (int i = 0; i < kEach; ++i) {
        tickets.push_back(member("INSERT INTO t (v) VALUES ('" + std::to_string(t) + "-" +
                                 std::to_string(i) + "')"));
      }
      return tickets;
    }));
  }
  for (auto& worker : workers) {
    for (auto ticket : worker.get()) EXPECT_EQ(durable(ticket), std::optional<bool>(true));
  }
  EXPECT_EQ(count(*reader_), kThreads * kEach);
}

TEST_F(WriteBatchTest, TryJoinIsRefusedWhileTheTurnIsHeldAndItsWaiterIsWokenWhenGivenBack) {
  std::promise<void> joined;
  std::promise<void> done;
  auto holder = std::async(std::launch::async, [&] {
    batch_->join();
    joined.set_value();
    done.get_future().wait();
    return batch_->leave(false, false);
  });
  joined.get_future().wait();
  EXPECT_EQ(batch_->try_join(), nullptr);
  std::atomic<int> woken{0};
  batch_->when_turn_free([&] { ++woken; });
  EXPECT_EQ(woken.load(), 0);
  done.set_value();
  EXPECT_EQ(holder.get(), 0u);
  EXPECT_EQ(woken.load(), 1);  // by the holder's leave, before it returned
  auto* writer = batch_->try_join();
  ASSERT_NE(writer, nullptr);
  writer->exec("INSERT INTO t (v) VALUES ('after')");
  auto ticket = batch_->leave(true, false);
  EXPECT_EQ(durable(ticket), std::optional<bool>(true));
  EXPECT_EQ(count(*reader_), 1);
  EXPECT_EQ(woken.load(), 1);  // once only
}

TEST_F(WriteBatchTest, AWaiterForAFreeTurnIsWokenAtOnce) {
  std::atomic<int> woken{0};
  batch_->when_turn_free([&] { ++woken; });
  EXPECT_EQ(woken.load(), 1);
}

TEST_F(WriteBatchTest, MembersThatWaitInsteadOfBlockingAreAllWokenAndAllWrite) {
  // Each thread takes the turn without blocking, and when refused waits for its wake-up, as the
  // server's I/O threads do; one more thread joins blocking, as the syncer and others do. A lost
  // wake-up leaves a thread waiting past the deadline.
  constexpr int kThreads = 4;
  constexpr int kEach = 100;
  std::atomic<int> lost{0};
  auto waiting_member = [&](int t) {
    std::vector<std::uint64_t> tickets;
    for (int i = 0; i < kEach; ++i) {
      Connection* writer = nullptr;
      while (!(writer = batch_->try_join())) {
        auto woken = std::make_shared<std::promise<void>>();
        auto future = woken->get_future();
        batch_->when_turn_free([woken] { woken->set_value(); });
        if (future.wait_for(10s) != std::future_status::ready) {
          ++lost;
          return tickets;
        }
      }
      writer->exec("INSERT INTO t (v) VALUES ('" + std::to_string(t) + "-" + std::to_string(i) +
                   "')");
      tickets.push_back(batch_->leave(true, false));
    }
    return tickets;
  };
  std::vector<std::future<std::vector<std::uint64_t>>> workers;
  for (int t = 0; t < kThreads; ++t)
    workers.push_back(std::async(std::launch::async, waiting_member, t));
  workers.push_back(std::async(std::launch::async, [this] {
    std::vector<std::uint64_t> tickets;
    for (int i = 0; i < kEach; ++i)
      tickets.push_back(member("INSERT INTO t (v) VALUES ('blocking-" + std::to_string(i) + "')"));
    return tickets;
  }));
  std::size_t written = 0;
  for (auto& worker : workers) {
    for (auto ticket : worker.get()) {
      EXPECT_EQ(durable(ticket), std::optional<bool>(true));
      ++written;
    }
  }
  EXPECT_EQ(lost.load(), 0);
  EXPECT_EQ(written, std::size_t((kThreads + 1) * kEach));
  EXPECT_EQ(count(*reader_), (kThreads + 1) * kEach);
}

}  // namespace
}  // namespace accountsd::store::sqlite
