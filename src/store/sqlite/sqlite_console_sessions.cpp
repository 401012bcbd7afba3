#include "store/sqlite/sqlite_console_sessions.hpp"

#include <sqlite3.h>

#include "store/sqlite/write_transaction.hpp"

namespace accountsd::store::sqlite {

void SqliteConsoleSessions::create(std::string_view token_hash,
                                   const domain::ConsoleSession& session) {
  WriteTransaction txn(backend_);
  txn.db()
      .prepared(
          "INSERT INTO console_sessions (token_hash, partner_id, csrf_token, created_at, "
          "expires_at) VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind(1, token_hash)
      .bind(2, session.partner)
      .bind(3, session.csrf_token)
      .bind(4, session.created_at)
      .bind(5, session.expires_at)
      .run();
  txn.commit();
}

std::optional<domain::ConsoleSession> SqliteConsoleSessions::find(std::string_view token_hash) {
  auto& q = backend_.db().prepared(
      "SELECT partner_id, csrf_token, created_at, expires_at FROM console_sessions "
      "WHERE token_hash = ?1");
  q.bind(1, token_hash);
  if (!q.step()) return std::nullopt;
  domain::ConsoleSession session{q.integer(0), q.text(1), q.integer(2), q.integer(3)};
  q.reset();
  return session;
}

void SqliteConsoleSessions::end(std::string_view token_hash) {
  WriteTransaction txn(backend_);
  txn.db().prepared("DELETE FROM console_sessions WHERE token_hash = ?1").bind(1, token_hash).run();
  txn.commit();
}

std::int64_t SqliteConsoleSessions::prune(std::int64_t now, int limit) {
  WriteTransaction txn(backend_);
  auto& db = txn.db();
  db.prepared(
        "DELETE FROM console_sessions WHERE token_hash IN (SELECT token_hash FROM "
        "console_sessions WHERE expires_at <= ?1 LIMIT ?2)")
      .bind(1, now)
      .bind(2, limit)
      .run();
  auto deleted = std::int64_t(sqlite3_changes(db.handle()));
  txn.commit();
  return deleted;
}

}  // namespace accountsd::store::sqlite
