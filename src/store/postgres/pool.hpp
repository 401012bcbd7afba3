// A bounded pool of PostgreSQL connections per process, with a wait queue and a deadline:
// requests beyond the pool's size wait in line (their fibers suspended, not their threads) and
// are refused with store::Unavailable once the deadline passes.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "async/wait.hpp"
#include "async/watched_fd.hpp"
#include "store/postgres/connection.hpp"

namespace accountsd::store::postgres {

struct PoolOptions {
  // Connections this process opens at most; all servers' pools together must stay under the
  // database's max_connections (docs/operations.md).
  std::size_t size = 16;
  // How long a request waits for a free connection before it is refused.
  std::chrono::milliseconds wait{5'000};
  ConnectOptions connect{};
};

class Pool {
 public:
  Pool(std::string url, PoolOptions options);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // A connection held for a scope; back to the pool at its end (or closed, if it broke or was
  // left inside a transaction).
  class Lease {
   public:
    Lease(Pool& pool, std::unique_ptr<Connection> connection)
        : pool_(&pool), connection_(std::move(connection)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (connection_) pool_->give_back(std::move(connection_));
    }
    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }

   private:
    Pool* pool_;
    std::unique_ptr<Connection> connection_;
  };

  // A free connection, a new one while the pool is below its size, else the first one handed
  // back within options.wait; throws store::Unavailable after that.
  Lease acquire();

  struct Stats {
    std::size_t open = 0;
    std::size_t idle = 0;
    std::size_t waiting = 0;
    std::uint64_t waits = 0;     // acquisitions that had to wait
    std::uint64_t timeouts = 0;  // refused after the deadline
  };
  Stats stats();

  const PoolOptions& options() const { return options_; }

 private:
  struct Waiter {
    std::shared_ptr<async::Wakeup> wakeup = std::make_shared<async::Wakeup>();
    std::unique_ptr<Connection> connection;      // handed over; null: room to open one instead
    const void* place = async::current_place();  // the waiting fiber's io_context
    // A later waiter got a connection first, as hand_to_waiter allows once.
    bool passed_over = false;
  };

  void give_back(std::unique_ptr<Connection> connection);
  // Hands `connection` (or, when null, room to open one) to the first waiter still waiting;
  // false when none is. A waiter whose fiber runs where the connection's socket is registered
  // may go ahead of the first, but only once past each: no waiter waits long for being on the
  // other I/O thread. Called with the mutex held.
  bool hand_to_waiter(std::unique_ptr<Connection>& connection);

  const std::string url_;
  const PoolOptions options_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;  // idle, leased and being opened
  std::deque<std::shared_ptr<Waiter>> waiters_;
  std::uint64_t waits_ = 0;
  std::uint64_t timeouts_ = 0;
};

}  // namespace accountsd::store::postgres
