#include "store/sqlite/connection.hpp"

#include <spdlog/spdlog.h>

#include <mutex>

#include "domain/case_fold.hpp"
#include "domain/text.hpp"
#include "metrics/events.hpp"
#include "store/sqlite/audit_functions.hpp"

namespace accountsd::store::sqlite {
namespace {

[[noreturn]] void fail(sqlite3* db, int code, std::string_view context) {
  throw SqliteError(code, std::string(context) + ": " + sqlite3_errmsg(db));
}

// Maps "UNIQUE constraint failed: users.email" to the column name, "email". A unique index on
// an expression is reported by name, "index 'users_unique_email'": such indexes are named
// <table>_unique_<column> so that this gives the column too.
std::string unique_column(sqlite3* db) {
  std::string message = sqlite3_errmsg(db);
  auto colon = message.find(": ");
  if (colon == std::string::npos) return "unknown";
  std::string columns = message.substr(colon + 2);
  if (columns.starts_with("index '")) {
    auto unique = columns.find("_unique_");
    auto end = columns.rfind('\'');
    if (unique != std::string::npos && end > unique)
      return columns.substr(unique + 8, end - unique - 8);
  }
  auto last = columns.rfind('.');
  return last == std::string::npos ? columns : columns.substr(last + 1);
}

// fold(text): Unicode lower-casing, so that searches ignore case beyond ASCII.
void fold_function(sqlite3_context* context, int, sqlite3_value** args) {
  if (sqlite3_value_type(args[0]) == SQLITE_NULL) {
    sqlite3_result_null(context);
    return;
  }
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(args[0]));
  auto folded =
      domain::fold_case(std::string_view(text, std::size_t(sqlite3_value_bytes(args[0]))));
  sqlite3_result_text(context, folded.data(), int(folded.size()), SQLITE_TRANSIENT);
}

// holds(needle, text...): whether any of the texts holds needle, as instr() > 0 finds it for
// UTF-8 texts, in one call: a search reading the folded texts of a million users
// (user_search.cpp) spent most of its time calling instr() three times a user.
void holds_function(sqlite3_context* context, int count, sqlite3_value** args) {
  auto text = [&](int i) {
    const auto* data = sqlite3_value_text(args[i]);
    return std::string_view(reinterpret_cast<const char*>(data),
                            data ? std::size_t(sqlite3_value_bytes(args[i])) : 0);
  };
  if (sqlite3_value_type(args[0]) == SQLITE_NULL) return sqlite3_result_null(context);
  auto needle = text(0);
  for (int i = 1; i < count; ++i) {
    if (sqlite3_value_type(args[i]) == SQLITE_NULL) continue;
    if (text(i).find(needle) != std::string_view::npos) return sqlite3_result_int(context, 1);
  }
  sqlite3_result_int(context, 0);
}

// Once per process, before the first connection: SQLite's allocation statistics take a global
// mutex on every malloc, which the I/O threads would contend on; nothing here reads them.
void configure_library() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

void register_functions(sqlite3* db, AuditBuffer* audit) {
  sqlite3_create_function_v2(db, "fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                             nullptr, fold_function, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "holds", -1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                             nullptr, holds_function, nullptr, nullptr, nullptr);
  register_audit_functions(db, audit);
}

}  // namespace

Statement::Statement(sqlite3* db, std::string_view sql, std::vector<Statement*>* busy,
                     AuditBuffer* audit)
    : db_(db), busy_(busy), audit_(audit) {
  int rc = sqlite3_prepare_v3(db, sql.data(), int(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_,
                              nullptr);
  if (rc != SQLITE_OK) fail(db, rc, "prepare");
}

Statement::~Statement() {
  if (listed_) std::erase(*busy_, this);
  sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  sqlite3_bind_text(stmt_, index, value.data(), int(value.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind_static(int index, std::string_view value) {
  sqlite3_bind_text(stmt_, index, value.data(), int(value.size()), SQLITE_STATIC);
  return *this;
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

bool Statement::step() {
  std::size_t audited = audit_ ? audit_->size() : 0;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) {
    if (!listed_ && busy_) {
      busy_->push_back(this);
      listed_ = true;
    }
    return true;
  }
  if (rc == SQLITE_DONE) return false;
  if (audit_) audit_->truncate(audited);
  if (sqlite3_extended_errcode(db_) == SQLITE_CONSTRAINT_UNIQUE ||
      sqlite3_extended_errcode(db_) == SQLITE_CONSTRAINT_PRIMARYKEY) {
    auto column = unique_column(db_);
    sqlite3_reset(stmt_);
    throw UniqueViolation(column);
  }
  std::string message = sqlite3_errmsg(db_);
  sqlite3_reset(stmt_);
  throw SqliteError(rc, "step: " + message);
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::integer(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string Statement::text(int column) const {
  return std::string(text_view(column));
}

std::string_view Statement::text_view(int column) const {
  const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  return data ? std::string_view(data, std::size_t(sqlite3_column_bytes(stmt_, column)))
              : std::string_view();
}

int Statement::type(int column) const {
  return sqlite3_column_type(stmt_, column);
}

std::string_view Statement::bytes(int column) const {
  // sqlite3_column_blob gives a text value's bytes as they are, without converting them.
  const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  return data ? std::string_view(data, std::size_t(sqlite3_column_bytes(stmt_, column)))
              : std::string_view();
}

std::optional<std::int64_t> Statement::optional_integer(int column) const {
  if (is_null(column)) return std::nullopt;
  return integer(column);
}

std::optional<std::string> Statement::optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}

Connection::Connection(const std::string& path, int flags) {
  configure_library();
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw SqliteError(rc, "open " + path + ": " + message);
  }
  sqlite3_extended_result_codes(db_, 1);
  register_functions(db_, &audit_);
  sqlite3_busy_timeout(db_, 10000);
}

Connection::Connection(const std::string& path, ReadOnly)
    : Connection(path, SQLITE_OPEN_READONLY) {}

Connection::Connection(const std::string& path, const StoreOptions& options)
    : Connection(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) {
  exec("PRAGMA journal_mode=WAL");
  // FULL: a commit is on disk before it returns. NORMAL (WAL): it is in the WAL file, safe from
  // a process crash; the disk sees it at the next checkpoint, or, with group commit, at the
  // WalSyncer's next fdatasync (docs/operations.md).
  exec(options.synchronous == Synchronous::full ? "PRAGMA synchronous=FULL"
                                                : "PRAGMA synchronous=NORMAL");
  if (options.cache_mb > 0) exec("PRAGMA cache_size=-" + std::to_string(options.cache_mb * 1024));
  exec("PRAGMA foreign_keys=ON");
  // Statement journals (each write that fires the counter triggers has one) and sorts stay in
  // memory instead of being written to a temporary file page by page.
  exec("PRAGMA temp_store=MEMORY");
  snapshot_reuse_ = options.snapshot_reuse;
}

Connection::~Connection() {
  finish_read();
  statements_.clear();
  built_statements_.clear();
  sqlite3_close(db_);
}

std::string Connection::wal_path() const {
  return sqlite3_filename_wal(sqlite3_db_filename(db_, "main"));
}

void Connection::report_commits_to(std::atomic<std::uint64_t>& commits) {
  commits_ = &commits;
  sqlite3_wal_hook(db_, &Connection::on_wal_commit, this);
  // What this connection will compare its snapshots' data versions with (snapshot_version):
  // the file as it is now. What changed before is not known to be counted, so it counts as
  // one change more, once, here rather than at the first request's read.
  read_now();
  seen_data_version_ = data_version().value_or(0);
  commits.fetch_add(1, std::memory_order_acq_rel);
}

void Connection::read_now() {
  prepared("SELECT 1 FROM sqlite_schema LIMIT 1").run();
}

std::optional<unsigned> Connection::data_version() const noexcept {
  unsigned version = 0;
  if (sqlite3_file_control(db_, "main", SQLITE_FCNTL_DATA_VERSION, &version) != SQLITE_OK)
    return std::nullopt;
  return version;
}

int Connection::on_wal_commit(void* self, sqlite3* db, const char* schema, int frames) {
  auto& connection = *static_cast<Connection*>(self);
  // Before the COMMIT returns, so before any response that reports it: a snapshot parked before
  // this commit is not reused after it.
  connection.commits_->fetch_add(1, std::memory_order_release);
  // What SQLite's own hook did before this one replaced it: wal_autocheckpoint's default of a
  // PASSIVE checkpoint once the WAL holds 1000 frames. It never waits for readers or writers.
  constexpr int kAutoCheckpointFrames = 1000;
  if (frames >= kAutoCheckpointFrames) {
    int rc = sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    // Not now, and no fault: BUSY, another connection is checkpointing; LOCKED, a statement of
    // this one is still reading, and its read transaction keeps the checkpoint out (as SQLite's
    // own hook, which ignores both). The next commit's hook tries again.
    if (rc != SQLITE_OK && rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
      spdlog::warn("WAL checkpoint failed: {}", sqlite3_errmsg(db));
  }
  // An error here would fail the COMMIT statement although the commit took place.
  return SQLITE_OK;
}

void Connection::exec(std::string_view sql) {
  if (parked_) finish_read();
  std::string text(sql);
  char* error = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    throw SqliteError(rc, message);
  }
}

Statement& Connection::prepared(const char* sql) {
  // A statement outside a begin_read() pair must not run in a parked, maybe stale, snapshot.
  if (parked_) finish_read();
  auto& slot = statements_[sql];
  if (!slot) slot = std::make_unique<Statement>(db_, sql, &busy_, &audit_);
  slot->reset();
  return *slot;
}

Statement& Connection::prepared_text(const std::string& sql) {
  // Bounded: SQL built from a query's optional filters has few shapes, but never let it grow.
  constexpr std::size_t kMaxBuilt = 256;
  if (parked_) finish_read();
  auto it = built_statements_.find(sql);
  if (it == built_statements_.end()) {
    if (built_statements_.size() >= kMaxBuilt) built_statements_.clear();
    it = built_statements_.emplace(sql, std::make_unique<Statement>(db_, sql, &busy_, &audit_))
             .first;
  }
  it->second->reset();
  return *it->second;
}

void Connection::begin_read() {
  if (read_depth_ == 0 && parked_) {
    if (snapshot_current()) {
      parked_ = false;
      ++read_depth_;
      return;
    }
    finish_read();
  }
  // Inside a write transaction (or an explicit BEGIN) the reads already share one state.
  if (read_depth_ == 0 && sqlite3_get_autocommit(db_) != 0) {
    // Read before the snapshot is taken (at the first statement): a commit counted after this
    // may or may not be in the snapshot, and either way makes it stale.
    if (commits_) snapshot_commits_ = commits_->load(std::memory_order_acquire);
    snapshot_began_ = std::chrono::steady_clock::now();
    prepared("BEGIN").run();
    reading_ = true;
  }
  ++read_depth_;  // only once begun: a failed BEGIN has no end_read to match it
}

void Connection::end_read() noexcept {
  if (read_depth_ == 0) return;
  if (--read_depth_ > 0) return;
  if (reading_ && commits_ && snapshot_reuse_.count() > 0) {
    // Parked: a statement left mid-result is reset now, as it would be by the COMMIT.
    reset_busy_statements();
    parked_ = true;
    return;
  }
  finish_read();
}

void Connection::reset_busy_statements() noexcept {
  for (Statement* statement : busy_) {
    sqlite3_reset(statement->stmt_);
    statement->listed_ = false;
  }
  busy_.clear();
}

bool Connection::snapshot_current() const noexcept {
  return commits_->load(std::memory_order_acquire) == snapshot_commits_ &&
         std::chrono::steady_clock::now() - snapshot_began_ < snapshot_reuse_;
}

std::optional<Transactions::SnapshotVersion> Connection::snapshot_version() noexcept {
  if (!reading_ || !commits_) return std::nullopt;
  // The snapshot is taken at its first read, not at BEGIN; until then the data version is that
  // of an older one.
  if (sqlite3_txn_state(db_, "main") == SQLITE_TXN_NONE) {
    try {
      read_now();
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  auto version = data_version();
  if (!version) return std::nullopt;
  // Counted after the change is in this snapshot, and before `now` is read: whatever reads
  // this snapshot's `now` from here on knows that an answer from before the change is stale.
  if (*version != seen_data_version_) {
    seen_data_version_ = *version;
    commits_->fetch_add(1, std::memory_order_acq_rel);
  }
  return Transactions::SnapshotVersion{snapshot_commits_,
                                       commits_->load(std::memory_order_acquire)};
}

void Connection::release_stale_snapshot() noexcept {
  if (parked_ && !snapshot_current()) finish_read();
}

void Connection::finish_read() noexcept {
  if (!reading_) return;
  reading_ = false;
  parked_ = false;
  try {
    // A statement left mid-result would keep the snapshot open past the COMMIT.
    reset_busy_statements();
    prepared("COMMIT").run();
  } catch (const std::exception& e) {
    spdlog::error("ending a read snapshot failed: {}", domain::escape_controls(e.what()));
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

namespace {
std::mutex& process_writer_turn() {
  static std::mutex turn;
  return turn;
}
}  // namespace

void Connection::flush_audit() {
  // Taken first: buffering stops, and a failed insert cannot truncate what is being written.
  auto entries = audit_.take();
  // Bound without copies (a batch writes an entry per write): `entries` outlives every run, and
  // the statement's next fetch resets it before it runs again (Statement::bind_static).
  for (const auto& entry : entries) {
    auto& insert = prepared(
        "INSERT INTO audit_log (partner_id, at, actor, address, request_id, action, object, "
        "changes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    insert.bind(1, entry.partner_id).bind(2, entry.at).bind_static(3, entry.actor);
    if (!entry.address.empty()) insert.bind_static(4, entry.address);
    if (!entry.request_id.empty()) insert.bind_static(5, entry.request_id);
    insert.bind_static(6, entry.action)
        .bind_static(7, entry.object)
        .bind_static(8, entry.changes)
        .run();
  }
}

Transaction::Transaction(Connection& connection)
    : turn_(process_writer_turn()), connection_(connection) {
  connection_.finish_read();
  connection_.prepared("BEGIN IMMEDIATE").run();
  connection_.audit().start();
}

Transaction::~Transaction() {
  if (done_) return;
  connection_.audit().stop();
  try {
    connection_.prepared("ROLLBACK").run();
  } catch (const std::exception& e) {
    spdlog::error("rollback failed: {}", domain::escape_controls(e.what()));
  }
}

void Transaction::commit() {
  auto started = std::chrono::steady_clock::now();
  connection_.flush_audit();
  connection_.prepared("COMMIT").run();
  done_ = true;
  metrics::observe_commit(std::chrono::steady_clock::now() - started);
}

}  // namespace accountsd::store::sqlite
