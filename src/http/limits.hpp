// The limits the server puts on every connection: sizes, timeouts and the drain on stop.
#pragma once

#include <chrono>
#include <cstddef>

namespace accountsd::http {

struct ServerLimits {
  // The largest body a request may carry, unless its route says otherwise (ResolvedRoute).
  std::size_t body_bytes = 1024 * 1024;
  // Requests allowed a body beyond body_bytes that may be in flight at once, from their headers
  // until their handler is done; more get 503 before their body is read. This, not the number
  // of connections, bounds the memory that large bodies take (docs/operations.md).
  std::size_t large_bodies = 2;
  // Of those, how many one holder may have (the body gate names it: Response::large_body_holder,
  // a partner for the API); at least one. Without it one partner, or anyone with one leaked
  // password, could take every place with slow uploads and keep every other partner's appliance
  // from backing up.
  std::size_t large_bodies_per_holder = 1;
  std::size_t header_bytes = 16 * 1024;
  // A whole request (headers and body) must arrive within this; also the keep-alive idle limit.
  std::chrono::seconds read_timeout{30};
  // A large body (see large_bodies) must arrive within this instead, from the end of its
  // headers: 64 MiB in 30 s would need 18 Mbit/s from the client. It must keep coming, though:
  // read_timeout without a byte of it ends the request, so that a stalled upload gives its place
  // back then rather than at the end of this.
  std::chrono::seconds large_body_timeout{300};
  // A streamed answer (an unpaged list, A.1) must be taken by the client within this, whole, as
  // well as each of its pieces within read_timeout: its database snapshot, which keeps SQLite's
  // WAL from being checkpointed past it, lives that long at most. 15 minutes is 1 M users'
  // 420 MB at 4 Mbit/s.
  std::chrono::seconds stream_timeout{900};
  // On stop, in-flight requests get this long to finish before the server gives up on them.
  std::chrono::seconds drain_timeout{10};
  // The worker pool for costly work that responses defer (http::Deferred: Argon2id): its
  // threads (0: half the cores, at least one) and how many tasks may wait for them; requests
  // beyond get 503 with Retry-After.
  std::size_t worker_threads = 0;
  std::size_t worker_queue = 32;
  // Runs handlers, their deferred steps and streamed bodies each in a fiber (async::Fiber), so
  // that a store that waits on the network (PostgreSQL) suspends them instead of blocking an I/O
  // thread. Off for SQLite, whose statements are short and run inline.
  bool fibers = false;
};

}  // namespace accountsd::http
