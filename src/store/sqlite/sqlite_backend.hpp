// What the SQLite store's role classes share: the database file, one connection per thread,
// the migrations applied at opening, snapshot connections for cursors, and group commit's writer
// and syncer.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/options.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/wal_syncer.hpp"
#include "store/sqlite/write_batch.hpp"

namespace accountsd::store::sqlite {

// WAL mode, one connection per thread; write transactions of the process take turns
// (Transaction), or, with group commit, share batches on one writer connection (WriteBatch).
class SqliteBackend {
 public:
  // Opens (creating if needed) the database at `path` and applies pending migrations.
  SqliteBackend(std::string path, const StoreOptions& options);
  ~SqliteBackend();
  SqliteBackend(const SqliteBackend&) = delete;
  SqliteBackend& operator=(const SqliteBackend&) = delete;

  // This thread's connection to the database, opened on first use; in a write request, the
  // writer's, the first use joining the batch.
  Connection& db();
  // This thread's own connection, or nullptr when it has not opened one.
  Connection* opened_db() const;
  // A connection of its own for a Cursor, already reading in a snapshot taken now.
  std::unique_ptr<Connection> open_snapshot() const;
  // Group commit's syncer and writer; nullptr in the other modes.
  WalSyncer* syncer() const { return syncer_.get(); }
  WriteBatch* batch() const { return batch_.get(); }

  // A request that may write (Transactions::begin_write_request): with group commit, its first
  // use of the store joins the open batch, and from there the request reads and writes on the
  // writer, holding the turn, until the end. Joining before the first write rather than at it
  // costs some turn time (authentication, parsing the body) but saves the request's reads their
  // WAL read locks, about a tenth of a write's time, and the request sees one state throughout.
  // Pairs nest. `commit_now`: the batch is committed before the turn is given back (a write made
  // outside any request). The other modes ignore them.
  void begin_write_request() noexcept;
  // Returns, for `commit_now`, whether the batch (and with it this request's writes) was lost.
  bool end_write_request(bool commit_now = false) noexcept;
  bool in_write_request() const noexcept;
  // The writer connection, joining the batch for this write request (which must be open).
  Connection& join_batch();
  // Takes the batch's turn for this thread's next write request, so that its first use of the
  // store does not block: false while another holds it (then when_turn_free says when to try
  // again). True as well when there is no turn to take (other modes, or already held), and when
  // the batch cannot begin: the request's own join then answers that failure.
  bool try_take_turn() noexcept;
  void when_turn_free(UniqueFunction<void()> wake);
  // Gives back a turn that try_take_turn took and no write request used.
  void give_back_unused_turn() noexcept;
  // A write of this request is in the batch: the request takes the batch's ticket at its end.
  void note_write() noexcept;
  // The ticket of the latest write request that wrote on this thread since the last call.
  std::uint64_t take_commit_ticket() noexcept;

 private:
  void migrate(Connection& connection);

  std::string path_;
  StoreOptions options_;
  std::uint64_t id_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> connections_;
  // Commits made through this store's connections (Connection::report_commits_to).
  std::atomic<std::uint64_t> commits_{0};
  // Group commit only; set in the constructor, before any other thread uses the store.
  std::unique_ptr<WalSyncer> syncer_;
  std::unique_ptr<WriteBatch> batch_;
};

}  // namespace accountsd::store::sqlite
