// PgPartners: partners, their credentials, billing, settings and quota figures, and the
// appliance's configuration backups (C.3), on PostgreSQL. Every write of a partner's data goes
// through Backend::write with the partner, so that it takes its turn with the partner's others.
#include "store/postgres/pg_partners.hpp"

#include <iterator>

#include "domain/clock.hpp"
#include "domain/user.hpp"
#include "store/outcomes.hpp"
#include "store/postgres/counters.hpp"
#include "store/sql_text.hpp"

namespace accountsd::store::postgres {
namespace {

// Each feature is a BOOLEAN column of partners named as the feature (domain::kFeatures).
constexpr int kFeatureCount = int(std::size(domain::kFeatures));

std::string parameters(int first, int count) {
  return placeholders("$", first, count);
}

domain::Features read_features(const Result& rows, int row, int first) {
  domain::Features f;
  for (const auto& feature : domain::kFeatures) f.*feature.flag = rows.boolean(row, first++);
  return f;
}

void add_features(Params& params, const domain::Features& f) {
  for (const auto& feature : domain::kFeatures) params.add(f.*feature.flag);
}

const std::string kPartnerColumns = "partner_id, username, name, billing_mode, bytes_available, " +
                                    feature_columns() + ", created_at";

domain::Partner read_partner(const Result& rows, int row) {
  domain::Partner p;
  p.id = rows.integer(row, 0);
  p.username = rows.string(row, 1);
  p.name = rows.string(row, 2);
  p.billing_mode =
      domain::parse_billing_mode(rows.text(row, 3)).value_or(domain::BillingMode::invoice);
  p.bytes_available = rows.optional_integer(row, 4);
  p.features = read_features(rows, row, 5);
  p.created_at = rows.integer(row, 5 + kFeatureCount);
  return p;
}

std::optional<domain::Partner> first_partner(const Result& rows) {
  if (rows.rows() == 0) return std::nullopt;
  return read_partner(rows, 0);
}

const std::string kSelectPartnerByName =
    "SELECT " + kPartnerColumns + " FROM partners WHERE username = $1";
const std::string kSelectPartnerById =
    "SELECT " + kPartnerColumns + " FROM partners WHERE partner_id = $1";
const std::string kSelectPartners =
    "SELECT " + kPartnerColumns + " FROM partners ORDER BY username";
// $1-$5 username, name, password_hash, billing_mode, bytes_available; then the features; then
// created_at and appliance_key_hash.
const std::string kInsertPartner =
    "INSERT INTO partners (username, name, password_hash, billing_mode, bytes_available, " +
    feature_columns() + ", created_at, appliance_key_hash) VALUES (" +
    parameters(1, 7 + kFeatureCount) + ") RETURNING partner_id";
// $1 partner_id, $2-$4 name, billing_mode, bytes_available; then the features.
const std::string kUpdatePartner =
    "UPDATE partners SET name = $2, billing_mode = $3, bytes_available = $4, " +
    feature_columns([](int place) { return " = $" + std::to_string(5 + place); }) +
    " WHERE partner_id = $1";
const std::string kSelectFeatures =
    "SELECT " + feature_columns() + " FROM partners WHERE partner_id = $1";

const std::string kSettingsColumns =
    "omva_url, support_email, share_link_ttl, autopurge_interval, purgehold_duration, "
    "ad_domain, signup_network_restriction, versionpurge_interval, admin_email, "
    "sharing_enabled, api_version";
constexpr int kSettingsCount = 11;
const std::string kSelectSettings =
    "SELECT " + kSettingsColumns + " FROM partner_settings WHERE partner_id = $1";
// A change of settings reads both in one round trip: the features decide what it may set.
const std::string kSelectSettingsAndFeatures =
    "SELECT " + kSettingsColumns + ", " + feature_columns() +
    " FROM partner_settings JOIN partners USING (partner_id) WHERE partner_id = $1";

domain::Settings settings_from(const Result& q, int row) {
  domain::Settings s;
  s.omva_url = q.optional_string(row, 0);
  s.support_email = q.optional_string(row, 1);
  s.share_link_ttl = q.integer(row, 2);
  s.autopurge_interval =
      q.optional_integer(row, 3).value_or(0);  // NULL, as before migration 024: off
  s.purgehold_duration = q.integer(row, 4);
  s.ad_domain = q.optional_string(row, 5);
  s.signup_network_restriction = decode_list(q.string(row, 6));
  s.versionpurge_interval = q.optional_integer(row, 7).value_or(0);
  s.admin_email = q.optional_string(row, 8);
  s.sharing_enabled = q.boolean(row, 9);
  s.api_version = q.optional_string(row, 10);
  return s;
}

domain::Settings read_settings(Connection& db, PartnerId partner) {
  auto q = db.exec(kSelectSettings, Params().add(partner));
  if (q.rows() == 0) return {};
  return settings_from(q, 0);
}

domain::Features read_partner_features(Connection& db, PartnerId partner) {
  auto q = db.exec(kSelectFeatures, Params().add(partner));
  domain::Features f;
  if (q.rows() > 0) f = read_features(q, 0, 0);
  return f;
}

}  // namespace

PartnerId PgPartners::create_partner(const domain::NewPartner& p) {
  return backend_.write(std::nullopt, [&](Connection& db) {
    Params insert;
    insert.add(p.username)
        .add(p.name)
        .add(p.password_hash)
        .add(std::string(domain::to_string(p.billing_mode)))
        .add(p.bytes_available);
    add_features(insert, p.features);
    insert.add(domain::now_seconds()).add(p.appliance_key_hash);
    PartnerId id = 0;
    try {
      id = db.exec(kInsertPartner, insert).integer(0, 0);
    } catch (const PgError& error) {
      // partners_unique_username: the name in any letter case (lower(username)).
      if (error.sqlstate == "23505") throw Conflict::taken(Object::partner, "username");
      throw;
    }
    for (const char* sql : {"INSERT INTO partner_billing (partner_id) VALUES ($1)",
                            // Off is 0 (domain::Settings), not the columns' default of NULL.
                            "INSERT INTO partner_settings (partner_id, autopurge_interval, "
                            "versionpurge_interval) VALUES ($1, 0, 0)",
                            "INSERT INTO partner_counters (partner_id) VALUES ($1)"}) {
      db.exec(sql, Params().add(id));
    }
    auto plan = db.exec(
                      "INSERT INTO plans (partner_id, name, storage_bytes) "
                      "VALUES ($1, 'Unlimited', $2) RETURNING plan_id",
                      Params().add(id).add(domain::kUnlimitedStorageBytes))
                    .integer(0, 0);
    if (p.group) {
      db.exec(
          "INSERT INTO groups (partner_id, name, plan_id, webapi_enable, check_domain) "
          "VALUES ($1, $2, $3, TRUE, FALSE)",
          Params().add(id).add(*p.group).add(plan));
    }
    return id;
  });
}

std::optional<domain::Partner> PgPartners::find_partner(std::string_view username) {
  return backend_.read([&](Connection& db) {
    return first_partner(db.exec(kSelectPartnerByName, Params().add(username)));
  });
}

std::optional<domain::Partner> PgPartners::find_partner(PartnerId partner) {
  return backend_.read([&](Connection& db) {
    return first_partner(db.exec(kSelectPartnerById, Params().add(partner)));
  });
}

std::vector<domain::Partner> PgPartners::list_partners() {
  return backend_.read([&](Connection& db) {
    auto rows = db.exec(kSelectPartners);
    std::vector<domain::Partner> out;
    out.reserve(std::size_t(rows.rows()));
    for (int row = 0; row < rows.rows(); ++row) out.push_back(read_partner(rows, row));
    return out;
  });
}

void PgPartners::update_partner(const domain::Partner& p) {
  backend_.write(p.id, [&](Connection& db) {
    Params update;
    update.add(p.id)
        .add(p.name)
        .add(std::string(domain::to_string(p.billing_mode)))
        .add(p.bytes_available);
    add_features(update, p.features);
    db.exec(kUpdatePartner, update);
  });
}

namespace {

constexpr const char* kCredentials =
    "SELECT partner_id, password_hash, appliance_key_hash FROM partners WHERE username = $1";

std::optional<domain::Credentials> read_credentials(const Result& q) {
  if (q.rows() == 0) return std::nullopt;
  return domain::Credentials{q.integer(0, 0), q.string(0, 1), q.optional_string(0, 2)};
}

}  // namespace

std::optional<domain::Credentials> PgPartners::credentials(std::string_view username) {
  return backend_.read([&](Connection& db) {
    return read_credentials(db.exec(kCredentials, Params().add(username)));
  });
}

void PgPartners::expect_credentials(std::string_view username, CredentialsStill still) {
  backend_.check_with_next_read(kCredentials, Params().add(username),
                                [still = std::move(still)](const Result& q) {
                                  if (!still(read_credentials(q))) throw CredentialsChanged();
                                });
}

void PgPartners::set_password_hashes(PartnerId partner, const domain::PasswordHashes& hashes) {
  backend_.write(partner, [&](Connection& db) {
    db.exec("UPDATE partners SET password_hash = $2, appliance_key_hash = $3 WHERE partner_id = $1",
            Params().add(partner).add(hashes.password).add(hashes.appliance_key));
    db.exec("DELETE FROM console_sessions WHERE partner_id = $1", Params().add(partner));
  });
}

domain::Billing PgPartners::billing(PartnerId partner) {
  return backend_.read([&](Connection& db) {
    auto q = db.exec(
        "SELECT name, address_json, city, state, postal_code, country, card_brand, card_last4, "
        "card_exp_month, card_exp_year, card_token, updated_at FROM partner_billing "
        "WHERE partner_id = $1",
        Params().add(partner));
    domain::Billing b;
    if (q.rows() == 0) return b;
    if (!q.null(0, 0)) {
      b.address = domain::BillingAddress{q.string(0, 0), decode_list(q.string(0, 1)),
                                         q.string(0, 2), q.string(0, 3),
                                         q.string(0, 4), q.string(0, 5)};
    }
    if (!q.null(0, 6)) {
      b.card = domain::StoredCard{q.string(0, 6), q.string(0, 7), int(q.integer(0, 8)),
                                  int(q.integer(0, 9)), q.string(0, 10)};
    }
    b.updated_at = q.optional_integer(0, 11);
    return b;
  });
}

void PgPartners::save_billing(PartnerId partner, const domain::Billing& b) {
  Params update;
  update.add(partner);
  if (b.address) {
    update.add(b.address->name)
        .add(encode_list(b.address->address))
        .add(b.address->city)
        .add(b.address->state)
        .add(b.address->postal_code)
        .add(b.address->country);
  } else {
    update.add_null().add("[]").add_null().add_null().add_null().add_null();
  }
  if (b.card) {
    update.add(b.card->brand)
        .add(b.card->last4)
        .add(b.card->expiration_month)
        .add(b.card->expiration_year)
        .add(b.card->token);
  } else {
    update.add_null().add_null().add_null().add_null().add_null();
  }
  update.add(b.updated_at);
  backend_.write(partner, [&](Connection& db) {
    db.exec(
        "UPDATE partner_billing SET name = $2, address_json = $3, city = $4, state = $5, "
        "postal_code = $6, country = $7, card_brand = $8, card_last4 = $9, "
        "card_exp_month = $10, card_exp_year = $11, card_token = $12, updated_at = $13 "
        "WHERE partner_id = $1",
        update);
  });
}

domain::Features PgPartners::features(PartnerId partner) {
  return backend_.read([&](Connection& db) { return read_partner_features(db, partner); });
}

domain::Settings PgPartners::settings(PartnerId partner) {
  return backend_.read([&](Connection& db) { return read_settings(db, partner); });
}

domain::Settings PgPartners::update_settings(
    PartnerId partner,
    const std::function<void(domain::Settings&, const domain::Features&)>& change) {
  return backend_.write(partner, [&](Connection& db) {
    auto q = db.exec(kSelectSettingsAndFeatures, Params().add(partner));
    domain::Settings s;
    domain::Features features;
    if (q.rows() > 0) {
      s = settings_from(q, 0);
      features = read_features(q, 0, kSettingsCount);
    }
    change(s, features);
    // Sent with the COMMIT, in its round trip: the partner's other writes wait for this one's
    // turn to end, so every round trip saved inside it is a round trip they wait less.
    db.send_ahead(
        "UPDATE partner_settings SET omva_url = $2, support_email = $3, share_link_ttl = $4, "
        "autopurge_interval = $5, purgehold_duration = $6, ad_domain = $7, "
        "signup_network_restriction = $8, versionpurge_interval = $9, admin_email = $10, "
        "sharing_enabled = $11, api_version = $12 WHERE partner_id = $1",
        Params()
            .add(partner)
            .add(s.omva_url)
            .add(s.support_email)
            .add(s.share_link_ttl)
            .add(s.autopurge_interval)
            .add(s.purgehold_duration)
            .add(s.ad_domain)
            .add(encode_list(s.signup_network_restriction))
            .add(s.versionpurge_interval)
            .add(s.admin_email)
            .add(s.sharing_enabled)
            .add(s.api_version));
    return s;
  });
}

domain::Quota PgPartners::quota(PartnerId partner) {
  return backend_.read([&](Connection& db) {
    auto q = db.exec(
        "SELECT p.bytes_available, c.bytes_allocated, c.bytes_used, c.share_count, "
        "c.device_count FROM partners p JOIN partner_counters c ON c.partner_id = p.partner_id "
        "WHERE p.partner_id = $1",
        Params().add(partner));
    domain::Quota quota;
    if (q.rows() == 0) return quota;
    quota.bytes_available = q.optional_integer(0, 0);
    quota.bytes_allocated = domain::ByteSum(parse_decimal(q.text(0, 1))).saturated();
    quota.bytes_used = domain::ByteSum(parse_decimal(q.text(0, 2))).saturated();
    quota.share_count = q.integer(0, 3);
    quota.device_count = q.integer(0, 4);
    return quota;
  });
}

void PgPartners::save_backup(PartnerId partner, const domain::Backup& backup) {
  Params insert;
  insert.add(partner)
      .add(backup.sha256)
      .add(std::int64_t(backup.data.size()))
      .add(backup.update_time)
      .add_bytes(backup.data);
  backend_.write(partner, [&](Connection& db) {
    db.exec(
        "INSERT INTO partner_backups (partner_id, sha256, size, update_time, data) "
        "VALUES ($1, $2, $3, $4, $5)",
        insert);
    // The new backup and the one it replaces stay; any older one goes.
    db.exec(
        "DELETE FROM partner_backups WHERE partner_id = $1 AND backup_id NOT IN "
        "(SELECT backup_id FROM partner_backups WHERE partner_id = $1 "
        "ORDER BY backup_id DESC LIMIT 2)",
        Params().add(partner));
  });
}

std::optional<domain::Backup> PgPartners::backup(PartnerId partner,
                                                 domain::BackupGeneration which) {
  return backend_.read([&](Connection& db) -> std::optional<domain::Backup> {
    // One statement: the row and its data from one state of the database.
    auto q = db.exec(
        "SELECT sha256, update_time, data FROM partner_backups WHERE partner_id = $1 "
        "ORDER BY backup_id DESC LIMIT 1 OFFSET $2",
        Params().add(partner).add(which == domain::BackupGeneration::current ? 0 : 1));
    if (q.rows() == 0) return std::nullopt;
    domain::Backup backup;
    backup.sha256 = q.string(0, 0);
    backup.update_time = q.integer(0, 1);
    backup.data = q.bytes(0, 2);
    return backup;
  });
}

}  // namespace accountsd::store::postgres
