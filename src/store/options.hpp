// How a store is opened: durability and caching of the embedded database.
#pragma once

#include <chrono>

namespace accountsd::store {

// How an embedded database trades write speed for durability.
enum class Synchronous {
  // Every commit reaches the disk before it returns (SQLite synchronous=FULL): it survives a
  // power loss. One fsync per commit, inside the writer's turn.
  full,
  // Group commit: a commit returns once it is in the WAL file (synchronous=NORMAL) with a ticket
  // (Transactions::take_commit_ticket); when_durable says when a background fsync, shared by
  // every commit made meanwhile, has put it on disk. Durable like `full` for whoever waits.
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
};

}  // namespace accountsd::store
