// A socket that fibers wait on again and again, such as a PostgreSQL connection's: registered
// with the waiting fiber's io_context once and kept there between waits. wait_ready makes a new
// descriptor for every wait: four system calls (epoll_ctl to add, arm and remove it, and the
// ioctl that makes it non-blocking) where this makes one, per round trip to PostgreSQL.
#pragma once

#include <memory>

#include "async/wait.hpp"

namespace accountsd::async {

class WatchedFd {
 public:
  // Watches `fd`, which the caller keeps open for the watch's life and closes after it.
  explicit WatchedFd(int fd);
  ~WatchedFd();
  WatchedFd(const WatchedFd&) = delete;
  WatchedFd& operator=(const WatchedFd&) = delete;

  // Waits until the socket is ready for `direction` or `deadline` passes; true when ready.
  // Outside a fiber it blocks the thread, as wait_ready does. Asio registers a socket
  // edge-triggered, yet a wait does not sleep through readiness that came before it (news the
  // reactor took while nobody waited, or bytes a read left behind): Asio starts each wait with
  // an EPOLL_CTL_MOD, which has the kernel look at the socket again. That one system call is
  // what a wait costs here.
  bool wait(Direction direction, Deadline deadline);

  // The io_context the socket is registered with, or null: where its waits cost no move. A
  // pool hands a connection to a fiber there first (current_place()).
  const void* place() const;

  // Where the socket is registered is the io_context of the last fiber that waited on it; a wait
  // from a fiber of another io_context moves it there. An io_context that shuts down first
  // gives its registrations up.
  struct State;

 private:
  std::shared_ptr<State> state_;
};

// The io_context of the fiber running on this thread, or null outside a fiber.
const void* current_place();

}  // namespace accountsd::async
