// serve --audit-retention-days (issue 14): the background pruning asks for entries older than
// the retention, in batches, until a batch comes back short; nothing with 0; it stops promptly.
#include "cli/audit_retention.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "domain/clock.hpp"

namespace accountsd::cli {
namespace {

// Holds `left` entries older than any cutoff; records each prune call's cutoff.
class FakeLog final : public store::AuditLog {
 public:
  explicit FakeLog(std::int64_t left) : left_(left) {}
  std::vector<store::AuditEntry> list(const store::AuditQuery&) override { return {}; }
  std::int64_t prune(std::int64_t before, int limit) override {
    std::lock_guard lock(mutex_);
    cutoffs_.push_back(before);
    auto gone = std::min<std::int64_t>(left_, limit);
    left_ -= gone;
    return gone;
  }
  std::vector<std::int64_t> cutoffs() {
    std::lock_guard lock(mutex_);
    return cutoffs_;
  }
  std::int64_t left() {
    std::lock_guard lock(mutex_);
    return left_;
  }

 private:
  std::mutex mutex_;
  std::int64_t left_;
  std::vector<std::int64_t> cutoffs_;
};

TEST(AuditRetentionTest, PrunesInBatchesUntilABatchComesBackShort) {
  FakeLog log(2 * AuditRetention::kBatch + 7);
  auto start = domain::now_seconds();
  {
    AuditRetention retention(log, 400);
    for (int i = 0; i < 500 && log.left() > 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(log.left(), 0);
  auto cutoffs = log.cutoffs();
  ASSERT_EQ(cutoffs.size(), 3u);
  for (auto cutoff : cutoffs) {
    EXPECT_GE(cutoff, start - 400 * 86400);
    EXPECT_LE(cutoff, domain::now_seconds() - 400 * 86400);
  }
}

TEST(AuditRetentionTest, ZeroDaysKeepsEverything) {
  FakeLog log(10);
  { AuditRetention retention(log, 0); }
  EXPECT_TRUE(log.cutoffs().empty());
  EXPECT_EQ(log.left(), 10);
}

TEST(AuditRetentionTest, StopsWithoutWaitingForTheNextPeriod) {
  FakeLog log(0);
  std::chrono::steady_clock::time_point asked;
  {
    AuditRetention retention(log, 30);
    // Its first look, at start; the next would be a period later.
    for (int i = 0; i < 500 && log.cutoffs().empty(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    asked = std::chrono::steady_clock::now();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::seconds(5));
  EXPECT_EQ(log.cutoffs().size(), 1u);
}

}  // namespace
}  // namespace accountsd::cli
