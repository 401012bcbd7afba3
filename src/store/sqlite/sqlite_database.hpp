// The SQLite database through the store's roles, all on one SqliteBackend.
#pragma once

#include <string>

#include "store/database.hpp"
#include "store/sqlite/sqlite_audit_log.hpp"
#include "store/sqlite/sqlite_backend.hpp"
#include "store/sqlite/sqlite_console_sessions.hpp"
#include "store/sqlite/sqlite_directory.hpp"
#include "store/sqlite/sqlite_partners.hpp"
#include "store/sqlite/sqlite_request_keys.hpp"
#include "store/sqlite/sqlite_transactions.hpp"
#include "store/sqlite/sqlite_usage.hpp"

namespace accountsd::store::sqlite {

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::string path, const StoreOptions& options)
      : backend_(std::move(path), options), directory_(backend_, options.pages_from_the_end_past) {}

  PartnerStore& partners() override { return partners_; }
  Directory& directory() override { return directory_; }
  Usage& usage() override { return usage_; }
  Transactions& transactions() override { return transactions_; }
  RequestKeys& request_keys() override { return request_keys_; }
  AuditLog& audit_log() override { return audit_log_; }
  ConsoleSessions& console_sessions() override { return console_sessions_; }

 private:
  SqliteBackend backend_;  // first: the roles use it
  SqlitePartners partners_{backend_};
  SqliteDirectory directory_;
  SqliteUsage usage_{backend_};
  SqliteTransactions transactions_{backend_};
  SqliteRequestKeys request_keys_{backend_};
  SqliteAuditLog audit_log_{backend_};
  SqliteConsoleSessions console_sessions_{backend_};
};

}  // namespace accountsd::store::sqlite
