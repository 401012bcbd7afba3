// SqliteUsage: a user's devices and shares (B.4), the storage service's reports (B.5) and the
// share listing (A.9).
#include "store/sqlite/sqlite_usage.hpp"

#include <limits>

#include "domain/clock.hpp"
#include "store/sqlite/counters.hpp"
#include "store/sqlite/write_transaction.hpp"

namespace accountsd::store::sqlite {
namespace {

// Reads a row of kShareColumns from `first` on into `share`, reusing its strings' memory.
void read_share(const Statement& q, int first, domain::Share& share) {
  share.room_key.assign(q.text_view(first));
  share.name.assign(q.text_view(first + 1));
  share.description.assign(q.text_view(first + 2));
  share.creation_time = q.integer(first + 3);
  share.update_time = q.integer(first + 4);
  share.enabled = q.integer(first + 5) != 0;
  share.password_required = q.integer(first + 6) != 0;
  share.last_login = q.optional_integer(first + 7);
}

domain::Share read_share(const Statement& q) {
  domain::Share share;
  read_share(q, 0, share);
  return share;
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

std::vector<domain::Device> SqliteUsage::devices(PartnerId partner, std::int64_t avatar_id) {
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

std::vector<domain::Share> SqliteUsage::user_shares(PartnerId partner, std::int64_t avatar_id) {
  auto& q = db().prepared(
      "SELECT room_key, name, description, creation_time, update_time, enabled, "
      "password_required, last_login FROM shares "
      "WHERE partner_id = ?1 AND avatar_id = ?2 ORDER BY room_key");
  q.bind(1, partner).bind(2, avatar_id);
  std::vector<domain::Share> out;
  while (q.step()) out.push_back(read_share(q));
  return out;
}

std::optional<domain::Share> SqliteUsage::user_share(PartnerId partner, std::int64_t avatar_id,
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

bool SqliteUsage::set_share_enabled(PartnerId partner, std::int64_t avatar_id,
                                    std::string_view room_key, bool enabled) {
  WriteTransaction txn(backend_);
  auto& db = txn.db();
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

void SqliteUsage::put_device(PartnerId partner, std::int64_t avatar_id, std::string_view name,
                             const domain::DeviceReport& report) {
  WriteTransaction txn(backend_);
  auto& db = txn.db();
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

bool SqliteUsage::delete_device(PartnerId partner, std::int64_t avatar_id, std::string_view name) {
  WriteTransaction txn(backend_);
  auto& db = txn.db();
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

void SqliteUsage::put_share(PartnerId partner, std::int64_t avatar_id, std::string_view room_key,
                            const domain::ShareReport& report) {
  WriteTransaction txn(backend_);
  auto& db = txn.db();
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

bool SqliteUsage::delete_share(PartnerId partner, std::int64_t avatar_id,
                               std::string_view room_key) {
  WriteTransaction txn(backend_);
  auto& db = txn.db();
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

void SqliteUsage::set_bytes_stored(PartnerId partner, std::int64_t avatar_id,
                                   std::int64_t bytes_stored) {
  WriteTransaction txn(backend_);
  auto& db = txn.db();
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

namespace {

// Where the `offset`-th user with shares (0-based, by avatar_id) is: the first avatar_id of its
// block and how many users with shares precede it inside the block. Reads at most the level-16
// block counts, 256 level-8 counts and 255 index entries, however many users the partner has.
// Nothing when the offset is past the last one.
struct SharePosition {
  std::int64_t first_avatar_id = 0;
  std::int64_t skip = 0;
};

std::optional<SharePosition> locate_share_offset(Connection& db, PartnerId partner,
                                                 std::int64_t offset) {
  std::int64_t block = 0;
  std::int64_t remaining = offset;
  for (int level : {16, 8}) {
    auto& q = db.prepared(
        "SELECT block, users FROM share_user_blocks WHERE partner_id = ?1 AND level = ?2 "
        "AND block >= ?3 AND block < ?4 ORDER BY block");
    // Level 16 spans every block; level 8 only the 256 blocks inside the level-16 one found.
    const bool top = level == 16;
    q.bind(1, partner).bind(2, level);
    q.bind(3, top ? std::int64_t(0) : block << 8);
    q.bind(4, top ? std::numeric_limits<std::int64_t>::max() : (block + 1) << 8);
    bool found = false;
    while (q.step()) {
      const std::int64_t users = q.integer(1);
      if (remaining < users) {
        block = q.integer(0);
        found = true;
        break;
      }
      remaining -= users;
    }
    q.reset();
    if (!found) return std::nullopt;
  }
  return SharePosition{block << 8, remaining};
}

// Hands `visit` at most `limit` users with shares from `from` on (Cursor pages pass rows, shares()
// an optional limit), each with its shares by room_key; returns how many users and the last one's
// avatar_id. The page of users and their shares are read side by side, the shares in one walk of
// the shares primary key from the page's first avatar_id on (no join to materialize and no sort):
// the users with shares in that range are exactly the page, in the same order. One user and its
// shares are held at a time, in objects reused for the next.
struct PageEnd {
  std::int64_t users = 0;
  std::int64_t last_avatar_id = 0;
};

PageEnd visit_share_page(Connection& db, PartnerId partner, SharePosition from,
                         std::optional<std::int64_t> limit, const Usage::ShareVisitor& visit) {
  auto& users = db.prepared(kSharePageUsersSql);
  users.bind(1, partner).bind(2, limit.value_or(-1)).bind(3, from.skip);
  users.bind(4, from.first_avatar_id);
  auto& shares = db.prepared(
      "SELECT avatar_id, room_key, name, description, creation_time, update_time, enabled, "
      "password_required, last_login FROM shares WHERE avatar_id >= ?1 AND partner_id = ?2 "
      "ORDER BY avatar_id, room_key");
  PageEnd end;
  domain::ShareOwner user;
  std::vector<domain::Share> user_shares;
  bool more_shares = false;
  while (users.step()) {
    user.avatar_id = users.integer(0);
    user.username.assign(users.text_view(1));
    user.name.assign(users.text_view(2));
    user.email.assign(users.text_view(3));
    if (users.is_null(4))
      user.share_id.reset();
    else
      user.share_id = users.text_view(4);
    if (end.users++ == 0) {
      shares.bind(1, user.avatar_id).bind(2, partner);
      more_shares = shares.step();
    }
    std::size_t count = 0;
    for (; more_shares && shares.integer(0) <= user.avatar_id; more_shares = shares.step()) {
      if (shares.integer(0) < user.avatar_id) continue;
      if (count == user_shares.size()) user_shares.emplace_back();
      read_share(shares, 1, user_shares[count++]);
    }
    end.last_avatar_id = user.avatar_id;
    visit(user, std::span(user_shares.data(), count));
  }
  return end;
}

// Pages of users with shares on a snapshot connection of its own: each page starts after the
// previous page's last avatar_id, which finds the same users as one long query would because
// every page reads the same snapshot.
class SqliteShareCursor final : public Cursor<domain::UserShares> {
 public:
  SqliteShareCursor(std::unique_ptr<Connection> db, PartnerId partner, std::int64_t offset)
      : db_(std::move(db)), partner_(partner) {
    if (offset > 0) {
      auto found = locate_share_offset(*db_, partner, offset);
      done_ = !found;
      if (found) from_ = *found;
    }
  }

  std::vector<domain::UserShares> next_page(std::size_t rows) override {
    if (done_ || rows == 0) return {};
    std::vector<domain::UserShares> page;
    auto end = visit_share_page(
        *db_, partner_, from_, std::int64_t(rows),
        [&](const domain::ShareOwner& user, std::span<const domain::Share> shares) {
          page.push_back({user, {shares.begin(), shares.end()}});
        });
    done_ = std::size_t(end.users) < rows;
    if (end.users > 0) from_ = {end.last_avatar_id + 1, 0};
    return page;
  }

 private:
  std::unique_ptr<Connection> db_;
  PartnerId partner_;
  SharePosition from_;
  bool done_ = false;
};

}  // namespace

void SqliteUsage::visit_shares(PartnerId partner, std::int64_t offset,
                               std::optional<std::int64_t> limit, const ShareVisitor& visit) {
  auto& db = this->db();
  // The block counts and the page must come from one state of the database.
  ReadTransaction snapshot(db);
  SharePosition position;
  if (offset > 0) {
    auto found = locate_share_offset(db, partner, offset);
    if (!found) return;
    position = *found;
  }
  visit_share_page(db, partner, position, limit, visit);
}

std::unique_ptr<Cursor<domain::UserShares>> SqliteUsage::share_cursor(PartnerId partner,
                                                                      std::int64_t offset) {
  return std::make_unique<SqliteShareCursor>(backend_.open_snapshot(), partner, offset);
}

}  // namespace accountsd::store::sqlite
