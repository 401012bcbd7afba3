// ConsoleSessions on SQLite: the console_sessions table (migration 018), written through the
// writer's transaction like every other write.
#pragma once

#include "store/console_sessions.hpp"
#include "store/sqlite/sqlite_backend.hpp"

namespace accountsd::store::sqlite {

class SqliteConsoleSessions final : public ConsoleSessions {
 public:
  explicit SqliteConsoleSessions(SqliteBackend& backend) : backend_(backend) {}

  void create(std::string_view token_hash, const domain::ConsoleSession& session) override;
  std::optional<domain::ConsoleSession> find(std::string_view token_hash) override;
  void end(std::string_view token_hash) override;
  std::int64_t prune(std::int64_t now, int limit) override;

 private:
  SqliteBackend& backend_;
};

}  // namespace accountsd::store::sqlite
