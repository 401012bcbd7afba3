// One database seen through the store's roles: what `accountsd serve` and the operator's commands
// open: SQLite (store/sqlite/) or PostgreSQL (store/postgres/).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "store/audit_log.hpp"
#include "store/console_sessions.hpp"
#include "store/directory.hpp"
#include "store/login_failures.hpp"
#include "store/options.hpp"
#include "store/outcomes.hpp"
#include "store/partners.hpp"
#include "store/request_keys.hpp"
#include "store/transactions.hpp"
#include "store/usage.hpp"

namespace accountsd::store {

class Database {
 public:
  virtual ~Database() = default;
  virtual PartnerStore& partners() = 0;
  virtual Directory& directory() = 0;
  virtual Usage& usage() = 0;
  virtual Transactions& transactions() = 0;
  virtual RequestKeys& request_keys() = 0;
  virtual AuditLog& audit_log() = 0;
  virtual ConsoleSessions& console_sessions() = 0;
  // Failed logins shared with the other servers of the database; nullptr when one process has
  // the database to itself (SQLite).
  virtual LoginFailures* login_failures() { return nullptr; }
};

// Opens the database named by a --db URL: "sqlite:PATH" or a plain path (created if need be),
// or "postgres://..." / "postgresql://..." (an existing database); migrates it.
// Whether `url` names a PostgreSQL database.
bool is_postgres_url(std::string_view url);
// `url` fit for a log: a password in it replaced by "***".
std::string redacted_url(std::string_view url);

std::unique_ptr<Database> open_store(const std::string& url, const StoreOptions& options = {});

}  // namespace accountsd::store
