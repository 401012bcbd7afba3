// SqliteUsage: the client-revision census (A.10).
//
// Cost: without a login filter, one counter row per revision. With one, the day rows from the
// first whole day on (days since then with logins x revisions), fewer than 24 hour rows per
// revision, and the devices whose last login falls in the one partial hour before those, found
// through devices_by_login: bounded by time and revisions, not by the partner's size.
#include "store/sqlite/census.hpp"

#include <limits>

#include "domain/quota.hpp"
#include "store/sqlite/sqlite_usage.hpp"

namespace accountsd::store::sqlite {
namespace {

constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kHour = 3600;

// The smallest n with n * span >= t; `/` truncates toward zero, which for t < 0 already rounds up.
std::int64_t ceil_div(std::int64_t t, std::int64_t span) {
  return t / span + (t % span > 0 ? 1 : 0);
}

}  // namespace

const char* const kCensusAllSql =
    "SELECT client_revision, devices FROM device_census WHERE partner_id = ?1 AND span = 0 "
    "AND bucket = 0 AND client_revision BETWEEN ?2 AND ?3 ORDER BY client_revision";

// One statement, so the three parts read one snapshot.
const char* const kCensusSinceSql =
    "SELECT client_revision, sum(n) FROM ("
    " SELECT client_revision, devices AS n FROM device_census WHERE partner_id = ?1"
    "  AND span = 86400 AND bucket >= ?5 AND client_revision BETWEEN ?2 AND ?3"
    " UNION ALL"
    " SELECT client_revision, devices FROM device_census WHERE partner_id = ?1"
    "  AND span = 3600 AND bucket >= ?6 AND bucket < ?7 AND client_revision BETWEEN ?2 AND ?3"
    " UNION ALL"
    " SELECT client_revision, 1 FROM devices WHERE partner_id = ?1"
    "  AND last_login BETWEEN ?4 AND ?8 AND client_revision BETWEEN ?2 AND ?3"
    ") GROUP BY client_revision ORDER BY client_revision";

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

std::vector<domain::RevisionCount> SqliteUsage::client_revisions(
    PartnerId partner, const domain::CensusFilter& filter) {
  auto max_revision = filter.max_revision.value_or(std::numeric_limits<std::int64_t>::max());
  auto& q = db().prepared(filter.last_login_since ? kCensusSinceSql : kCensusAllSql);
  q.bind(1, partner).bind(2, filter.min_revision).bind(3, max_revision);
  if (filter.last_login_since) {
    auto b = census_bounds(*filter.last_login_since);
    q.bind(4, b.since).bind(5, b.first_day).bind(6, b.first_hour).bind(7, b.hours_end);
    q.bind(8, b.partial_last);
  }
  std::vector<domain::RevisionCount> out;
  while (q.step()) out.push_back({q.integer(0), q.integer(1)});
  return out;
}

}  // namespace accountsd::store::sqlite
