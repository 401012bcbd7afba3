// What the PostgreSQL store's role classes share: the connection pool, and how a statement finds
// its connection: this fiber's read snapshot when one is open, a write transaction that locks the
// partner's writes into turns, or a pooled connection on its own.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "async/local.hpp"
#include "store/postgres/pool.hpp"
#include "store/postgres/transaction.hpp"
#include "store/transactions.hpp"

namespace accountsd::store::postgres {

class Backend {
 public:
  Backend(std::string url, PoolOptions options);

  // Runs `read(connection)`: inside this fiber's snapshot when begin_read() opened one (begun on
  // the first read, REPEATABLE READ READ ONLY, so that every read of a request sees one state),
  // else on a pooled connection by itself.
  template <typename Read>
  auto read(Read&& read) -> std::invoke_result_t<Read&, Connection&> {
    auto& snapshot = snapshot_.get();
    if (snapshot.depth > 0) return read(snapshot_connection(snapshot));
    auto lease = pool_.acquire();
    return read(*lease);
  }

  // Runs `read(connection)` on a pooled connection by itself even inside a snapshot: it sees
  // what has been committed by now.
  template <typename Read>
  auto read_fresh(Read&& read) -> std::invoke_result_t<Read&, Connection&> {
    auto lease = pool_.acquire();
    return read(*lease);
  }

  // Runs `write(connection)` in one READ COMMITTED transaction, again from the start on a
  // serialization failure or deadlock. With `partner`, its partner_counters row is locked first:
  // a partner's writes take turns, as every write does on SQLite, so that a check and the change
  // it allows (quota, uniqueness across rows) see no interleaved write, and its counters stay
  // exact; different partners' writes run side by side. Ends this fiber's snapshot first (a
  // later read begins a new one, which sees the write).
  template <typename Write>
  auto write(std::optional<std::int64_t> partner, Write&& write)
      -> std::invoke_result_t<Write&, Connection&> {
    // A check waiting for this scope's first read is made before anything is written.
    settle_checks();
    auto& snapshot = snapshot_.get();
    // Inside a begin_read scope that has read, its connection serves (and stays for the scope's
    // next read); otherwise one for this write alone.
    std::optional<Pool::Lease> own;
    Connection* connection = nullptr;
    if (snapshot.lease) {
      end_snapshot(snapshot);
      connection = &**snapshot.lease;
    } else {
      own.emplace(pool_.acquire());
      connection = &**own;
    }
    return transact(*connection, Isolation::read_committed, [&](Connection& c) {
      tell_audit_context(c);
      if (partner) lock_partner(c, *partner);
      return write(c);
    });
  }

  // Read snapshots, as store::Transactions has them: pairs nest, the outermost ends it.
  void begin_read();
  void end_read() noexcept;

  // Runs `sql` and gives `check` its result (which may throw): inside a begin_read scope, in its
  // snapshot, sent with the scope's first statement and in its round trip; outside one, now.
  void check_with_next_read(std::string sql, Params params,
                            std::function<void(const Result&)> check);
  // Makes this scope's checks now if no read has carried them yet.
  void settle_checks();
  // The rest of this scope reads with one statement: that one goes without BEGIN, in the
  // implicit transaction of its round trip, and no ROLLBACK follows it. For a single-object read
  // this halves the statements PostgreSQL runs and the times it wakes. A second round trip opens
  // the snapshot after all (a debug build stops there: the caller promised one).
  void expect_one_read();
  // Where this scope's snapshot stands among the cluster's commits (Transactions::
  // snapshot_version): the first call, before the scope's reads, reads the version before the
  // snapshot begins (`before` and `now` both), in one round trip with the checks queued; the
  // snapshot's own is read with its BEGIN, and a call after the reads gives it as `now`. None
  // outside a scope, in one that promised a single read, or when a transaction was in progress.
  std::optional<Transactions::SnapshotVersion> snapshot_version();

  Pool& pool() { return pool_; }

 private:
  struct Snapshot {
    int depth = 0;
    std::optional<Pool::Lease> lease;  // held from the first read in a scope to its end
    bool open = false;      // a REPEATABLE READ transaction is open (or queued to) on `lease`
    bool one_read = false;  // expect_one_read() was called
    // With one_read, after the first read: `lease`'s round trips before it.
    std::optional<std::uint64_t> trips_before_read;
    // Once snapshot_version() was called: the version before the snapshot began, and the one it
    // was begun at (set by the answer to a statement sent with its BEGIN, hence shared).
    struct Versions {
      std::optional<std::uint64_t> before;
      std::optional<std::uint64_t> seen;
    };
    std::shared_ptr<Versions> versions;
  };

  // The scope's connection, leased at its first use; nothing is queued on it.
  Connection& snapshot_lease(Snapshot& snapshot);
  // The scope's connection for a read, with its snapshot begun (or queued to) unless it is
  // the one read that expect_one_read() allows.
  Connection& snapshot_connection(Snapshot& snapshot);
  void end_snapshot(Snapshot& snapshot) noexcept;
  static void lock_partner(Connection& connection, std::int64_t partner);
  // Tells the audit log's triggers who is writing (store/audit_context.hpp), for this
  // transaction alone; nothing when no one has said.
  static void tell_audit_context(Connection& connection);

  Pool pool_;
  async::Local<Snapshot> snapshot_;
};

}  // namespace accountsd::store::postgres
