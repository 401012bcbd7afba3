#include "store/postgres/pg_database.hpp"

#include <spdlog/spdlog.h>

#include "store/postgres/migrate.hpp"

namespace accountsd::store::postgres {
namespace {

PoolOptions pool_options(const StoreOptions& options) {
  PoolOptions pool;
  pool.size = options.pool_size;
  pool.wait = options.pool_wait;
  pool.connect.statement_timeout = options.statement_timeout;
  return pool;
}

}  // namespace

PgDatabase::PgDatabase(std::string url, const StoreOptions& options)
    : backend_(std::move(url), pool_options(options)),
      directory_(backend_, options.pages_from_the_end_past) {
  auto lease = backend_.pool().acquire();
  if (int applied = migrate(*lease)) spdlog::info("applied {} database migration(s)", applied);
}

}  // namespace accountsd::store::postgres
