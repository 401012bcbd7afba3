#include "auth/signup_limiter.hpp"

namespace accountsd::auth {

std::optional<long long> SignupLimiter::admit_address(std::string_view address,
                                                      Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (auto wait = by_address_.wait_below(address, limits_.per_address, now)) return wait;
  if (!by_address_.tracks(address, now) && by_address_.keys() >= limits_.max_addresses) {
    // A full sweep at most once a second: at the cap, every new address would otherwise scan.
    if (now - last_sweep_ >= std::chrono::seconds(1)) {
      by_address_.sweep(now);
      last_sweep_ = now;
    }
    if (by_address_.keys() >= limits_.max_addresses) return kCrowdedWait.count();
  }
  by_address_.add(address, now);
  return std::nullopt;
}

std::optional<long long> SignupLimiter::admit_brand(std::string_view brand, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (auto wait = by_brand_.wait_below(brand, limits_.per_brand, now)) return wait;
  by_brand_.add(brand, now);
  return std::nullopt;
}

}  // namespace accountsd::auth
