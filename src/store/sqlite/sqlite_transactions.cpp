#include "store/sqlite/sqlite_transactions.hpp"

namespace accountsd::store::sqlite {

void SqliteTransactions::release_stale_snapshot() noexcept {
  if (auto* connection = backend_.opened_db()) connection->release_stale_snapshot();
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
