// Transactions: read snapshots that hold one state of the database for a request, and the
// durability answer for commits that need no wait; on the backend that store_fixture.hpp opens.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "support/store_fixture.hpp"

namespace accountsd::store {
namespace {

class TransactionsStoreTest : public testing::StoreTest {
 protected:
  void set_ttl(PartnerId partner, std::int64_t ttl) {
    partners().update_settings(partner, [ttl](domain::Settings& settings, const domain::Features&) {
      settings.share_link_ttl = ttl;
    });
  }
};

TEST_F(TransactionsStoreTest, ASnapshotSeesOneStateUntilItsOutermostEnd) {
  auto partner = make_partner("alpha");
  set_ttl(partner, 1);
  {
    ReadSnapshot outer(transactions());
    EXPECT_EQ(partners().settings(partner).share_link_ttl, 1);
    std::thread([&] { set_ttl(partner, 2); }).join();
    {
      ReadSnapshot inner(transactions());
      EXPECT_EQ(partners().settings(partner).share_link_ttl, 1);
    }
    EXPECT_EQ(partners().settings(partner).share_link_ttl, 1) << "the inner end ended it";
  }
  EXPECT_EQ(partners().settings(partner).share_link_ttl, 2);
}

TEST_F(TransactionsStoreTest, AWriteInsideASnapshotIsSeenAfterIt) {
  auto partner = make_partner("alpha");
  {
    ReadSnapshot snapshot(transactions());
    EXPECT_EQ(partners().settings(partner).share_link_ttl, domain::Settings{}.share_link_ttl);
    set_ttl(partner, 3);
  }
  EXPECT_EQ(partners().settings(partner).share_link_ttl, 3);
}

TEST_F(TransactionsStoreTest, ACommitThatNeedsNoWaitIsDurableAtOnce) {
  auto partner = make_partner("alpha");
  set_ttl(partner, 4);
  EXPECT_EQ(transactions().take_commit_ticket(), 0u);  // full: durable when it returns
  bool answered = false;
  transactions().when_durable(0, [&](bool ok) {
    answered = true;
    EXPECT_TRUE(ok);
  });
  EXPECT_TRUE(answered);
  transactions().release_stale_snapshot();
  EXPECT_EQ(partners().settings(partner).share_link_ttl, 4);
}

}  // namespace
}  // namespace accountsd::store
