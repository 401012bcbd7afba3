// serve --audit-retention-days: a background thread that deletes audit entries older than the
// retention, a small batch at a time, so that no write waits long behind it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "store/audit_log.hpp"

namespace accountsd::cli {

class AuditRetention {
 public:
  // Entries made more than `days` days ago go; 0 keeps every entry (no thread).
  AuditRetention(store::AuditLog& log, unsigned days);
  ~AuditRetention();
  AuditRetention(const AuditRetention&) = delete;
  AuditRetention& operator=(const AuditRetention&) = delete;

  // Between batches, and how often the log is looked at once nothing is left to prune.
  static constexpr int kBatch = 500;
  static constexpr std::chrono::milliseconds kPause{20};
  static constexpr std::chrono::seconds kPeriod{60};

 private:
  void run();
  // Waits `delay` or until stopped; whether stopped.
  bool stopped_after(std::chrono::milliseconds delay);

  store::AuditLog& log_;
  std::int64_t retention_seconds_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace accountsd::cli
