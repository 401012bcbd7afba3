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

// What a thread has of a backend: its own connection, and its write request under group commit.
struct ThreadState {
  Connection* own = nullptr;
  int write_requests = 0;        // begin_write_request pairs open
  Connection* writer = nullptr;  // the batch's, once the request has joined it
  bool wrote = false;            // the request wrote in the batch
  std::uint64_t ticket = 0;      // of the latest request that wrote, until taken
};

// Each thread's state, by backend id: an id is never reused, so a thread never reaches a
// connection of a destroyed backend.
thread_local std::unordered_map<std::uint64_t, ThreadState> thread_states;

}  // namespace

SqliteBackend::SqliteBackend(std::string path, const StoreOptions& options)
    : path_(std::move(path)), options_(options), id_(next_backend_id++) {
  auto& first = db();
  migrate(first);
  if (options_.synchronous == Synchronous::group) {
    // The syncer commits the open batch before each sync; it starts on one only once the
    // batch exists (a write, or a wait for one).
    syncer_ = std::make_unique<WalSyncer>(
        first.wal_path(), [this] { return batch_ ? batch_->commit_open() : WalSyncer::Written{}; });
    batch_ = std::make_unique<WriteBatch>(path_, options_, commits_, *syncer_);
  }
}

SqliteBackend::~SqliteBackend() {
  // The last batch, and the last sync for commits still waiting, while the connections keep the
  // WAL file in place.
  if (batch_) batch_->commit_open();
  syncer_.reset();
  batch_.reset();
  connections_.clear();
}

Connection* SqliteBackend::opened_db() const {
  auto it = thread_states.find(id_);
  return it == thread_states.end() ? nullptr : it->second.own;
}

Connection& SqliteBackend::db() {
  auto& state = thread_states[id_];
  if (state.writer) return *state.writer;
  if (state.write_requests > 0) return join_batch();
  if (state.own) return *state.own;
  auto connection = std::make_unique<Connection>(path_, options_);
  connection->report_commits_to(commits_);
  Connection* raw = connection.get();
  {
    std::lock_guard lock(mutex_);
    connections_.push_back(std::move(connection));
  }
  state.own = raw;
  return *raw;
}

void SqliteBackend::begin_write_request() noexcept {
  if (batch_) ++thread_states[id_].write_requests;
}

bool SqliteBackend::in_write_request() const noexcept {
  auto it = thread_states.find(id_);
  return it != thread_states.end() && it->second.write_requests > 0;
}

Connection& SqliteBackend::join_batch() {
  auto& state = thread_states[id_];
  if (!state.writer) state.writer = &batch_->join();
  return *state.writer;
}

bool SqliteBackend::try_take_turn() noexcept {
  if (!batch_) return true;
  auto& state = thread_states[id_];
  if (state.writer) return true;
  try {
    Connection* writer = batch_->try_join();
    if (!writer) return false;
    state.writer = writer;
  } catch (const std::exception&) {
    // The request's own join meets the same failure and answers it.
  }
  return true;
}

void SqliteBackend::when_turn_free(UniqueFunction<void()> wake) {
  if (batch_)
    batch_->when_turn_free(std::move(wake));
  else
    wake();
}

void SqliteBackend::give_back_unused_turn() noexcept {
  if (!batch_) return;
  auto it = thread_states.find(id_);
  if (it == thread_states.end() || !it->second.writer || it->second.write_requests > 0) return;
  batch_->leave(false, false);
  it->second.writer = nullptr;
}

void SqliteBackend::note_write() noexcept {
  thread_states[id_].wrote = true;
}

bool SqliteBackend::end_write_request(bool commit_now) noexcept {
  if (!batch_) return false;
  auto& state = thread_states[id_];
  if (state.write_requests == 0 || --state.write_requests > 0) return false;
  bool lost = false;
  if (state.writer) {
    if (auto ticket = batch_->leave(state.wrote, commit_now)) {
      state.ticket = ticket;
      lost = commit_now && syncer_->lost(ticket);
    }
    state.writer = nullptr;
  }
  state.wrote = false;
  return lost;
}

std::uint64_t SqliteBackend::take_commit_ticket() noexcept {
  auto it = thread_states.find(id_);
  return it == thread_states.end() ? 0 : std::exchange(it->second.ticket, 0);
}

std::unique_ptr<Connection> SqliteBackend::open_snapshot() const {
  // SQLite's default page cache (2 MiB) whatever the store's own: a cursor walks the whole list
  // once and re-reads nothing, and several may be open at a time.
  auto connection = std::make_unique<Connection>(path_, StoreOptions{});
  // A sort that the query needs (order_by without an index) spills to a temporary file beyond
  // the cache's size instead of sorting every row of the list in memory.
  connection->exec("PRAGMA temp_store=FILE");
  connection->begin_read();
  connection->read_now();  // the snapshot is taken at the first read, not at BEGIN
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
