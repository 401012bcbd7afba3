// A write of the SQLite store: its own transaction (Transaction), or, with group commit, a
// savepoint in the writer's open batch (WriteBatch). Store methods write through this and the
// connection it gives, never their thread's own connection.
#pragma once

#include <optional>

#include "store/sqlite/connection.hpp"
#include "store/sqlite/sqlite_backend.hpp"

namespace accountsd::store::sqlite {

// Begins on construction; rolls back unless commit() was called. With group commit, outside a
// write request (an operator's command, a test) it makes a request of its own, so the batch is
// committed when it commits and every connection of the process sees the change at once.
class WriteTransaction {
 public:
  explicit WriteTransaction(SqliteBackend& backend);
  ~WriteTransaction();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;

  // The connection to read and write with until the end.
  Connection& db() { return *db_; }
  void commit();

 private:
  SqliteBackend& backend_;
  Connection* db_ = nullptr;
  std::optional<Transaction> plain_;  // without group commit
  bool own_request_ = false;
  bool done_ = false;
  std::size_t audited_ = 0;  // the batch's audit entries when this write's savepoint began
};

}  // namespace accountsd::store::sqlite
