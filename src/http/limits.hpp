// The limits the server puts on every connection: sizes, timeouts and the drain on stop.
#pragma once

#include <chrono>
#include <cstddef>

namespace accountsd::http {

struct ServerLimits {
  std::size_t body_bytes = 1024 * 1024;
  std::size_t header_bytes = 16 * 1024;
  // A whole request (headers and body) must arrive within this; also the keep-alive idle limit.
  std::chrono::seconds read_timeout{30};
  // On stop, in-flight requests get this long to finish before the server gives up on them.
  std::chrono::seconds drain_timeout{10};
};

}  // namespace accountsd::http
