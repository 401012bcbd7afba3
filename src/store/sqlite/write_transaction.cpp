#include "store/sqlite/write_transaction.hpp"

#include <spdlog/spdlog.h>

#include "domain/text.hpp"

namespace accountsd::store::sqlite {

WriteTransaction::WriteTransaction(SqliteBackend& backend) : backend_(backend) {
  if (!backend_.batch()) {
    db_ = &backend_.db();
    plain_.emplace(*db_);
    return;
  }
  own_request_ = !backend_.in_write_request();
  if (own_request_) backend_.begin_write_request();
  try {
    db_ = &backend_.join_batch();
    db_->prepared("SAVEPOINT write").run();
    audited_ = db_->audit().size();
  } catch (...) {
    if (own_request_) backend_.end_write_request();
    throw;
  }
}

WriteTransaction::~WriteTransaction() {
  if (plain_) return;  // Transaction rolls back by itself
  if (!done_) {
    try {
      // Undoes this write alone; the batch's other writes stay. If SQLite has rolled the whole
      // transaction back already there is no savepoint left, and WriteBatch::leave fails the
      // batch.
      db_->audit().truncate(audited_);
      db_->prepared("ROLLBACK TO write").run();
      db_->prepared("RELEASE write").run();
    } catch (const std::exception& e) {
      spdlog::debug("rolling back a write's savepoint: {}", domain::escape_controls(e.what()));
    }
  }
  if (own_request_) backend_.end_write_request();
}

void WriteTransaction::commit() {
  if (plain_) {
    plain_->commit();
    done_ = true;
    return;
  }
  db_->prepared("RELEASE write").run();
  done_ = true;
  backend_.note_write();
  if (own_request_) {
    own_request_ = false;
    // Committed at once: a write outside any request has no answer held for its ticket, so
    // a lost batch is said here, or it would go unnoticed.
    if (backend_.end_write_request(true))
      throw SqliteError(SQLITE_IOERR, "the write was not committed: its batch's COMMIT failed");
  }
}

}  // namespace accountsd::store::sqlite
