// Transactions on SQLite: this thread's connection's read snapshots, and group commit's write
// requests and tickets.
#pragma once

#include "store/sqlite/sqlite_backend.hpp"
#include "store/transactions.hpp"

namespace accountsd::store::sqlite {

class SqliteTransactions final : public Transactions {
 public:
  explicit SqliteTransactions(SqliteBackend& backend) : backend_(backend) {}

  void begin_read() override { backend_.db().begin_read(); }
  void end_read() noexcept override { backend_.db().end_read(); }
  void release_stale_snapshot() noexcept override;
  std::optional<SnapshotVersion> snapshot_version() override;
  void begin_write_request() noexcept override { backend_.begin_write_request(); }
  void end_write_request() noexcept override { backend_.end_write_request(); }
  bool try_take_write_turn() noexcept override { return backend_.try_take_turn(); }
  void when_write_turn_free(UniqueFunction<void()> wake) override {
    backend_.when_turn_free(std::move(wake));
  }
  void give_back_write_turn() noexcept override { backend_.give_back_unused_turn(); }
  std::uint64_t take_commit_ticket() override;
  void when_durable(std::uint64_t ticket, UniqueFunction<void(bool ok)> done) override;

 private:
  SqliteBackend& backend_;
};

}  // namespace accountsd::store::sqlite
