// How the client-revision census (A.10) splits "last_login >= since" over the device_census
// counters (migration 004): the same day and hour arithmetic for every backend.
#pragma once

#include <cstdint>

namespace accountsd::store {

// Where "last_login >= since" splits into whole days, whole hours and one partial hour:
// the devices in it are the day buckets >= first_day, the hour buckets in
// [first_hour, hours_end), and the devices rows with since <= last_login <= partial_last.
struct CensusBounds {
  std::int64_t since = 0;
  std::int64_t first_day = 0;     // index of the first day starting at or after `since`
  std::int64_t first_hour = 0;    // index of the first hour starting at or after `since`
  std::int64_t hours_end = 0;     // first_day in hours: later hours are counted by day
  std::int64_t partial_last = 0;  // the second before first_hour starts (at most 2^63 - 1)
};

// Exact for every `since`, INT64_MIN and INT64_MAX included.
CensusBounds census_bounds(std::int64_t since);

}  // namespace accountsd::store
