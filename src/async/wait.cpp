#include "async/wait.hpp"

#include <poll.h>

#include <boost/asio/post.hpp>
#include <cerrno>
#include <system_error>

#include "async/watched_fd.hpp"

namespace accountsd::async {
namespace {

namespace asio = boost::asio;

bool poll_ready(int fd, Direction direction, Deadline deadline) {
  pollfd watched{fd, static_cast<short>(direction == Direction::read ? POLLIN : POLLOUT), 0};
  for (;;) {
    auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() < 0) return false;
    int n = ::poll(&watched, 1, static_cast<int>(std::min<long long>(left.count(), 1 << 30)));
    if (n > 0) return true;  // ready, or an error the next read or write reports
    if (n == 0) return false;
    if (errno != EINTR) throw std::system_error(errno, std::generic_category(), "poll");
  }
}

}  // namespace

bool wait_ready(int fd, Direction direction, Deadline deadline) {
  Fiber* fiber = Fiber::current();
  if (fiber == nullptr || !fiber->executor()) return poll_ready(fd, direction, deadline);
  // Registered for this wait alone, and given up after it.
  return WatchedFd(fd).wait(direction, deadline);
}

void sleep_until(Deadline deadline) {
  std::make_shared<Wakeup>()->wait(deadline);
}

bool Wakeup::wait(Deadline deadline) {
  Fiber* fiber = Fiber::current();
  if (fiber == nullptr || !fiber->executor()) {
    std::unique_lock lock(mutex_);
    if (!notified_.wait_until(lock, deadline, [this] { return state_ != State::waiting; }))
      state_ = State::timed_out;
    return state_ == State::notified;
  }
  Fiber::suspend([self = shared_from_this(), fiber, deadline](Resume resume) mutable {
    std::unique_lock lock(self->mutex_);
    if (self->state_ != State::waiting) {
      lock.unlock();
      resume();  // notified before the fiber had switched out
      return;
    }
    self->resume_ = std::move(resume);
    self->timer_ = std::make_shared<asio::steady_timer>(fiber->executor(), deadline);
    self->timer_->async_wait([self](const boost::system::error_code& ec) {
      if (ec) return;  // cancelled: notified
      Resume resume;
      {
        std::lock_guard lock(self->mutex_);
        if (self->state_ != State::waiting) return;
        self->state_ = State::timed_out;
        resume = std::move(self->resume_);
      }
      resume();
    });
  });
  std::lock_guard lock(mutex_);
  return state_ == State::notified;
}

bool Wakeup::notify() {
  Resume resume;
  std::shared_ptr<asio::steady_timer> timer;
  {
    std::lock_guard lock(mutex_);
    if (state_ != State::waiting) return false;
    state_ = State::notified;
    resume = std::move(resume_);
    timer = timer_;
  }
  notified_.notify_one();
  // The timer belongs to the fiber's context: cancel it there, not from this thread.
  if (timer) asio::post(timer->get_executor(), [timer] { timer->cancel(); });
  if (resume) resume();
  return true;
}

}  // namespace accountsd::async
