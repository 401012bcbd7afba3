// A change to a partner's quota counters (bytes allocated and used, shares, devices), summed in
// the transaction that causes it and applied once, by each backend's counters.
#pragma once

#include <cstdint>

#include "domain/quota.hpp"

namespace accountsd::store {

struct CounterDelta {
  domain::Int128 bytes_allocated = 0;
  domain::Int128 bytes_used = 0;
  std::int64_t shares = 0;
  std::int64_t devices = 0;

  CounterDelta& operator+=(const CounterDelta& other) {
    bytes_allocated += other.bytes_allocated;
    bytes_used += other.bytes_used;
    shares += other.shares;
    devices += other.devices;
    return *this;
  }
};

}  // namespace accountsd::store
