// ConsoleSessions on PostgreSQL: the console_sessions table (migration 018), shared by every
// server of the database.
#pragma once

#include "store/console_sessions.hpp"
#include "store/postgres/backend.hpp"

namespace accountsd::store::postgres {

class PgConsoleSessions final : public ConsoleSessions {
 public:
  explicit PgConsoleSessions(Backend& backend) : backend_(backend) {}

  void create(std::string_view token_hash, const domain::ConsoleSession& session) override;
  std::optional<domain::ConsoleSession> find(std::string_view token_hash) override;
  void end(std::string_view token_hash) override;
  std::int64_t prune(std::int64_t now, int limit) override;

 private:
  Backend& backend_;
};

}  // namespace accountsd::store::postgres
