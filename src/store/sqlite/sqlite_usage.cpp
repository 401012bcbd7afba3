// SqliteStore: a user's devices and shares (B.4) and the storage service's reports (B.5).
#include "domain/clock.hpp"
#include "store/sqlite/counters.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace accountsd::store::sqlite {
namespace {

// Reads a row of kShareColumns.
domain::Share read_share(const Statement& q) {
  return {q.text(0),    q.text(1),         q.text(2),         q.integer(3),
          q.integer(4), q.integer(5) != 0, q.integer(6) != 0, q.optional_integer(7)};
}

// Confirms the user belongs to the partner (every path below is scoped by both ids).
void require_user(Connection& db, PartnerId partner, std::int64_t avatar) {
  auto& q = db.prepared("SELECT 1 FROM users WHERE partner_id = ?1 AND avatar_id = ?2");
  q.bind(1, partner).bind(2, avatar);
  bool found = q.step();
  q.reset();
  if (!found) throw NotFound(Object::user);
}

// Adds `change` to a user's device or share count and to the partner's counters.
void count_change(Connection& db, PartnerId partner, std::int64_t avatar, bool device, int change) {
  db.prepared(device ? "UPDATE users SET num_devices = num_devices + ?2 WHERE avatar_id = ?1"
                     : "UPDATE users SET num_shares = num_shares + ?2 WHERE avatar_id = ?1")
      .bind(1, avatar)
      .bind(2, change)
      .run();
  CounterDelta delta;
  (device ? delta.devices : delta.shares) = change;
  apply(db, partner, delta);
}

// A user's last login and last completed backup are the latest over its devices.
void refresh_activity(Connection& db, std::int64_t avatar) {
  db.prepared(
        "UPDATE users SET last_login = (SELECT max(last_login) FROM devices WHERE avatar_id = ?1), "
        "last_backup_complete = (SELECT max(last_backup_complete) FROM devices WHERE "
        "avatar_id = ?1) WHERE avatar_id = ?1")
      .bind(1, avatar)
      .run();
}

}  // namespace

std::vector<domain::Device> SqliteStore::devices(PartnerId partner, std::int64_t avatar_id) {
  // `+partner_id` keeps SQLite on the (avatar_id, name) index: left to itself it walks all the
  // partner's devices through devices_by_login.
  auto& q = db().prepared(
      "SELECT device_id, name, client_revision, creation_time, last_login, last_backup_complete "
      "FROM devices WHERE +partner_id = ?1 AND avatar_id = ?2 ORDER BY device_id");
  q.bind(1, partner).bind(2, avatar_id);
  std::vector<domain::Device> out;
  while (q.step()) {
    out.push_back({q.integer(0), q.text(1), q.integer(2), q.integer(3), q.optional_integer(4),
                   q.optional_integer(5)});
  }
  return out;
}

std::vector<domain::Share> SqliteStore::user_shares(PartnerId partner, std::int64_t avatar_id) {
  auto& q = db().prepared(
      "SELECT room_key, name, description, creation_time, update_time, enabled, "
      "password_required, last_login FROM shares "
      "WHERE partner_id = ?1 AND avatar_id = ?2 ORDER BY room_key");
  q.bind(1, partner).bind(2, avatar_id);
  std::vector<domain::Share> out;
  while (q.step()) out.push_back(read_share(q));
  return out;
}

std::optional<domain::Share> SqliteStore::user_share(PartnerId partner, std::int64_t avatar_id,
                                                     std::string_view room_key) {
  auto& q = db().prepared(
      "SELECT room_key, name, description, creation_time, update_time, enabled, "
      "password_required, last_login FROM shares "
      "WHERE partner_id = ?1 AND avatar_id = ?2 AND room_key = ?3");
  q.bind(1, partner).bind(2, avatar_id).bind(3, room_key);
  if (!q.step()) return std::nullopt;
  auto share = read_share(q);
  q.reset();
  return share;
}

bool SqliteStore::set_share_enabled(PartnerId partner, std::int64_t avatar_id,
                                    std::string_view room_key, bool enabled) {
  auto& db = this->db();
  Transaction txn(db);
  db.prepared(
        "UPDATE shares SET enabled = ?4, update_time = ?5 WHERE partner_id = ?1 AND "
        "avatar_id = ?2 AND room_key = ?3")
      .bind(1, partner)
      .bind(2, avatar_id)
      .bind(3, room_key)
      .bind(4, enabled)
      .bind(5, domain::now_seconds())
      .run();
  bool changed = sqlite3_changes(db.handle()) > 0;
  txn.commit();
  return changed;
}

