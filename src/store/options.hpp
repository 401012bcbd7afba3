// How a store is opened: durability and caching of the embedded database; the PostgreSQL pool.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace accountsd::store {

// How an embedded database trades write speed for durability.
enum class Synchronous {
  // Every commit reaches the disk before it returns (SQLite synchronous=FULL): it survives a
  // power loss. One fsync per commit, inside the writer's turn.
  full,
  // Group commit: the writes of many requests share one transaction on one writer connection
  // (sqlite/write_batch.hpp); a request's writes take the batch's ticket
  // (Transactions::take_commit_ticket), and when_durable says when a background thread has
  // committed the batch (synchronous=NORMAL) and fsynced the WAL. Durable like `full` for
  // whoever waits.
  group,
  // synchronous=NORMAL alone: a commit survives a crash of the process, not of the machine.
  normal,
};

struct StoreOptions {
  Synchronous synchronous = Synchronous::full;
  // Page cache per connection in MiB; 0 keeps SQLite's default (2 MiB). Bulk loading wants more.
  int cache_mb = 0;
  // How long a thread may keep reading in one snapshot across begin_read/end_read pairs while no
  // commit is made through this store; 0 begins a new one every time. Commits made by another
  // process meanwhile become visible once the window ends (docs/operations.md, "Storage").
  std::chrono::milliseconds snapshot_reuse{0};

  // PostgreSQL: connections this process opens at most (all servers' together must stay under
  // max_connections), how long a request waits for one before it is answered 503, and the
  // longest a statement may run (statement_timeout).
  std::size_t pool_size = 16;
  std::chrono::milliseconds pool_wait{5'000};
  std::chrono::milliseconds statement_timeout{30'000};
  // A page of users at this offset or deeper is read from the nearer end of its order
  // (domain::page_from_the_end), after counting the list: OFFSET walks every row it skips.
  std::int64_t pages_from_the_end_past = 50'000;
};

}  // namespace accountsd::store
