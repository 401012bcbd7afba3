// The audit log's SQL that both backends build the same way: the page a store::AuditQuery
// selects, and the oldest entries a prune deletes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "store/audit_log.hpp"

namespace accountsd::store {

// A statement and the values of its placeholders, in order (<mark>1, <mark>2, ...).
struct AuditStatement {
  std::string sql;
  std::vector<std::variant<std::int64_t, std::string>> values;
};

// The SELECT of `query`'s page, newest first; `mark` is "?" on SQLite, "$" on PostgreSQL. Its
// columns are AuditEntry's, in order.
AuditStatement audit_select(const AuditQuery& query, std::string_view mark);

// Deletes those of the `limit` (<mark>2) oldest entries by entry_id made before `before`
// (<mark>1): it reads the primary key from its start, never the whole table.
std::string audit_prune_sql(std::string_view mark);

}  // namespace accountsd::store
