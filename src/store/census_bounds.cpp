// census_bounds: the day and hour boundaries of a census's login filter, shared by the backends.
#include "store/census_bounds.hpp"

#include <limits>

#include "domain/quota.hpp"

namespace accountsd::store {
namespace {

constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kHour = 3600;

// The smallest n with n * span >= t; `/` truncates toward zero, which for t < 0 already rounds up.
std::int64_t ceil_div(std::int64_t t, std::int64_t span) {
  return t / span + (t % span > 0 ? 1 : 0);
}

}  // namespace

CensusBounds census_bounds(std::int64_t since) {
  CensusBounds b;
  b.since = since;
  b.first_day = ceil_div(since, kDay);
  b.first_hour = ceil_div(since, kHour);
  b.hours_end = b.first_day * (kDay / kHour);
  // Past 2^63 - 1 when `since` lies in the last partial hour before it: then every login counts.
  domain::Int128 last = domain::Int128(b.first_hour) * kHour - 1;
  constexpr auto highest = std::numeric_limits<std::int64_t>::max();
  b.partial_last = last > highest ? highest : std::int64_t(last);
  return b;
}

}  // namespace accountsd::store
