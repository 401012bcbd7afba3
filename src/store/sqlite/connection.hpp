// Thin RAII wrappers over the SQLite C API: a connection, cached prepared statements, transactions.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/options.hpp"
#include "store/outcomes.hpp"
#include "store/sqlite/audit_functions.hpp"
#include "store/transactions.hpp"

namespace accountsd::store::sqlite {

// Thrown when a write would break a uniqueness rule; `field` names the column. Callers turn it
// into Conflict::taken (unique_or_conflict) for the object they write.
struct UniqueViolation : std::runtime_error {
  explicit UniqueViolation(std::string field)
      : std::runtime_error("duplicate " + field), field(std::move(field)) {}
  std::string field;
};

// Runs `write`; a value that a unique index refuses becomes Conflict::taken(object, its column).
template <typename Write>
void unique_or_conflict(Object object, Write&& write) {
  try {
    write();
  } catch (const UniqueViolation& violation) {
    throw Conflict::taken(object, violation.field);
  }
}

// Thrown for any SQLite failure that is not a constraint the caller handles.
struct SqliteError : std::runtime_error {
  SqliteError(int code, const std::string& what) : std::runtime_error(what), code(code) {}
  int code;
};

class Connection;

// A prepared statement, reset and unbound each time it is fetched from the connection's cache.
class Statement {
 public:
  // `busy`, when given, gets this statement's address the first time a step returns a row, so
  // that its owner can reset exactly the statements left mid-result. `audit`, when given, loses
  // the entries a failed step recorded, as SQLite undoes the statement's changes.
  Statement(sqlite3* db, std::string_view sql, std::vector<Statement*>* busy = nullptr,
            AuditBuffer* audit = nullptr);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, std::int64_t(value)); }
  Statement& bind(int index, bool value) { return bind(index, std::int64_t(value ? 1 : 0)); }
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const std::string& value) {
    return bind(index, std::string_view(value));
  }
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  // Binds `value` without copying it: it must stay valid and unchanged while the statement
  // runs. Nothing reads it after that: the next fetch from the connection's cache resets the
  // statement and clears its bindings before it can run again.
  Statement& bind_static(int index, std::string_view value);
  Statement& bind_null(int index);
  template <typename T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }

  // Advances to the next row; false when done. Throws UniqueViolation / SqliteError on failure.
  bool step();
  // Runs a statement that returns no rows.
  void run();
  void reset();

  bool is_null(int column) const;
  std::int64_t integer(int column) const;
  std::string text(int column) const;
  // The same text without a copy; valid until the next step or reset.
  std::string_view text_view(int column) const;
  std::optional<std::int64_t> optional_integer(int column) const;
  std::optional<std::string> optional_text(int column) const;
  // SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB or SQLITE_NULL: what the row holds,
  // whatever the column's declared type.
  int type(int column) const;
  // A text or blob value's bytes as stored, without a copy; valid until the next step or reset.
  std::string_view bytes(int column) const;

 private:
  friend class Connection;
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::vector<Statement*>* busy_;
  AuditBuffer* audit_;
  bool listed_ = false;  // in *busy_
};

class Connection {
 public:
  explicit Connection(const std::string& path, const StoreOptions& options = {});
  // Opens an existing database only to read it: nothing is created, and nothing in it is written,
  // not even its journal mode (migrate-db copies a database out this way).
  struct ReadOnly {};
  Connection(const std::string& path, ReadOnly);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void exec(std::string_view sql);
  // The cached statement for `sql` (keyed by the literal's address), reset and ready to bind.
  Statement& prepared(const char* sql);
  // The same for SQL built at run time (keyed by its text). The reference stays valid until the
  // next call of this function.
  Statement& prepared_text(const std::string& sql);

