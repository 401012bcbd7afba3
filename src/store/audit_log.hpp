// The audit log role of the store: reading the entries that the database's triggers write with
// every change of a partner's data (migrations 015 to 017), and pruning the old ones.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/partners.hpp"

namespace accountsd::store {

// One change: who made it, from where, in which request, and the fields it changed.
struct AuditEntry {
  std::int64_t id = 0;
  PartnerId partner = 0;
  std::int64_t at = 0;  // seconds since the epoch
  std::string actor;    // partner, signup, service, operator or system
  std::optional<std::string> address;
  std::optional<std::string> request_id;
  std::string action;   // user.create, settings.update, policy.delete, ...
  std::string object;   // user/42, group/7, share/42/ROOM, partner/3, ...
  std::string changes;  // JSON object: field -> {"before": ..., "after": ...}
};

// Where a page of entries starts: just after (older than) the last entry of the page before.
struct AuditPosition {
  std::int64_t at = 0;
  std::int64_t id = 0;
};

// Every member has an initializer, so that designated initializers may leave any out.
struct AuditQuery {
  std::optional<PartnerId> partner{};  // none: every partner's (the operator's view)
  std::optional<std::string> action{};
  std::optional<std::string> object{};
  std::optional<std::int64_t> since{};  // at >= since
  std::optional<std::int64_t> until{};  // at <= until
  std::optional<AuditPosition> after{};
  std::size_t limit = 100;
};

class AuditLog {
 public:
  virtual ~AuditLog() = default;
  // The entries the query selects, newest first (by at, then id), at most query.limit of them.
  virtual std::vector<AuditEntry> list(const AuditQuery& query) = 0;
  // Deletes at most `limit` of the oldest entries made before `before`; returns how many.
  virtual std::int64_t prune(std::int64_t before, int limit) = 0;
};

}  // namespace accountsd::store
