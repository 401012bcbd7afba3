// Who is changing the database, for the audit log: set around a request (api::App) or an
// operator's command (cli), and read by the triggers that write the log (migrations 016, 017), on
// SQLite through a function of the connection, on PostgreSQL through a setting of the write's
// transaction. Per fiber, as a request's store calls run in its fiber.
#pragma once

#include <cstdint>
#include <string>

namespace accountsd::store {

struct AuditContext {
  std::string actor;       // partner, signup, service, operator or system
  std::string address;     // the client's address; empty: none (an operator's command)
  std::string request_id;  // X-Request-Id, or the command's own id
};

// Makes `context` this fiber's (or thread's) for the scope; the one it replaced comes back after.
class AuditScope {
 public:
  explicit AuditScope(AuditContext context);
  ~AuditScope();
  AuditScope(const AuditScope&) = delete;
  AuditScope& operator=(const AuditScope&) = delete;

 private:
  AuditContext replaced_;
  bool had_ = false;
};

// This fiber's context; nullptr when none is set.
const AuditContext* current_audit_context();

// This fiber's context as the triggers read it: a JSON object {"actor", "address", "request_id"},
// or "" when none is set (the triggers then record the actor "system").
const std::string& audit_context_json();

}  // namespace accountsd::store
