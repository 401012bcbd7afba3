// The transactions role of the store: read snapshots and durability tickets. Only the app and the
// server use it; the other roles open their own transactions.
#pragma once

#include <cstdint>
#include <optional>

#include "unique_function.hpp"

namespace accountsd::store {

class Transactions {
 public:
  virtual ~Transactions() = default;

  // Read snapshots: the reads of one request between these see one state of the database (and,
  // on SQLite, take the read lock once). Pairs nest: the outermost one begins and ends the
  // snapshot. A write begun meanwhile ends the snapshot first.
  virtual void begin_read() = 0;
  virtual void end_read() noexcept = 0;
  // Ends this thread's kept snapshot if it is out of date (StoreOptions::snapshot_reuse); call
  // it between requests, at least every few milliseconds, so that none holds the WAL back.
  virtual void release_stale_snapshot() noexcept = 0;
  // Makes now the checks that wait for this snapshot's first read (PartnerStore::
  // expect_credentials), when no read has carried them; they throw what they find.
  virtual void settle_checks() {}
  // Says that what is left of this snapshot's reads is one statement (and the checks that go
  // with it): on PostgreSQL it then needs no transaction of its own, since one statement sees
  // one state anyway. Nothing on SQLite, whose snapshots cost no round trip.
  virtual void expect_one_read() {}

  // Where this thread's read snapshot stands among the changes to the database, for answers
  // kept whole (api/answer_cache.hpp); call it inside a snapshot before the reads an answer is
  // made of (to look the answer up under `now`) and again after them (to keep it only if
  // nothing changed in between: the same `before` and `now`, and `before` equal to `now`).
  // `before`: the count of changes known before the snapshot began, so the snapshot holds at
  // least those. `now`: the count now, once this snapshot's own view has been added to it (a
  // change committed by another process counts from the first snapshot that sees it). An answer
  // read in a snapshot whose `before` equals its `now` may serve any snapshot whose `now` is
  // still that number. nullopt: this backend cannot tell cheaply, or not for this snapshot.
  // SQLite counts in the process; PostgreSQL reads the cluster's own count, the same for every
  // server on it, the first time before its snapshot begins (Backend::snapshot_version).
  struct SnapshotVersion {
    std::uint64_t before = 0;
    std::uint64_t now = 0;
  };
  virtual std::optional<SnapshotVersion> snapshot_version() { return std::nullopt; }

  // A request that may write (any method but GET), around its handling. With group commit
  // (SQLite, StoreOptions::synchronous == group) its first use of the store joins the open
  // batch of requests' writes, where it reads and writes until the end; the batch is committed
  // and synced at once. Pairs nest. Nothing in the other modes.
  virtual void begin_write_request() noexcept {}
  virtual void end_write_request() noexcept {}
  // Group commit: the batch admits one request at a time (its turn). A server takes the turn
  // for this thread's next write request before handling it, and when another holds it, serves
  // other connections until `wake` is called (on any thread) and tries again, rather than
  // blocking its thread at the request's first use of the store. The write request then holds
  // the turn as if it had joined; give_back_write_turn() gives it back if none did. True, and
  // nothing, in the other modes.
  virtual bool try_take_write_turn() noexcept { return true; }
  virtual void when_write_turn_free(UniqueFunction<void()> wake) { wake(); }
  virtual void give_back_write_turn() noexcept {}

  // Group commit: a write request's change is committed and on disk only after it has ended.
  // The ticket of this thread's latest write request that wrote, since the last call, then 0
  // until the next one; always 0 in the other modes, whose commits are durable (or never will
  // be) when they return.
  virtual std::uint64_t take_commit_ticket() = 0;
  // Calls `done(true)` once commit `ticket` is on disk (at once for 0 or a commit already
  // synced, else from another thread), or `done(false)` if that could not be ensured.
  virtual void when_durable(std::uint64_t ticket, UniqueFunction<void(bool ok)> done) = 0;
};

// Holds a read snapshot for a scope.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(Transactions& transactions) : transactions_(transactions) {
    transactions_.begin_read();
  }
  ~ReadSnapshot() { transactions_.end_read(); }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  Transactions& transactions_;
};

// Holds a write request for a scope.
class WriteRequest {
 public:
  explicit WriteRequest(Transactions& transactions) : transactions_(transactions) {
    transactions_.begin_write_request();
  }
  ~WriteRequest() { transactions_.end_write_request(); }
  WriteRequest(const WriteRequest&) = delete;
  WriteRequest& operator=(const WriteRequest&) = delete;

 private:
  Transactions& transactions_;
};

}  // namespace accountsd::store
