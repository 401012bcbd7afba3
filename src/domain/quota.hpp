// The partner's enterprise quota figures (A.6), kept as exact counters and reported saturated.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>

namespace accountsd::domain {

// 128-bit integer for sums that must not overflow (a GCC/Clang extension, hence __extension__).
__extension__ typedef __int128 Int128;

struct Quota {
  std::optional<std::int64_t> bytes_available;
  std::int64_t bytes_allocated = 0;
  std::int64_t bytes_used = 0;
  std::int64_t share_count = 0;
  std::int64_t device_count = 0;
};

// A running byte sum that cannot overflow: 128 bits wide, reported saturated at int64 max.
class ByteSum {
 public:
  ByteSum() = default;
  explicit ByteSum(Int128 value) : value_(value) {}
  // Rebuilds a sum stored as (high, low) with 0 <= low < 2^62.
  static ByteSum from_parts(std::int64_t high, std::int64_t low) {
    return ByteSum((Int128(high) << 62) + low);
  }
  std::int64_t high() const { return std::int64_t(value_ >> 62); }
  std::int64_t low() const { return std::int64_t(value_ & ((Int128(1) << 62) - 1)); }
  ByteSum& operator+=(Int128 delta) {
    value_ += delta;
    return *this;
  }
  std::int64_t saturated() const {
    constexpr auto max = std::numeric_limits<std::int64_t>::max();
    if (value_ > max) return max;
    if (value_ < 0) return 0;
    return std::int64_t(value_);
  }
  Int128 value() const { return value_; }

 private:
  Int128 value_ = 0;
};

}  // namespace accountsd::domain
