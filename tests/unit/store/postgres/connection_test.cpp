// The PostgreSQL client under the store: statements, errors, timeouts, the pool's bound and
// deadline, retried serialization failures, and waits that never block a fiber's thread.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_future.hpp>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "async/in_fiber.hpp"
#include "async/wait.hpp"
#include "store/postgres/connection.hpp"
#include "store/postgres/pool.hpp"
#include "store/postgres/transaction.hpp"
#include "store/unavailable.hpp"
#include "support/postgres_server.hpp"

namespace accountsd::store::postgres {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

TEST(PostgresConnectionTest, RunsStatementsWithTypedParametersAndResults) {
  ACCOUNTSD_REQUIRE_POSTGRES(url);
  testing::ScratchDatabase db(url);
  auto connection = Connection::open(db.url(), {});
  connection->script("CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT, flag BOOLEAN, data BYTEA)");
  std::string binary("a\0b\xff", 4);
  auto inserted = connection->exec("INSERT INTO t VALUES ($1, $2, $3, $4), ($5, $6, $7, $8)",
                                   Params()
                                       .add(std::int64_t{9'000'000'000})
                                       .add("ünïcode 'quoted'")
                                       .add(true)
                                       .add_bytes(binary)
                                       .add(2)
                                       .add_null()
                                       .add(false)
                                       .add_bytes(""));
  EXPECT_EQ(inserted.affected(), 2);
  auto rows = connection->exec("SELECT id, name, flag, data FROM t ORDER BY id");
  ASSERT_EQ(rows.rows(), 2);
  EXPECT_EQ(rows.integer(0, 0), 2);
  EXPECT_EQ(rows.optional_string(0, 1), std::nullopt);
  EXPECT_FALSE(rows.boolean(0, 2));
  EXPECT_EQ(rows.integer(1, 0), 9'000'000'000);
  EXPECT_EQ(rows.string(1, 1), "ünïcode 'quoted'");
  EXPECT_TRUE(rows.boolean(1, 2));
  EXPECT_EQ(rows.bytes(1, 3), binary);
}

TEST(PostgresConnectionTest, TextWithANulIsRefusedRatherThanCutShort) {
  // libpq would send only "laptop" for "laptop\0x": a lookup or write of something else.
  EXPECT_THROW(Params().add(std::string_view("laptop\0x", 8)), std::invalid_argument);
  // Binary data may hold any byte.
  EXPECT_NO_THROW(Params().add_bytes(std::string_view("laptop\0x", 8)));
}

TEST(PostgresConnectionTest, AConstraintViolationNamesItsCodeAndLeavesTheConnectionUsable) {
  ACCOUNTSD_REQUIRE_POSTGRES(url);
  testing::ScratchDatabase db(url);
  auto connection = Connection::open(db.url(), {});
  connection->script("CREATE TABLE t (id BIGINT CONSTRAINT t_id_unique UNIQUE)");
  connection->exec("INSERT INTO t VALUES ($1)", Params().add(1));
  try {
    connection->exec("INSERT INTO t VALUES ($1)", Params().add(1));
    FAIL() << "a duplicate was accepted";
  } catch (const PgError& e) {
    EXPECT_EQ(e.sqlstate, "23505");
    EXPECT_EQ(e.constraint, "t_id_unique");
    EXPECT_FALSE(e.broken);
  }
  EXPECT_TRUE(connection->usable());
  EXPECT_EQ(connection->exec("SELECT count(*) FROM t").integer(0, 0), 1);
}

// Listings build their SQL from the query's filters: however many texts a connection runs, it
// keeps only so many prepared on the server, and each still runs.
TEST(PostgresConnectionTest, PreparedStatementsStayBoundedAndRunPastTheBound) {
  ACCOUNTSD_REQUIRE_POSTGRES(url);
  testing::ScratchDatabase db(url);
  auto connection = Connection::open(db.url(), {});
  for (int k = 0; k < 600; ++k) {
    auto sql = "SELECT $1::bigint + " + std::to_string(k);
    EXPECT_EQ(connection->exec(sql, Params().add(1)).integer(0, 0), k + 1);
  }
  EXPECT_LE(connection->exec("SELECT count(*) FROM pg_prepared_statements").integer(0, 0), 257);
  EXPECT_EQ(connection->exec("SELECT $1::bigint + 0", Params().add(7)).integer(0, 0), 7);
}

// Statements queued ahead travel with the next one: a transaction begun that way sees its own
// snapshot, checks see their statement's rows, and nothing queued survives a discard.
TEST(PostgresConnectionTest, QueuedStatementsGoWithTheNextOneInOrder) {
  ACCOUNTSD_REQUIRE_POSTGRES(url);
  testing::ScratchDatabase db(url);
  auto connection = Connection::open(db.url(), {});
  connection->script("CREATE TABLE t (id BIGINT PRIMARY KEY)");
  connection->begin_later("BEGIN ISOLATION LEVEL REPEATABLE READ");
  EXPECT_TRUE(connection->in_transaction());  // queued to begin
  std::int64_t seen = -1;
  connection->send_ahead("INSERT INTO t VALUES ($1), ($2)", Params().add(1).add(2));
  connection->send_ahead("SELECT count(*) FROM t", {},
                         [&](const Result& r) { seen = r.integer(0, 0); });
  EXPECT_EQ(seen, -1);  // nothing sent yet
  EXPECT_EQ(connection->exec("SELECT current_setting('transaction_isolation')").string(0, 0),
            "repeatable read");
  EXPECT_EQ(seen, 2);
  connection->commit();
  EXPECT_FALSE(connection->in_transaction());
  EXPECT_EQ(connection->exec("SELECT count(*) FROM t").integer(0, 0), 2);

  // Discarded: never sent.
  connection->begin_later("BEGIN");
  connection->send_ahead("INSERT INTO t VALUES (3)");
  connection->discard_ahead();
  EXPECT_FALSE(connection->in_transaction());
  EXPECT_EQ(connection->exec("SELECT count(*) FROM t").integer(0, 0), 2);

  // A transaction whose BEGIN was never sent commits nothing and costs nothing.
  connection->begin_later("BEGIN");
  connection->commit();
  EXPECT_FALSE(connection->in_transaction());
}

TEST(PostgresConnectionTest, AFailedQueuedStatementFailsTheRoundTripAndSkipsItsChecks) {
  ACCOUNTSD_REQUIRE_POSTGRES(url);
  testing::ScratchDatabase db(url);
  auto connection = Connection::open(db.url(), {});
  connection->script("CREATE TABLE t (id BIGINT PRIMARY KEY)");
  connection->exec("INSERT INTO t VALUES (1)");
  bool checked = false;
  connection->begin_later("BEGIN");
  connection->send_ahead("INSERT INTO t VALUES (1)");  // a duplicate
  connection->send_ahead("SELECT 1", {}, [&](const Result&) { checked = true; });
  try {
    connection->exec("INSERT INTO t VALUES (2)");
    ADD_FAILURE() << "the duplicate was not refused";
  } catch (const PgError& e) {
    EXPECT_EQ(e.sqlstate, "23505");
    EXPECT_FALSE(e.broken);
  }
  EXPECT_FALSE(checked);
  rollback_quietly(*connection);
  ASSERT_TRUE(connection->usable());
  EXPECT_EQ(connection->exec("SELECT count(*) FROM t").integer(0, 0), 1);
  // A check that throws does so once the round trip is read: the connection stays in step.
  connection->send_ahead("SELECT 1", {}, [](const Result&) { throw std::logic_error("no"); });
  EXPECT_THROW(connection->exec("SELECT 2"), std::logic_error);
  EXPECT_EQ(connection->exec("SELECT 3").integer(0, 0), 3);
}

TEST(PostgresConnectionTest, ATransactionEndedLaterIsOverByTheNextStatement) {
  ACCOUNTSD_REQUIRE_POSTGRES(url);
  testing::ScratchDatabase db(url);
  auto connection = Connection::open(db.url(), {});
  connection->script("CREATE TABLE t (id BIGINT PRIMARY KEY)");
  for (int round = 0; round < 3; ++round) {
    connection->begin_later("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    EXPECT_EQ(connection->exec("SELECT count(*) FROM t").integer(0, 0), round);
    connection->end_transaction_later();
    EXPECT_FALSE(connection->in_transaction());
    // Seen by a statement of its own (not in the old snapshot), after a write elsewhere.
    auto other = Connection::open(db.url(), {});
    other->exec("INSERT INTO t VALUES ($1)", Params().add(round));
  }
  EXPECT_EQ(connection->exec("SELECT count(*) FROM t").integer(0, 0), 3);
  // A script after one also finds the session idle.
  connection->begin_later("BEGIN");
  connection->exec("SELECT 1");
  connection->end_transaction_later();
  connection->script("BEGIN ISOLATION LEVEL SERIALIZABLE; COMMIT");
  EXPECT_FALSE(connection->in_transaction());
}

// Past the bound, the statements are forgotten in the same round trip as the next statement: a
// transaction begun with it must still be able to set its isolation level.
TEST(PostgresConnectionTest, ForgettingPreparedStatementsLeavesTheNextBeginFirst) {
  ACCOUNTSD_REQUIRE_POSTGRES(url);
  testing::ScratchDatabase db(url);
  auto connection = Connection::open(db.url(), {});
  for (int k = 0; k < 300; ++k) {
    connection->begin_later("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    auto sql = "SELECT $1::bigint + " + std::to_string(k);
    EXPECT_EQ(connection->exec(sql, Params().add(1)).integer(0, 0), k + 1);
    connection->end_transaction_later();
  }
  EXPECT_LE(connection->exec("SELECT count(*) FROM pg_prepared_statements").integer(0, 0), 257);
}

TEST(PostgresConnectionTest, AStatementPastItsTimeoutIsCancelledByTheServer) {
  ACCOUNTSD_REQUIRE_POSTGRES(url);
  ConnectOptions options;
  options.statement_timeout = 100ms;
  auto connection = Connection::open(url, options);
  try {
    connection->exec("SELECT pg_sleep(5)");
    FAIL() << "the statement outlived statement_timeout";
  } catch (const PgError& e) {
    EXPECT_EQ(e.sqlstate, "57014");  // query_canceled
  }
  EXPECT_TRUE(connection->usable());
  EXPECT_EQ(connection->exec("SELECT 1").integer(0, 0), 1);
}

TEST(PostgresConnectionTest, AnUnreachableServerIsAnError) {
  EXPECT_THROW(Connection::open("postgresql://nobody@127.0.0.1:1/none", {}), PgError);
}

TEST(PostgresPoolTest, WaitsForAFreeConnectionAndRefusesPastItsDeadline) {
  ACCOUNTSD_REQUIRE_POSTGRES(url);
  Pool pool(url, {.size = 2, .wait = 150ms, .connect = {}});
  auto first = pool.acquire();
  auto second = pool.acquire();
  auto started = std::chrono::steady_clock::now();
  EXPECT_THROW(pool.acquire(), Unavailable);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 150ms);
  EXPECT_EQ(pool.stats().timeouts, 1u);

  // A waiter gets the connection handed back, not a new one.
  std::thread waiter([&] {
    auto third = pool.acquire();
    EXPECT_EQ(third->exec("SELECT 1").integer(0, 0), 1);
  });
  while (pool.stats().waiting == 0) std::this_thread::yield();
  { auto handed_back = std::move(first); }
  waiter.join();
  EXPECT_EQ(pool.stats().open, 2u);
}

TEST(PostgresPoolTest, ABrokenConnectionIsClosedAndReplaced) {
  ACCOUNTSD_REQUIRE_POSTGRES(url);
  Pool pool(url, {.size = 1, .wait = 1s, .connect = {}});
  {
    auto lease = pool.acquire();
    auto pid = lease->exec("SELECT pg_backend_pid()").integer(0, 0);
    auto other = Connection::open(url, {});
    other->exec("SELECT pg_terminate_backend($1)", Params().add(pid));
    EXPECT_THROW(lease->exec("SELECT 1"), PgError);
    EXPECT_FALSE(lease->usable());
  }
  auto replacement = pool.acquire();
  EXPECT_EQ(replacement->exec("SELECT 1").integer(0, 0), 1);
}

// Runs `body` in a fiber on `io`, from this thread, until everything there is done.
std::int64_t run_in_fiber(asio::io_context& io, std::function<std::int64_t()> body) {
  auto result =
      asio::co_spawn(io, async::in_fiber<std::int64_t>(std::move(body)), asio::use_future);
  io.restart();
  io.run();
  return result.get();
}

std::int64_t backend_pid(Connection& c) {
  return c.exec("SELECT pg_backend_pid()").integer(0, 0);
}

// A connection's socket stays registered with the io_context that last waited on it; the pool
// hands it to a fiber there first, so that its waits need no move (async::WatchedFd).
TEST(PostgresPoolTest, AFreeConnectionGoesFirstToAFiberWhereItsSocketIsRegistered) {
  ACCOUNTSD_REQUIRE_POSTGRES(url);
  Pool pool(url, {.size = 2, .wait = 5s, .connect = {}});
  asio::io_context a;
  asio::io_context b;
  std::int64_t first = 0;
  std::int64_t second = 0;
  run_in_fiber(a, [&] {
    auto x = pool.acquire();
    auto y = pool.acquire();
    first = backend_pid(*x);
    second = backend_pid(*y);
    return 0;
  });  // both given back, `first` last
  // `b` takes the last given back, there being none of its own, and moves it to `b`.
  EXPECT_EQ(run_in_fiber(b, [&] { return backend_pid(*pool.acquire()); }), first);
  // Given back last, it is not what `a` gets: `second` is still registered there.
  EXPECT_EQ(run_in_fiber(a, [&] { return backend_pid(*pool.acquire()); }), second);
  EXPECT_EQ(run_in_fiber(b, [&] { return backend_pid(*pool.acquire()); }), first);
}

TEST(PostgresPoolTest, AConnectionHandedBackGoesToAWaiterWhereItsSocketIsRegisteredOncePastEach) {
  ACCOUNTSD_REQUIRE_POSTGRES(url);
  Pool pool(url, {.size = 1, .wait = 5s, .connect = {}});
  asio::io_context a;
  asio::io_context b;
  auto keep_a = asio::make_work_guard(a);
  auto keep_b = asio::make_work_guard(b);
  std::thread run_a([&] { a.run(); });
  std::thread run_b([&] { b.run(); });
  auto spawn = [](asio::io_context& io, std::function<bool()> body) {
    return asio::co_spawn(io, async::in_fiber<bool>(std::move(body)), asio::use_future);
  };
  auto release = std::make_shared<async::Wakeup>();
  std::atomic<bool> held = false;
  auto holder = spawn(a, [&] {
    auto lease = pool.acquire();
    lease->exec("SELECT 1");  // registered with `a`
    held = true;
    return release->wait(std::chrono::steady_clock::now() + 5s);
  });
  while (!held) std::this_thread::yield();
  std::mutex mutex;
  std::vector<char> order;
  auto waiter = [&](char name) {
    return [&, name] {
      auto lease = pool.acquire();
      {
        std::lock_guard lock(mutex);
        order.push_back(name);
      }
      return lease->exec("SELECT 1").integer(0, 0) == 1;
    };
  };
  auto from_b = spawn(b, waiter('b'));  // first in line
  while (pool.stats().waiting < 1) std::this_thread::yield();
  auto from_a = spawn(a, waiter('a'));
  while (pool.stats().waiting < 2) std::this_thread::yield();
  auto again_from_a = spawn(a, waiter('c'));
  while (pool.stats().waiting < 3) std::this_thread::yield();
  release->notify();
  EXPECT_TRUE(holder.get());
  EXPECT_TRUE(from_a.get());
  EXPECT_TRUE(from_b.get());
  EXPECT_TRUE(again_from_a.get());
  keep_a.reset();
  keep_b.reset();
  run_a.join();
  run_b.join();
  // `a` went ahead of `b` once; `b`, passed over, comes before `c` though `c` is on `a` too.
  EXPECT_EQ(order, (std::vector<char>{'a', 'b', 'c'}));
}

// Exact under contention: every serialization failure is retried, none is lost or doubled.
TEST(PostgresTransactionTest, SerializationFailuresAreRetriedUntilEveryIncrementLands) {
  ACCOUNTSD_REQUIRE_POSTGRES(url);
  testing::ScratchDatabase db(url);
  Connection::open(db.url(), {})
      ->script("CREATE TABLE counter (n BIGINT NOT NULL); INSERT INTO counter VALUES (0)");
  constexpr int kThreads = 4;
  constexpr int kIncrements = 25;
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&] {
      auto connection = Connection::open(db.url(), {});
      for (int i = 0; i < kIncrements; ++i) {
        transact(*connection, Isolation::serializable, [](Connection& c) {
          auto n = c.exec("SELECT n FROM counter").integer(0, 0);
          c.exec("UPDATE counter SET n = $1", Params().add(n + 1));
        });
      }
    });
  }
  for (auto& w : writers) w.join();
  EXPECT_EQ(Connection::open(db.url(), {})->exec("SELECT n FROM counter").integer(0, 0),
            kThreads * kIncrements);
}

// One thread, two fibers: the first waits inside PostgreSQL for a lock that only the second
// releases, after a timer. Were the first fiber's wait to block the thread, neither the timer
// nor the second fiber could run, and the first would fail at its statement timeout.
TEST(PostgresFiberTest, AStatementWaitingInTheDatabaseLeavesItsThreadFree) {
  ACCOUNTSD_REQUIRE_POSTGRES(url);
  Pool pool(url, {.size = 2, .wait = 5s, .connect = {.statement_timeout = 5s}});
  auto holder = Connection::open(url, {});
  holder->exec("SELECT pg_advisory_lock(4242)");
  asio::io_context io;
  std::atomic<bool> locked = false;
  asio::co_spawn(
      asio::make_strand(io),
      [&]() -> asio::awaitable<void> {
        locked = co_await async::in_fiber<bool>([&] {
          auto lease = pool.acquire();
          lease->exec("SELECT pg_advisory_lock(4242)");
          lease->exec("SELECT pg_advisory_unlock(4242)");
          return true;
        });
      },
      asio::detached);
  asio::steady_timer later(io, 200ms);
  later.async_wait([&](auto) {
    asio::co_spawn(
        asio::make_strand(io),
        [&]() -> asio::awaitable<void> {
          co_await async::in_fiber<bool>([&] {
            // In a fiber too: its statement waits on the same thread as the blocked one.
            auto lease = pool.acquire();
            lease->exec("SELECT 1");
            holder->exec("SELECT pg_advisory_unlock(4242)");
            return true;
          });
        },
        asio::detached);
  });
  io.run();
  EXPECT_TRUE(locked);
}

// A transaction that its work refuses is rolled back, which waits for the server and so may
// move the fiber to another of the I/O threads; the refusal still comes out whole, each fiber's
// own (a handler's `throw;` after such a wait found no exception there, and terminated).
TEST(PostgresFiberTest, ARefusedTransactionRethrowsItsOwnExceptionWhicheverThreadResumesIt) {
  ACCOUNTSD_REQUIRE_POSTGRES(url);
  constexpr int kFibers = 24;
  Pool pool(url, {.size = 8, .wait = 10s});
  asio::io_context io;
  std::atomic<int> whole = 0;
  for (int f = 0; f < kFibers; ++f) {
    asio::co_spawn(
        asio::make_strand(io),
        [&, f]() -> asio::awaitable<void> {
          try {
            bool own = co_await async::in_fiber<bool>([&, f] {
              auto lease = pool.acquire();
              for (int round = 0; round < 5; ++round) {
                try {
                  transact(*lease, Isolation::read_committed, [&](Connection& c) {
                    c.exec("SELECT pg_sleep(0.001)");
                    throw std::runtime_error("refused " + std::to_string(f));
                  });
                } catch (const std::runtime_error& e) {
                  if (e.what() != "refused " + std::to_string(f)) return false;
                }
              }
              return true;
            });
            if (own) ++whole;
          } catch (...) {
          }
        },
        asio::detached);
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back([&] { io.run(); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(whole, kFibers);
}

}  // namespace
}  // namespace accountsd::store::postgres
