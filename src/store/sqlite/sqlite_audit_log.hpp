// AuditLog on SQLite: the audit_log table (migration 015), read through this thread's connection
// (a request's snapshot) and pruned through the writer's transaction.
#pragma once

#include "store/audit_log.hpp"
#include "store/sqlite/sqlite_backend.hpp"

namespace accountsd::store::sqlite {

class SqliteAuditLog final : public AuditLog {
 public:
  explicit SqliteAuditLog(SqliteBackend& backend) : backend_(backend) {}

  std::vector<AuditEntry> list(const AuditQuery& query) override;
  std::int64_t prune(std::int64_t before, int limit) override;

 private:
  SqliteBackend& backend_;
};

}  // namespace accountsd::store::sqlite
