#include "store/audit_sql.hpp"

namespace accountsd::store {

AuditStatement audit_select(const AuditQuery& query, std::string_view mark) {
  AuditStatement out;
  out.sql =
      "SELECT entry_id, partner_id, at, actor, address, request_id, action, object, changes "
      "FROM audit_log";
  std::string where;
  auto placeholder = [&] { return std::string(mark) + std::to_string(out.values.size()); };
  auto condition = [&](const char* column_and_operator, auto value) {
    out.values.emplace_back(std::move(value));
    where += where.empty() ? " WHERE " : " AND ";
    where += column_and_operator + placeholder();
  };
  // An equality on audit_by_time's leading column (the partner), then a range on (at, entry_id):
  // the page is read from the index in order; action and object filter what it reads.
  if (query.partner) condition("partner_id = ", std::int64_t(*query.partner));
  if (query.action) condition("action = ", *query.action);
  if (query.object) condition("object = ", *query.object);
  if (query.since) condition("at >= ", *query.since);
  if (query.until) condition("at <= ", *query.until);
  if (query.after) {
    // A row value, so that the index range starts right after the cursor's entry; entries added
    // meanwhile are newer and so never shift the pages that follow.
    out.values.emplace_back(query.after->at);
    auto at = placeholder();
    out.values.emplace_back(query.after->id);
    where += where.empty() ? " WHERE " : " AND ";
    where += "(at, entry_id) < (" + at + ", " + placeholder() + ")";
  }
  out.values.emplace_back(std::int64_t(query.limit));
  out.sql += where + " ORDER BY at DESC, entry_id DESC LIMIT " + placeholder();
  return out;
}

std::string audit_prune_sql(std::string_view mark) {
  const std::string m(mark);
  return "DELETE FROM audit_log WHERE entry_id IN (SELECT entry_id FROM audit_log ORDER BY "
         "entry_id LIMIT " +
         m + "2) AND at < " + m + "1";
}

}  // namespace accountsd::store
