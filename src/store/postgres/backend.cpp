#include "store/postgres/backend.hpp"

#include <spdlog/spdlog.h>

namespace accountsd::store::postgres {

Backend::Backend(std::string url, PoolOptions options)
    : pool_(std::move(url), std::move(options)) {}

void Backend::begin_read() {
  ++snapshot_.get().depth;
}

void Backend::end_read() noexcept {
  auto& snapshot = snapshot_.get();
  if (snapshot.depth == 0) return;
  if (--snapshot.depth > 0) return;
  end_snapshot(snapshot);
  snapshot.lease.reset();
}

Connection& Backend::snapshot_connection(Snapshot& snapshot) {
  if (!snapshot.lease) snapshot.lease.emplace(pool_.acquire());
  auto& connection = **snapshot.lease;
  if (!snapshot.open) {
    connection.script("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    snapshot.open = true;
  }
  return connection;
}

void Backend::end_snapshot(Snapshot& snapshot) noexcept {
  if (!snapshot.open) return;
  snapshot.open = false;
  // Read-only: nothing to keep, and nothing lost if this fails (the pool then closes it).
  rollback_quietly(**snapshot.lease);
}

void Backend::lock_partner(Connection& connection, std::int64_t partner) {
  connection.exec("SELECT 1 FROM partner_counters WHERE partner_id = $1 FOR UPDATE",
                  Params().add(partner));
}

}  // namespace accountsd::store::postgres
