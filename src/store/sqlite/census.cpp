// SqliteUsage: the client-revision census (A.10).
//
// Cost: without a login filter, one counter row per revision. With one, the day rows from the
// first whole day on (days since then with logins x revisions), fewer than 24 hour rows per
// revision, and the devices whose last login falls in the one partial hour before those, found
// through devices_by_login: bounded by time and revisions, not by the partner's size.
#include "store/sqlite/census.hpp"

#include <limits>

#include "store/sqlite/sqlite_usage.hpp"

namespace accountsd::store::sqlite {

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
