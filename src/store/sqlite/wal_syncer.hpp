// Group commit at the fsync level. With synchronous=NORMAL a commit returns once its frames are
// written to the WAL file, before they are on disk. Each commit has a ticket; one background
// thread fdatasyncs the WAL and then completes every ticket written before that sync started, so
// one fdatasync makes many commits durable. The server sends a write's 2xx only from that
// completion (docs/operations.md, "Storage"). The store's WriteBatch issues the tickets: one per
// batch of requests' writes, committed by this thread's before-sync step.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "unique_function.hpp"

namespace accountsd::store::sqlite {

// The WAL file as a file descriptor of its own, for fdatasync.
class WalFile {
 public:
  // `path` is the database's "-wal" file; it is opened at the first sync.
  explicit WalFile(std::string path);
  ~WalFile();
  WalFile(const WalFile&) = delete;
  WalFile& operator=(const WalFile&) = delete;

  // fdatasync of the file, opening it (and syncing its directory) first when it is not open or
  // was deleted and made anew. After a failed fdatasync every later call fails too: Linux may
  // have dropped the unwritten pages, and the WAL's checksum chain then invalidates every later
  // frame, so no later sync can make the earlier commits durable again.
  std::error_code sync();

 private:
  std::error_code open();
  std::string path_;
  int fd_ = -1;
  std::error_code failed_;
};

class WalSyncer {
 public:
  // Makes every frame written to the WAL so far durable; an error when it could not.
  using SyncFunction = std::function<std::error_code()>;
  // Called once with true when the commit is on disk, false when that could not be ensured.
  using Completion = UniqueFunction<void(bool ok)>;
  // What a sync is about to cover: every ticket up to `ticket` has its frames written (or has
  // failed: mark_failed), and `commits` requests' writes are among them since the last call.
  struct Written {
    std::uint64_t ticket = 0;
    std::uint64_t commits = 0;
  };
  // Run by the syncer's thread before each sync, to write what waits to be written (commit the
  // open batch) and say what the sync will cover. The default: every ticket issued so far.
  using BeforeSync = std::function<Written()>;

  // Syncs the WAL file at `wal_path` (a WalFile).
  explicit WalSyncer(std::string wal_path, BeforeSync before_sync = {});
  // Syncs with `sync` instead (tests count calls and make them fail).
  explicit WalSyncer(SyncFunction sync, BeforeSync before_sync = {});
  // Completes every pending waiter (after a last sync), then stops the thread.
  ~WalSyncer();
  WalSyncer(const WalSyncer&) = delete;
  WalSyncer& operator=(const WalSyncer&) = delete;

  // A new ticket, larger than every earlier one.
  std::uint64_t next_ticket() noexcept { return ++sequence_; }
  // `ticket`'s writes are lost (its batch was rolled back): its waiters are told false.
  void mark_failed(std::uint64_t ticket);
  // Whether `ticket` was marked failed: its commit is lost.
  bool lost(std::uint64_t ticket) const;
  // Something waits to be written although nobody waits for it yet: sync within kIdleWrite
  // anyway, so that a batch never stays open for long.
  void note_pending() noexcept;
  static constexpr std::chrono::milliseconds kIdleWrite{2};
  // Calls `done` once commit `ticket` is durable: at once (on this thread) when it already is or
  // when `ticket` is 0, otherwise from the syncer's thread, in ticket order within each sync.
  void when_durable(std::uint64_t ticket, Completion done);
  // The highest ticket known to be on disk.
  std::uint64_t synced() const;

 private:
  void run();
  Written before_sync();

  SyncFunction sync_;
  BeforeSync before_sync_;
  std::atomic<bool> pending_{false};
  std::atomic<std::uint64_t> sequence_{0};
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::pair<std::uint64_t, Completion>> waiters_;  // guarded by mutex_
  std::uint64_t synced_ = 0;                                   // guarded by mutex_
  std::set<std::uint64_t> failed_;                             // guarded by mutex_
  bool stopping_ = false;                                      // guarded by mutex_
  std::thread thread_;
};

}  // namespace accountsd::store::sqlite
