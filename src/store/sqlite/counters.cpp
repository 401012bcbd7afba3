#include "store/sqlite/counters.hpp"

#include <stdexcept>

#include "store/outcomes.hpp"

namespace accountsd::store::sqlite {

void apply(Connection& db, std::int64_t partner, const CounterDelta& delta) {
  auto& read = db.prepared(
      "SELECT bytes_allocated_hi, bytes_allocated_lo, bytes_used_hi, bytes_used_lo "
      "FROM partner_counters WHERE partner_id = ?1");
  read.bind(1, partner);
  if (!read.step()) throw std::runtime_error("partner has no counters");
  auto allocated = domain::ByteSum::from_parts(read.integer(0), read.integer(1));
  auto used = domain::ByteSum::from_parts(read.integer(2), read.integer(3));
  read.reset();
  allocated += delta.bytes_allocated;
  used += delta.bytes_used;
  db.prepared(
        "UPDATE partner_counters SET bytes_allocated_hi = ?2, bytes_allocated_lo = ?3, "
        "bytes_used_hi = ?4, bytes_used_lo = ?5, share_count = share_count + ?6, "
        "device_count = device_count + ?7 WHERE partner_id = ?1")
      .bind(1, partner)
      .bind(2, allocated.high())
      .bind(3, allocated.low())
      .bind(4, used.high())
      .bind(5, used.low())
      .bind(6, delta.shares)
      .bind(7, delta.devices)
      .run();
}

domain::Int128 bytes_allocated(Connection& db, std::int64_t partner) {
  auto& q = db.prepared(
      "SELECT bytes_allocated_hi, bytes_allocated_lo FROM partner_counters WHERE partner_id = ?1");
  q.bind(1, partner);
  if (!q.step()) throw std::runtime_error("partner has no counters");
  auto value = domain::ByteSum::from_parts(q.integer(0), q.integer(1)).value();
  q.reset();
  return value;
}

void check_allocation(Connection& db, std::int64_t partner, domain::Int128 added) {
  if (added <= 0) return;
  auto& q = db.prepared("SELECT bytes_available FROM partners WHERE partner_id = ?1");
  q.bind(1, partner);
  std::optional<std::int64_t> available;
  if (q.step()) available = q.optional_integer(0);
  q.reset();
  if (!available) return;
  if (bytes_allocated(db, partner) + added > *available) throw QuotaExceeded(*available);
}

}  // namespace accountsd::store::sqlite
