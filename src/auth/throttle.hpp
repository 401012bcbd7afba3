// Failed logins per (username, address), per address and per username in a sliding window
// (A.2): refusals for the first two, only a slowdown for the third, so that a public username
// cannot be used to lock its owner out.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>

#include "auth/window_counts.hpp"
#include "store/login_failures.hpp"

namespace accountsd::auth {

struct ThrottleLimits {
  // Failures of one username from one address, and of any usernames from one address, after
  // which further attempts from that address (for that username, or at all) are refused.
  std::size_t per_username_address = 10;
  std::size_t per_address = 100;
  // Failures of one username from any addresses above which its attempts are slowed, by `step`
  // per failure beyond, at most `max_slowdown`; never refused.
  std::size_t slow_username_after = 50;
  std::chrono::milliseconds slowdown_step{100};
  std::chrono::milliseconds max_slowdown{2000};
  std::chrono::seconds window = std::chrono::minutes(5);
};

class Throttle {
 public:
  using Clock = WindowCounts::Clock;

  // One password verification reserved by reserve(): counted as in flight until settled, or
  // released uncounted if it never happens (the worker pool was full, the request was dropped).
  class Attempt {
   public:
    Attempt(Attempt&& other) noexcept;
    Attempt& operator=(Attempt&&) = delete;
    ~Attempt();
    // Ends the reservation; a failure counts against the username, the address and the pair.
    void settle(bool succeeded, Clock::time_point now = Clock::now());

   private:
    friend class Throttle;
    Attempt(Throttle& throttle, std::string username, std::string address);
    Throttle* throttle_;
    std::string username_;
    std::string address_;
  };

  explicit Throttle(ThrottleLimits limits = {})
      : limits_(limits),
        by_pair_(limits.window, limits.per_username_address),
        by_address_(limits.window, limits.per_address),
        by_username_(limits.window, username_events_kept(limits)) {}

  // Seconds to wait while this username from this address, or this address, is refused.
  std::optional<long long> retry_after(std::string_view username, std::string_view address,
                                       Clock::time_point now = Clock::now());
  // Failures have used up the allowance: refused for this many seconds.
  struct Refused {
    long long retry_after;
  };
  // Failures and verifications in flight have reached a limit: ask again once those end (as
  // failures they refuse this one too; as successes the password is in the credential cache).
  struct InFlight {};
  // Reserves the verification of one password for (username, address). Verifications in flight
  // count like failures, so exactly the allowed number of guesses is verified however many
  // arrive at once.
  std::variant<Attempt, Refused, InFlight> reserve(std::string_view username,
                                                   std::string_view address,
                                                   Clock::time_point now = Clock::now());
  // The wait to add before verifying a password for `username`: zero until its failures from
  // all addresses pass slow_username_after.
  std::chrono::milliseconds slowdown(std::string_view username,
                                     Clock::time_point now = Clock::now());
  // A failed verification, as settling a reserved attempt records it.
  void record_failure(std::string_view username, std::string_view address,
                      Clock::time_point now = Clock::now());

  // Shares failures with the other servers of the database: each failure here is recorded
  // there, and the others' are added to the counts here, read at most once a second (so a
  // server counts another's failure within about a second). nullptr: this process alone.
  void share_with(store::LoginFailures* shared) { shared_ = shared; }

 private:
  // Adds the failures other servers recorded since the last read, if a second has passed.
  void merge_others(Clock::time_point now);
  void share(std::string_view username, std::string_view address);
  // Failures of one username worth counting: beyond these the slowdown is at its maximum.
  static std::size_t username_events_kept(const ThrottleLimits& limits);
  // Whether failures plus verifications in flight of `key` reach `limit`.
  static bool full(WindowCounts& failures,
                   const std::unordered_map<std::string, std::size_t>& pending,
                   const std::string& key, std::size_t limit, Clock::time_point now);
  void release(const std::string& username, const std::string& address);
  void add_failure(std::string_view username, std::string_view address, Clock::time_point now);

  ThrottleLimits limits_;
  std::mutex mutex_;
  WindowCounts by_pair_;
  WindowCounts by_address_;
  WindowCounts by_username_;
  // Verifications in flight, by pair and by address; entries go when they reach zero.
  std::unordered_map<std::string, std::size_t> pending_pairs_;
  std::unordered_map<std::string, std::size_t> pending_addresses_;
  store::LoginFailures* shared_ = nullptr;
  std::atomic<Clock::rep> next_merge_{0};  // Clock ticks
};

}  // namespace accountsd::auth
