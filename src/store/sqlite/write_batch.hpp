// Group commit at the transaction level (serve --synchronous group): the writes of many requests
// share one SQLite transaction on one writer connection, each in a savepoint of its own, and one
// COMMIT and one fdatasync make the whole batch durable. A commit per request costs SQLite's
// lock calls and a WAL frame per request; a batch pays them once (docs/benchmarks.md).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/options.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/wal_syncer.hpp"
#include "unique_function.hpp"

namespace accountsd::store::sqlite {

// The writer connection and its open batch. A member takes the turn (join), reads and writes on
// the writer, and gives the turn back (leave) with the batch's ticket if it wrote; the syncer's
// thread commits the batch before each sync (commit_open) and then completes the tickets. Until
// then the batch's writes are seen only by its members, and nothing of a batch is answered before
// it is on disk.
class WriteBatch {
 public:
  // Opens the writer connection to `path`; commits count in `commits` (snapshot reuse) and
  // tickets come from `syncer`.
  WriteBatch(const std::string& path, const StoreOptions& options,
             std::atomic<std::uint64_t>& commits, WalSyncer& syncer);
  // Commits what is open.
  ~WriteBatch();
  WriteBatch(const WriteBatch&) = delete;
  WriteBatch& operator=(const WriteBatch&) = delete;

  // Takes the turn, beginning a batch if none is open, and gives the connection to read and
  // write with until leave(). Blocks while another thread holds the turn. On failure (SQLite's
  // write lock held elsewhere past the busy timeout) it throws with the turn given back.
  Connection& join();
  // join() without blocking: nullptr, with nothing done, while another holds the turn.
  Connection* try_join();
  // Calls `wake` (once, on this thread or another) when the turn may be free again: a caller
  // that try_join() refused waits so, serving others meanwhile, instead of blocking its thread.
  void when_turn_free(UniqueFunction<void()> wake);
  // Gives the turn back. `wrote`: the member's writes are in the batch, so it gets the batch's
  // ticket (0 otherwise). `commit_now`: commit the batch before giving the turn back, so that
  // every connection sees it at once (a write made outside any request). A batch that SQLite
  // rolled back meanwhile (a failed statement can abort the whole transaction) has its ticket
  // failed: every member that wrote in it is told that its change was lost.
  std::uint64_t leave(bool wrote, bool commit_now) noexcept;
  // Commits the open batch, if any; what the next sync covers. For the syncer, before each sync.
  WalSyncer::Written commit_open();

 private:
  // With the turn held.
  void commit_locked() noexcept;
  void open_locked();
  // Gives the turn back and wakes whoever waits for it (when_turn_free).
  void give_back() noexcept;
  struct Held;
  void fail_locked(const char* why) noexcept;

  std::mutex turn_;
  std::mutex waiting_mutex_;
  std::vector<UniqueFunction<void()>> waiting_;  // guarded by waiting_mutex_
  std::unique_ptr<Connection> writer_;
  WalSyncer& syncer_;
  // Guarded by turn_.
  bool open_ = false;
  std::uint64_t ticket_ = 0;     // the open batch's
  std::uint64_t writes_ = 0;     // members of the open batch that wrote
  std::uint64_t closed_ = 0;     // the latest batch committed or failed
  std::uint64_t committed_ = 0;  // writes committed since the last commit_open
};

}  // namespace accountsd::store::sqlite
