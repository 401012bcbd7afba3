#include "store/postgres/pg_console_sessions.hpp"

namespace accountsd::store::postgres {

void PgConsoleSessions::create(std::string_view token_hash, const domain::ConsoleSession& session) {
  backend_.write(std::nullopt, [&](Connection& db) {
    db.exec(
        "INSERT INTO console_sessions (token_hash, partner_id, csrf_token, created_at, "
        "expires_at) VALUES ($1, $2, $3, $4, $5)",
        Params()
            .add(token_hash)
            .add(session.partner)
            .add(session.csrf_token)
            .add(session.created_at)
            .add(session.expires_at));
  });
}

std::optional<domain::ConsoleSession> PgConsoleSessions::find(std::string_view token_hash) {
  return backend_.read([&](Connection& db) -> std::optional<domain::ConsoleSession> {
    auto q = db.exec(
        "SELECT partner_id, csrf_token, created_at, expires_at FROM console_sessions "
        "WHERE token_hash = $1",
        Params().add(token_hash));
    if (q.rows() == 0) return std::nullopt;
    return domain::ConsoleSession{q.integer(0, 0), q.string(0, 1), q.integer(0, 2),
                                  q.integer(0, 3)};
  });
}

void PgConsoleSessions::end(std::string_view token_hash) {
  backend_.write(std::nullopt, [&](Connection& db) {
    db.exec("DELETE FROM console_sessions WHERE token_hash = $1", Params().add(token_hash));
  });
}

std::int64_t PgConsoleSessions::prune(std::int64_t now, int limit) {
  return backend_.write(std::nullopt, [&](Connection& db) {
    return db
        .exec(
            "DELETE FROM console_sessions WHERE token_hash IN (SELECT token_hash FROM "
            "console_sessions WHERE expires_at <= $1 LIMIT $2)",
            Params().add(now).add(std::int64_t(limit)))
        .affected();
  });
}

}  // namespace accountsd::store::postgres
