// SqliteUsage: the client-revision census (A.10).
//
// Cost: without a login filter, one counter row per revision. With one, per revision, fewer than
// 6 hour, 4 six-hour, 8 day and 8 eight-day rows and the 64-day rows from there on (two for the
// 30 days consoles ask about), plus the devices whose last login falls in the one partial hour
// before those, found through devices_by_login: bounded by revisions, not by the partner's size
// or by how long ago `since` is. The rows are added up here: a GROUP BY would sort them first.
#include "store/sqlite/census.hpp"

#include <algorithm>
#include <limits>
#include <string>

#include "store/sqlite/sqlite_usage.hpp"

namespace accountsd::store::sqlite {
namespace {

const std::string kCensusSinceText = census_since_rows_sql("?");

}  // namespace

const char* const kCensusAllSql =
    "SELECT client_revision, devices FROM device_census WHERE partner_id = ?1 AND span = 0 "
    "AND bucket = 0 AND client_revision BETWEEN ?2 AND ?3 ORDER BY client_revision";

// One statement, so that every part reads one snapshot.
const char* const kCensusSinceSql = kCensusSinceText.c_str();

std::vector<domain::RevisionCount> SqliteUsage::client_revisions(
    PartnerId partner, const domain::CensusFilter& filter) {
  auto max_revision = filter.max_revision.value_or(std::numeric_limits<std::int64_t>::max());
  std::vector<domain::RevisionCount> out;
  if (!filter.last_login_since) {
    auto& q = db().prepared(kCensusAllSql);
    q.bind(1, partner).bind(2, filter.min_revision).bind(3, max_revision);
    while (q.step()) out.push_back({q.integer(0), q.integer(1)});
    return out;
  }
  auto& q = db().prepared(kCensusSinceSql);
  q.bind(1, partner).bind(2, filter.min_revision).bind(3, max_revision);
  auto b = census_bounds(*filter.last_login_since);
  q.bind(4, b.since).bind(5, b.partial_last);
  int parameter = 6;
  for (const auto& range : b.ranges) {
    q.bind(parameter, range.first).bind(parameter + 1, range.end);
    parameter += 2;
  }
  // A partner has a few dozen revisions: a sorted vector is the smallest map.
  while (q.step()) {
    const std::int64_t revision = q.integer(0);
    auto at = std::lower_bound(
        out.begin(), out.end(), revision,
        [](const domain::RevisionCount& row, std::int64_t r) { return row.revision < r; });
    if (at == out.end() || at->revision != revision) at = out.insert(at, {revision, 0});
    at->count += q.integer(1);
  }
  return out;
}

}  // namespace accountsd::store::sqlite
