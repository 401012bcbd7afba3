// A connection's deadline for what it does next (read a request, write an answer), watched by a
// timer that fires only when the deadline may have passed.
#pragma once

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>

namespace accountsd::http {

// beast::tcp_stream arms a timer before every read and write and cancels it after, and each
// cancelled wait is one more trip through the scheduler: two per request. Here a new deadline is
// a store, and the timer is touched only when it fires or the deadline moves earlier.
//
// Make it with std::make_shared, and use it only on the socket's executor (one thread).
class ConnectionDeadline : public std::enable_shared_from_this<ConnectionDeadline> {
 public:
  using Clock = std::chrono::steady_clock;

  // Cancels what `socket` has pending once a deadline passes; `socket` must outlive stop().
  explicit ConnectionDeadline(boost::asio::ip::tcp::socket& socket);

  void expires_after(Clock::duration duration) { expires_at(Clock::now() + duration); }
  // Sets the deadline of what follows; a passed deadline no longer counts.
  void expires_at(Clock::time_point at);
  // For one piece of a longer transfer: `each` from now, but no later than `whole`, the
  // transfer's own deadline.
  void expires_within(Clock::duration each, Clock::time_point whole) {
    expires_at(std::min(Clock::now() + each, whole));
  }
  // Whether the deadline passed and cancelled the socket's pending work.
  bool expired() const { return expired_; }
  // Stops watching: call before the socket goes.
  void stop();

 private:
  void arm(Clock::time_point at);
  void fired(std::uint64_t generation);

  boost::asio::ip::tcp::socket* socket_;
  boost::asio::steady_timer timer_;
  Clock::time_point at_ = Clock::time_point::max();
  // When the pending wait ends; max when none is pending.
  Clock::time_point armed_ = Clock::time_point::max();
  // Tells the pending wait from those cancelled by arm() or stop().
  std::uint64_t generation_ = 0;
  bool expired_ = false;
};

}  // namespace accountsd::http
