// The current time as the API reports it: Unix seconds.
#pragma once

#include <chrono>
#include <cstdint>

namespace accountsd::domain {

inline std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace accountsd::domain
