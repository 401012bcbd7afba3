// Counts failed logins per username and per client address in a sliding window (A.2).
#pragma once

#include <chrono>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace accountsd::auth {

struct ThrottleLimits {
  std::size_t per_username = 10;
  std::size_t per_address = 100;
  std::chrono::seconds window = std::chrono::minutes(5);
};

class Throttle {
 public:
  using Clock = std::chrono::steady_clock;
  explicit Throttle(ThrottleLimits limits = {}) : limits_(limits) {}

  // Seconds to wait when either the username or the address has used up its failures.
  std::optional<long long> retry_after(std::string_view username, std::string_view address,
                                       Clock::time_point now = Clock::now());
  void record_failure(std::string_view username, std::string_view address,
                      Clock::time_point now = Clock::now());

 private:
  using Failures = std::unordered_map<std::string, std::deque<Clock::time_point>>;
  std::optional<long long> blocked(Failures& failures, std::string_view key, std::size_t limit,
                                   Clock::time_point now);
  void record(Failures& failures, std::size_t& sweep_above, std::string_view key,
              Clock::time_point now);

  // Above this many tracked keys, expired ones are swept on insertion so memory stays bounded.
  static constexpr std::size_t kSweepAbove = 10000;

  ThrottleLimits limits_;
  std::mutex mutex_;
  Failures by_username_;
  Failures by_address_;
  std::size_t sweep_usernames_above_ = kSweepAbove;
  std::size_t sweep_addresses_above_ = kSweepAbove;
};

}  // namespace accountsd::auth
