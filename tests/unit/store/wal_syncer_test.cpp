// WalSyncer: tickets complete only after a sync that started after they were issued, in ticket
// order; one sync serves every ticket issued before it; failures reach the waiters. WalFile:
// fdatasync of the real file, and a failed fdatasync stays failed.
#include "store/sqlite/wal_syncer.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "support/gate.hpp"
#include "support/sqlite_checks.hpp"

namespace accountsd::store::sqlite {
namespace {

using namespace std::chrono_literals;

// A sync function that counts its calls, can be held at its start until released, and returns
// what the test says.
class ControlledSync {
 public:
  WalSyncer::SyncFunction function() {
    return [this] {
      {
        std::lock_guard lock(mutex_);
        ++calls_;
        changed_.notify_all();
      }
      gate_.pass();
      std::lock_guard lock(mutex_);
      return result_;
    };
  }
  void hold() { gate_.hold(); }
  void release() { gate_.release(); }
  void fail_with(std::error_code ec) {
    std::lock_guard lock(mutex_);
    result_ = ec;
  }
  int calls() {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  // Waits until the sync has been entered `n` times.
  bool wait_for_calls(int n) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 10s, [&] { return calls_ >= n; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int calls_ = 0;
  testing::Gate gate_;
  std::error_code result_;
};

// Completions recorded as (ticket, ok, syncs entered by then).
class Completions {
 public:
  struct Entry {
    std::uint64_t ticket;
    bool ok;
    int syncs;
  };
  WalSyncer::Completion for_ticket(std::uint64_t ticket, ControlledSync& sync) {
    return [this, ticket, &sync](bool ok) {
      int syncs = sync.calls();
      std::lock_guard lock(mutex_);
      entries_.push_back({ticket, ok, syncs});
      changed_.notify_all();
    };
  }
  bool wait_for(std::size_t n) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 10s, [&] { return entries_.size() >= n; });
  }
  std::vector<Entry> entries() {
    std::lock_guard lock(mutex_);
    return entries_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Entry> entries_;
};

class WalSyncerTest : public ::testing::Test {
 protected:
  // Starts a sync for a first ticket and holds it there; returns that ticket.
  std::uint64_t hold_a_sync(WalSyncer& syncer) {
    sync.hold();
    auto first = syncer.next_ticket();
    syncer.when_durable(first, completions.for_ticket(first, sync));
    EXPECT_TRUE(sync.wait_for_calls(1));
    return first;
  }

