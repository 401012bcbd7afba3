// The client-revision census (A.10) read from the device_census counters (migration 004).
#pragma once

#include "store/census_bounds.hpp"

namespace accountsd::store::sqlite {

// ?1 partner, ?2 and ?3 the revision bounds (inclusive): every device.
extern const char* const kCensusAllSql;
// The same, and ?4 .. ?8 the CensusBounds fields in order: devices logged in since then.
extern const char* const kCensusSinceSql;

}  // namespace accountsd::store::sqlite
