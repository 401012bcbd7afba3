#include "store/sqlite/sqlite_backend.hpp"

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <atomic>
#include <unordered_map>

#include "domain/clock.hpp"
#include "store/migrations.hpp"

namespace accountsd::store::sqlite {
namespace {

std::atomic<std::uint64_t> next_backend_id{1};

// Each thread's connections, by backend id: an id is never reused, so a thread never reaches a
// connection of a destroyed backend.
thread_local std::unordered_map<std::uint64_t, Connection*> thread_connections;

}  // namespace

SqliteBackend::SqliteBackend(std::string path, const StoreOptions& options)
    : path_(std::move(path)), options_(options), id_(next_backend_id++) {
  auto& first = db();
  if (options_.synchronous == Synchronous::group) {
    syncer_ = std::make_unique<WalSyncer>(first.wal_path());
    first.report_commits_to(commits_, syncer_.get());
  }
  migrate(first);
}

SqliteBackend::~SqliteBackend() {
  // The last sync, for commits still waiting, while the connections keep the WAL file in place.
  syncer_.reset();
  connections_.clear();
}

Connection* SqliteBackend::opened_db() const {
  auto it = thread_connections.find(id_);
  return it == thread_connections.end() ? nullptr : it->second;
}

Connection& SqliteBackend::db() {
  if (auto* connection = opened_db()) return *connection;
  auto connection = std::make_unique<Connection>(path_, options_);
  connection->report_commits_to(commits_, syncer_.get());
  Connection* raw = connection.get();
  {
    std::lock_guard lock(mutex_);
    connections_.push_back(std::move(connection));
  }
  thread_connections.emplace(id_, raw);
  return *raw;
}

std::unique_ptr<Connection> SqliteBackend::open_snapshot() const {
  // SQLite's default page cache (2 MiB) whatever the store's own: a cursor walks the whole list
  // once and re-reads nothing, and several may be open at a time.
  auto connection = std::make_unique<Connection>(path_, StoreOptions{});
  // A sort that the query needs (order_by without an index) spills to a temporary file beyond
  // the cache's size instead of sorting every row of the list in memory.
  connection->exec("PRAGMA temp_store=FILE");
  connection->begin_read();
  // The snapshot is taken at the first read, not at BEGIN: take it now.
  connection->prepared("SELECT 1 FROM sqlite_schema LIMIT 1").run();
  return connection;
}

void SqliteBackend::migrate(Connection& db) {
  db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (number INTEGER PRIMARY KEY, name TEXT NOT "
      "NULL, applied_at INTEGER NOT NULL)");
  // A migration may rebuild a table that others reference (SQLite's 12-step ALTER procedure):
  // with foreign keys on, dropping the old table would delete its rows first and fail. The
  // pragma has no effect inside a transaction, so it is set around them, and each migration
  // proves that it left every reference intact before it commits.
  // (If a migration fails, the store is never constructed and this connection goes with it.)
  db.exec("PRAGMA foreign_keys=OFF");
  bool migrated = false;
  for (const auto& migration : migrations()) {
    Transaction txn(db);
    auto& seen = db.prepared("SELECT 1 FROM schema_migrations WHERE number = ?1");
    seen.bind(1, migration.number);
    bool applied = seen.step();
    seen.reset();
    if (applied) continue;
    db.exec(migration.sqlite);
    auto& broken = db.prepared("PRAGMA foreign_key_check");
    if (broken.step()) {
      std::string table = broken.text(0);
      broken.reset();
      throw std::runtime_error("migration " + std::to_string(migration.number) +
                               " left a broken reference in table " + table);
    }
    broken.reset();
    db.prepared("INSERT INTO schema_migrations (number, name, applied_at) VALUES (?1, ?2, ?3)")
        .bind(1, migration.number)
        .bind(2, migration.name)
        .bind(3, domain::now_seconds())
        .run();
    txn.commit();
    migrated = true;
  }
  db.exec("PRAGMA foreign_keys=ON");
  // A migration that rebuilds a table sorts and copies it through in-memory temporary storage
  // (temp_store=MEMORY): about 300 MB for a million users. SQLite frees it at the end, but the C
  // library keeps freed heap pages mapped, and the server would carry them for its whole life.
#ifdef __GLIBC__
  if (migrated) malloc_trim(0);
#endif
}

}  // namespace accountsd::store::sqlite
