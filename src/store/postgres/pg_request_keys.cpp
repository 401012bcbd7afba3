#include "store/postgres/pg_request_keys.hpp"

namespace accountsd::store::postgres {

RequestKeys::Claim PgRequestKeys::claim(PartnerId partner, std::string_view key,
                                        std::string_view fingerprint, std::int64_t now,
                                        std::int64_t expired_before) {
  return backend_.write(partner, [&](Connection& db) -> Claim {
    auto held = db.exec(
        "SELECT fingerprint, created_at, status, content_type, location, body FROM request_keys "
        "WHERE partner_id = $1 AND key = $2",
        Params().add(partner).add(key));
    if (held.rows() > 0 && held.integer(0, 1) >= expired_before) {
      if (held.text(0, 0) != fingerprint) return Mismatch{};
      if (held.null(0, 2)) return InFlight{held.integer(0, 1)};
      return Answer{int(held.integer(0, 2)), held.optional_string(0, 3).value_or(""),
                    held.optional_string(0, 4).value_or(""),
                    held.optional_string(0, 5).value_or("")};
    }
    db.exec(
        "INSERT INTO request_keys (partner_id, key, fingerprint, created_at) "
        "VALUES ($1, $2, $3, $4) ON CONFLICT (partner_id, key) DO UPDATE SET "
        "fingerprint = excluded.fingerprint, created_at = excluded.created_at, status = NULL, "
        "content_type = NULL, location = NULL, body = NULL",
        Params().add(partner).add(key).add(fingerprint).add(now));
    return Claimed{};
  });
}

void PgRequestKeys::finish(PartnerId partner, std::string_view key, const Answer& answer) {
  backend_.write(std::nullopt, [&](Connection& db) {
    db.exec(
        "UPDATE request_keys SET status = $3, content_type = $4, location = $5, body = $6 "
        "WHERE partner_id = $1 AND key = $2",
        Params()
            .add(partner)
            .add(key)
            .add(answer.status)
            .add(answer.content_type)
            .add(answer.location)
            .add(answer.body));
  });
}

void PgRequestKeys::release(PartnerId partner, std::string_view key) {
  backend_.write(std::nullopt, [&](Connection& db) {
    db.exec("DELETE FROM request_keys WHERE partner_id = $1 AND key = $2 AND status IS NULL",
            Params().add(partner).add(key));
  });
}

std::int64_t PgRequestKeys::prune(std::int64_t before, int limit) {
  return backend_.write(std::nullopt, [&](Connection& db) {
    return db
        .exec(
            "DELETE FROM request_keys WHERE (partner_id, key) IN (SELECT partner_id, key FROM "
            "request_keys WHERE created_at < $1 LIMIT $2)",
            Params().add(before).add(std::int64_t(limit)))
        .affected();
  });
}

}  // namespace accountsd::store::postgres
