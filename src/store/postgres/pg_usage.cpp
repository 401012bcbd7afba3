// PgUsage: a user's devices and shares (B.4), the storage service's reports (B.5) and the share
// listing (A.9), as SqliteUsage has them. Every report is one Backend::write under the partner's
// lock, so that its quota counters stay exact as on SQLite.
#include "store/postgres/pg_usage.hpp"

#include <limits>
#include <stdexcept>
#include <utility>

#include "domain/clock.hpp"
#include "domain/text.hpp"
#include "store/outcomes.hpp"
#include "store/postgres/counters.hpp"

namespace accountsd::store::postgres {
namespace {

// Reads room_key, name, description, creation_time, update_time, enabled, password_required and
// last_login from `row`, starting at column `first`.
domain::Share read_share(const Result& r, int row, int first) {
  return {r.string(row, first),      r.string(row, first + 1),          r.string(row, first + 2),
          r.integer(row, first + 3), r.integer(row, first + 4),         r.boolean(row, first + 5),
          r.boolean(row, first + 6), r.optional_integer(row, first + 7)};
}

// Whether a TEXT column can hold `text`: UTF-8 without NUL. A device name or room key it cannot
// hold names nothing stored, so a lookup answers "none" without asking: as a parameter, the
// server would refuse malformed UTF-8, and libpq would cut the text at its first NUL and find
// another row. (SQLite would store such text; the API refuses it before any write.)
bool storable(std::string_view text) {
  return text.find('\0') == std::string_view::npos && domain::is_valid_utf8(text);
}

void require_storable(std::string_view text) {
  if (!storable(text)) throw std::invalid_argument("text with NUL or malformed UTF-8");
}

// Confirms the user belongs to the partner (every path below is scoped by both ids).
void require_user(Connection& db, PartnerId partner, std::int64_t avatar) {
  auto found = db.exec("SELECT 1 FROM users WHERE partner_id = $1 AND avatar_id = $2",
                       Params().add(partner).add(avatar));
  if (found.rows() == 0) throw NotFound(Object::user);
}

// Adds `change` to a user's device or share count and to the partner's counters.
void count_change(Connection& db, PartnerId partner, std::int64_t avatar, bool device, int change) {
  db.exec(device ? "UPDATE users SET num_devices = num_devices + $2 WHERE avatar_id = $1"
                 : "UPDATE users SET num_shares = num_shares + $2 WHERE avatar_id = $1",
          Params().add(avatar).add(change));
  CounterDelta delta;
  (device ? delta.devices : delta.shares) = change;
  apply(db, partner, delta);
}

// A user's last login and last completed backup are the latest over its devices.
void refresh_activity(Connection& db, std::int64_t avatar) {
  db.exec(
      "UPDATE users SET last_login = (SELECT max(last_login) FROM devices WHERE avatar_id = $1), "
      "last_backup_complete = (SELECT max(last_backup_complete) FROM devices WHERE "
      "avatar_id = $1) WHERE avatar_id = $1",
      Params().add(avatar));
}

}  // namespace

std::vector<domain::Device> PgUsage::devices(PartnerId partner, std::int64_t avatar_id) {
  return backend_.read([&](Connection& db) {
    auto rows = db.exec(
        "SELECT device_id, name, client_revision, creation_time, last_login, "
        "last_backup_complete FROM devices WHERE partner_id = $1 AND avatar_id = $2 "
        "ORDER BY device_id",
        Params().add(partner).add(avatar_id));
    std::vector<domain::Device> out;
    for (int row = 0; row < rows.rows(); ++row) {
      out.push_back({rows.integer(row, 0), rows.string(row, 1), rows.integer(row, 2),
                     rows.integer(row, 3), rows.optional_integer(row, 4),
                     rows.optional_integer(row, 5)});
    }
    return out;
  });
}

std::vector<domain::Share> PgUsage::user_shares(PartnerId partner, std::int64_t avatar_id) {
  return backend_.read([&](Connection& db) {
    auto rows = db.exec(
        "SELECT room_key, name, description, creation_time, update_time, enabled, "
        "password_required, last_login FROM shares "
        "WHERE partner_id = $1 AND avatar_id = $2 ORDER BY room_key",
        Params().add(partner).add(avatar_id));
    std::vector<domain::Share> out;
    for (int row = 0; row < rows.rows(); ++row) out.push_back(read_share(rows, row, 0));
    return out;
  });
}

std::optional<domain::Share> PgUsage::user_share(PartnerId partner, std::int64_t avatar_id,
                                                 std::string_view room_key) {
  if (!storable(room_key)) return std::nullopt;
  return backend_.read([&](Connection& db) -> std::optional<domain::Share> {
    auto rows = db.exec(
        "SELECT room_key, name, description, creation_time, update_time, enabled, "
        "password_required, last_login FROM shares "
        "WHERE partner_id = $1 AND avatar_id = $2 AND room_key = $3",
        Params().add(partner).add(avatar_id).add(room_key));
    if (rows.rows() == 0) return std::nullopt;
    return read_share(rows, 0, 0);
  });
}

bool PgUsage::set_share_enabled(PartnerId partner, std::int64_t avatar_id,
                                std::string_view room_key, bool enabled) {
  if (!storable(room_key)) return false;
  return backend_.write(partner, [&](Connection& db) {
    auto changed = db.exec(
        "UPDATE shares SET enabled = $4, update_time = $5 WHERE partner_id = $1 AND "
        "avatar_id = $2 AND room_key = $3",
        Params().add(partner).add(avatar_id).add(room_key).add(enabled).add(domain::now_seconds()));
    return changed.affected() > 0;
  });
}

void PgUsage::put_device(PartnerId partner, std::int64_t avatar_id, std::string_view name,
                         const domain::DeviceReport& report) {
  backend_.write(partner, [&](Connection& db) {
    require_user(db, partner, avatar_id);
    require_storable(name);
    auto updated = db.exec(
        "UPDATE devices SET client_revision = $4, last_login = $5, last_backup_complete = $6 "
        "WHERE partner_id = $1 AND avatar_id = $2 AND name = $3",
        Params()
            .add(partner)
            .add(avatar_id)
            .add(name)
            .add(report.client_revision)
            .add(report.last_login)
            .add(report.last_backup_complete));
    if (updated.affected() == 0) {
      db.exec(
          "INSERT INTO devices (partner_id, avatar_id, name, client_revision, creation_time, "
          "last_login, last_backup_complete) VALUES ($1, $2, $3, $4, $5, $6, $7)",
          Params()
              .add(partner)
              .add(avatar_id)
              .add(name)
              .add(report.client_revision)
              .add(domain::now_seconds())
              .add(report.last_login)
              .add(report.last_backup_complete));
      count_change(db, partner, avatar_id, true, +1);
    }
    refresh_activity(db, avatar_id);
  });
}

bool PgUsage::delete_device(PartnerId partner, std::int64_t avatar_id, std::string_view name) {
  return backend_.write(partner, [&](Connection& db) {
    require_user(db, partner, avatar_id);
    if (!storable(name)) return false;
    auto deleted =
        db.exec("DELETE FROM devices WHERE partner_id = $1 AND avatar_id = $2 AND name = $3",
                Params().add(partner).add(avatar_id).add(name));
    if (deleted.affected() == 0) return false;
    count_change(db, partner, avatar_id, true, -1);
    refresh_activity(db, avatar_id);
    return true;
  });
}

void PgUsage::put_share(PartnerId partner, std::int64_t avatar_id, std::string_view room_key,
                        const domain::ShareReport& report) {
  // $8 and $9 say whether password_required and last_login were reported; unreported ones keep
  // their stored values (false and null for a new share).
  const bool has_password = report.password_required.has_value();
  const bool has_login = report.last_login.has_value();
  const auto password = report.password_required.value_or(false);
  const auto login = report.last_login.value_or(std::nullopt);
  backend_.write(partner, [&](Connection& db) {
    require_user(db, partner, avatar_id);
    for (auto text :
         {room_key, std::string_view(report.name), std::string_view(report.description)})
      require_storable(text);
    auto now = domain::now_seconds();
    auto updated = db.exec(
        "UPDATE shares SET name = $4, description = $5, enabled = $6, update_time = $7, "
        "password_required = CASE WHEN $8::boolean THEN $10::boolean ELSE password_required END, "
        "last_login = CASE WHEN $9::boolean THEN $11::bigint ELSE last_login END "
        "WHERE partner_id = $1 AND avatar_id = $2 AND room_key = $3",
        Params()
            .add(partner)
            .add(avatar_id)
            .add(room_key)
            .add(report.name)
            .add(report.description)
            .add(report.enabled)
            .add(now)
            .add(has_password)
            .add(has_login)
            .add(password)
            .add(login));
    if (updated.affected() > 0) return;
    db.exec(
        "INSERT INTO shares (avatar_id, room_key, partner_id, name, description, "
        "creation_time, update_time, enabled, password_required, last_login) "
        "VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9)",
        Params()
            .add(avatar_id)
            .add(room_key)
            .add(partner)
            .add(report.name)
            .add(report.description)
            .add(now)
            .add(report.enabled)
            .add(password)
            .add(login));
    count_change(db, partner, avatar_id, false, +1);
    // A user's first share gives it a share_id: its username.
    db.exec("UPDATE users SET share_id = username WHERE avatar_id = $1 AND share_id IS NULL",
            Params().add(avatar_id));
  });
}

bool PgUsage::delete_share(PartnerId partner, std::int64_t avatar_id, std::string_view room_key) {
  return backend_.write(partner, [&](Connection& db) {
    require_user(db, partner, avatar_id);
    if (!storable(room_key)) return false;
    auto deleted =
        db.exec("DELETE FROM shares WHERE partner_id = $1 AND avatar_id = $2 AND room_key = $3",
                Params().add(partner).add(avatar_id).add(room_key));
    if (deleted.affected() == 0) return false;
    count_change(db, partner, avatar_id, false, -1);
    return true;
  });
}

void PgUsage::set_bytes_stored(PartnerId partner, std::int64_t avatar_id,
                               std::int64_t bytes_stored) {
  backend_.write(partner, [&](Connection& db) {
    // The partner's lock already orders its writes; the row lock keeps the difference exact
    // should anything write users without it.
    auto row = db.exec(
        "SELECT bytes_stored FROM users WHERE partner_id = $1 AND avatar_id = $2 FOR UPDATE",
        Params().add(partner).add(avatar_id));
    if (row.rows() == 0) throw NotFound(Object::user);
    auto before = row.integer(0, 0);
    db.exec("UPDATE users SET bytes_stored = $2 WHERE avatar_id = $1",
            Params().add(avatar_id).add(bytes_stored));
    CounterDelta delta;
    delta.bytes_used = domain::Int128(bytes_stored) - before;
    apply(db, partner, delta);
  });
}

namespace {

// Where the `offset`-th user with shares (0-based, by avatar_id) is: the first avatar_id of its
// block and how many users with shares precede it inside the block.
struct SharePosition {
  std::int64_t first_avatar_id = 0;
  std::int64_t skip = 0;
};

// The block counts of share_user_blocks (a block of 65536 ids, then one of its 256-id blocks)
// added up in order until they pass `offset`, as SqliteUsage does, but summed by the server so
// that one row per level comes back. Nothing when the offset is past the last user with shares.
std::optional<SharePosition> locate_share_offset(Connection& db, PartnerId partner,
                                                 std::int64_t offset) {
  std::int64_t block = 0;
  std::int64_t remaining = offset;
  for (int level : {16, 8}) {
    // Level 16 spans every block; level 8 only the 256 blocks inside the level-16 one found.
    const bool top = level == 16;
    auto found = db.exec(
        "SELECT block, ($5::bigint - (running - users))::bigint FROM ("
        " SELECT block, users, sum(users) OVER (ORDER BY block ROWS UNBOUNDED PRECEDING) AS running"
        " FROM share_user_blocks WHERE partner_id = $1 AND level = $2 AND block >= $3"
        " AND block < $4) AS counted "
        "WHERE running > $5::bigint ORDER BY block LIMIT 1",
        Params()
            .add(partner)
            .add(level)
            .add(top ? std::int64_t(0) : block << 8)
            .add(top ? std::numeric_limits<std::int64_t>::max() : (block + 1) << 8)
            .add(remaining));
    if (found.rows() == 0) return std::nullopt;
    block = found.integer(0, 0);
    remaining = found.integer(0, 1);
  }
  return SharePosition{block << 8, remaining};
}

// At most `limit` users with shares from `from` on (nullopt: all of them), each with its shares
// by room_key.
std::vector<domain::UserShares> share_page(Connection& db, PartnerId partner, SharePosition from,
                                           std::optional<std::int64_t> limit) {
  // LIMIT NULL is no limit, as a negative one is on SQLite.
  if (limit && *limit < 0) limit.reset();
  // The page of users from the index users_with_shares, then their shares in one walk of the
  // shares primary key over the page's avatar_id range: the users with shares inside that range
  // are exactly the page.
  auto users = db.exec(
      "SELECT avatar_id, username, name, email, share_id FROM users "
      "WHERE partner_id = $1 AND num_shares > 0 AND avatar_id >= $4 "
      "ORDER BY avatar_id LIMIT $2 OFFSET $3",
      Params().add(partner).add(limit).add(from.skip).add(from.first_avatar_id));
  std::vector<domain::UserShares> out;
  for (int row = 0; row < users.rows(); ++row) {
    out.push_back({{users.integer(row, 0), users.string(row, 1), users.string(row, 2),
                    users.string(row, 3), users.optional_string(row, 4)},
                   {}});
  }
  if (out.empty()) return out;
  auto shares = db.exec(
      "SELECT avatar_id, room_key, name, description, creation_time, update_time, enabled, "
      "password_required, last_login FROM shares WHERE avatar_id BETWEEN $1 AND $2 AND "
      "partner_id = $3 ORDER BY avatar_id, room_key",
      Params().add(out.front().avatar_id).add(out.back().avatar_id).add(partner));
  auto user = out.begin();
  for (int row = 0; row < shares.rows(); ++row) {
    const std::int64_t avatar = shares.integer(row, 0);
    while (user != out.end() && user->avatar_id < avatar) ++user;
    if (user == out.end() || user->avatar_id != avatar) continue;
    user->shares.push_back(read_share(shares, row, 1));
  }
  return out;
}

// The listing from the `offset`-th user with shares: the block counts and the page must come
// from one state of the database, so `db` is inside a snapshot.
std::vector<domain::UserShares> list_shares(Connection& db, PartnerId partner, std::int64_t offset,
                                            std::optional<std::int64_t> limit) {
  SharePosition position;
  if (offset > 0) {
    auto found = locate_share_offset(db, partner, offset);
    if (!found) return {};
    position = *found;
  }
  return share_page(db, partner, position, limit);
}

// Pages of users with shares in a REPEATABLE READ transaction on a connection of its own: each
// page starts after the previous page's last avatar_id, which finds the same users as one long
// query would because every page reads the same snapshot.
class PgShareCursor final : public Cursor<domain::UserShares> {
 public:
  PgShareCursor(Pool::Lease lease, PartnerId partner, std::int64_t offset)
      : lease_(std::move(lease)), partner_(partner) {
    // Should this throw, the pool closes the connection it gets back inside a transaction. (No
    // rollback in a catch handler: it may suspend the fiber, and the C++ runtime keeps the
    // exception being handled per thread, not per fiber.)
    auto& db = **lease_;
    db.script("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    // The snapshot is taken at the first statement, not at BEGIN: take it now, when the cursor
    // opens.
    db.exec("SELECT 1");
    if (offset > 0) {
      auto found = locate_share_offset(db, partner, offset);
      if (found) {
        from_ = *found;
      } else {
        finish();
      }
    }
  }

  ~PgShareCursor() override { finish(); }

  std::vector<domain::UserShares> next_page(std::size_t rows) override {
    if (!lease_ || rows == 0) return {};
    auto page = share_page(**lease_, partner_, from_, std::int64_t(rows));
    if (!page.empty()) from_ = {page.back().avatar_id + 1, 0};
    if (page.size() < rows) finish();
    return page;
  }

 private:
  // Every later page is empty: the snapshot and the connection can go (back to the pool, or
  // closed by it if the rollback fails).
  void finish() noexcept {
    if (!lease_) return;
    rollback_quietly(**lease_);
    lease_.reset();
  }

  std::optional<Pool::Lease> lease_;  // empty once the end is reached
  PartnerId partner_;
  SharePosition from_;
};

}  // namespace

// The page is read whole (two round trips) and only then visited: the read may run again (a
// retried transaction), a visit must not.
void PgUsage::visit_shares(PartnerId partner, std::int64_t offset,
                           std::optional<std::int64_t> limit, const ShareVisitor& visit) {
  auto page = backend_.read([&](Connection& db) {
    // Inside the request's snapshot already, or else in a read transaction of its own.
    if (db.in_transaction()) return list_shares(db, partner, offset, limit);
    return transact(db, Isolation::repeatable_read, [&](Connection& snapshot) {
      return list_shares(snapshot, partner, offset, limit);
    });
  });
  for (const auto& user : page) visit(user, user.shares);
}

std::unique_ptr<Cursor<domain::UserShares>> PgUsage::share_cursor(PartnerId partner,
                                                                  std::int64_t offset) {
  return std::make_unique<PgShareCursor>(backend_.pool().acquire(), partner, offset);
}

}  // namespace accountsd::store::postgres
