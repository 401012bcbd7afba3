#include "store/postgres/copy_from_sqlite.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>

#include "domain/quota.hpp"
#include "store/census_bounds.hpp"
#include "store/migrations.hpp"
#include "store/postgres/counters.hpp"
#include "store/postgres/migrate.hpp"
#include "store/postgres/transaction.hpp"

namespace accountsd::store::postgres {
namespace {

using namespace std::string_literals;

// A multi-row INSERT holds at most this many rows, and fewer once its values reach kBatchBytes
// (a backup's data alone may be tens of MiB): what the copy holds in memory at once.
constexpr int kBatchRows = 500;
constexpr std::size_t kBatchBytes = 16 * 1024 * 1024;
// The protocol numbers a statement's parameters in 16 bits.
constexpr int kMaxParameters = 65535;
// How long the copy waits for the target's tables: longer means a server is using them.
constexpr const char* kLockTimeout = "10s";

// How a column travels: SQLite's storage class, then PostgreSQL's type.
enum class Kind {
  integer,   // INTEGER -> BIGINT
  text,      // TEXT -> TEXT
  flag,      // INTEGER 0 or 1 -> BOOLEAN
  bytes,     // BLOB -> BYTEA
  byte_sum,  // INTEGERs NAME_hi and NAME_lo (domain::ByteSum) -> NUMERIC NAME, exact
};

struct Column {
  const char* name;
  Kind kind = Kind::integer;
};

struct Table {
  const char* name;
  // SQLite's ORDER BY: the key, so that a table is read as stored (device_policies: the policies
  // others inherit from first, so that each reference is copied before the row naming it).
  const char* order;
  std::vector<Column> columns;  // the first is an integer id, which names a row in messages
};

// Every table of the schema (migration 010, 001_initial.postgres.sql) but schema_migrations,
// each after the tables its rows refer to.
const std::vector<Table>& tables() {
  using enum Kind;
  static const std::vector<Table> all = {
      {"partners",
       "partner_id",
       {{"partner_id"},
        {"username", text},
        {"name", text},
        {"password_hash", text},
        {"billing_mode", text},
        {"bytes_available"},
        {"netkes", flag},
        {"ldap", flag},
        {"group_permissions", flag},
        {"signup_restrictions", flag},
        {"email_as_username", flag},
        {"created_at"},
        {"username_clash"},
        {"appliance_key_hash", text}}},
      {"partner_billing",
       "partner_id",
       {{"partner_id"},
        {"name", text},
        {"address_json", text},
        {"city", text},
        {"state", text},
        {"postal_code", text},
        {"country", text},
        {"card_brand", text},
        {"card_last4", text},
        {"card_exp_month"},
        {"card_exp_year"},
        {"card_token", text},
        {"updated_at"}}},
      {"partner_settings",
       "partner_id",
       {{"partner_id"},
        {"omva_url", text},
        {"support_email", text},
        {"share_link_ttl"},
        {"autopurge_interval"},
        {"purgehold_duration"},
        {"ad_domain", text},
        {"signup_network_restriction", text},
        {"versionpurge_interval"},
        {"admin_email", text},
        {"sharing_enabled", flag},
        {"api_version", text}}},
      {"partner_counters",
       "partner_id",
       {{"partner_id"},
        {"bytes_allocated", byte_sum},
        {"bytes_used", byte_sum},
        {"share_count"},
        {"device_count"},
        {"user_seq"}}},
      {"plans", "plan_id", {{"plan_id"}, {"partner_id"}, {"name", text}, {"storage_bytes"}}},
      {"device_policies",
       "inherits_from IS NOT NULL, policy_id",
       {{"policy_id"},
        {"partner_id"},
        {"name", text},
        {"name_key", text},
        {"inherits_from"},
        {"policy", text}}},
      {"groups",
       "group_id",
       {{"group_id"},
        {"partner_id"},
        {"name", text},
        {"plan_id"},
        {"webapi_enable", flag},
        {"check_domain", flag},
        {"device_policy"}}},
      {"users",
       "avatar_id",
       {{"avatar_id"},
        {"partner_id"},
        {"username", text},
        {"name", text},
        {"email", text},
        {"group_id"},
        {"plan_id"},
        {"bonus_bytes"},
        {"bytes_stored"},
        {"enabled", flag},
        {"purgehold_active", flag},
        {"creation_time"},
        {"last_login"},
        {"share_id", text},
        {"password_bcrypt", text},
        {"promo", text},
        {"num_devices"},
        {"num_shares"},
        {"last_backup_complete"},
        {"email_clash"}}},
      {"devices",
       "device_id",
       {{"device_id"},
        {"partner_id"},
        {"avatar_id"},
        {"name", text},
        {"client_revision"},
        {"creation_time"},
        {"last_login"},
        {"last_backup_complete"}}},
      {"shares",
       "avatar_id, room_key",
       {{"avatar_id"},
        {"room_key", text},
        {"partner_id"},
        {"name", text},
        {"description", text},
        {"creation_time"},
        {"update_time"},
        {"enabled", flag},
        {"password_required", flag},
        {"last_login"}}},
      {"activation_emails",
       "email_id",
       {{"email_id"},
        {"partner_id"},
        {"avatar_id"},
        {"email", text},
        {"template_name", text},
        {"queued_at"},
        {"sent_at"},
        {"reg_code", text}}},
      {"partner_backups",
       "backup_id",
       {{"backup_id"},
        {"partner_id"},
        {"sha256", text},
        {"size"},
        {"update_time"},
        {"data", bytes}}},
      {"request_keys",
       "partner_id, key",
       {{"partner_id"},
        {"key", text},
        {"fingerprint", text},
        {"created_at"},
        {"status"},
        {"content_type", text},
        {"location", text},
        {"body", text}}},
      {"console_sessions",
       "token_hash",
       {{"token_hash", text},
        {"partner_id"},
        {"csrf_token", text},
        {"created_at"},
        {"expires_at"}}},
      {"audit_log",
       "entry_id",
       {{"entry_id"},
        {"partner_id"},
        {"at"},
        {"actor", text},
        {"address", text},
        {"request_id", text},
        {"action", text},
        {"object", text},
        {"changes", text}}},
      {"device_census",
       "partner_id, span, bucket, client_revision",
       {{"partner_id"}, {"span"}, {"bucket"}, {"client_revision"}, {"devices"}}},
      {"share_user_blocks",
       "partner_id, level, block",
       {{"partner_id"}, {"level"}, {"block"}, {"users"}}},
  };
  return all;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

// The table's column names on one side: SQLite keeps a byte sum in two columns.
std::vector<std::string> column_names(const Table& table, bool sqlite) {
  std::vector<std::string> names;
  for (const auto& column : table.columns) {
    if (sqlite && column.kind == Kind::byte_sum) {
      names.push_back(column.name + "_hi"s);
      names.push_back(column.name + "_lo"s);
    } else {
      names.emplace_back(column.name);
    }
  }
  return names;
}

// Refuses a database whose tables or columns differ from tables(): a later migration that adds
// one must teach migrate-db to copy it, rather than see its rows left behind.
void check_names(const std::string& what, std::vector<std::string> actual,
                 std::vector<std::string> expected) {
  std::sort(actual.begin(), actual.end());
  std::sort(expected.begin(), expected.end());
  std::vector<std::string> unknown;
  std::vector<std::string> missing;
  std::set_difference(actual.begin(), actual.end(), expected.begin(), expected.end(),
                      std::back_inserter(unknown));
  std::set_difference(expected.begin(), expected.end(), actual.begin(), actual.end(),
                      std::back_inserter(missing));
  if (!unknown.empty())
    throw CopyRefused(what + " has " + joined(unknown) + ", which this migrate-db does not copy");
  if (!missing.empty()) throw CopyRefused(what + " lacks " + joined(missing));
}

std::vector<std::string> table_names() {
  std::vector<std::string> names;
  for (const auto& table : tables()) names.emplace_back(table.name);
  return names;
}

std::vector<std::string> sqlite_names(sqlite::Statement& query) {
  std::vector<std::string> names;
  while (query.step()) names.push_back(query.text(0));
  return names;
}

std::vector<std::string> postgres_names(const Result& result) {
  std::vector<std::string> names;
  for (int row = 0; row < result.rows(); ++row) names.push_back(result.string(row, 0));
  return names;
}

// The migration the source is at, once sure it is an accountsd database this build can copy.
int check_source(sqlite::Connection& source) {
  const int latest = migrations().back().number;
  std::optional<std::int64_t> at;
  try {
    auto& query = source.prepared("SELECT max(number) FROM schema_migrations");
    if (query.step()) at = query.optional_integer(0);
    query.reset();
  } catch (const sqlite::SqliteError& e) {
    throw CopyRefused("the source is not an accountsd SQLite database (" + std::string(e.what()) +
                      ")");
  }
  if (!at) throw CopyRefused("the source is not an accountsd SQLite database (no migrations)");
  if (*at > latest)
    throw CopyRefused("the SQLite database is at migration " + std::to_string(*at) +
                      ", newer than this accountsd knows (" + std::to_string(latest) +
                      "): use the migrate-db of the accountsd that wrote it");
  if (*at < latest)
    throw CopyRefused("the SQLite database is at migration " + std::to_string(*at) +
                      " and this accountsd copies migration " + std::to_string(latest) +
                      ": bring it up to date first (any command of this accountsd on it does, "
                      "such as `accountsd partner list --db sqlite:PATH`), then run migrate-db "
                      "again");
  check_names("the SQLite database",
              sqlite_names(source.prepared(
                  "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> "
                  "'schema_migrations' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND "
                  // SQLite's index of searches (migration 020) and its own tables: no data.
                  "name NOT LIKE 'users\\_search%' ESCAPE '\\'")),
              table_names());
  for (const auto& table : tables()) {
    auto& columns = source.prepared("SELECT name FROM pragma_table_info(?1)");
    columns.bind(1, table.name);
    check_names("SQLite's " + std::string(table.name), sqlite_names(columns),
                column_names(table, true));
  }
  return latest;
}

void check_target_schema(Connection& target) {
  // login_failures is PostgreSQL's alone (servers sharing their throttle), and transient;
  // users_search_texts is made from users (fill_search_texts).
  check_names("the PostgreSQL database",
              postgres_names(target.exec(
                  "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                  "current_schema() AND table_type = 'BASE TABLE' AND table_name NOT IN "
                  "('schema_migrations', 'login_failures', 'users_search_texts')")),
              table_names());
  for (const auto& table : tables()) {
    check_names("PostgreSQL's " + std::string(table.name),
                postgres_names(target.exec("SELECT column_name FROM information_schema.columns "
                                           "WHERE table_schema = current_schema() AND "
                                           "table_name = $1",
                                           Params().add(table.name))),
                column_names(table, false));
  }
}

// Refuses a target that holds a row in any table (tables not created yet hold none).
void refuse_data_in(Connection& target, const std::string& consequence) {
  for (const auto& table : tables()) {
    if (!target.exec("SELECT to_regclass($1) IS NOT NULL", Params().add(table.name)).boolean(0, 0))
      continue;
    if (target.exec("SELECT EXISTS (SELECT 1 FROM "s + table.name + ")").boolean(0, 0))
      throw CopyRefused("the PostgreSQL database is not empty (" + std::string(table.name) +
                        " has rows): migrate-db copies into an empty database only; " +
                        consequence);
  }
}

// Appends the values of the current row of `row` (the table's columns as select_sql reads them)
// to `params`; returns how many bytes they took. Refuses a value that PostgreSQL's column would
// refuse or keep otherwise, naming the row by its id and never showing the value.
std::size_t add_row(const sqlite::Statement& row, const Table& table, Params& params) {
  std::size_t bytes = 0;
  int at = 0;
  for (const auto& column : table.columns) {
    auto refuse = [&](const char* what) {
      throw CopyRefused(std::string(table.name) + ": " + column.name + " of the row with " +
                        table.columns.front().name + " " + std::to_string(row.integer(0)) +
                        " holds " + what + "; nothing was copied");
    };
    const int type = row.type(at);
    if (type == SQLITE_NULL && column.kind != Kind::byte_sum) {
      params.add_null();  // PostgreSQL refuses it where the column is NOT NULL, as SQLite did
    } else {
      switch (column.kind) {
        case Kind::integer:
          if (type != SQLITE_INTEGER) refuse("a value that is not an integer");
          params.add(row.integer(at));
          bytes += sizeof(std::int64_t);
          break;
        case Kind::flag:
          if (type != SQLITE_INTEGER || (row.integer(at) != 0 && row.integer(at) != 1))
            refuse("a flag that is neither 0 nor 1");
          params.add(row.integer(at) == 1);
          bytes += 1;
          break;
        case Kind::text:
          if (type != SQLITE_TEXT) refuse("a value that is not text");
          // libpq sends a text parameter up to its first NUL: the rest would be lost.
          if (row.bytes(at).find('\0') != std::string_view::npos) refuse("text with a NUL byte");
          params.add(row.bytes(at));
          bytes += row.bytes(at).size();
          break;
        case Kind::bytes:
          if (type != SQLITE_BLOB && type != SQLITE_TEXT) refuse("a value that is not a blob");
          params.add_bytes(row.bytes(at));
          bytes += row.bytes(at).size();
          break;
        case Kind::byte_sum:
          if (type != SQLITE_INTEGER || row.type(at + 1) != SQLITE_INTEGER)
            refuse("a byte sum that is not two integers");
          params.add(
              decimal(domain::ByteSum::from_parts(row.integer(at), row.integer(at + 1)).value()));
          bytes += 2 * sizeof(std::int64_t);
          ++at;
          break;
      }
    }
    ++at;
  }
  return bytes;
}

std::string select_sql(const Table& table) {
  return "SELECT " + joined(column_names(table, true)) + " FROM " + table.name + " ORDER BY " +
         table.order;
}

// An INSERT of `rows` rows of the table's columns, their values $1, $2, ... row after row.
std::string insert_sql(const Table& table, int rows) {
  std::string sql =
      "INSERT INTO "s + table.name + " (" + joined(column_names(table, false)) + ") VALUES ";
  int parameter = 0;
  for (int row = 0; row < rows; ++row) {
    sql += row == 0 ? "(" : ", (";
    for (std::size_t column = 0; column < table.columns.size(); ++column)
      sql += (column == 0 ? "$" : ", $") + std::to_string(++parameter);
    sql += ")";
  }
  return sql;
}

// A failed INSERT's error as PostgreSQL words it, less what may quote a row: the lines after the
// first (DETAIL shows the key or the whole failing row) and, for a refused value (SQLSTATE class
// 22, whose message quotes it), everything but its code.
PgError without_contents(const Table& table, const PgError& error) {
  std::string message = error.what();
  message = message.substr(0, message.find('\n'));
  if (error.sqlstate.starts_with("22"))
    message = "PostgreSQL refused a value (SQLSTATE " + error.sqlstate + ")";
  PgError clean("copying " + std::string(table.name) + ": " + message, error.sqlstate,
                error.broken);
  clean.constraint = error.constraint;
  return clean;
}

std::int64_t count_rows(sqlite::Connection& source, const Table& table) {
  auto& count = source.prepared_text("SELECT count(*) FROM "s + table.name);
  count.step();
  auto rows = count.integer(0);
  count.reset();
  return rows;
}

// Copies one table in multi-row INSERTs; the rows copied.
std::int64_t copy_table(sqlite::Connection& source, Connection& target, const Table& table,
                        const std::function<void(const CopyProgress&)>& progress) {
  const std::int64_t total = count_rows(source, table);
  const int batch_rows = std::min(kBatchRows, kMaxParameters / int(table.columns.size()));
  const std::string full_batch = insert_sql(table, batch_rows);
  auto& select = source.prepared_text(select_sql(table));
  Params params;
  int rows = 0;
  std::size_t bytes = 0;
  std::int64_t copied = 0;
  auto send = [&] {
    if (rows == 0) return;
    try {
      target.exec(rows == batch_rows ? full_batch : insert_sql(table, rows), params);
    } catch (const PgError& e) {
      throw without_contents(table, e);
    }
    copied += rows;
    params = Params();
    rows = 0;
    bytes = 0;
    progress({table.name, copied, total, false});
  };
  while (select.step()) {
    bytes += add_row(select, table, params);
    if (++rows == batch_rows || bytes >= kBatchBytes) send();
  }
  send();
  select.reset();
  progress({table.name, copied, total, true});
  if (copied != total)
    throw CopyRefused(std::string(table.name) + ": read " + std::to_string(copied) + " rows of " +
                      std::to_string(total));
  return copied;
}

// The counters of one partner as the copy compares them: byte sums in decimal.
struct Counters {
  std::int64_t partner = 0;
  std::string bytes_allocated;
  std::string bytes_used;
  std::int64_t share_count = 0;
  std::int64_t device_count = 0;
  std::int64_t user_seq = 0;
};

// The first counter that differs between `a` and `b`, described with both values; empty if none.
std::string difference(const Counters& a, const char* a_name, const Counters& b,
                       const char* b_name) {
  auto differs = [&](const char* counter, const std::string& x, const std::string& y) {
    return std::string(counter) + " is " + x + " " + a_name + " and " + y + " " + b_name;
  };
  if (a.bytes_allocated != b.bytes_allocated)
    return differs("bytes_allocated", a.bytes_allocated, b.bytes_allocated);
  if (a.bytes_used != b.bytes_used) return differs("bytes_used", a.bytes_used, b.bytes_used);
  if (a.share_count != b.share_count)
    return differs("share_count", std::to_string(a.share_count), std::to_string(b.share_count));
  if (a.device_count != b.device_count)
    return differs("device_count", std::to_string(a.device_count), std::to_string(b.device_count));
  if (a.user_seq != b.user_seq)
    return differs("user_seq", std::to_string(a.user_seq), std::to_string(b.user_seq));
  return {};
}

[[noreturn]] void mismatch(const std::string& what) {
  throw CopyRefused("verification failed: " + what + "; nothing was copied");
}

void verify_row_counts(Connection& target, const std::vector<CopySummary::Table>& copied) {
  for (const auto& table : copied) {
    auto rows = target.exec("SELECT count(*) FROM " + table.name).integer(0, 0);
    if (rows != table.rows)
      mismatch(table.name + " has " + std::to_string(rows) + " rows in PostgreSQL and " +
               std::to_string(table.rows) + " in SQLite");
  }
}

// Each partner's counters in PostgreSQL against SQLite's; the partners compared.
std::int64_t verify_counters_copied(sqlite::Connection& source, Connection& target) {
  auto copied = target.exec(
      "SELECT partner_id, bytes_allocated::text, bytes_used::text, share_count, device_count, "
      "user_seq FROM partner_counters ORDER BY partner_id");
  auto& original = source.prepared(
      "SELECT partner_id, bytes_allocated_hi, bytes_allocated_lo, bytes_used_hi, bytes_used_lo, "
      "share_count, device_count, user_seq FROM partner_counters ORDER BY partner_id");
  int row = 0;
  for (; original.step(); ++row) {
    Counters before{
        original.integer(0),
        decimal(domain::ByteSum::from_parts(original.integer(1), original.integer(2)).value()),
        decimal(domain::ByteSum::from_parts(original.integer(3), original.integer(4)).value()),
        original.integer(5),
        original.integer(6),
        original.integer(7)};
    if (row >= copied.rows() || copied.integer(row, 0) != before.partner)
      mismatch("partner " + std::to_string(before.partner) + " has no counters in PostgreSQL");
    Counters after{copied.integer(row, 0), copied.string(row, 1),  copied.string(row, 2),
                   copied.integer(row, 3), copied.integer(row, 4), copied.integer(row, 5)};
    auto differs = difference(after, "in PostgreSQL", before, "in SQLite");
    if (!differs.empty())
      mismatch("partner_counters of partner " + std::to_string(before.partner) + ": " + differs);
  }
  original.reset();
  return row;
}

// Each partner's counters against what the copied rows add up to, as the store keeps them: the
// users' plan storage plus bonus, their bytes stored, the partner's shares and devices.
void verify_counters_recounted(Connection& target) {
  auto orphan = target.exec(
      "SELECT p.partner_id FROM partners p LEFT JOIN partner_counters c "
      "ON c.partner_id = p.partner_id WHERE c.partner_id IS NULL ORDER BY 1 LIMIT 1");
  if (orphan.rows() > 0)
    mismatch("partner " + orphan.string(0, 0) + " has no partner_counters row");
  auto wrong = target.exec(
      "SELECT c.partner_id, c.bytes_allocated::text, c.bytes_used::text, c.share_count, "
      "c.device_count, coalesce(u.allocated, 0)::text, coalesce(u.used, 0)::text, "
      "coalesce(s.shares, 0), coalesce(d.devices, 0) "
      "FROM partner_counters c "
      "LEFT JOIN (SELECT u.partner_id, sum(p.storage_bytes::numeric + u.bonus_bytes) AS allocated, "
      "  sum(u.bytes_stored) AS used FROM users u JOIN plans p ON p.plan_id = u.plan_id "
      "  GROUP BY u.partner_id) u ON u.partner_id = c.partner_id "
      "LEFT JOIN (SELECT partner_id, count(*) AS shares FROM shares GROUP BY partner_id) s "
      "  ON s.partner_id = c.partner_id "
      "LEFT JOIN (SELECT partner_id, count(*) AS devices FROM devices GROUP BY partner_id) d "
      "  ON d.partner_id = c.partner_id "
      "WHERE c.bytes_allocated <> coalesce(u.allocated, 0) OR c.bytes_used <> coalesce(u.used, 0) "
      "  OR c.share_count <> coalesce(s.shares, 0) OR c.device_count <> coalesce(d.devices, 0) "
      "ORDER BY c.partner_id LIMIT 1");
  if (wrong.rows() == 0) return;
  Counters stored{wrong.integer(0, 0), wrong.string(0, 1),  wrong.string(0, 2),
                  wrong.integer(0, 3), wrong.integer(0, 4), 0};
  Counters recounted{stored.partner,      wrong.string(0, 5),  wrong.string(0, 6),
                     wrong.integer(0, 7), wrong.integer(0, 8), 0};
  mismatch("partner_counters of partner " + std::to_string(stored.partner) + ": " +
           difference(stored, "as stored", recounted, "recounted from its rows"));
}

// The first partner whose rows of `table` differ from `recount` (SQL giving the same columns, the
// count last); nothing when they agree.
void verify_recount(Connection& target, const std::string& table, const std::string& keys,
                    const std::string& count, const std::string& recount) {
  auto first =
      target.exec("WITH recount AS (" + recount + ") SELECT coalesce(r.partner_id, " +
                  "t.partner_id) FROM recount r FULL JOIN " + table + " t USING (" + keys +
                  ") WHERE r." + count + " IS DISTINCT FROM t." + count + " ORDER BY 1 LIMIT 1");
  if (first.rows() > 0)
    mismatch(table + " of partner " + first.string(0, 0) + " differs from a recount of its rows");
}

// The device census and the share blocks, which the copy takes as they are with their triggers
// off, against a recount from the copied devices and users (what the triggers would have made).
void verify_derived_tables(Connection& target) {
  std::string spans = "(0::bigint)";
  for (auto span : kCensusSpans) spans += ", (" + std::to_string(span) + ")";
  verify_recount(target, "device_census", "partner_id, span, bucket, client_revision", "devices",
                 "SELECT partner_id, s.span, CASE WHEN s.span = 0 THEN 0 ELSE last_login / s.span "
                 "- CASE WHEN last_login % s.span < 0 THEN 1 ELSE 0 END END AS bucket, "
                 "client_revision, count(*) AS devices FROM devices "
                 "CROSS JOIN (VALUES " +
                     spans +
                     ") AS s (span) "
                     "WHERE s.span = 0 OR last_login IS NOT NULL GROUP BY 1, 2, 3, 4");
  verify_recount(target, "share_user_blocks", "partner_id, level, block", "users",
                 "SELECT partner_id, l.level, avatar_id >> l.level::integer AS block, "
                 "count(*) AS users FROM users CROSS JOIN (VALUES (8::bigint), (16)) AS l (level) "
                 "WHERE num_shares > 0 GROUP BY 1, 2, 3");
}

// The largest id SQLite ever gave in `table` (sqlite_sequence remembers deleted ones); 0 for a
// table without AUTOINCREMENT.
std::int64_t sqlite_sequence(sqlite::Connection& source, const char* table) {
  auto& query = source.prepared("SELECT seq FROM sqlite_sequence WHERE name = ?1");
  query.bind(1, table);
  std::int64_t seq = query.step() ? query.integer(0) : 0;
  query.reset();
  return seq;
}

// Sets each identity sequence past every id its table holds and every id SQLite gave in it, so
// that no id comes back.
std::vector<CopySummary::Sequence> set_sequences(sqlite::Connection& source, Connection& target) {
  std::vector<CopySummary::Sequence> sequences;
  for (const auto& table : tables()) {
    auto identity = target.exec(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = "
        "current_schema() AND table_name = $1 AND is_identity = 'YES'",
        Params().add(table.name));
    if (identity.rows() == 0) continue;
    // The name as tables() spells it (check_target_schema matched the two), not as read.
    auto column = std::find_if(table.columns.begin(), table.columns.end(),
                               [&](const Column& c) { return identity.text(0, 0) == c.name; });
    if (column == table.columns.end())
      throw CopyRefused("PostgreSQL's " + std::string(table.name) + " numbers an unknown column");
    auto last =
        target
            .exec(
                "SELECT greatest((SELECT coalesce(max("s + column->name + "), 0) FROM " +
                    table.name +
                    "), $1, coalesce(pg_sequence_last_value("
                    "pg_get_serial_sequence($2, $3)::regclass), 0))",
                Params().add(sqlite_sequence(source, table.name)).add(table.name).add(column->name))
            .integer(0, 0);
    if (last > 0)
      target.exec("SELECT setval(pg_get_serial_sequence($1, $2)::regclass, $3)",
                  Params().add(table.name).add(column->name).add(last));
    sequences.push_back({table.name + "."s + column->name, last});
  }
  return sequences;
}

// One read snapshot of the source for the whole copy, so that it copies one state of it.
class SourceSnapshot {
 public:
  explicit SourceSnapshot(sqlite::Connection& source) : source_(source) { source_.begin_read(); }
  ~SourceSnapshot() { source_.end_read(); }
  SourceSnapshot(const SourceSnapshot&) = delete;
  SourceSnapshot& operator=(const SourceSnapshot&) = delete;

 private:
  sqlite::Connection& source_;
};

// What users' trigger would have written into users_search_texts (migration 023) for each user
// copied with it off.
void fill_search_texts(Connection& target) {
  target.exec(
      "INSERT INTO users_search_texts (partner_id, avatar_id, texts) SELECT partner_id, "
      "avatar_id, users_search_text(name, username, email) FROM users ORDER BY 1, 2");
}

void set_triggers(Connection& target, const char* state) {
  std::string sql;
  for (const auto& table : tables())
    sql += "ALTER TABLE "s + table.name + " " + state + " TRIGGER USER; ";
  target.script(sql);
}

}  // namespace

CopySummary copy_from_sqlite(sqlite::Connection& source, Connection& target,
                             const std::function<void(const CopyProgress&)>& progress) {
  CopySummary summary;
  summary.schema = check_source(source);
  refuse_data_in(target, "nothing was changed");
  migrate(target);
  check_target_schema(target);
  transact(target, Isolation::read_committed, [&](Connection& pg) {
    summary.tables.clear();
    // No server may write meanwhile; one that holds a table makes the copy give up, not wait.
    pg.script("SET LOCAL lock_timeout = '"s + kLockTimeout + "'");
    try {
      pg.script("LOCK TABLE " + joined(table_names()) + " IN ACCESS EXCLUSIVE MODE");
    } catch (const PgError& e) {
      if (e.sqlstate != "55P03") throw;
      throw CopyRefused("the PostgreSQL database is in use (its tables stayed locked for "s +
                        kLockTimeout + "): stop every server on it, then run migrate-db again");
    }
    refuse_data_in(pg, "nothing was copied");
    // The triggers would count the census and share blocks again on top of the copied ones (and
    // take minutes at a million users); verify_derived_tables checks the copies instead.
    set_triggers(pg, "DISABLE");
    SourceSnapshot snapshot(source);
    for (const auto& table : tables())
      summary.tables.push_back({table.name, copy_table(source, pg, table, progress)});
    set_triggers(pg, "ENABLE");
    spdlog::info("migrate-db: indexing the users' texts for searches");
    fill_search_texts(pg);
    spdlog::info("migrate-db: verifying the copy");
    verify_row_counts(pg, summary.tables);
    summary.partners = verify_counters_copied(source, pg);
    verify_counters_recounted(pg);
    verify_derived_tables(pg);
    summary.sequences = set_sequences(source, pg);
    spdlog::info("migrate-db: committing");
  });
  // Until autovacuum gets round to the new tables, the planner would know nothing of their
  // sizes: the first servers would plan their queries blind.
  spdlog::info("migrate-db: gathering the planner's statistics (ANALYZE)");
  target.script("ANALYZE");
  return summary;
}

}  // namespace accountsd::store::postgres
