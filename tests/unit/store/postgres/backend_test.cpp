// The PostgreSQL backend's plumbing: a request's reads see one state, a write ends that snapshot
// and is seen by the reads after it, and a partner's writes take turns.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "store/postgres/backend.hpp"
#include "store/postgres/migrate.hpp"
#include "support/postgres_server.hpp"

namespace accountsd::store::postgres {
namespace {

class PostgresBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto url = testing::test_postgres_url();
    if (!url)
      GTEST_SKIP() << "ACCOUNTSD_TEST_POSTGRES is not set (run under scripts/with-postgres)";
    db_.emplace(*url);
    auto c = Connection::open(db_->url(), {});
    migrate(*c);
    c->script(
        "INSERT INTO partners (partner_id, username, name, password_hash, created_at) VALUES "
        "(1, 'p', 'P', 'x', 0), (2, 'q', 'Q', 'x', 0);"
        "INSERT INTO partner_counters (partner_id) VALUES (1), (2)");
    backend_.emplace(db_->url(), PoolOptions{.size = 4});
  }
  std::int64_t shares(Connection& c, int partner) {
    return c
        .exec("SELECT share_count FROM partner_counters WHERE partner_id = $1",
              Params().add(partner))
        .integer(0, 0);
  }
  std::optional<testing::ScratchDatabase> db_;
  std::optional<Backend> backend_;
};

TEST_F(PostgresBackendTest, ReadsInOneScopeSeeOneStateUntilTheScopeWrites) {
  auto other = Connection::open(db_->url(), {});
  backend_->begin_read();
  EXPECT_EQ(backend_->read([&](Connection& c) { return shares(c, 1); }), 0);
  other->script("UPDATE partner_counters SET share_count = 5 WHERE partner_id = 1");
  // Same snapshot: the other connection's commit is not seen.
  EXPECT_EQ(backend_->read([&](Connection& c) { return shares(c, 1); }), 0);
  backend_->write(1, [](Connection& c) {
    c.exec("UPDATE partner_counters SET share_count = share_count + 1 WHERE partner_id = 1");
  });
  // The write ended the snapshot: the next read sees both commits.
  EXPECT_EQ(backend_->read([&](Connection& c) { return shares(c, 1); }), 6);
  backend_->end_read();
  EXPECT_EQ(backend_->pool().stats().idle, backend_->pool().stats().open);
}

TEST_F(PostgresBackendTest, AScopeThatExpectsOneReadSendsItAndItsCheckWithoutATransaction) {
  auto isolation = [](Connection& c) {
    return c.exec("SELECT current_setting('transaction_isolation')", Params()).string(0, 0);
  };
  backend_->begin_read();
  EXPECT_EQ(backend_->read(isolation), "repeatable read");
  backend_->end_read();

  // As a single-object GET runs: the credentials check is queued, then the one read is promised.
  backend_->begin_read();
  std::optional<std::string> checked_in;
  backend_->check_with_next_read("SELECT current_setting('transaction_isolation')", Params(),
                                 [&](const Result& r) { checked_in = r.string(0, 0); });
  backend_->expect_one_read();
  EXPECT_EQ(backend_->read(isolation), "read committed");
  EXPECT_EQ(checked_in, "read committed");  // in the read's round trip, not before it
  backend_->end_read();
  EXPECT_EQ(backend_->pool().stats().idle, backend_->pool().stats().open);

  // The promise ends with its scope: the next one reads in a snapshot again.
  backend_->begin_read();
  EXPECT_EQ(backend_->read(isolation), "repeatable read");
  backend_->end_read();
}

