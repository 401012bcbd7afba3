// Changes to a partner's quota counters, applied inside the transaction that caused them.
#pragma once

#include <cstdint>

#include "domain/quota.hpp"
#include "store/counter_delta.hpp"
#include "store/sqlite/connection.hpp"

namespace accountsd::store::sqlite {

using store::CounterDelta;

// Adds `delta` to the partner's counters; call inside the transaction that made the change.
void apply(Connection& db, std::int64_t partner, const CounterDelta& delta);

// The partner's exact (unsaturated) bytes_allocated, for quota checks.
domain::Int128 bytes_allocated(Connection& db, std::int64_t partner);

// Throws QuotaExceeded when adding `added` allocation would exceed bytes_available.
void check_allocation(Connection& db, std::int64_t partner, domain::Int128 added);

}  // namespace accountsd::store::sqlite
