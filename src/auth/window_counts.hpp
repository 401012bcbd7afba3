// Events per key (a username, an address) within a sliding time window, in bounded memory: the
// counting shared by the login throttle and the self-signup limits.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace accountsd::auth {

// Not thread-safe: its owner locks around it.
class WindowCounts {
 public:
  using Clock = std::chrono::steady_clock;
  // Counts up to `keep` events per key: no limit asked of it may exceed that, so older events
  // would only take memory.
  WindowCounts(std::chrono::seconds window, std::size_t keep) : window_(window), keep_(keep) {}

  // Events of `key` within the window ending at `now`, at most `keep`.
  std::size_t count(std::string_view key, Clock::time_point now);
  // Seconds until fewer than `limit` (<= keep) events of `key` are left in the window (at least
  // 1), or nullopt when there are fewer already.
  std::optional<long long> wait_below(std::string_view key, std::size_t limit,
                                      Clock::time_point now);
  void add(std::string_view key, Clock::time_point now);
  // Whether `key` has events in the window.
  bool tracks(std::string_view key, Clock::time_point now) { return count(key, now) > 0; }
  // Keys held, some maybe expired until the next sweep.
  std::size_t keys() const { return events_.size(); }
  // Drops every key without events in the window.
  void sweep(Clock::time_point now);

 private:
  using Times = std::vector<Clock::time_point>;
  // The events of `key` still in the window, expired ones dropped; nullptr when none are left.
  Times* live(std::string_view key, Clock::time_point now);

  // Above this many keys, expired ones are swept on insertion so that memory stays bounded.
  static constexpr std::size_t kSweepAbove = 10000;

  std::chrono::seconds window_;
  std::size_t keep_;
  std::unordered_map<std::string, Times> events_;  // each oldest first
  std::size_t sweep_above_ = kSweepAbove;
};

}  // namespace accountsd::auth
