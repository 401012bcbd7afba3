#include "store/sqlite/sqlite_request_keys.hpp"

#include "store/sqlite/write_transaction.hpp"

namespace accountsd::store::sqlite {

RequestKeys::Claim SqliteRequestKeys::claim(PartnerId partner, std::string_view key,
                                            std::string_view fingerprint, std::int64_t now,
                                            std::int64_t expired_before) {
  // In the writer's transaction: no other claim of the key comes between the look and the claim.
  WriteTransaction txn(backend_);
  auto& db = txn.db();
  auto& held = db.prepared(
      "SELECT fingerprint, created_at, status, content_type, location, body FROM request_keys "
      "WHERE partner_id = ?1 AND key = ?2");
  held.bind(1, partner).bind(2, key);
  Claim claim = Claimed{};
  if (held.step() && held.integer(1) >= expired_before) {
    if (held.text_view(0) != fingerprint) {
      claim = Mismatch{};
    } else if (held.is_null(2)) {
      claim = InFlight{held.integer(1)};
    } else {
      claim = Answer{int(held.integer(2)), held.optional_text(3).value_or(""),
                     held.optional_text(4).value_or(""), held.optional_text(5).value_or("")};
    }
  }
  held.reset();
  if (std::holds_alternative<Claimed>(claim)) {
    db.prepared(
          "INSERT OR REPLACE INTO request_keys (partner_id, key, fingerprint, created_at) "
          "VALUES (?1, ?2, ?3, ?4)")
        .bind(1, partner)
        .bind(2, key)
        .bind(3, fingerprint)
        .bind(4, now)
        .run();
  }
  // Committed whatever it found: with group commit, what it read may be in the open batch, and
  // the answer that reports it must wait for the same sync (the request's commit ticket).
  txn.commit();
  return claim;
}

void SqliteRequestKeys::finish(PartnerId partner, std::string_view key, const Answer& answer) {
  WriteTransaction txn(backend_);
  txn.db()
      .prepared(
          "UPDATE request_keys SET status = ?3, content_type = ?4, location = ?5, body = ?6 "
          "WHERE partner_id = ?1 AND key = ?2")
      .bind(1, partner)
      .bind(2, key)
      .bind(3, answer.status)
      .bind(4, answer.content_type)
      .bind(5, answer.location)
      .bind(6, answer.body)
      .run();
  txn.commit();
}

void SqliteRequestKeys::release(PartnerId partner, std::string_view key) {
  WriteTransaction txn(backend_);
  txn.db()
      .prepared("DELETE FROM request_keys WHERE partner_id = ?1 AND key = ?2 AND status IS NULL")
      .bind(1, partner)
      .bind(2, key)
      .run();
  txn.commit();
}

std::int64_t SqliteRequestKeys::prune(std::int64_t before, int limit) {
  WriteTransaction txn(backend_);
  auto& db = txn.db();
  db.prepared(
        "DELETE FROM request_keys WHERE (partner_id, key) IN (SELECT partner_id, key "
        "FROM request_keys WHERE created_at < ?1 LIMIT ?2)")
      .bind(1, before)
      .bind(2, limit)
      .run();
  auto deleted = std::int64_t(sqlite3_changes(db.handle()));
  txn.commit();
  return deleted;
}

}  // namespace accountsd::store::sqlite
