// Group commit in the SQLite store: which commits get a ticket, whose thread takes it, and the
// checkpoints that SQLite's auto-checkpoint made before the WAL hook replaced it.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "store/database.hpp"
#include "support/sqlite_checks.hpp"

namespace accountsd::store {
namespace {

using namespace std::chrono_literals;

class GroupCommitStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<Database> open(Synchronous synchronous) {
    auto store = open_store("sqlite:" + path_, {.synchronous = synchronous});
    store->transactions().take_commit_ticket();  // the migrations' commits, made on this thread
    return store;
  }

  static PartnerId make_partner(Database& store, const std::string& username) {
    domain::NewPartner partner;
    partner.username = username;
    partner.name = username + " Corp";
    partner.password_hash = "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA";
    return store.partners().create_partner(partner);
  }

  static void set_ttl(Database& store, PartnerId partner, std::int64_t ttl) {
    store.partners().update_settings(partner,
                                     [ttl](domain::Settings& settings, const domain::Features&) {
                                       settings.share_link_ttl = ttl;
                                     });
  }

  // What when_durable answers for `ticket`, within 10 s.
  static std::optional<bool> durable(Database& store, std::uint64_t ticket) {
    auto result = std::make_shared<std::promise<bool>>();
    auto future = result->get_future();
    store.transactions().when_durable(ticket, [result](bool ok) { result->set_value(ok); });
    if (future.wait_for(10s) != std::future_status::ready) return std::nullopt;
    return future.get();
  }

