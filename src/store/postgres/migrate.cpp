#include "store/postgres/migrate.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <stdexcept>

#include "store/migrations.hpp"
#include "store/postgres/transaction.hpp"

namespace accountsd::store::postgres {
namespace {

// The advisory lock's key: any fixed number the database's other users do not take ("acco").
constexpr std::int64_t kMigrationLock = 0x6163636f;

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int migrate(Connection& connection) {
  connection.exec("SELECT pg_advisory_lock($1)", Params().add(kMigrationLock));
  struct Unlock {
    Connection& connection;
    ~Unlock() {
      try {
        connection.exec("SELECT pg_advisory_unlock($1)", Params().add(kMigrationLock));
      } catch (...) {
        // Session-level: the lock also goes when the connection closes.
      }
    }
  } unlock{connection};

  connection.script(
      "CREATE TABLE IF NOT EXISTS schema_migrations (number BIGINT PRIMARY KEY, "
      "name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
  const auto& all = migrations();
  auto newest = connection.exec("SELECT max(number) FROM schema_migrations").optional_integer(0, 0);
  if (newest && *newest > static_cast<std::int64_t>(all.size()))
    throw std::runtime_error("the database has migration " + std::to_string(*newest) +
                             ", newer than this build knows (" + std::to_string(all.size()) +
                             "): run the newer accountsd");
  int applied = 0;
  for (const auto& migration : all) {
    if (newest && migration.number <= *newest) continue;
    transact(connection, Isolation::read_committed, [&](Connection& c) {
      c.script(migration.postgres);
      c.exec("INSERT INTO schema_migrations (number, name, applied_at) VALUES ($1, $2, $3)",
             Params().add(migration.number).add(migration.name).add(now_seconds()));
    });
    spdlog::info("database: applied migration {}", migration.name);
    ++applied;
  }
  return applied;
}

}  // namespace accountsd::store::postgres