  // A read snapshot: every statement until the matching end_read() sees one state of the
  // database and takes the WAL read lock once. Calls nest; the outermost pair begins and ends
  // it. A write Transaction started meanwhile ends the snapshot first.
  //
  // With StoreOptions::snapshot_reuse, the outermost end_read() keeps the snapshot open
  // ("parked") and the next begin_read() carries on in it, saving the read lock's syscalls,
  // while no commit was made through the store (its commit counter is unchanged) and the
  // snapshot is younger than the window. Any other statement ends a parked snapshot first, and
  // release_stale_snapshot() ends an expired one, so a parked snapshot never holds the WAL back
  // for long.
  void begin_read();
  void end_read() noexcept;
  void release_stale_snapshot() noexcept;
  // Transactions::snapshot_version of the snapshot this connection is reading in, after its
  // first read; nullopt outside one, or without a commit counter (report_commits_to). A change
  // that this connection's view of the file shows for the first time (SQLite's data version,
  // which also moves for other processes' commits) adds 1 to the counter.
  std::optional<Transactions::SnapshotVersion> snapshot_version() noexcept;
  // Reads the first page of the schema: inside a read transaction this takes its snapshot now
  // (SQLite takes it at the first read, not at BEGIN); outside one it brings the connection's
  // view of the file up to date.
  void read_now();
  std::int64_t last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
  sqlite3* handle() const { return db_; }
  // The path of the database's WAL file, as SQLite names it.
  std::string wal_path() const;

  // From now on every commit through this connection adds 1 to `commits` once its frames are in
  // the WAL. The connection then checkpoints as wal_autocheckpoint would (the WAL hook replaces
  // SQLite's automatic checkpoints). `commits` must outlive the connection's commits.
  void report_commits_to(std::atomic<std::uint64_t>& commits);
  // Resets every statement left mid-result, so that none holds a transaction's snapshot open.
  void reset_busy_statements() noexcept;

  // The audit entries of the open write transaction (AuditBuffer): whoever begins one starts
  // it, and flush_audit() writes what it holds to audit_log just before the COMMIT.
  AuditBuffer& audit() { return audit_; }
  void flush_audit();

 private:
  friend class Transaction;
  Connection(const std::string& path, int flags);
  static int on_wal_commit(void* self, sqlite3* db, const char* schema, int frames);
  // Ends the snapshot now, whatever the nesting (the matching end_read calls still follow).
  void finish_read() noexcept;
  // Whether a parked snapshot may serve the next begin_read().
  bool snapshot_current() const noexcept;
  // SQLITE_FCNTL_DATA_VERSION of the main database as this connection last read it; nullopt if
  // SQLite cannot say.
  std::optional<unsigned> data_version() const noexcept;
  sqlite3* db_ = nullptr;
  AuditBuffer audit_;  // before the statements, which point to it
  int read_depth_ = 0;
  bool reading_ = false;  // a snapshot's BEGIN is open
  bool parked_ = false;   // ... and no begin_read() pair is using it
  std::chrono::milliseconds snapshot_reuse_{0};
  std::atomic<std::uint64_t>* commits_ = nullptr;
  std::uint64_t snapshot_commits_ = 0;  // *commits_ when the snapshot began
  unsigned seen_data_version_ = 0;  // SQLITE_FCNTL_DATA_VERSION when snapshot_version() last looked
  std::chrono::steady_clock::time_point snapshot_began_;
  std::vector<Statement*> busy_;  // statements that returned a row since their last reset
  std::unordered_map<const char*, std::unique_ptr<Statement>> statements_;
  std::unordered_map<std::string, std::unique_ptr<Statement>> built_statements_;
};

// Holds a read snapshot of `connection` for a scope (Connection::begin_read, end_read).
class ReadTransaction {
 public:
  explicit ReadTransaction(Connection& connection) : connection_(connection) {
    connection_.begin_read();
  }
  ~ReadTransaction() { connection_.end_read(); }
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  Connection& connection_;
};

// BEGIN IMMEDIATE on construction; ROLLBACK unless commit() was called. Write transactions of
// one process queue on a mutex first, so that a waiting writer starts the moment the previous
// one commits instead of polling SQLite's busy handler (which sleeps for milliseconds).
class Transaction {
 public:
  explicit Transaction(Connection& connection);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  std::unique_lock<std::mutex> turn_;
  Connection& connection_;
  bool done_ = false;
};

}  // namespace accountsd::store::sqlite
