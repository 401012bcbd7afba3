// What the SQLite store's role classes share: the database file, one connection per thread,
// the migrations applied at opening, snapshot connections for cursors and group commit's syncer.
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

namespace accountsd::store::sqlite {

// WAL mode, one connection per thread; write transactions of the process take turns
// (Transaction).
class SqliteBackend {
 public:
  // Opens (creating if needed) the database at `path` and applies pending migrations.
  SqliteBackend(std::string path, const StoreOptions& options);
  ~SqliteBackend();
  SqliteBackend(const SqliteBackend&) = delete;
  SqliteBackend& operator=(const SqliteBackend&) = delete;

  // This thread's connection to the database, opened on first use.
  Connection& db();
  // The same, or nullptr when this thread has not opened one.
  Connection* opened_db() const;
  // A connection of its own for a Cursor, already reading in a snapshot taken now.
  std::unique_ptr<Connection> open_snapshot() const;
  // Group commit's syncer; nullptr in the other modes.
  WalSyncer* syncer() const { return syncer_.get(); }

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
};

}  // namespace accountsd::store::sqlite
