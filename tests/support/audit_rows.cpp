#include "support/audit_rows.hpp"

namespace accountsd::testing {
namespace {

// `text` as an SQL string literal, or NULL.
std::string literal(const std::optional<std::string>& text) {
  if (!text) return "NULL";
  std::string out = "'";
  for (char c : *text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

}  // namespace

std::string audit_rows_sql(const std::vector<AuditRow>& rows) {
  std::string sql =
      "INSERT INTO audit_log (partner_id, at, actor, address, request_id, action, object, "
      "changes) VALUES ";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    sql += (i ? ", (" : "(") + std::to_string(r.partner) + ", " + std::to_string(r.at) + ", " +
           literal(r.actor) + ", " + literal(r.address) + ", " + literal(r.request_id) + ", " +
           literal(r.action) + ", " + literal(r.object) + ", " + literal(r.changes) + ")";
  }
  return sql;
}

void insert_audit_rows(TestDatabase& database, const std::vector<AuditRow>& rows) {
  if (!rows.empty()) database.execute(audit_rows_sql(rows));
}

}  // namespace accountsd::testing
