#include "store/postgres/pg_audit_log.hpp"

#include "store/audit_sql.hpp"

namespace accountsd::store::postgres {

std::vector<AuditEntry> PgAuditLog::list(const AuditQuery& query) {
  auto statement = audit_select(query, "$");
  Params params;
  for (const auto& value : statement.values)
    std::visit([&](const auto& v) { params.add(v); }, value);
  return backend_.read([&](Connection& db) {
    auto rows = db.exec(statement.sql, params);
    std::vector<AuditEntry> out;
    out.reserve(std::size_t(rows.rows()));
    for (int row = 0; row < rows.rows(); ++row) {
      out.push_back({rows.integer(row, 0), rows.integer(row, 1), rows.integer(row, 2),
                     rows.string(row, 3), rows.optional_string(row, 4),
                     rows.optional_string(row, 5), rows.string(row, 6), rows.string(row, 7),
                     rows.string(row, 8)});
    }
    return out;
  });
}

std::int64_t PgAuditLog::prune(std::int64_t before, int limit) {
  static const std::string kPrune = audit_prune_sql("$");
  return backend_.write(std::nullopt, [&](Connection& db) {
    return db.exec(kPrune, Params().add(before).add(std::int64_t(limit))).affected();
  });
}

}  // namespace accountsd::store::postgres
