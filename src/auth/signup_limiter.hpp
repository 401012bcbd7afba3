// Self-signup attempts per client address and per brand in a sliding hour (B.3), so that an
// anonymous client cannot flood a brand with accounts or the server with work.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string_view>

#include "auth/window_counts.hpp"

namespace accountsd::auth {

struct SignupLimits {
  std::size_t per_address = 20;
  std::size_t per_brand = 600;
  std::chrono::seconds window = std::chrono::hours(1);
  // Addresses tracked at once. A flood from more distinct addresses than this within the window
  // is refused for new addresses (until some expire) rather than allowed to exhaust memory.
  std::size_t max_addresses = 100000;
};

class SignupLimiter {
 public:
  using Clock = WindowCounts::Clock;
  explicit SignupLimiter(SignupLimits limits = {})
      : limits_(limits),
        by_address_(limits.window, limits.per_address),
        by_brand_(limits.window, limits.per_brand) {}

  // Counts one attempt from `address`, whatever its outcome will be; or, when the address has
  // used its allowance, the seconds until it may try again (nothing counted then).
  std::optional<long long> admit_address(std::string_view address,
                                         Clock::time_point now = Clock::now());
  // The same for the brand that an attempt names.
  std::optional<long long> admit_brand(std::string_view brand,
                                       Clock::time_point now = Clock::now());

 private:
  // How long an address waits when too many others are tracked: a fraction of the window, as
  // some of them will have expired by then.
  static constexpr std::chrono::seconds kCrowdedWait{60};

  SignupLimits limits_;
  std::mutex mutex_;
  WindowCounts by_address_;
  WindowCounts by_brand_;
  Clock::time_point last_sweep_{};
};

}  // namespace accountsd::auth
