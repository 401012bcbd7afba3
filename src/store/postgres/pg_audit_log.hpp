// AuditLog on PostgreSQL: the audit_log table (migration 015), read in this fiber's snapshot
// when one is open and pruned in a write transaction of its own.
#pragma once

#include "store/audit_log.hpp"
#include "store/postgres/backend.hpp"

namespace accountsd::store::postgres {

class PgAuditLog final : public AuditLog {
 public:
  explicit PgAuditLog(Backend& backend) : backend_(backend) {}

  std::vector<AuditEntry> list(const AuditQuery& query) override;
  std::int64_t prune(std::int64_t before, int limit) override;

 private:
  Backend& backend_;
};

}  // namespace accountsd::store::postgres
