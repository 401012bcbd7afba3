// Audit log entries that a test puts straight into the audit_log table, as the triggers of
// migration 016 would write them, on either backend.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "support/test_database.hpp"

namespace accountsd::testing {

struct AuditRow {
  AuditRow(std::int64_t partner, std::int64_t at, std::string action = "user.create",
           std::string object = "user/1")
      : partner(partner), at(at), action(std::move(action)), object(std::move(object)) {}

  std::int64_t partner;
  std::int64_t at;
  std::string action;
  std::string object;
  std::string changes = R"({"name":{"before":null,"after":"Joe"}})";
  std::string actor = "partner";
  std::optional<std::string> address = "127.0.0.1";
  std::optional<std::string> request_id;
};

// One INSERT of `rows`, SQL that both backends run.
std::string audit_rows_sql(const std::vector<AuditRow>& rows);
// Inserts `rows` in order (their entry ids increase in that order), in one statement.
void insert_audit_rows(TestDatabase& database, const std::vector<AuditRow>& rows);

}  // namespace accountsd::testing
