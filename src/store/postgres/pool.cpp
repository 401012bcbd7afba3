#include "store/postgres/pool.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "domain/text.hpp"
#include "metrics/events.hpp"
#include "store/unavailable.hpp"

namespace accountsd::store::postgres {

Pool::Pool(std::string url, PoolOptions options)
    : url_(std::move(url)), options_(std::move(options)) {
  if (options_.size == 0) throw std::invalid_argument("a connection pool needs at least one");
}

Pool::~Pool() = default;

Pool::Lease Pool::acquire() {
  const auto waited_from = std::chrono::steady_clock::now();
  const auto deadline = waited_from + options_.wait;
  bool counted_wait = false;
  for (;;) {
    std::unique_lock lock(mutex_);
    if (!idle_.empty()) {
      // The last given back, unless another's socket is registered with this fiber's io_context:
      // its waits then need no move from the other I/O thread's (async::WatchedFd).
      auto here = std::find_if(idle_.rbegin(), idle_.rend(),
                               [place = async::current_place()](const auto& c) {
                                 return place != nullptr && c->place() == place;
                               });
      auto taken = here == idle_.rend() ? idle_.end() - 1 : std::prev(here.base());
      auto connection = std::move(*taken);
      idle_.erase(taken);
      return Lease(*this, std::move(connection));
    }
    if (open_ < options_.size) {
      ++open_;
      lock.unlock();
      try {
        return Lease(*this, Connection::open(url_, options_.connect));
      } catch (const PgError& e) {
        spdlog::error("database: {}", domain::escape_controls(e.what()));
        std::unique_lock relock(mutex_);
        --open_;
        std::unique_ptr<Connection> none;
        hand_to_waiter(none);  // the room this one had is someone else's to try
        throw Unavailable("the database cannot be reached");
      }
    }
    auto waiter = std::make_shared<Waiter>();
    waiters_.push_back(waiter);
    if (!counted_wait) ++waits_;
    counted_wait = true;
    lock.unlock();
    bool woken = waiter->wakeup->wait(deadline);
    metrics::observe_pool_wait(std::chrono::steady_clock::now() - waited_from, !woken);
    if (!woken) {
      std::lock_guard relock(mutex_);
      ++timeouts_;
      throw Unavailable("no database connection came free in time");
    }
    if (waiter->connection) return Lease(*this, std::move(waiter->connection));
    // Handed room to open a connection rather than one: go round again.
  }
}

bool Pool::hand_to_waiter(std::unique_ptr<Connection>& connection) {
  while (!waiters_.empty()) {
    // A connection's waits need no move from one I/O thread's io_context to the other's when it
    // goes to a fiber of the io_context its socket is registered with (async::WatchedFd).
    auto next = waiters_.begin();
    const void* place = connection ? connection->place() : nullptr;
    if (place != nullptr && (*next)->place != place && !(*next)->passed_over) {
      auto there = std::find_if(waiters_.begin(), waiters_.end(),
                                [place](const auto& w) { return w->place == place; });
      if (there != waiters_.end()) {
        (*next)->passed_over = true;
        next = there;
      }
    }
    auto waiter = std::move(*next);
    waiters_.erase(next);
    waiter->connection = std::move(connection);
    if (waiter->wakeup->notify()) return true;
    connection = std::move(waiter->connection);  // it gave up meanwhile
  }
  return false;
}

void Pool::give_back(std::unique_ptr<Connection> connection) {
  connection->discard_ahead();  // queued by a lease that ended before sending it
  if (!connection->usable() || connection->in_transaction()) {
    // Broken, or left mid-transaction by a failure: close it rather than hand out its state.
    connection.reset();
    std::lock_guard lock(mutex_);
    --open_;
    std::unique_ptr<Connection> none;
    hand_to_waiter(none);
    return;
  }
  std::lock_guard lock(mutex_);
  if (!hand_to_waiter(connection)) idle_.push_back(std::move(connection));
}

Pool::Stats Pool::stats() {
  std::lock_guard lock(mutex_);
  return {open_, idle_.size(), waiters_.size(), waits_, timeouts_};
}

}  // namespace accountsd::store::postgres
