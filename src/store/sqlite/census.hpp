// The client-revision census (A.10) read from the device_census counters (migrations 004, 013).
#pragma once

#include "store/census_bounds.hpp"

namespace accountsd::store::sqlite {

// ?1 partner, ?2 and ?3 the revision bounds (inclusive): every device.
extern const char* const kCensusAllSql;
// The same, and ?4 since, ?5 partial_last, then each CensusBounds range's first and end bucket
// (?6 and ?7 for the first span, and so on): a (client_revision, devices) row per counter and
// per device of the partial hour, which the caller adds up.
extern const char* const kCensusSinceSql;

}  // namespace accountsd::store::sqlite