  ControlledSync sync;
  Completions completions;
};

TEST_F(WalSyncerTest, TicketZeroCompletesAtOnceWithoutASync) {
  WalSyncer syncer(sync.function());
  bool called = false;
  bool result = false;
  syncer.when_durable(0, [&](bool ok) {
    called = true;
    result = ok;
  });
  EXPECT_TRUE(called);  // on this thread, before when_durable returned
  EXPECT_TRUE(result);
  EXPECT_EQ(sync.calls(), 0);
}

TEST_F(WalSyncerTest, TicketsIncreaseAndCompleteAfterASync) {
  WalSyncer syncer(sync.function());
  auto first = syncer.next_ticket();
  auto second = syncer.next_ticket();
  EXPECT_GT(first, 0u);
  EXPECT_GT(second, first);
  syncer.when_durable(second, completions.for_ticket(second, sync));
  ASSERT_TRUE(completions.wait_for(1));
  auto entries = completions.entries();
  EXPECT_EQ(entries[0].ticket, second);
  EXPECT_TRUE(entries[0].ok);
  EXPECT_EQ(entries[0].syncs, 1);
  EXPECT_EQ(syncer.synced(), second);
  // Already synced (the sync covered every ticket issued before it): completes at once.
  bool called = false;
  syncer.when_durable(first, [&](bool ok) { called = ok; });
  EXPECT_TRUE(called);
  EXPECT_EQ(sync.calls(), 1);
}

TEST_F(WalSyncerTest, OneSyncServesEveryTicketIssuedBeforeItStarted) {
  WalSyncer syncer(sync.function());
  auto first = hold_a_sync(syncer);
  // Issued while the first sync runs: that sync may not have seen their frames.
  std::vector<std::uint64_t> later;
  for (int i = 0; i < 100; ++i) later.push_back(syncer.next_ticket());
  for (auto ticket : later) syncer.when_durable(ticket, completions.for_ticket(ticket, sync));
  sync.release();
  ASSERT_TRUE(completions.wait_for(1 + later.size()));
  auto entries = completions.entries();
  EXPECT_EQ(sync.calls(), 2);  // one for the first ticket, one for the hundred after it
  for (const auto& entry : entries) {
    EXPECT_TRUE(entry.ok);
    EXPECT_EQ(entry.syncs, entry.ticket == first ? 1 : 2) << "ticket " << entry.ticket;
  }
  EXPECT_EQ(syncer.synced(), later.back());
}

TEST_F(WalSyncerTest, ACompletedBatchIsInTicketOrder) {
  WalSyncer syncer(sync.function());
  hold_a_sync(syncer);
  std::vector<std::uint64_t> tickets;
  for (int i = 0; i < 50; ++i) tickets.push_back(syncer.next_ticket());
  std::mt19937 shuffle_with(7);
  std::shuffle(tickets.begin(), tickets.end(), shuffle_with);
  for (auto ticket : tickets) syncer.when_durable(ticket, completions.for_ticket(ticket, sync));
  sync.release();
  ASSERT_TRUE(completions.wait_for(51));
  auto entries = completions.entries();
  ASSERT_EQ(entries.size(), 51u);
  for (std::size_t i = 1; i < entries.size(); ++i)
    EXPECT_LT(entries[i - 1].ticket, entries[i].ticket) << "at " << i;
}

TEST_F(WalSyncerTest, AFailedSyncFailsItsWaitersAndSyncsNothing) {
  WalSyncer syncer(sync.function());
  sync.fail_with(std::make_error_code(std::errc::io_error));
  auto a = syncer.next_ticket();
  auto b = syncer.next_ticket();
  syncer.when_durable(a, completions.for_ticket(a, sync));
  syncer.when_durable(b, completions.for_ticket(b, sync));
  ASSERT_TRUE(completions.wait_for(2));
  for (const auto& entry : completions.entries()) EXPECT_FALSE(entry.ok);
  EXPECT_EQ(syncer.synced(), 0u);
  // The syncer asks again for later waiters (whether the file can still sync is WalFile's call).
  sync.fail_with({});
  auto c = syncer.next_ticket();
  syncer.when_durable(c, completions.for_ticket(c, sync));
  ASSERT_TRUE(completions.wait_for(3));
  EXPECT_TRUE(completions.entries().back().ok);
  EXPECT_EQ(syncer.synced(), c);
}

TEST_F(WalSyncerTest, ATicketNeverIssuedFailsInsteadOfWaitingForever) {
  WalSyncer syncer(sync.function());
  bool called = false;
  bool result = true;
  syncer.when_durable(syncer.next_ticket() + 5, [&](bool ok) {
    called = true;
    result = ok;
  });
  EXPECT_TRUE(called);
  EXPECT_FALSE(result);
}

TEST_F(WalSyncerTest, DestructionSyncsAndCompletesWaitersStillPending) {
  auto syncer = std::make_unique<WalSyncer>(sync.function());
  hold_a_sync(*syncer);
  auto second = syncer->next_ticket();
  syncer->when_durable(second, completions.for_ticket(second, sync));
  std::thread destroy([&] { syncer.reset(); });
  std::this_thread::sleep_for(50ms);  // let the destructor ask the thread to stop
  sync.release();
  destroy.join();
  auto entries = completions.entries();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].ticket, second);
  EXPECT_TRUE(entries[1].ok);
  EXPECT_EQ(entries[1].syncs, 2);  // a sync of its own, not the one it arrived during
}

class WalFileTest : public ::testing::Test {
 protected:
  std::string path(const char* name) const { return (directory_.dir / name).string(); }
  static void write_file(const std::string& file) { std::ofstream(file) << "frames"; }

  testing::TempDatabase directory_;  // only its directory is used
};

TEST_F(WalFileTest, SyncsAnExistingFile) {
  write_file(path("a.db-wal"));
  WalFile file(path("a.db-wal"));
  EXPECT_FALSE(file.sync());
  EXPECT_FALSE(file.sync());
}

TEST_F(WalFileTest, AMissingFileFailsUntilItExists) {
  WalFile file(path("b.db-wal"));
  EXPECT_EQ(file.sync(), std::errc::no_such_file_or_directory);
  write_file(path("b.db-wal"));
  EXPECT_FALSE(file.sync());
}

TEST_F(WalFileTest, FollowsAFileDeletedAndMadeAnew) {
  auto wal = path("c.db-wal");
  write_file(wal);
  WalFile file(wal);
  ASSERT_FALSE(file.sync());
  std::filesystem::remove(wal);
  EXPECT_EQ(file.sync(), std::errc::no_such_file_or_directory);  // not the deleted file
  write_file(wal);
  EXPECT_FALSE(file.sync());
}

TEST_F(WalFileTest, AFailedFdatasyncStaysFailed) {
  // fdatasync of a FIFO fails with EINVAL; afterwards even a good file at the path must not
  // count as synced, since the frames the failed sync covered may be lost.
  auto wal = path("d.db-wal");
  ASSERT_EQ(::mkfifo(wal.c_str(), 0600), 0);
  WalFile file(wal);
  auto failure = file.sync();
  EXPECT_EQ(failure, std::errc::invalid_argument);
  std::filesystem::remove(wal);
  write_file(wal);
  EXPECT_EQ(file.sync(), failure);
}

TEST_F(WalFileTest, TheSyncerCompletesThroughTheRealFile) {
  write_file(path("e.db-wal"));
  WalSyncer syncer(path("e.db-wal"));
  std::promise<bool> result;
  syncer.when_durable(syncer.next_ticket(), [&](bool ok) { result.set_value(ok); });
  auto future = result.get_future();
  ASSERT_EQ(future.wait_for(10s), std::future_status::ready);
  EXPECT_TRUE(future.get());
}

}  // namespace
}  // namespace accountsd::store::sqlite
