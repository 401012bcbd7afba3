#include "cli/audit_retention.hpp"

#include <spdlog/spdlog.h>

#include "domain/clock.hpp"
#include "domain/text.hpp"

namespace accountsd::cli {

AuditRetention::AuditRetention(store::AuditLog& log, unsigned days)
    : log_(log), retention_seconds_(std::int64_t(days) * 86400) {
  if (days > 0) thread_ = std::thread([this] { run(); });
}

AuditRetention::~AuditRetention() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool AuditRetention::stopped_after(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  return wake_.wait_for(lock, delay, [this] { return stop_; });
}

void AuditRetention::run() {
  std::int64_t pruned = 0;
  do {
    try {
      // Batch by batch with a pause between, so that requests' writes take their turns.
      for (;;) {
        auto gone = log_.prune(domain::now_seconds() - retention_seconds_, kBatch);
        pruned += gone;
        if (gone < kBatch) break;
        if (stopped_after(kPause)) return;
      }
      if (pruned > 0) {
        spdlog::info("audit log: {} entries older than {} days pruned", pruned,
                     retention_seconds_ / 86400);
        pruned = 0;
      }
    } catch (const std::exception& e) {
      // Tried again next period: a busy or unreachable database now is no reason to stop.
      spdlog::warn("audit log: pruning failed: {}", domain::escape_controls(e.what()));
    }
  } while (!stopped_after(kPeriod));
}

}  // namespace accountsd::cli
