#include "store/sqlite/sqlite_audit_log.hpp"

#include "store/audit_sql.hpp"
#include "store/sqlite/write_transaction.hpp"

namespace accountsd::store::sqlite {

std::vector<AuditEntry> SqliteAuditLog::list(const AuditQuery& query) {
  auto statement = audit_select(query, "?");
  auto& q = backend_.db().prepared_text(statement.sql);
  for (std::size_t i = 0; i < statement.values.size(); ++i)
    std::visit([&](const auto& value) { q.bind(int(i + 1), value); }, statement.values[i]);
  std::vector<AuditEntry> out;
  while (q.step()) {
    out.push_back({q.integer(0), q.integer(1), q.integer(2), q.text(3), q.optional_text(4),
                   q.optional_text(5), q.text(6), q.text(7), q.text(8)});
  }
  return out;
}

std::int64_t SqliteAuditLog::prune(std::int64_t before, int limit) {
  static const std::string kPrune = audit_prune_sql("?");
  WriteTransaction txn(backend_);
  auto& db = txn.db();
  db.prepared(kPrune.c_str()).bind(1, before).bind(2, limit).run();
  auto deleted = std::int64_t(sqlite3_changes(db.handle()));
  txn.commit();
  return deleted;
}

}  // namespace accountsd::store::sqlite