TEST_F(PostgresBackendTest, ASnapshotsVersionMovesWithEveryCommitAnywhereAndOnlyThen) {
  auto version = [&] {
    backend_->begin_read();
    auto v = backend_->snapshot_version();
    backend_->end_read();
    return v ? std::optional<std::uint64_t>(v->now) : std::nullopt;
  };
  // A version, once no other test's transaction is in progress in the cluster.
  auto settled_version = [&] {
    auto v = version();
    for (int i = 0; i < 100 && !v; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      v = version();
    }
    return v;
  };
  // Reads move nothing. Other tests' commits in the cluster do (transaction ids are the
  // cluster's): the same version twice in a row, in one of a few tries, is what reads leave.
  std::optional<std::uint64_t> first;
  bool steady = false;
  for (int i = 0; i < 50 && !steady; ++i) {
    first = version();
    EXPECT_EQ(backend_->read([&](Connection& c) { return shares(c, 1); }), 0);
    steady = first.has_value() && version() == first;
  }
  EXPECT_TRUE(steady);

  // A commit through another connection, of another partner's row.
  auto other = Connection::open(db_->url(), {});
  other->script("UPDATE partner_counters SET share_count = 1 WHERE partner_id = 2");
  auto second = settled_version();
  ASSERT_TRUE(second.has_value());
  EXPECT_NE(second, first);

  // A transaction in progress below a later commit: a snapshot then has no version, until it
  // ends; then one that no snapshot before it had.
  auto slow = Connection::open(db_->url(), {});
  slow->script("BEGIN; UPDATE partner_counters SET share_count = 2 WHERE partner_id = 2");
  other->script("UPDATE partner_counters SET share_count = 3 WHERE partner_id = 1");
  EXPECT_EQ(version(), std::nullopt);
  slow->script("COMMIT");
  auto third = settled_version();
  ASSERT_TRUE(third.has_value());
  EXPECT_NE(third, first);
  EXPECT_NE(third, second);

  // Outside a scope, or in one that promised a single read: none.
  EXPECT_EQ(backend_->snapshot_version(), std::nullopt);
  backend_->begin_read();
  backend_->expect_one_read();
  EXPECT_EQ(backend_->snapshot_version(), std::nullopt);
  backend_->end_read();
}

TEST_F(PostgresBackendTest, ASnapshotsVersionIsReadBeforeItBeginsAndAgainWithItsBegin) {
  auto other = Connection::open(db_->url(), {});
  // Nothing committed between the two: the same version, read before the snapshot and in it.
  // (Another test's commit in the cluster may come between them: tried a few times.)
  bool same = false;
  for (int i = 0; i < 50 && !same; ++i) {
    backend_->begin_read();
    auto before = backend_->snapshot_version();
    EXPECT_EQ(backend_->read([&](Connection& c) { return shares(c, 1); }), 0);
    auto after = backend_->snapshot_version();
    backend_->end_read();
    if (!before || !after) continue;
    EXPECT_EQ(before->before, before->now);
    EXPECT_EQ(after->before, before->now);
    same = after->now == before->now;
  }
  EXPECT_TRUE(same);

  // A commit between the first call and the snapshot's first read: the snapshot sees it, and
  // says that it is not the state the first call read.
  bool compared = false;
  for (int i = 1; i <= 50 && !compared; ++i) {
    backend_->begin_read();
    auto before = backend_->snapshot_version();
    other->exec("UPDATE partner_counters SET share_count = $1 WHERE partner_id = 1",
                Params().add(i));
    EXPECT_EQ(backend_->read([&](Connection& c) { return shares(c, 1); }), i);
    auto after = backend_->snapshot_version();
    backend_->end_read();
    if (!before || !after) continue;  // another test's transaction was in progress
    EXPECT_EQ(after->before, before->now);
    EXPECT_NE(after->now, before->now);
    compared = true;
  }
  EXPECT_TRUE(compared);
}

TEST_F(PostgresBackendTest, APartnersReadCheckWriteSequencesTakeTurnsAndStayExact) {
  constexpr int kThreads = 4;
  constexpr int kWrites = 25;
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t)
    writers.emplace_back([&, t] {
      for (int i = 0; i < kWrites; ++i)
        backend_->write(1 + t % 2, [&](Connection& c) {
          // Read, then write what was read plus one: lost updates unless writes take turns.
          auto n = shares(c, 1 + t % 2);
          c.exec("UPDATE partner_counters SET share_count = $2 WHERE partner_id = $1",
                 Params().add(1 + t % 2).add(n + 1));
        });
    });
  for (auto& w : writers) w.join();
  auto c = Connection::open(db_->url(), {});
  EXPECT_EQ(shares(*c, 1), kThreads / 2 * kWrites);
  EXPECT_EQ(shares(*c, 2), kThreads / 2 * kWrites);
}

TEST_F(PostgresBackendTest, AFailedWriteChangesNothing) {
  EXPECT_THROW(backend_->write(1,
                               [](Connection& c) {
                                 c.exec("UPDATE partner_counters SET share_count = 9");
                                 throw std::runtime_error("refused halfway");
                               }),
               std::runtime_error);
  auto c = Connection::open(db_->url(), {});
  EXPECT_EQ(shares(*c, 1), 0);
  EXPECT_EQ(backend_->pool().stats().idle, backend_->pool().stats().open);
}

}  // namespace
}  // namespace accountsd::store::postgres
