// census_bounds: the bucket ranges of a census's login filter, shared by the backends.
#include "store/census_bounds.hpp"

#include <limits>

#include "domain/quota.hpp"

namespace accountsd::store {
namespace {

// The smallest n with n * span >= t; `/` truncates toward zero, which for t < 0 already rounds up.
std::int64_t ceil_div(std::int64_t t, std::int64_t span) {
  return t / span + (t % span > 0 ? 1 : 0);
}

}  // namespace

std::string census_since_rows_sql(std::string_view mark) {
  const std::string m(mark);
  std::string sql;
  int parameter = 6;
  for (auto span : kCensusSpans) {
    sql += "SELECT client_revision, devices AS n FROM device_census WHERE partner_id = " + m +
           "1 AND span = " + std::to_string(span) + " AND bucket >= " + m +
           std::to_string(parameter) + " AND bucket < " + m + std::to_string(parameter + 1) +
           " AND client_revision BETWEEN " + m + "2 AND " + m + "3 UNION ALL ";
    parameter += 2;
  }
  return sql + "SELECT client_revision, 1 FROM devices WHERE partner_id = " + m +
         "1 AND last_login BETWEEN " + m + "4 AND " + m + "5 AND client_revision BETWEEN " + m +
         "2 AND " + m + "3";
}

CensusBounds census_bounds(std::int64_t since) {
  CensusBounds b;
  b.since = since;
  for (std::size_t i = 0; i < kCensusSpans.size(); ++i) {
    const auto span = kCensusSpans[i];
    b.ranges[i].span = span;
    b.ranges[i].first = ceil_div(since, span);
    // No overflow: ceil_div(since, next) * (next / span) < since / span + next / span + 1.
    b.ranges[i].end = i + 1 < kCensusSpans.size()
                          ? ceil_div(since, kCensusSpans[i + 1]) * (kCensusSpans[i + 1] / span)
                          : std::numeric_limits<std::int64_t>::max();
  }
  // Past 2^63 - 1 when `since` lies in the last partial hour before it: then every login counts.
  domain::Int128 last = domain::Int128(b.ranges[0].first) * kCensusSpans[0] - 1;
  constexpr auto highest = std::numeric_limits<std::int64_t>::max();
  b.partial_last = last > highest ? highest : std::int64_t(last);
  return b;
}

}  // namespace accountsd::store
