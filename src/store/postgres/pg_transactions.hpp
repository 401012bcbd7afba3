// The transactions role on PostgreSQL: read snapshots are Backend's (one REPEATABLE READ
// transaction per request); every commit is durable when it returns (synchronous_commit is the
// database's), so there are no tickets to wait for.
#pragma once

#include "store/postgres/backend.hpp"
#include "store/transactions.hpp"

namespace accountsd::store::postgres {

class PgTransactions final : public Transactions {
 public:
  explicit PgTransactions(Backend& backend) : backend_(backend) {}

  void begin_read() override { backend_.begin_read(); }
  void end_read() noexcept override { backend_.end_read(); }
  // A snapshot never outlives its request here.
  void release_stale_snapshot() noexcept override {}
  void settle_checks() override { backend_.settle_checks(); }
  void expect_one_read() override { backend_.expect_one_read(); }
  // The cluster's own count (Backend::snapshot_version), which every server shares.
  std::optional<SnapshotVersion> snapshot_version() override { return backend_.snapshot_version(); }
  std::uint64_t take_commit_ticket() override { return 0; }
  void when_durable(std::uint64_t, UniqueFunction<void(bool ok)> done) override { done(true); }

 private:
  Backend& backend_;
};

}  // namespace accountsd::store::postgres
