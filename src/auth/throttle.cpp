#include "auth/throttle.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "domain/text.hpp"

namespace accountsd::auth {
namespace {

// One key for (username, address); the length prefix keeps any two pairs apart whatever
// characters the username holds.
std::string pair_key(std::string_view username, std::string_view address) {
  return std::to_string(username.size()) + ':' + std::string(username) + std::string(address);
}

std::size_t pending(const std::unordered_map<std::string, std::size_t>& counts,
                    const std::string& key) {
  auto it = counts.find(key);
  return it == counts.end() ? 0 : it->second;
}

void decrement(std::unordered_map<std::string, std::size_t>& counts, const std::string& key) {
  auto it = counts.find(key);
  if (it != counts.end() && --it->second == 0) counts.erase(it);
}

std::optional<long long> longer(std::optional<long long> a, std::optional<long long> b) {
  if (a && b) return std::max(*a, *b);
  return a ? a : b;
}

}  // namespace

Throttle::Attempt::Attempt(Throttle& throttle, std::string username, std::string address)
    : throttle_(&throttle), username_(std::move(username)), address_(std::move(address)) {}

Throttle::Attempt::Attempt(Attempt&& other) noexcept
    : throttle_(std::exchange(other.throttle_, nullptr)),
      username_(std::move(other.username_)),
      address_(std::move(other.address_)) {}

Throttle::Attempt::~Attempt() {
  if (throttle_) throttle_->release(username_, address_);
}

void Throttle::Attempt::settle(bool succeeded, Clock::time_point now) {
  if (!throttle_) return;
  auto* throttle = std::exchange(throttle_, nullptr);
  {
    std::lock_guard lock(throttle->mutex_);
    decrement(throttle->pending_pairs_, pair_key(username_, address_));
    decrement(throttle->pending_addresses_, address_);
    if (!succeeded) throttle->add_failure(username_, address_, now);
  }
  if (!succeeded) throttle->share(username_, address_);
}

void Throttle::release(const std::string& username, const std::string& address) {
  std::lock_guard lock(mutex_);
  decrement(pending_pairs_, pair_key(username, address));
  decrement(pending_addresses_, address);
}

bool Throttle::full(WindowCounts& failures,
                    const std::unordered_map<std::string, std::size_t>& in_flight,
                    const std::string& key, std::size_t limit, Clock::time_point now) {
  return failures.count(key, now) + pending(in_flight, key) >= limit;
}

std::optional<long long> Throttle::retry_after(std::string_view username, std::string_view address,
                                               Clock::time_point now) {
  merge_others(now);
  std::lock_guard lock(mutex_);
  const std::string address_key(address);
  // Failures alone: verifications in flight hold back only further verifications (reserve).
  return longer(by_pair_.wait_below(pair_key(username, address), limits_.per_username_address, now),
                by_address_.wait_below(address_key, limits_.per_address, now));
}

std::variant<Throttle::Attempt, Throttle::Refused, Throttle::InFlight> Throttle::reserve(
    std::string_view username, std::string_view address, Clock::time_point now) {
  merge_others(now);
  auto pair = pair_key(username, address);
  const std::string address_key(address);
  std::lock_guard lock(mutex_);
  auto wait = longer(by_pair_.wait_below(pair, limits_.per_username_address, now),
                     by_address_.wait_below(address_key, limits_.per_address, now));
  if (wait) return Refused{*wait};
  // One more failure would be one guess more than allowed: wait for those in flight to end.
  if (full(by_pair_, pending_pairs_, pair, limits_.per_username_address, now) ||
      full(by_address_, pending_addresses_, address_key, limits_.per_address, now))
    return InFlight{};
  ++pending_pairs_[pair];
  ++pending_addresses_[address_key];
  return Attempt(*this, std::string(username), address_key);
}

std::size_t Throttle::username_events_kept(const ThrottleLimits& limits) {
  auto steps =
      limits.slowdown_step.count() > 0 ? limits.max_slowdown / limits.slowdown_step + 1 : 1;
  auto kept = limits.slow_username_after + static_cast<std::size_t>(steps);
  return kept < limits.slow_username_after ? limits.slow_username_after : kept;  // no wrap
}

std::chrono::milliseconds Throttle::slowdown(std::string_view username, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto failures = by_username_.count(username, now);
  if (failures <= limits_.slow_username_after) return std::chrono::milliseconds(0);
  auto beyond = static_cast<std::chrono::milliseconds::rep>(failures - limits_.slow_username_after);
  return std::min(limits_.max_slowdown, limits_.slowdown_step * beyond);
}

void Throttle::record_failure(std::string_view username, std::string_view address,
                              Clock::time_point now) {
  {
    std::lock_guard lock(mutex_);
    add_failure(username, address, now);
  }
  share(username, address);
}

// The shared record is a second line of defence: when the database cannot take or give it,
// this server still throttles with what it has seen itself.
void Throttle::share(std::string_view username, std::string_view address) {
  if (!shared_) return;
  try {
    shared_->record(username, address, limits_.window.count());
  } catch (const std::exception& e) {
    spdlog::warn("login throttle: could not share a failure with the other servers: {}",
                 domain::escape_controls(e.what()));
  }
}

void Throttle::merge_others(Clock::time_point now) {
  if (!shared_) return;
  auto due = next_merge_.load();
  if (now.time_since_epoch().count() < due) return;
  auto next = (now + std::chrono::seconds(1)).time_since_epoch().count();
  // One caller a second reads; the others go on with the counts as they are.
  if (!next_merge_.compare_exchange_strong(due, next)) return;
  std::vector<store::LoginFailures::Failure> failures;
  try {
    failures = shared_->others_since_last(limits_.window.count());
  } catch (const std::exception& e) {
    spdlog::warn("login throttle: could not read the other servers' failures: {}",
                 domain::escape_controls(e.what()));
    return;
  }
  std::lock_guard lock(mutex_);
  for (const auto& failure : failures) add_failure(failure.username, failure.address, now);
}

void Throttle::add_failure(std::string_view username, std::string_view address,
                           Clock::time_point now) {
  by_pair_.add(pair_key(username, address), now);
  by_address_.add(address, now);
  by_username_.add(username, now);
}

}  // namespace accountsd::auth
