// SqlitePartners: partners, their credentials, billing, settings and quota figures, and the
// appliance's configuration backups (C.3), streamed in and out of SQLite's pages so that
// SQLite never holds a whole value in memory.
#include "store/sqlite/sqlite_partners.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <functional>
#include <iterator>

#include "domain/clock.hpp"
#include "domain/user.hpp"
#include "store/sql_text.hpp"
#include "store/sqlite/write_transaction.hpp"

namespace accountsd::store::sqlite {
namespace {

// Each feature is a column of partners named as the feature, 0 or 1 (domain::kFeatures).
constexpr int kFeatureCount = int(std::size(domain::kFeatures));

std::string parameters(int first, int count) {
  return placeholders("?", first, count);
}

domain::Features read_features(const Statement& row, int first) {
  domain::Features f;
  for (const auto& feature : domain::kFeatures) f.*feature.flag = row.integer(first++) != 0;
  return f;
}

void bind_features(Statement& q, int first, const domain::Features& f) {
  for (const auto& feature : domain::kFeatures) q.bind(first++, f.*feature.flag);
}

const std::string kPartnerColumns = "partner_id, username, name, billing_mode, bytes_available, " +
                                    feature_columns() + ", created_at";

domain::Partner read_partner(const Statement& row) {
  domain::Partner p;
  p.id = row.integer(0);
  p.username = row.text(1);
  p.name = row.text(2);
  p.billing_mode = domain::parse_billing_mode(row.text(3)).value_or(domain::BillingMode::invoice);
  p.bytes_available = row.optional_integer(4);
  p.features = read_features(row, 5);
  p.created_at = row.integer(5 + kFeatureCount);
  return p;
}

const std::string kSelectPartnerByName =
    "SELECT " + kPartnerColumns + " FROM partners WHERE username = ?1";
const std::string kSelectPartnerById =
    "SELECT " + kPartnerColumns + " FROM partners WHERE partner_id = ?1";
const std::string kSelectPartners =
    "SELECT " + kPartnerColumns + " FROM partners ORDER BY username";
// ?1-?5 username, name, password_hash, billing_mode, bytes_available; then the features; then
// created_at and appliance_key_hash.
const std::string kInsertPartner =
    "INSERT INTO partners (username, name, password_hash, billing_mode, bytes_available, " +
    feature_columns() + ", created_at, appliance_key_hash) VALUES (" +
    parameters(1, 7 + kFeatureCount) + ")";
// ?1 partner_id, ?2-?4 name, billing_mode, bytes_available; then the features.
const std::string kUpdatePartner =
    "UPDATE partners SET name = ?2, billing_mode = ?3, bytes_available = ?4, " +
    feature_columns([](int place) { return " = ?" + std::to_string(5 + place); }) +
    " WHERE partner_id = ?1";
const std::string kSelectFeatures =
    "SELECT " + feature_columns() + " FROM partners WHERE partner_id = ?1";

}  // namespace

PartnerId SqlitePartners::create_partner(const domain::NewPartner& p) {
  WriteTransaction txn(backend_);
  auto& db = txn.db();
  unique_or_conflict(Object::partner, [&] {
    auto& q = db.prepared(kInsertPartner.c_str());
    q.bind(1, p.username)
        .bind(2, p.name)
        .bind(3, p.password_hash)
        .bind(4, domain::to_string(p.billing_mode))
        .bind(5, p.bytes_available);
    bind_features(q, 6, p.features);
    q.bind(6 + kFeatureCount, domain::now_seconds())
        .bind(7 + kFeatureCount, p.appliance_key_hash)
        .run();
  });
  PartnerId id = db.last_insert_id();
  for (const char* sql : {"INSERT INTO partner_billing (partner_id) VALUES (?1)",
                          // Off is 0 (domain::Settings), not the columns' default of NULL.
                          "INSERT INTO partner_settings (partner_id, autopurge_interval, "
                          "versionpurge_interval) VALUES (?1, 0, 0)",
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

std::optional<domain::Partner> SqlitePartners::find_partner(std::string_view username) {
  auto& q = db().prepared(kSelectPartnerByName.c_str());
  q.bind(1, username);
  if (!q.step()) return std::nullopt;
  auto partner = read_partner(q);
  q.reset();
  return partner;
}

std::optional<domain::Partner> SqlitePartners::find_partner(PartnerId partner) {
  auto& q = db().prepared(kSelectPartnerById.c_str());
  q.bind(1, partner);
  if (!q.step()) return std::nullopt;
  auto found = read_partner(q);
  q.reset();
  return found;
}

std::vector<domain::Partner> SqlitePartners::list_partners() {
  auto& q = db().prepared(kSelectPartners.c_str());
  std::vector<domain::Partner> out;
  while (q.step()) out.push_back(read_partner(q));
  return out;
}

void SqlitePartners::update_partner(const domain::Partner& p) {
  WriteTransaction txn(backend_);
  auto& db = txn.db();
  auto& q = db.prepared(kUpdatePartner.c_str());
  q.bind(1, p.id).bind(2, p.name).bind(3, domain::to_string(p.billing_mode));
  q.bind(4, p.bytes_available);
  bind_features(q, 5, p.features);
  q.run();
  txn.commit();
}

std::optional<domain::Credentials> SqlitePartners::credentials(std::string_view username) {
  auto& q = db().prepared(
      "SELECT partner_id, password_hash, appliance_key_hash FROM partners WHERE username = ?1");
  // Every authenticated request reads this row: the name is not copied, since it outlives the
  // statement's use (the next fetch resets it).
  q.bind_static(1, username);
  if (!q.step()) return std::nullopt;
  domain::Credentials c{q.integer(0), q.text(1), q.optional_text(2)};
  q.reset();
  return c;
}

void SqlitePartners::set_password_hashes(PartnerId partner, const domain::PasswordHashes& hashes) {
  WriteTransaction txn(backend_);
  auto& db = txn.db();
  db.prepared(
        "UPDATE partners SET password_hash = ?2, appliance_key_hash = ?3 WHERE partner_id = ?1")
      .bind(1, partner)
      .bind(2, hashes.password)
      .bind(3, hashes.appliance_key)
      .run();
  db.prepared("DELETE FROM console_sessions WHERE partner_id = ?1").bind(1, partner).run();
  txn.commit();
}

domain::Billing SqlitePartners::billing(PartnerId partner) {
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

void SqlitePartners::save_billing(PartnerId partner, const domain::Billing& b) {
  WriteTransaction txn(backend_);
  auto& db = txn.db();
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

domain::Features SqlitePartners::features(PartnerId partner) {
  auto& q = db().prepared(kSelectFeatures.c_str());
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
  s.autopurge_interval = q.optional_integer(3).value_or(0);  // NULL, as before migration 024: off
  s.purgehold_duration = q.integer(4);
  s.ad_domain = q.optional_text(5);
  s.signup_network_restriction = decode_list(q.text(6));
  s.versionpurge_interval = q.optional_integer(7).value_or(0);
  s.admin_email = q.optional_text(8);
  s.sharing_enabled = q.integer(9) != 0;
  s.api_version = q.optional_text(10);
  q.reset();
  return s;
}

}  // namespace

domain::Settings SqlitePartners::settings(PartnerId partner) {
  return read_settings(db(), partner);
}

domain::Settings SqlitePartners::update_settings(
    PartnerId partner,
    const std::function<void(domain::Settings&, const domain::Features&)>& change) {
  WriteTransaction txn(backend_);
  auto& db = txn.db();
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

domain::Quota SqlitePartners::quota(PartnerId partner) {
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

// An open handle on the data of one partner_backups row, for incremental I/O.
class BackupBlob {
 public:
  BackupBlob(Connection& db, std::int64_t backup_id, bool write) : db_(db.handle()) {
    int rc =
        sqlite3_blob_open(db_, "main", "partner_backups", "data", backup_id, write ? 1 : 0, &blob_);
    if (rc != SQLITE_OK) {
      sqlite3_blob_close(blob_);  // SQLite may hand back a handle even on failure
      throw SqliteError(rc, std::string("open backup data: ") + sqlite3_errmsg(db_));
    }
  }
  ~BackupBlob() { sqlite3_blob_close(blob_); }
  BackupBlob(const BackupBlob&) = delete;
  BackupBlob& operator=(const BackupBlob&) = delete;

  std::size_t size() const { return std::size_t(sqlite3_blob_bytes(blob_)); }

  // Writes `bytes` over the zero-filled value, a page-cache-sized piece at a time.
  void write(std::string_view bytes) {
    constexpr std::size_t kPiece = 1024 * 1024;
    for (std::size_t offset = 0; offset < bytes.size(); offset += kPiece) {
      auto n = std::min(kPiece, bytes.size() - offset);
      check(sqlite3_blob_write(blob_, bytes.data() + offset, int(n), int(offset)), "write");
    }
  }

  // Reads the whole value into `out`, straight from the pages: no copy in between.
  void read_into(std::string& out) {
    out.resize(size());
    check(sqlite3_blob_read(blob_, out.data(), int(out.size()), 0), "read");
  }

 private:
  void check(int rc, const char* what) {
    if (rc != SQLITE_OK)
      throw SqliteError(rc, std::string(what) + " backup data: " + sqlite3_errmsg(db_));
  }
  sqlite3* db_;
  sqlite3_blob* blob_ = nullptr;
};

}  // namespace

void SqlitePartners::save_backup(PartnerId partner, const domain::Backup& backup) {
  WriteTransaction txn(backend_);
  auto& db = txn.db();
  // zeroblob() makes room for the value without building it; it is then written in place. A
  // bound value would be copied whole into SQLite's record buffer first.
  db.prepared(
        "INSERT INTO partner_backups (partner_id, sha256, size, update_time, data) "
        "VALUES (?1, ?2, ?3, ?4, zeroblob(?3))")
      .bind(1, partner)
      .bind(2, backup.sha256)
      .bind(3, std::int64_t(backup.data.size()))
      .bind(4, backup.update_time)
      .run();
  BackupBlob(db, db.last_insert_id(), true).write(backup.data);
  // The new backup and the one it replaces stay; any older one goes.
  db.prepared(
        "DELETE FROM partner_backups WHERE partner_id = ?1 AND backup_id NOT IN "
        "(SELECT backup_id FROM partner_backups WHERE partner_id = ?1 "
        "ORDER BY backup_id DESC LIMIT 2)")
      .bind(1, partner)
      .run();
  txn.commit();
}

std::optional<domain::Backup> SqlitePartners::backup(PartnerId partner,
                                                     domain::BackupGeneration which) {
  auto& db = this->db();
  // The row and its data must come from one state of the database.
  ReadTransaction snapshot(db);
  auto& q = db.prepared(
      "SELECT backup_id, sha256, update_time FROM partner_backups WHERE partner_id = ?1 "
      "ORDER BY backup_id DESC LIMIT 1 OFFSET ?2");
  q.bind(1, partner).bind(2, which == domain::BackupGeneration::current ? 0 : 1);
  if (!q.step()) return std::nullopt;
  std::int64_t backup_id = q.integer(0);
  domain::Backup backup;
  backup.sha256 = q.text(1);
  backup.update_time = q.integer(2);
  q.reset();
  BackupBlob(db, backup_id, false).read_into(backup.data);
  return backup;
}

}  // namespace accountsd::store::sqlite
