#include "async/watched_fd.hpp"

#include <atomic>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/steady_timer.hpp>
#include <mutex>
#include <optional>
#include <unordered_map>

namespace accountsd::async {

namespace asio = boost::asio;

namespace {
class Registry;
}

struct WatchedFd::State {
  explicit State(int fd) : fd(fd) {}

  // Registers the socket with `context` (of `executor`), after giving up the registration
  // elsewhere. With `mutex` held.
  void bind(const std::shared_ptr<State>& self, const asio::any_io_executor& executor,
            asio::execution_context& context);
  // Gives the registration up, leaving the socket open. With `mutex` held.
  void unbind();

  const int fd;
  // Guards the registration: an io_context's shutdown (Registry) gives it up from its own thread.
  std::mutex mutex;
  Registry* registry = nullptr;  // of the io_context where the socket is registered, if any
  // That io_context, for place() to read without the mutex.
  std::atomic<const asio::execution_context*> place{nullptr};
  std::optional<asio::posix::stream_descriptor> descriptor;
  std::optional<asio::steady_timer> timer;  // the deadline of the wait under way
  std::uint64_t waits = 0;  // numbers the waits, for a late deadline to know its own
  bool ready = false;       // how the last wait ended
};

namespace {

// One per io_context that a watched socket was registered with. It is made after the
// io_context's reactor, so it shuts down before it, and gives up the registrations still there:
// a WatchedFd that outlives its io_context (a pooled connection outlives the server) must not
// later remove itself from a reactor that is gone.
class Registry : public asio::execution_context::service {
 public:
  static asio::execution_context::id id;
  explicit Registry(asio::execution_context& context) : service(context) {}

  void add(const std::shared_ptr<WatchedFd::State>& state) {
    std::lock_guard lock(mutex_);
    states_.emplace(state.get(), state);
  }
  void remove(WatchedFd::State* state) {
    std::lock_guard lock(mutex_);
    states_.erase(state);
  }

 private:
  void shutdown() override {
    std::unordered_map<WatchedFd::State*, std::weak_ptr<WatchedFd::State>> states;
    {
      std::lock_guard lock(mutex_);
      states.swap(states_);
    }
    for (auto& [raw, weak] : states) {
      auto state = weak.lock();
      if (!state) continue;
      std::lock_guard lock(state->mutex);
      if (state->registry == this) state->unbind();
    }
  }

  std::mutex mutex_;
  std::unordered_map<WatchedFd::State*, std::weak_ptr<WatchedFd::State>> states_;
};

asio::execution_context::id Registry::id;

}  // namespace

void WatchedFd::State::bind(const std::shared_ptr<State>& self,
                            const asio::any_io_executor& executor,
                            asio::execution_context& context) {
  unbind();
  // The descriptor first: it makes the io_context's reactor, if none yet, before the registry.
  descriptor.emplace(executor, fd);
  timer.emplace(executor);
  registry = &asio::use_service<Registry>(context);
  registry->add(self);
  place = &context;
}

void WatchedFd::State::unbind() {
  if (registry == nullptr) return;
  registry->remove(this);
  registry = nullptr;
  place = nullptr;
  timer.reset();
  // Watched, not owned: the caller closes the socket.
  descriptor->release();
  descriptor.reset();
}

WatchedFd::WatchedFd(int fd) : state_(std::make_shared<State>(fd)) {}

WatchedFd::~WatchedFd() {
  std::lock_guard lock(state_->mutex);
  state_->unbind();
}

const void* WatchedFd::place() const {
  return state_->place;
}

const void* current_place() {
  Fiber* fiber = Fiber::current();
  if (fiber == nullptr || !fiber->executor()) return nullptr;
  return &asio::query(fiber->executor(), asio::execution::context);
}

bool WatchedFd::wait(Direction direction, Deadline deadline) {
  Fiber* fiber = Fiber::current();
  if (fiber == nullptr || !fiber->executor()) return wait_ready(state_->fd, direction, deadline);
  const auto& executor = fiber->executor();
  auto& context = asio::query(executor, asio::execution::context);
  std::uint64_t number = 0;
  {
    std::lock_guard lock(state_->mutex);
    if (state_->place != &context) state_->bind(state_, executor, context);
    number = ++state_->waits;
  }
  Fiber::suspend([state = state_, direction, deadline, number](Resume resume) {
    state->timer->expires_at(deadline);
    state->timer->async_wait([state, number](const boost::system::error_code& ec) {
      if (ec) return;  // cancelled: the socket was ready first
      // The deadline passed. Unless that news comes late, after the fiber began another wait.
      std::lock_guard lock(state->mutex);
      if (state->waits != number || !state->descriptor) return;
      boost::system::error_code ignored;
      state->descriptor->cancel(ignored);
    });
    auto kind = direction == Direction::read ? asio::posix::descriptor_base::wait_read
                                             : asio::posix::descriptor_base::wait_write;
    state->descriptor->async_wait(
        kind, [state, resume = std::move(resume)](const boost::system::error_code& ec) mutable {
          state->ready = !ec;
          state->timer->cancel();
          resume();
        });
  });
  return state_->ready;
}

}  // namespace accountsd::async
