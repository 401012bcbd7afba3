// PgUsage: the client-revision census (A.10), read from the device_census counters that the
// schema's triggers keep, as SqliteUsage reads them (see sqlite/census.cpp for the cost).
#include <limits>
#include <string>

#include "store/census_bounds.hpp"
#include "store/postgres/pg_usage.hpp"

namespace accountsd::store::postgres {
namespace {

// $1 partner, $2 and $3 the revision bounds (inclusive): every device.
constexpr const char* kCensusAllSql =
    "SELECT client_revision, devices FROM device_census WHERE partner_id = $1 AND span = 0 "
    "AND bucket = 0 AND client_revision BETWEEN $2 AND $3 ORDER BY client_revision";

// The same, and $4 since, $5 partial_last, then each CensusBounds range's first and end bucket
// ($6 and $7 for the first span, and so on): devices logged in since then. One statement, so
// that every part reads one snapshot; sum() of BIGINT is NUMERIC, hence the cast.
std::string census_since_sql() {
  return "SELECT client_revision, sum(n)::bigint FROM (" + census_since_rows_sql("$") +
         ") AS counted GROUP BY client_revision ORDER BY client_revision";
}

}  // namespace

std::vector<domain::RevisionCount> PgUsage::client_revisions(PartnerId partner,
                                                             const domain::CensusFilter& filter) {
  static const std::string since_sql = census_since_sql();
  auto max_revision = filter.max_revision.value_or(std::numeric_limits<std::int64_t>::max());
  Params params;
  params.add(partner).add(filter.min_revision).add(max_revision);
  if (filter.last_login_since) {
    auto b = census_bounds(*filter.last_login_since);
    params.add(b.since).add(b.partial_last);
    for (const auto& range : b.ranges) params.add(range.first).add(range.end);
  }
  return backend_.read([&](Connection& db) {
    auto rows =
        db.exec(filter.last_login_since ? std::string_view(since_sql) : kCensusAllSql, params);
    std::vector<domain::RevisionCount> out;
    for (int row = 0; row < rows.rows(); ++row)
      out.push_back({rows.integer(row, 0), rows.integer(row, 1)});
    return out;
  });
}

}  // namespace accountsd::store::postgres
