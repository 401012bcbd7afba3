#include "auth/throttle.hpp"

#include <algorithm>

namespace accountsd::auth {

std::optional<long long> Throttle::blocked(Failures& failures, std::string_view key,
                                           std::size_t limit, Clock::time_point now) {
  auto it = failures.find(std::string(key));
  if (it == failures.end()) return std::nullopt;
  auto& times = it->second;
  while (!times.empty() && now - times.front() >= limits_.window) times.pop_front();
  if (times.empty()) {
    failures.erase(it);
    return std::nullopt;
  }
  if (times.size() < limit) return std::nullopt;
  // Blocked until enough failures leave the window to fall below the limit.
  auto until = times[times.size() - limit] + limits_.window;
  auto wait = std::chrono::ceil<std::chrono::seconds>(until - now).count();
  return wait < 1 ? 1 : wait;
}

void Throttle::record(Failures& failures, std::size_t& sweep_above, std::string_view key,
                      Clock::time_point now) {
  if (failures.size() > sweep_above) {
    std::erase_if(failures, [&](const auto& entry) {
      return entry.second.empty() || now - entry.second.back() >= limits_.window;
    });
    // Sweep again only when the live keys have doubled: a flood of distinct keys then costs
    // amortized O(1) per failure instead of a full scan each time.
    sweep_above = std::max(kSweepAbove, 2 * failures.size());
  }
  failures[std::string(key)].push_back(now);
}

std::optional<long long> Throttle::retry_after(std::string_view username, std::string_view address,
                                               Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto user = blocked(by_username_, username, limits_.per_username, now);
  auto addr = blocked(by_address_, address, limits_.per_address, now);
  if (user && addr) return std::max(*user, *addr);
  return user ? user : addr;
}

void Throttle::record_failure(std::string_view username, std::string_view address,
                              Clock::time_point now) {
  std::lock_guard lock(mutex_);
  record(by_username_, sweep_usernames_above_, username, now);
  record(by_address_, sweep_addresses_above_, address, now);
}

}  // namespace accountsd::auth
