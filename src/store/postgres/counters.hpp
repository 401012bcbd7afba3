// Changes to a partner's quota counters on PostgreSQL, applied inside the transaction that caused
// them (Backend::write, which holds the partner's counters row locked). Byte sums are NUMERIC:
// exact past 64 bits, as ByteSum is on SQLite.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/quota.hpp"
#include "store/counter_delta.hpp"
#include "store/postgres/connection.hpp"

namespace accountsd::store::postgres {

// The exact decimal digits of `value`, as NUMERIC reads them; and back.
std::string decimal(domain::Int128 value);
domain::Int128 parse_decimal(std::string_view digits);

// Adds `delta` to the partner's counters.
void apply(Connection& db, std::int64_t partner, const CounterDelta& delta);

// The partner's exact (unsaturated) bytes_allocated, for quota checks.
domain::Int128 bytes_allocated(Connection& db, std::int64_t partner);

// Throws QuotaExceeded when adding `added` allocation would exceed bytes_available.
void check_allocation(Connection& db, std::int64_t partner, domain::Int128 added);

}  // namespace accountsd::store::postgres
