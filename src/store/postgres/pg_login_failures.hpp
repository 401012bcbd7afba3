// LoginFailures on PostgreSQL: the login_failures table (migration 011), each server's rows
// marked with a random id of the process.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "store/login_failures.hpp"
#include "store/postgres/backend.hpp"

namespace accountsd::store::postgres {

class PgLoginFailures final : public LoginFailures {
 public:
  explicit PgLoginFailures(Backend& backend);

  void record(std::string_view username, std::string_view address,
              std::int64_t window_seconds) override;
  std::vector<Failure> others_since_last(std::int64_t window_seconds) override;

 private:
  Backend& backend_;
  std::string server_;  // this process's mark on its rows
  // One reader at a time (a flag, not a mutex: the reader's fiber may resume on another thread).
  std::atomic<bool> reading_{false};
  std::int64_t last_read_ = 0;  // the highest failure_id read so far
  std::atomic<std::uint64_t> recorded_{0};
};

}  // namespace accountsd::store::postgres
