#include "store/sqlite/sqlite_transactions.hpp"

namespace accountsd::store::sqlite {

void SqliteTransactions::release_stale_snapshot() noexcept {
  if (auto* connection = backend_.opened_db()) connection->release_stale_snapshot();
}

std::optional<Transactions::SnapshotVersion> SqliteTransactions::snapshot_version() {
  // Only a thread's own connection: a write request's reads on the batch's writer see writes
  // that may yet be lost with the batch.
  auto* connection = backend_.opened_db();
  if (!connection || backend_.in_write_request()) return std::nullopt;
  return connection->snapshot_version();
}

std::uint64_t SqliteTransactions::take_commit_ticket() {
  return backend_.take_commit_ticket();
}

void SqliteTransactions::when_durable(std::uint64_t ticket, UniqueFunction<void(bool ok)> done) {
  auto* syncer = backend_.syncer();
  if (!syncer) {
    done(true);  // without group commit, a commit is as durable as it will get when it returns
    return;
  }
  syncer->when_durable(ticket, std::move(done));
}

}  // namespace accountsd::store::sqlite
