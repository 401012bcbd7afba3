#include "store/postgres/counters.hpp"

#include <stdexcept>

#include "store/outcomes.hpp"

namespace accountsd::store::postgres {

std::string decimal(domain::Int128 value) {
  constexpr std::int64_t kTenTo18 = 1'000'000'000'000'000'000;
  if (value < 0) return std::string("-").append(decimal(-value));
  if (value < kTenTo18) return std::to_string(std::int64_t(value));
  auto low = std::to_string(std::int64_t(value % kTenTo18));
  return decimal(value / kTenTo18) + std::string(18 - low.size(), '0') + low;
}

domain::Int128 parse_decimal(std::string_view digits) {
  bool negative = !digits.empty() && digits.front() == '-';
  if (negative) digits.remove_prefix(1);
  if (digits.empty()) throw std::runtime_error("empty NUMERIC value");
  domain::Int128 value = 0;
  for (char c : digits) {
    // NUMERIC sums of integers have no fraction; a ".0..." tail would come from a cast.
    if (c == '.') break;
    if (c < '0' || c > '9') throw std::runtime_error("unexpected NUMERIC value");
    value = value * 10 + (c - '0');
  }
  return negative ? -value : value;
}

void apply(Connection& db, std::int64_t partner, const CounterDelta& delta) {
  if (delta.bytes_allocated == 0 && delta.bytes_used == 0 && delta.shares == 0 &&
      delta.devices == 0)
    return;
  auto changed = db.exec(
      "UPDATE partner_counters SET bytes_allocated = bytes_allocated + $2::numeric, "
      "bytes_used = bytes_used + $3::numeric, share_count = share_count + $4, "
      "device_count = device_count + $5 WHERE partner_id = $1",
      Params()
          .add(partner)
          .add(decimal(delta.bytes_allocated))
          .add(decimal(delta.bytes_used))
          .add(delta.shares)
          .add(delta.devices));
  if (changed.affected() != 1) throw std::runtime_error("partner has no counters");
}

domain::Int128 bytes_allocated(Connection& db, std::int64_t partner) {
  auto row = db.exec("SELECT bytes_allocated FROM partner_counters WHERE partner_id = $1",
                     Params().add(partner));
  if (row.rows() != 1) throw std::runtime_error("partner has no counters");
  return parse_decimal(row.text(0, 0));
}

void check_allocation(Connection& db, std::int64_t partner, domain::Int128 added) {
  if (added <= 0) return;
  auto row = db.exec(
      "SELECT p.bytes_available, c.bytes_allocated FROM partners p "
      "JOIN partner_counters c USING (partner_id) WHERE p.partner_id = $1",
      Params().add(partner));
  if (row.rows() != 1) throw std::runtime_error("partner has no counters");
  auto available = row.optional_integer(0, 0);
  if (!available) return;
  if (parse_decimal(row.text(0, 1)) + added > *available) throw QuotaExceeded(*available);
}

}  // namespace accountsd::store::postgres
