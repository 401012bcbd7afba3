// The PostgreSQL database through the store's roles, all on one Backend (its pool).
#pragma once

#include <memory>
#include <string>

#include "store/database.hpp"
#include "store/postgres/backend.hpp"
#include "store/postgres/pg_audit_log.hpp"
#include "store/postgres/pg_console_sessions.hpp"
#include "store/postgres/pg_directory.hpp"
#include "store/postgres/pg_login_failures.hpp"
#include "store/postgres/pg_partners.hpp"
#include "store/postgres/pg_request_keys.hpp"
#include "store/postgres/pg_transactions.hpp"
#include "store/postgres/pg_usage.hpp"

namespace accountsd::store::postgres {

class PgDatabase final : public Database {
 public:
  // Connects to `url` and applies pending migrations (under the migration lock, so that servers
  // starting together apply each once).
  PgDatabase(std::string url, const StoreOptions& options);

  PartnerStore& partners() override { return partners_; }
  Directory& directory() override { return directory_; }
  Usage& usage() override { return usage_; }
  Transactions& transactions() override { return transactions_; }
  RequestKeys& request_keys() override { return request_keys_; }
  AuditLog& audit_log() override { return audit_log_; }
  ConsoleSessions& console_sessions() override { return console_sessions_; }
  LoginFailures* login_failures() override { return &login_failures_; }

  Backend& backend() { return backend_; }

 private:
  Backend backend_;  // first: the roles use it
  PgPartners partners_{backend_};
  PgDirectory directory_;
  PgUsage usage_{backend_};
  PgTransactions transactions_{backend_};
  PgLoginFailures login_failures_{backend_};
  PgRequestKeys request_keys_{backend_};
  PgAuditLog audit_log_{backend_};
  PgConsoleSessions console_sessions_{backend_};
};

}  // namespace accountsd::store::postgres
