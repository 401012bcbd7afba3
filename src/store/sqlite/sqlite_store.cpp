#include "store/sqlite/sqlite_store.hpp"

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <atomic>
#include <boost/json.hpp>
#include <limits>
#include <unordered_map>

#include "domain/clock.hpp"
#include "store/sqlite/counters.hpp"
#include "store/sqlite/migrations.hpp"

namespace accountsd::store::sqlite {
namespace {

std::atomic<std::uint64_t> next_store_id{1};

// Lists of strings are kept as JSON arrays in a TEXT column.
std::string encode_list(const std::vector<std::string>& items) {
  boost::json::array array;
  for (const auto& item : items) array.emplace_back(item);
  return boost::json::serialize(array);
}

std::vector<std::string> decode_list(const std::string& text) {
  std::vector<std::string> out;
  auto value = boost::json::parse(text);
  for (const auto& item : value.as_array()) out.emplace_back(item.as_string());
  return out;
}

constexpr const char* kPartnerColumns =
    "partner_id, username, name, billing_mode, bytes_available, netkes, ldap, "
    "group_permissions, signup_restrictions, email_as_username, created_at";

domain::Features read_features(const Statement& row, int first) {
  domain::Features f;
  f.netkes = row.integer(first) != 0;
  f.ldap = row.integer(first + 1) != 0;
  f.group_permissions = row.integer(first + 2) != 0;
  f.signup_restrictions = row.integer(first + 3) != 0;
  f.email_as_username = row.integer(first + 4) != 0;
  return f;
}

domain::Partner read_partner(const Statement& row) {
  domain::Partner p;
  p.id = row.integer(0);
  p.username = row.text(1);
  p.name = row.text(2);
  p.billing_mode = domain::parse_billing_mode(row.text(3)).value_or(domain::BillingMode::invoice);
  p.bytes_available = row.optional_integer(4);
  p.features = read_features(row, 5);
  p.created_at = row.integer(10);
  return p;
}

const std::string kSelectPartnerByName =
    std::string("SELECT ") + kPartnerColumns + " FROM partners WHERE username = ?1";
const std::string kSelectPartnerById =
    std::string("SELECT ") + kPartnerColumns + " FROM partners WHERE partner_id = ?1";
const std::string kSelectPartners =
    std::string("SELECT ") + kPartnerColumns + " FROM partners ORDER BY username";

}  // namespace

SqliteStore::SqliteStore(std::string path, const StoreOptions& options)
    : path_(std::move(path)), options_(options), id_(next_store_id++) {
  auto& first = db();
  if (options_.synchronous == Synchronous::group) {
    syncer_ = std::make_unique<WalSyncer>(first.wal_path());
    first.report_commits_to(commits_, syncer_.get());
  }
  migrate(first);
}

SqliteStore::~SqliteStore() {
  // The last sync, for commits still waiting, while the connections keep the WAL file in place.
  syncer_.reset();
  connections_.clear();
}

namespace {
// Each thread's connections, by store id: an id is never reused, so a thread never reaches a
// connection of a destroyed store.
thread_local std::unordered_map<std::uint64_t, Connection*> thread_connections;
}  // namespace

Connection* SqliteStore::opened_db() const {
  auto it = thread_connections.find(id_);
  return it == thread_connections.end() ? nullptr : it->second;
}

Connection& SqliteStore::db() {
  if (auto* connection = opened_db()) return *connection;
  auto connection = std::make_unique<Connection>(path_, options_);
  connection->report_commits_to(commits_, syncer_.get());
  Connection* raw = connection.get();
  {
    std::lock_guard lock(mutex_);
    connections_.push_back(std::move(connection));
  }
  thread_connections.emplace(id_, raw);
  return *raw;
}

std::unique_ptr<Connection> SqliteStore::open_snapshot() const {
  // SQLite's default page cache (2 MiB) whatever the store's own: a cursor walks the whole list
  // once and re-reads nothing, and several may be open at a time.
  auto connection = std::make_unique<Connection>(path_, StoreOptions{});
  // A sort that the query needs (order_by without an index) spills to a temporary file beyond
  // the cache's size instead of sorting every row of the list in memory.
  connection->exec("PRAGMA temp_store=FILE");
  connection->begin_read();
  // The snapshot is taken at the first read, not at BEGIN: take it now.
  connection->prepared("SELECT 1 FROM sqlite_schema LIMIT 1").run();
  return connection;
}

void SqliteStore::release_stale_snapshot() noexcept {
  if (auto* connection = opened_db()) connection->release_stale_snapshot();
}

std::uint64_t SqliteStore::take_commit_ticket() {
  if (!syncer_) return 0;
  auto* connection = opened_db();
  return connection ? connection->take_commit_ticket() : 0;
}

void SqliteStore::when_durable(std::uint64_t ticket, UniqueFunction<void(bool ok)> done) {
  if (!syncer_) {
    done(true);  // without group commit, a commit is as durable as it will get when it returns
    return;
  }
  syncer_->when_durable(ticket, std::move(done));
}

void SqliteStore::migrate(Connection& db) {
  db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (number INTEGER PRIMARY KEY, name TEXT NOT "
      "NULL, applied_at INTEGER NOT NULL)");
  // A migration may rebuild a table that others reference (SQLite's 12-step ALTER procedure):
  // with foreign keys on, dropping the old table would delete its rows first and fail. The
  // pragma has no effect inside a transaction, so it is set around them, and each migration
  // proves that it left every reference intact before it commits.
  // (If a migration fails, the store is never constructed and this connection goes with it.)
  db.exec("PRAGMA foreign_keys=OFF");
  bool migrated = false;
  for (const auto& migration : migrations()) {
    Transaction txn(db);
    auto& seen = db.prepared("SELECT 1 FROM schema_migrations WHERE number = ?1");
    seen.bind(1, migration.number);
    bool applied = seen.step();
    seen.reset();
    if (applied) continue;
    db.exec(migration.sql);
    auto& broken = db.prepared("PRAGMA foreign_key_check");
    if (broken.step()) {
      std::string table = broken.text(0);
      broken.reset();
      throw std::runtime_error("migration " + std::to_string(migration.number) +
                               " left a broken reference in table " + table);
    }
    broken.reset();
    db.prepared("INSERT INTO schema_migrations (number, name, applied_at) VALUES (?1, ?2, ?3)")
        .bind(1, migration.number)
        .bind(2, migration.name)
        .bind(3, domain::now_seconds())
        .run();
    txn.commit();
    migrated = true;
  }
  db.exec("PRAGMA foreign_keys=ON");
  // A migration that rebuilds a table sorts and copies it through in-memory temporary storage
  // (temp_store=MEMORY): about 300 MB for a million users. SQLite frees it at the end, but the C
  // library keeps freed heap pages mapped, and the server would carry them for its whole life.
#ifdef __GLIBC__
  if (migrated) malloc_trim(0);
#endif
}

PartnerId SqliteStore::create_partner(const domain::NewPartner& p) {
  auto& db = this->db();
  Transaction txn(db);
  unique_or_conflict(Object::partner, [&] {
    db.prepared(
          "INSERT INTO partners (username, name, password_hash, billing_mode, bytes_available, "
          "netkes, ldap, group_permissions, signup_restrictions, email_as_username, created_at) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")
        .bind(1, p.username)
        .bind(2, p.name)
        .bind(3, p.password_hash)
        .bind(4, domain::to_string(p.billing_mode))
        .bind(5, p.bytes_available)
        .bind(6, p.features.netkes)
        .bind(7, p.features.ldap)
        .bind(8, p.features.group_permissions)
        .bind(9, p.features.signup_restrictions)
        .bind(10, p.features.email_as_username)
        .bind(11, domain::now_seconds())
        .run();
  });
  PartnerId id = db.last_insert_id();
  for (const char* sql : {"INSERT INTO partner_billing (partner_id) VALUES (?1)",
                          "INSERT INTO partner_settings (partner_id) VALUES (?1)",
                          "INSERT INTO partner_counters (partner_id) VALUES (?1)"}) {
    db.prepared(sql).bind(1, id).run();
  }
  db.prepared("INSERT INTO plans (partner_id, name, storage_bytes) VALUES (?1, 'Unlimited', ?2)")
      .bind(1, id)
      .bind(2, domain::kUnlimitedStorageBytes)
      .run();
  std::int64_t plan = db.last_insert_id();
  if (p.group) {
    db.prepared(
          "INSERT INTO groups (partner_id, name, plan_id, webapi_enable, check_domain) "
          "VALUES (?1, ?2, ?3, 1, 0)")
        .bind(1, id)
        .bind(2, *p.group)
        .bind(3, plan)
        .run();
  }
  txn.commit();
  return id;
}

std::optional<domain::Partner> SqliteStore::find_partner(std::string_view username) {
  auto& q = db().prepared(kSelectPartnerByName.c_str());
  q.bind(1, username);
  if (!q.step()) return std::nullopt;
  auto partner = read_partner(q);
  q.reset();
  return partner;
}

std::optional<domain::Partner> SqliteStore::find_partner(PartnerId partner) {
  auto& q = db().prepared(kSelectPartnerById.c_str());
  q.bind(1, partner);
  if (!q.step()) return std::nullopt;
  auto found = read_partner(q);
  q.reset();
  return found;
}

std::vector<domain::Partner> SqliteStore::list_partners() {
  auto& q = db().prepared(kSelectPartners.c_str());
  std::vector<domain::Partner> out;
  while (q.step()) out.push_back(read_partner(q));
  return out;
}

void SqliteStore::update_partner(const domain::Partner& p) {
  auto& db = this->db();
  Transaction txn(db);
  db.prepared(
        "UPDATE partners SET name = ?2, billing_mode = ?3, bytes_available = ?4, netkes = ?5, "
        "ldap = ?6, group_permissions = ?7, signup_restrictions = ?8, email_as_username = ?9 "
        "WHERE partner_id = ?1")
      .bind(1, p.id)
      .bind(2, p.name)
      .bind(3, domain::to_string(p.billing_mode))
      .bind(4, p.bytes_available)
      .bind(5, p.features.netkes)
      .bind(6, p.features.ldap)
      .bind(7, p.features.group_permissions)
      .bind(8, p.features.signup_restrictions)
      .bind(9, p.features.email_as_username)
      .run();
  txn.commit();
}

std::optional<domain::Credentials> SqliteStore::credentials(std::string_view username) {
  auto& q = db().prepared("SELECT partner_id, password_hash FROM partners WHERE username = ?1");
  q.bind(1, username);
  if (!q.step()) return std::nullopt;
  domain::Credentials c{q.integer(0), q.text(1)};
  q.reset();
  return c;
}

void SqliteStore::set_password_hash(PartnerId partner, const std::string& hash) {
  auto& db = this->db();
  Transaction txn(db);
  db.prepared("UPDATE partners SET password_hash = ?2 WHERE partner_id = ?1")
      .bind(1, partner)
      .bind(2, hash)
      .run();
  txn.commit();
}

domain::Billing SqliteStore::billing(PartnerId partner) {
  auto& q = db().prepared(
      "SELECT name, address_json, city, state, postal_code, country, card_brand, card_last4, "
      "card_exp_month, card_exp_year, card_token, updated_at FROM partner_billing "
      "WHERE partner_id = ?1");
  q.bind(1, partner);
  domain::Billing b;
  if (!q.step()) return b;
  if (!q.is_null(0)) {
    b.address = domain::BillingAddress{
        q.text(0), decode_list(q.text(1)), q.text(2), q.text(3), q.text(4), q.text(5)};
  }
  if (!q.is_null(6)) {
    b.card =
        domain::StoredCard{q.text(6), q.text(7), int(q.integer(8)), int(q.integer(9)), q.text(10)};
  }
  b.updated_at = q.optional_integer(11);
  q.reset();
  return b;
}

void SqliteStore::save_billing(PartnerId partner, const domain::Billing& b) {
  auto& db = this->db();
  Transaction txn(db);
  auto& q = db.prepared(
      "UPDATE partner_billing SET name = ?2, address_json = ?3, city = ?4, state = ?5, "
      "postal_code = ?6, country = ?7, card_brand = ?8, card_last4 = ?9, card_exp_month = ?10, "
      "card_exp_year = ?11, card_token = ?12, updated_at = ?13 WHERE partner_id = ?1");
  q.bind(1, partner);
  if (b.address) {
    q.bind(2, b.address->name)
        .bind(3, encode_list(b.address->address))
        .bind(4, b.address->city)
        .bind(5, b.address->state)
        .bind(6, b.address->postal_code)
        .bind(7, b.address->country);
  } else {
    q.bind_null(2).bind(3, "[]").bind_null(4).bind_null(5).bind_null(6).bind_null(7);
  }
  if (b.card) {
    q.bind(8, b.card->brand)
        .bind(9, b.card->last4)
        .bind(10, b.card->expiration_month)
        .bind(11, b.card->expiration_year)
        .bind(12, b.card->token);
  } else {
    q.bind_null(8).bind_null(9).bind_null(10).bind_null(11).bind_null(12);
  }
  q.bind(13, b.updated_at);
  q.run();
  txn.commit();
}

domain::Features SqliteStore::features(PartnerId partner) {
  auto& q = db().prepared(
      "SELECT netkes, ldap, group_permissions, signup_restrictions, email_as_username "
      "FROM partners WHERE partner_id = ?1");
  q.bind(1, partner);
  domain::Features f;
  if (q.step()) f = read_features(q, 0);
  q.reset();
  return f;
}

namespace {

domain::Settings read_settings(Connection& db, PartnerId partner) {
  auto& q = db.prepared(
      "SELECT omva_url, support_email, share_link_ttl, autopurge_interval, purgehold_duration, "
      "ad_domain, signup_network_restriction, versionpurge_interval, admin_email, "
      "sharing_enabled, api_version FROM partner_settings WHERE partner_id = ?1");
  q.bind(1, partner);
  domain::Settings s;
  if (!q.step()) return s;
  s.omva_url = q.optional_text(0);
  s.support_email = q.optional_text(1);
  s.share_link_ttl = q.integer(2);
  s.autopurge_interval = q.optional_integer(3);
  s.purgehold_duration = q.integer(4);
  s.ad_domain = q.optional_text(5);
  s.signup_network_restriction = decode_list(q.text(6));
  s.versionpurge_interval = q.optional_integer(7);
  s.admin_email = q.optional_text(8);
  s.sharing_enabled = q.integer(9) != 0;
  s.api_version = q.optional_text(10);
  q.reset();
  return s;
}

}  // namespace

domain::Settings SqliteStore::settings(PartnerId partner) {
  return read_settings(db(), partner);
}

domain::Settings SqliteStore::update_settings(
    PartnerId partner,
    const std::function<void(domain::Settings&, const domain::Features&)>& change) {
  auto& db = this->db();
  Transaction txn(db);
  domain::Settings s = read_settings(db, partner);
  change(s, features(partner));
  db.prepared(
        "UPDATE partner_settings SET omva_url = ?2, support_email = ?3, share_link_ttl = ?4, "
        "autopurge_interval = ?5, purgehold_duration = ?6, ad_domain = ?7, "
        "signup_network_restriction = ?8, versionpurge_interval = ?9, admin_email = ?10, "
        "sharing_enabled = ?11, api_version = ?12 WHERE partner_id = ?1")
      .bind(1, partner)
      .bind(2, s.omva_url)
      .bind(3, s.support_email)
      .bind(4, s.share_link_ttl)
      .bind(5, s.autopurge_interval)
      .bind(6, s.purgehold_duration)
      .bind(7, s.ad_domain)
      .bind(8, encode_list(s.signup_network_restriction))
      .bind(9, s.versionpurge_interval)
      .bind(10, s.admin_email)
      .bind(11, s.sharing_enabled)
      .bind(12, s.api_version)
      .run();
  txn.commit();
  return s;
}

domain::Quota SqliteStore::quota(PartnerId partner) {
  auto& q = db().prepared(
      "SELECT p.bytes_available, c.bytes_allocated_hi, c.bytes_allocated_lo, c.bytes_used_hi, "
      "c.bytes_used_lo, c.share_count, c.device_count FROM partners p "
      "JOIN partner_counters c ON c.partner_id = p.partner_id WHERE p.partner_id = ?1");
  q.bind(1, partner);
  domain::Quota quota;
  if (!q.step()) return quota;
  quota.bytes_available = q.optional_integer(0);
  quota.bytes_allocated = domain::ByteSum::from_parts(q.integer(1), q.integer(2)).saturated();
  quota.bytes_used = domain::ByteSum::from_parts(q.integer(3), q.integer(4)).saturated();
  quota.share_count = q.integer(5);
  quota.device_count = q.integer(6);
  q.reset();
  return quota;
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

}  // namespace

namespace {

// At most `limit` users with shares from `from` on (Cursor pages pass rows, shares() an
// optional limit), each with its shares by room_key.
std::vector<domain::UserShares> share_page(Connection& db, PartnerId partner, SharePosition from,
                                           std::optional<std::int64_t> limit) {
  // The page of users, then their shares in one walk of the shares primary key over the page's
  // avatar_id range (no join to materialize and no sort): the users with shares inside that range
  // are exactly the page.
  auto& users = db.prepared(kSharePageUsersSql);
  users.bind(1, partner).bind(2, limit.value_or(-1)).bind(3, from.skip);
  users.bind(4, from.first_avatar_id);
  std::vector<domain::UserShares> out;
  while (users.step()) {
    out.push_back({users.integer(0),
                   users.text(1),
                   users.text(2),
                   users.text(3),
                   users.optional_text(4),
                   {}});
  }
  if (out.empty()) return out;
  auto& shares = db.prepared(
      "SELECT avatar_id, room_key, name, description, creation_time, update_time, enabled, "
      "password_required, last_login FROM shares WHERE avatar_id BETWEEN ?1 AND ?2 AND "
      "partner_id = ?3 ORDER BY avatar_id, room_key");
  shares.bind(1, out.front().avatar_id).bind(2, out.back().avatar_id).bind(3, partner);
  auto user = out.begin();
  while (shares.step()) {
    const std::int64_t avatar = shares.integer(0);
    while (user != out.end() && user->avatar_id < avatar) ++user;
    if (user == out.end() || user->avatar_id != avatar) continue;
    user->shares.push_back({shares.text(1), shares.text(2), shares.text(3), shares.integer(4),
                            shares.integer(5), shares.integer(6) != 0, shares.integer(7) != 0,
                            shares.optional_integer(8)});
  }
  return out;
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
    auto page = share_page(*db_, partner_, from_, std::int64_t(rows));
    done_ = page.size() < rows;
    if (!page.empty()) from_ = {page.back().avatar_id + 1, 0};
    return page;
  }

 private:
  std::unique_ptr<Connection> db_;
  PartnerId partner_;
  SharePosition from_;
  bool done_ = false;
};

}  // namespace

std::vector<domain::UserShares> SqliteStore::shares(PartnerId partner, std::int64_t offset,
                                                    std::optional<std::int64_t> limit) {
  auto& db = this->db();
  // The block counts and the page must come from one state of the database.
  ReadSnapshot snapshot(*this);
  SharePosition position;
  if (offset > 0) {
    auto found = locate_share_offset(db, partner, offset);
    if (!found) return {};
    position = *found;
  }
  return share_page(db, partner, position, limit);
}

std::unique_ptr<Cursor<domain::UserShares>> SqliteStore::share_cursor(PartnerId partner,
                                                                      std::int64_t offset) {
  return std::make_unique<SqliteShareCursor>(open_snapshot(), partner, offset);
}

}  // namespace accountsd::store::sqlite