void SqliteStore::put_device(PartnerId partner, std::int64_t avatar_id, std::string_view name,
                             const domain::DeviceReport& report) {
  auto& db = this->db();
  Transaction txn(db);
  require_user(db, partner, avatar_id);
  db.prepared(
        "UPDATE devices SET client_revision = ?4, last_login = ?5, last_backup_complete = ?6 "
        "WHERE partner_id = ?1 AND avatar_id = ?2 AND name = ?3")
      .bind(1, partner)
      .bind(2, avatar_id)
      .bind(3, name)
      .bind(4, report.client_revision)
      .bind(5, report.last_login)
      .bind(6, report.last_backup_complete)
      .run();
  if (sqlite3_changes(db.handle()) == 0) {
    db.prepared(
          "INSERT INTO devices (partner_id, avatar_id, name, client_revision, creation_time, "
          "last_login, last_backup_complete) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
        .bind(1, partner)
        .bind(2, avatar_id)
        .bind(3, name)
        .bind(4, report.client_revision)
        .bind(5, domain::now_seconds())
        .bind(6, report.last_login)
        .bind(7, report.last_backup_complete)
        .run();
    count_change(db, partner, avatar_id, true, +1);
  }
  refresh_activity(db, avatar_id);
  txn.commit();
}

bool SqliteStore::delete_device(PartnerId partner, std::int64_t avatar_id, std::string_view name) {
  auto& db = this->db();
  Transaction txn(db);
  require_user(db, partner, avatar_id);
  db.prepared("DELETE FROM devices WHERE partner_id = ?1 AND avatar_id = ?2 AND name = ?3")
      .bind(1, partner)
      .bind(2, avatar_id)
      .bind(3, name)
      .run();
  if (sqlite3_changes(db.handle()) == 0) return false;
  count_change(db, partner, avatar_id, true, -1);
  refresh_activity(db, avatar_id);
  txn.commit();
  return true;
}

void SqliteStore::put_share(PartnerId partner, std::int64_t avatar_id, std::string_view room_key,
                            const domain::ShareReport& report) {
  auto& db = this->db();
  Transaction txn(db);
  require_user(db, partner, avatar_id);
  auto now = domain::now_seconds();
  // ?8 and ?9 say whether password_required and last_login were reported; unreported ones keep
  // their stored values (false and null for a new share).
  const bool has_password = report.password_required.has_value();
  const bool has_login = report.last_login.has_value();
  const auto password = report.password_required.value_or(false);
  const auto login = report.last_login.value_or(std::nullopt);
  db.prepared(
        "UPDATE shares SET name = ?4, description = ?5, enabled = ?6, update_time = ?7, "
        "password_required = CASE WHEN ?8 THEN ?10 ELSE password_required END, "
        "last_login = CASE WHEN ?9 THEN ?11 ELSE last_login END "
        "WHERE partner_id = ?1 AND avatar_id = ?2 AND room_key = ?3")
      .bind(1, partner)
      .bind(2, avatar_id)
      .bind(3, room_key)
      .bind(4, report.name)
      .bind(5, report.description)
      .bind(6, report.enabled)
      .bind(7, now)
      .bind(8, has_password)
      .bind(9, has_login)
      .bind(10, password)
      .bind(11, login)
      .run();
  if (sqlite3_changes(db.handle()) == 0) {
    db.prepared(
          "INSERT INTO shares (avatar_id, room_key, partner_id, name, description, "
          "creation_time, update_time, enabled, password_required, last_login) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?8, ?9)")
        .bind(1, avatar_id)
        .bind(2, room_key)
        .bind(3, partner)
        .bind(4, report.name)
        .bind(5, report.description)
        .bind(6, now)
        .bind(7, report.enabled)
        .bind(8, password)
        .bind(9, login)
        .run();
    count_change(db, partner, avatar_id, false, +1);
    // A user's first share gives it a share_id: its username.
    db.prepared("UPDATE users SET share_id = username WHERE avatar_id = ?1 AND share_id IS NULL")
        .bind(1, avatar_id)
        .run();
  }
  txn.commit();
}

bool SqliteStore::delete_share(PartnerId partner, std::int64_t avatar_id,
                               std::string_view room_key) {
  auto& db = this->db();
  Transaction txn(db);
  require_user(db, partner, avatar_id);
  db.prepared("DELETE FROM shares WHERE partner_id = ?1 AND avatar_id = ?2 AND room_key = ?3")
      .bind(1, partner)
      .bind(2, avatar_id)
      .bind(3, room_key)
      .run();
  if (sqlite3_changes(db.handle()) == 0) return false;
  count_change(db, partner, avatar_id, false, -1);
  txn.commit();
  return true;
}

void SqliteStore::set_bytes_stored(PartnerId partner, std::int64_t avatar_id,
                                   std::int64_t bytes_stored) {
  auto& db = this->db();
  Transaction txn(db);
  auto& q = db.prepared("SELECT bytes_stored FROM users WHERE partner_id = ?1 AND avatar_id = ?2");
  q.bind(1, partner).bind(2, avatar_id);
  if (!q.step()) throw NotFound(Object::user);
  auto before = q.integer(0);
  q.reset();
  db.prepared("UPDATE users SET bytes_stored = ?2 WHERE avatar_id = ?1")
      .bind(1, avatar_id)
      .bind(2, bytes_stored)
      .run();
  CounterDelta delta;
  delta.bytes_used = domain::Int128(bytes_stored) - before;
  apply(db, partner, delta);
  txn.commit();
}

}  // namespace accountsd::store::sqlite
