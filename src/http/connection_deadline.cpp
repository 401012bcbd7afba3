#include "http/connection_deadline.hpp"

namespace accountsd::http {

ConnectionDeadline::ConnectionDeadline(boost::asio::ip::tcp::socket& socket)
    : socket_(&socket), timer_(socket.get_executor()) {}

void ConnectionDeadline::expires_at(Clock::time_point at) {
  at_ = at;
  expired_ = false;
  // A later deadline waits for the pending wait to fire; only an earlier one needs a new wait.
  if (socket_ != nullptr && at < armed_) arm(at);
}

void ConnectionDeadline::stop() {
  socket_ = nullptr;
  ++generation_;
  timer_.cancel();
}

void ConnectionDeadline::arm(Clock::time_point at) {
  armed_ = at;
  ++generation_;
  // Setting the expiry cancels a pending wait, which then finds its generation gone.
  timer_.expires_at(at);
  timer_.async_wait([self = shared_from_this(), generation = generation_](
                        const boost::system::error_code&) { self->fired(generation); });
}

void ConnectionDeadline::fired(std::uint64_t generation) {
  if (generation != generation_ || socket_ == nullptr) return;
  armed_ = Clock::time_point::max();
  if (Clock::now() < at_) {
    arm(at_);  // the deadline moved on since this wait began
    return;
  }
  expired_ = true;
  boost::system::error_code ignored;
  socket_->cancel(ignored);
}

}  // namespace accountsd::http