  testing::TempDatabase db_;
  const std::string& path_ = db_.path;
};

TEST_F(GroupCommitStoreTest, ACommitLeavesATicketToTakeOnceAndReadsLeaveNone) {
  auto store = open(Synchronous::group);
  auto partner = make_partner(*store, "alpha");
  auto first = store->transactions().take_commit_ticket();
  EXPECT_GT(first, 0u);
  EXPECT_EQ(store->transactions().take_commit_ticket(), 0u);

  store->partners().find_partner(partner);
  store->partners().settings(partner);
  {
    ReadSnapshot snapshot(store->transactions());
    store->partners().quota(partner);
  }
  EXPECT_EQ(store->transactions().take_commit_ticket(), 0u);

  set_ttl(*store, partner, 77);
  auto second = store->transactions().take_commit_ticket();
  EXPECT_GT(second, first);
  EXPECT_EQ(durable(*store, second), std::optional<bool>(true));
  EXPECT_EQ(store->partners().settings(partner).share_link_ttl, 77);
}

TEST_F(GroupCommitStoreTest, ATransactionThatChangesNothingLeavesNoTicket) {
  auto store = open(Synchronous::group);
  auto partner = make_partner(*store, "alpha");
  store->transactions().take_commit_ticket();
  // A failed change rolls back: nothing was written, so nothing needs a sync.
  EXPECT_THROW(store->partners().update_settings(partner,
                                                 [](domain::Settings&, const domain::Features&) {
                                                   throw std::runtime_error("refused");
                                                 }),
               std::runtime_error);
  EXPECT_EQ(store->transactions().take_commit_ticket(), 0u);
}

TEST_F(GroupCommitStoreTest, EachThreadTakesTheTicketOfItsOwnCommit) {
  auto store = open(Synchronous::group);
  auto partner = make_partner(*store, "alpha");
  auto mine = store->transactions().take_commit_ticket();
  std::uint64_t theirs = 0;
  std::uint64_t theirs_again = 1;
  std::thread other([&] {
    set_ttl(*store, partner, 5);
    theirs = store->transactions().take_commit_ticket();
    theirs_again = store->transactions().take_commit_ticket();
  });
  other.join();
  EXPECT_GT(theirs, mine);
  EXPECT_EQ(theirs_again, 0u);
  EXPECT_EQ(store->transactions().take_commit_ticket(),
            0u);  // the other thread's commit is not this thread's
  EXPECT_EQ(durable(*store, theirs), std::optional<bool>(true));
}

TEST_F(GroupCommitStoreTest, AWriteRequestReadsItsOwnWritesAndTakesOneTicketAtItsEnd) {
  auto store = open(Synchronous::group);
  auto partner = make_partner(*store, "alpha");
  store->transactions().take_commit_ticket();
  {
    WriteRequest request(store->transactions());
    set_ttl(*store, partner, 5);
    EXPECT_EQ(store->partners().settings(partner).share_link_ttl, 5);
    set_ttl(*store, partner, 6);
    EXPECT_EQ(store->partners().settings(partner).share_link_ttl, 6);
    EXPECT_EQ(store->transactions().take_commit_ticket(), 0u);  // not before the request ends
  }
  auto ticket = store->transactions().take_commit_ticket();
  EXPECT_GT(ticket, 0u);
  EXPECT_EQ(store->transactions().take_commit_ticket(), 0u);
  EXPECT_EQ(durable(*store, ticket), std::optional<bool>(true));
  EXPECT_EQ(store->partners().settings(partner).share_link_ttl, 6);
  // And from another connection to the file.
  auto reopened = open_store("sqlite:" + path_);
  EXPECT_EQ(reopened->partners().settings(partner).share_link_ttl, 6);
}

TEST_F(GroupCommitStoreTest, AWriteRequestThatWritesNothingTakesNoTicket) {
  auto store = open(Synchronous::group);
  auto partner = make_partner(*store, "alpha");
  store->transactions().take_commit_ticket();
  {
    WriteRequest request(store->transactions());
    store->partners().settings(partner);
    EXPECT_THROW(store->partners().update_settings(partner,
                                                   [](domain::Settings&, const domain::Features&) {
                                                     throw std::runtime_error("refused");
                                                   }),
                 std::runtime_error);
  }
  EXPECT_EQ(store->transactions().take_commit_ticket(), 0u);
}

TEST_F(GroupCommitStoreTest, WriteRequestsOnSeveralThreadsAllReachTheDisk) {
  auto store = open(Synchronous::group);
  constexpr int kThreads = 4;
  constexpr int kEach = 20;
  std::vector<PartnerId> partners;
  for (int t = 0; t < kThreads; ++t)
    partners.push_back(make_partner(*store, "p" + std::to_string(t)));
  std::vector<std::future<bool>> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.push_back(std::async(std::launch::async, [&, t] {
      bool all = true;
      for (int i = 1; i <= kEach; ++i) {
        {
          WriteRequest request(store->transactions());
          set_ttl(*store, partners[t], i);
          all = all && store->partners().settings(partners[t]).share_link_ttl == i;
        }
        all = all && durable(*store, store->transactions().take_commit_ticket()) ==
                         std::optional<bool>(true);
      }
      return all;
    }));
  }
  for (auto& worker : workers) EXPECT_TRUE(worker.get());
  auto reopened = open_store("sqlite:" + path_);
  for (auto partner : partners)
    EXPECT_EQ(reopened->partners().settings(partner).share_link_ttl, kEach);
}

TEST_F(GroupCommitStoreTest, FullAndNormalCommitsHaveNoTickets) {
  for (auto synchronous : {Synchronous::full, Synchronous::normal}) {
    auto store = open(synchronous);
    auto partner =
        make_partner(*store, synchronous == Synchronous::full ? "full-mode" : "normal-mode");
    set_ttl(*store, partner, 9);
    EXPECT_EQ(store->transactions().take_commit_ticket(), 0u);
    EXPECT_EQ(durable(*store, 0), std::optional<bool>(true));
  }
}

TEST_F(GroupCommitStoreTest, TheWalIsCheckpointedAsWalAutocheckpointWould) {
  auto store = open(Synchronous::group);
  auto partner = make_partner(*store, "alpha");
  // Every commit writes at least one 4 KiB frame, so without checkpoints the WAL would grow past
  // 3000 frames. With a PASSIVE checkpoint at 1000 frames, SQLite starts it over from the top.
  for (int i = 1; i <= 3000; ++i) set_ttl(*store, partner, i);
  auto wal = std::filesystem::file_size(path_ + "-wal");
  constexpr std::uintmax_t kFrameBytes = 24 + 4096;
  EXPECT_LT(wal, 32 + 1500 * kFrameBytes);
  EXPECT_EQ(store->partners().settings(partner).share_link_ttl, 3000);
}

}  // namespace
}  // namespace accountsd::store
