#include "auth/window_counts.hpp"

#include <algorithm>

namespace accountsd::auth {

WindowCounts::Times* WindowCounts::live(std::string_view key, Clock::time_point now) {
  auto it = events_.find(std::string(key));
  if (it == events_.end()) return nullptr;
  auto& times = it->second;
  auto expired = std::find_if(times.begin(), times.end(),
                              [&](Clock::time_point t) { return now - t < window_; });
  times.erase(times.begin(), expired);
  if (times.empty()) {
    events_.erase(it);
    return nullptr;
  }
  return &times;
}

std::size_t WindowCounts::count(std::string_view key, Clock::time_point now) {
  auto* times = live(key, now);
  return times ? times->size() : 0;
}

std::optional<long long> WindowCounts::wait_below(std::string_view key, std::size_t limit,
                                                  Clock::time_point now) {
  auto* times = live(key, now);
  if (!times || times->size() < limit) return std::nullopt;
  // Below the limit once enough events have left the window.
  auto until = (*times)[times->size() - limit] + window_;
  auto wait = std::chrono::ceil<std::chrono::seconds>(until - now).count();
  return wait < 1 ? 1 : wait;
}

void WindowCounts::add(std::string_view key, Clock::time_point now) {
  if (events_.size() > sweep_above_) {
    sweep(now);
    // Sweep again only when the live keys have doubled: a flood of distinct keys then costs
    // amortized O(1) per event instead of a full scan each time.
    sweep_above_ = std::max(kSweepAbove, 2 * events_.size());
  }
  auto& times = events_[std::string(key)];
  if (times.size() >= keep_ && !times.empty()) times.erase(times.begin());
  times.push_back(now);
}

void WindowCounts::sweep(Clock::time_point now) {
  std::erase_if(events_, [&](const auto& entry) {
    return entry.second.empty() || now - entry.second.back() >= window_;
  });
}

}  // namespace accountsd::auth
