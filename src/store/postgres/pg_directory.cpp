// PgDirectory: plans, groups and users (Part B) on PostgreSQL, with quota counters kept in each
// transaction; the same rules, results and order as SqliteDirectory (sqlite_directory.cpp).
#include "store/postgres/pg_directory.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <charconv>
#include <exception>
#include <optional>
#include <span>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "domain/case_fold.hpp"
#include "domain/clock.hpp"
#include "domain/text.hpp"
#include "domain/user_fields.hpp"
#include "store/directory_rules.hpp"
#include "store/outcomes.hpp"
#include "store/postgres/counters.hpp"
#include "store/postgres/transaction.hpp"
#include "store/sql_text.hpp"
#include "store/user_page_read.hpp"

namespace accountsd::store::postgres {
namespace {

// The field that SQLite's error names for each unique constraint a directory write can break
// (sqlite::unique_column), so that Conflict::taken says the same on both backends. The names
// are PostgreSQL's own for the constraints of 001_initial.postgres.sql.
std::string unique_field(const std::string& constraint) {
  static const std::unordered_map<std::string_view, std::string_view> fields = {
      {"plans_partner_id_name_key", "name"},         {"groups_partner_id_name_key", "name"},
      {"users_partner_id_username_key", "username"}, {"users_unique_email", "email"},
      {"devices_avatar_id_name_key", "name"},        {"shares_pkey", "room_key"},
  };
  auto found = fields.find(constraint);
  return found == fields.end() ? constraint : std::string(found->second);
}

// Runs `write`; a value that a unique index refuses (SQLSTATE 23505) becomes
// Conflict::taken(object, its field). The failed statement aborted the transaction, which the
// Conflict then rolls back, as it does on SQLite.
template <typename Write>
auto unique_or_conflict(Object object, Write&& write) {
  try {
    return write();
  } catch (const PgError& error) {
    if (error.sqlstate != "23505") throw;
    throw Conflict::taken(object, unique_field(error.constraint));
  }
}

// Appends `value` to `params` and returns its placeholder: SQL and parameters built together.
template <typename T>
std::string next_param(Params& params, const T& value) {
  params.add(value);
  return "$" + std::to_string(params.size());
}

// Whether PostgreSQL's text can hold `value`: every stored value can, so a lookup key that it
// cannot (a path segment is not checked for UTF-8) matches nothing, as it matches nothing on
// SQLite, instead of failing the statement or, cut at a NUL by libpq, matching something else.
bool storable(std::string_view value) {
  return domain::is_valid_utf8(value) && value.find('\0') == std::string_view::npos;
}

// A search's parameter: the search folded as SQLite's fold(?) folds it, as text, or as bytes
// when text cannot carry it (not UTF-8, or holding a NUL).
struct Needle {
  std::string placeholder;
  bool bytes = false;
  std::string folded;  // what the parameter holds
};

// Appends `search` to `params` as folded_contains looks for it. SQLite's instr() tries a match
// only where a character begins, so a search that begins inside one (with a UTF-8 continuation
// byte) finds nothing there; 0xFF, which no UTF-8 holds, finds nothing here.
Needle next_needle(Params& params, std::string_view search) {
  auto needle = domain::fold_case(search);
  if (!needle.empty() && (static_cast<unsigned char>(needle.front()) & 0xC0) == 0x80)
    needle = "\xFF";
  if (storable(needle)) return {next_param(params, needle), false, needle};
  params.add_bytes(needle);
  return {"$" + std::to_string(params.size()) + "::bytea", true, needle};
}

// Searches ignore letter case as SQLite's fold() does there: whether `column`, lowered under the
// accountsd_fold collation (migration 012), which lowers each code point with towlower in
// C.UTF-8 just as domain::fold_case does, contains `needle`. Text holds a text needle where a
// character begins, as instr() finds it; a needle of bytes is looked for in the text's bytes,
// where any match begins at a character too (it does not begin with a continuation byte).
std::string folded_contains(const std::string& column, const Needle& needle) {
  auto folded = "lower(" + column + " COLLATE accountsd_fold)";
  if (!needle.bytes) return "strpos(" + folded + ", " + needle.placeholder + ") > 0";
  return "position(" + needle.placeholder + " IN convert_to(" + folded + ", 'UTF8')) > 0";
}

// The LIKE pattern of the texts that hold `text` anywhere: its %, _ and \ escaped.
std::string containing_pattern(std::string_view text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  return pattern + "%";
}

// What lets the trigram index of migration 022 narrow a search of users: their texts as it
// holds them, lowered and joined by spaces, LIKE the needle's containing pattern, which every
// user whose name, username or email holds the needle meets. It only narrows; folded_contains
// still decides. None for a needle of bytes, which LIKE cannot take, or of fewer than 3
// characters, which has no trigram to look up (the index would list every user).
std::optional<std::string> user_search_narrowing(Params& params, const Needle& needle) {
  if (needle.bytes || domain::code_points(needle.folded) < 3) return std::nullopt;
  return "lower((u.name || ' ' || u.username || ' ' || u.email) COLLATE accountsd_fold) LIKE " +
         next_param(params, containing_pattern(needle.folded));
}

// Every user field's column, in kUserFields' order: what read_user reads.
const std::string kUserColumns = user_select_columns();

void read_column(const Result& r, int row, int column, std::int64_t& value) {
  value = r.integer(row, column);
}
void read_column(const Result& r, int row, int column, bool& value) {
  value = r.boolean(row, column);
}
void read_column(const Result& r, int row, int column, std::string& value) {
  value = r.string(row, column);
}
void read_column(const Result& r, int row, int column, std::optional<std::int64_t>& value) {
  value = r.optional_integer(row, column);
}
void read_column(const Result& r, int row, int column, std::optional<std::string>& value) {
  value = r.optional_string(row, column);
}

// Reads row `row`, which starts with kUserColumns.
domain::User read_user(const Result& r, int row) {
  domain::User u;
  int column = 0;
  domain::for_each_user_field(
      [&](const auto& field) { read_column(r, row, column++, u.*field.member); });
  return u;
}

std::vector<domain::User> read_users(const Result& r) {
  std::vector<domain::User> out;
  out.reserve(std::size_t(r.rows()));
  for (int row = 0; row < r.rows(); ++row) out.push_back(read_user(r, row));
  return out;
}

// Fills in share_rooms with one read of the shares primary key for the whole page.
void add_share_rooms(Connection& c, PartnerId partner, std::span<domain::User> users) {
  auto sharing = users_with_shares(users);
  if (sharing.by_avatar.empty()) return;
  auto rooms = c.exec(
      "SELECT avatar_id, room_key FROM shares WHERE avatar_id = ANY($2::bigint[]) AND "
      "partner_id = $1 ORDER BY avatar_id, room_key",
      Params().add(partner).add("{" + sharing.ids + "}"));
  for (int row = 0; row < rooms.rows(); ++row)
    sharing.by_avatar.at(rooms.integer(row, 0))->share_rooms.push_back(rooms.string(row, 1));
}

// One user's share rooms as a JSON array (NULL when it has none), in the user's own statement: a
// lookup of one user is then one round trip, all that a single-object GET needs
// (Transactions::expect_one_read).
const std::string kShareRoomsColumn =
    ", CASE WHEN u.num_shares > 0 THEN (SELECT json_agg(s.room_key ORDER BY s.room_key) FROM "
    "shares s WHERE s.partner_id = u.partner_id AND s.avatar_id = u.avatar_id) END";

// Reads row 0 of a statement that selects kUserColumns, then kShareRoomsColumn.
domain::User read_user_with_rooms(const Result& r) {
  auto user = read_user(r, 0);
  auto rooms = r.optional_string(0, r.columns() - 1);
  if (!rooms) return user;
  auto parsed = boost::json::parse(*rooms);
  for (const auto& room : parsed.as_array()) user.share_rooms.emplace_back(room.as_string());
  return user;
}

const std::string kSelectUserById = "SELECT " + kUserColumns + kShareRoomsColumn +
                                    " FROM users u JOIN plans p ON p.plan_id = u.plan_id "
                                    "WHERE u.partner_id = $1 AND u.avatar_id = $2";
// A username match wins over an email match: both are unique-index lookups, and the username's
// row sorts first. Emails match regardless of ASCII letter case (C.7) through
// users_unique_email; the key is lowered in the "C" collation, as the index's lower(email) is,
// whatever the database's own (SQLite's lower() folds ASCII only). Every address in use has
// exactly one holder with email_clash = 0 (release_email keeps it so), and only it is found by
// email: users flagged as clashing with it (EmailClash) are found by username.
const std::string kSelectUserByKey =
    "SELECT " + kUserColumns + kShareRoomsColumn +
    " FROM users u JOIN plans p ON p.plan_id = u.plan_id WHERE u.partner_id = $1 AND "
    "(u.username = $2 OR (lower(u.email) = lower($2::text COLLATE \"C\") AND "
    "u.email_clash = 0)) ORDER BY u.username = $2 DESC LIMIT 1";

std::optional<domain::User> user_by_id(Connection& c, PartnerId partner, std::int64_t avatar) {
  auto r = c.exec(kSelectUserById, Params().add(partner).add(avatar));
  if (r.rows() == 0) return std::nullopt;
  return read_user_with_rooms(r);
}

domain::User require_user(Connection& c, PartnerId partner, std::int64_t avatar) {
  auto user = user_by_id(c, partner, avatar);
  if (!user) throw NotFound(Object::user);
  return *user;
}

// The plan's storage_bytes, when the plan belongs to the partner.
std::optional<std::int64_t> plan_bytes(Connection& c, PartnerId partner, std::int64_t plan) {
  auto r = c.exec("SELECT storage_bytes FROM plans WHERE plan_id = $2 AND partner_id = $1",
                  Params().add(partner).add(plan));
  if (r.rows() == 0) return std::nullopt;
  return r.integer(0, 0);
}

std::vector<domain::Plan> plans_of(Connection& c, PartnerId partner) {
  auto r = c.exec(
      "SELECT plan_id, name, storage_bytes FROM plans WHERE partner_id = $1 ORDER BY plan_id",
      Params().add(partner));
  std::vector<domain::Plan> out;
  for (int row = 0; row < r.rows(); ++row)
    out.push_back({r.integer(row, 0), r.string(row, 1), r.integer(row, 2)});
  return out;
}

constexpr const char* kGroupColumns =
    "group_id, name, plan_id, webapi_enable, check_domain, device_policy";

domain::Group read_group(const Result& r, int row) {
  return {r.integer(row, 0), r.string(row, 1),  r.integer(row, 2),
          r.boolean(row, 3), r.boolean(row, 4), r.optional_integer(row, 5)};
}

const std::string kSelectGroupById =
    std::string("SELECT ") + kGroupColumns + " FROM groups WHERE partner_id = $1 AND group_id = $2";

std::optional<domain::Group> group_by_id(Connection& c, PartnerId partner, std::int64_t group) {
  auto r = c.exec(kSelectGroupById, Params().add(partner).add(group));
  if (r.rows() == 0) return std::nullopt;
  return read_group(r, 0);
}

// The partner's groups whose name contains `search` regardless of case, or all, by id.
std::vector<domain::Group> groups_of(Connection& c, PartnerId partner,
                                     const std::optional<std::string>& search) {
  Params params;
  std::string sql = std::string("SELECT ") + kGroupColumns +
                    " FROM groups WHERE partner_id = " + next_param(params, partner);
  if (search) sql += " AND " + folded_contains("name", next_needle(params, *search));
  auto r = c.exec(sql + " ORDER BY group_id", params);
  std::vector<domain::Group> out;
  for (int row = 0; row < r.rows(); ++row) out.push_back(read_group(r, row));
  return out;
}

// Throws Conflict unless `policy` is null or one of the partner's device policies.
void check_device_policy(Connection& c, PartnerId partner, std::optional<std::int64_t> policy) {
  if (!policy) return;
  auto r = c.exec("SELECT 1 FROM device_policies WHERE partner_id = $1 AND policy_id = $2",
                  Params().add(partner).add(*policy));
  if (r.rows() == 0) throw Conflict(Clash::unknown_device_policy);
}

// The partner's default group: its oldest (C.7).
std::int64_t default_group(Connection& c, PartnerId partner) {
  auto r = c.exec("SELECT group_id FROM groups WHERE partner_id = $1 ORDER BY group_id LIMIT 1",
                  Params().add(partner));
  if (r.rows() == 0) throw Conflict(Clash::no_default_group);
  return r.integer(0, 0);
}

// After a user gives up `email` (a new address, or deletion), the oldest user still flagged as
// clashing on it (EmailClash) becomes its holder if no one else holds it, so that the
// uniqueness rule covers that address again.
void release_email(Connection& c, PartnerId partner, const std::string& email) {
  c.exec(
      "UPDATE users SET email_clash = 0 WHERE avatar_id = (SELECT avatar_id FROM users "
      "WHERE partner_id = $1 AND lower(email) = lower($2::text COLLATE \"C\") AND "
      "email_clash <> 0 ORDER BY email_clash LIMIT 1) AND NOT EXISTS (SELECT 1 FROM users WHERE "
      "partner_id = $1 AND lower(email) = lower($2::text COLLATE \"C\") AND email_clash = 0)",
      Params().add(partner).add(email));
}

// A user row inserted, and the counter change it makes.
struct Inserted {
  std::int64_t avatar_id = 0;
  CounterDelta delta;
};

// Inserts one user row with its devices and shares. The single insert path for the API and for
// bulk loading (demo), so both obey one set of rules.
Inserted insert_user(Connection& c, PartnerId partner, const domain::NewUser& u,
                     std::int64_t storage_bytes) {
  Inserted inserted;
  inserted.avatar_id =
      c.exec(
           "INSERT INTO users (partner_id, username, name, email, group_id, plan_id, "
           "bonus_bytes, bytes_stored, enabled, creation_time, last_login, share_id, "
           "num_devices, num_shares, last_backup_complete, promo) VALUES ($1, $2, $3, $4, $5, "
           "$6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING avatar_id",
           Params()
               .add(partner)
               .add(u.username)
               .add(u.name)
               .add(u.email)
               .add(u.group_id)
               .add(u.plan_id)
               .add(u.bonus_bytes)
               .add(u.bytes_stored)
               .add(u.enabled)
               .add(u.creation_time)
               .add(u.last_login)
               .add(u.share_id)
               .add(std::int64_t(u.devices.size()))
               .add(std::int64_t(u.shares.size()))
               .add(last_backup_complete(u))
               .add(u.promo))
          .integer(0, 0);
  for (const auto& d : u.devices) {
    c.exec(
        "INSERT INTO devices (partner_id, avatar_id, name, client_revision, creation_time, "
        "last_login, last_backup_complete) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        Params()
            .add(partner)
            .add(inserted.avatar_id)
            .add(d.name)
            .add(d.client_revision)
            .add(d.creation_time)
            .add(d.last_login)
            .add(d.last_backup_complete));
  }
  for (const auto& s : u.shares) {
    c.exec(
        "INSERT INTO shares (avatar_id, room_key, partner_id, name, description, "
        "creation_time, update_time, enabled) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        Params()
            .add(inserted.avatar_id)
            .add(s.room_key)
            .add(partner)
            .add(s.name)
            .add(s.description)
            .add(s.creation_time)
            .add(s.update_time)
            .add(s.enabled));
  }
  inserted.delta = counters_added(u, storage_bytes);
  return inserted;
}

// A numbered username not yet used by the partner (for email_as_username partners).
std::string next_username(Connection& c, PartnerId partner) {
  for (;;) {
    auto bump = c.exec(
        "UPDATE partner_counters SET user_seq = user_seq + 1 WHERE partner_id = $1 "
        "RETURNING user_seq",
        Params().add(partner));
    if (bump.rows() == 0) throw std::runtime_error("partner has no counters");
    std::string candidate = "user-" + std::to_string(bump.integer(0, 0));
    auto taken = c.exec("SELECT 1 FROM users WHERE partner_id = $1 AND username = $2",
                        Params().add(partner).add(candidate));
    if (taken.rows() == 0) return candidate;
  }
}

// How a listing sorts and filters by a user field's column.
struct UserColumn {
  std::string sql;
  // A BOOLEAN, which SQLite stores as 0 or 1 (see flag_condition); a search_by condition on
  // another column compares it with its number as SQLite does: text as text (the number's
  // digits), as PostgreSQL then does too.
  bool flag = false;
  std::string number_type;  // the cast of the condition's parameter
  // SQLite sorts NULL before every value, PostgreSQL after: a column that may be NULL says
  // where (the indexes that sort by one say the same, migration 012).
  bool nullable = false;
};

template <typename T>
constexpr bool kNullable = false;
template <typename T>
constexpr bool kNullable<std::optional<T>> = true;

// Maps a user object field to the SQL that sorts or filters by it.
const std::unordered_map<std::string_view, UserColumn>& user_columns() {
  static const auto columns = [] {
    std::unordered_map<std::string_view, UserColumn> out;
    domain::for_each_user_field([&](const auto& field) {
      using T = std::remove_cvref_t<decltype(std::declval<domain::User&>().*(field.member))>;
      UserColumn column;
      column.sql = user_field_column(field.name);
      column.flag = std::is_same_v<T, bool>;
      if constexpr (!std::is_same_v<T, std::string> &&
                    !std::is_same_v<T, std::optional<std::string>>)
        column.number_type = "::bigint";
      column.nullable = kNullable<T>;
      out.emplace(field.name, std::move(column));
    });
    return out;
  }();
  return columns;
}

// A search_by condition on a flag, which SQLite compares as the 0 or 1 it stores: written as the
// flag's one value that passes it, on the column's own type, so that the index that sorts by
// the flag (migration 019) serves it; TRUE or FALSE when both values or neither pass.
std::string flag_condition(const std::string& column, const domain::UserCondition& condition,
                           Params& params) {
  auto passes = [&](std::int64_t stored) {
    if (condition.op == '<') return stored < condition.value;
    if (condition.op == '>') return stored > condition.value;
    return stored == condition.value;
  };
  if (passes(0) == passes(1)) return passes(1) ? "TRUE" : "FALSE";
  return column + " = " + next_param(params, passes(1));
}

// How a listing's search is written: checked in each user's row (none), narrowed by the trigram
// index first (user_search_narrowing), or checked in users_search_texts instead (texts_matching).
enum class Narrowing { none, trigram, texts };

// Whether users_search_texts (migration 023) can answer a search: a needle of text (LIKE takes no
// bytes) without the newline that joins the three texts there, so that no match spans two.
bool texts_can_answer(const Needle& needle) {
  return !needle.bytes && needle.folded.find('\n') == std::string::npos;
}

// The rows of users_search_texts, as `t`, of the partner in parameter `partner` whose texts
// hold `search` (one that texts_can_answer), its pattern appended to `params`. Both sides are
// lowered alike and compared byte for byte (COLLATE "C"), which for UTF-8 is strpos's answer.
std::string texts_matching(Params& params, const std::string& partner, std::string_view search) {
  return "users_search_texts t WHERE t.partner_id = " + partner + " AND t.texts LIKE " +
         next_param(params, containing_pattern(domain::fold_case(search)));
}

// The WHERE clause for `query`, its parameters appended to `params`.
std::string user_filters(PartnerId partner, const domain::UserQuery& query, Params& params,
                         Narrowing narrowing) {
  auto partner_param = next_param(params, partner);
  std::string where = " WHERE u.partner_id = " + partner_param;
  if (query.search && narrowing == Narrowing::texts) {
    where += " AND u.avatar_id IN (SELECT t.avatar_id FROM " +
             texts_matching(params, partner_param, *query.search) + ")";
  } else if (query.search) {
    auto needle = next_needle(params, *query.search);
    where += " AND (" + folded_contains("u.name", needle) + " OR " +
             folded_contains("u.username", needle) + " OR " + folded_contains("u.email", needle) +
             ")";
    if (narrowing == Narrowing::trigram) {
      if (auto narrowed = user_search_narrowing(params, needle)) where += " AND " + *narrowed;
    }
  }
  if (query.group_id) where += " AND u.group_id = " + next_param(params, *query.group_id);
  for (const auto& c : query.conditions) {
    auto column = user_columns().find(c.column);
    if (column == user_columns().end()) throw std::invalid_argument("unknown column " + c.column);
    if (c.op != '=' && c.op != '<' && c.op != '>') throw std::invalid_argument("unknown operator");
    if (column->second.flag) {
      where += " AND " + flag_condition(column->second.sql, c, params);
      continue;
    }
    where += " AND " + column->second.sql + " " + std::string(1, c.op) + " " +
             next_param(params, c.value) + column->second.number_type;
  }
  if (query.stopped_uploading) {
    auto now = domain::now_seconds();
    where += " AND u.last_backup_complete BETWEEN " +
             next_param(params, now - query.stopped_uploading->second) + " AND " +
             next_param(params, now - query.stopped_uploading->first);
  }
  return where;
}

// How a listing's statement is planned: a search's best plan depends on its text (see
// user_search_narrowing), so it is planned for its values on every run.
Planning planning_of(const domain::UserQuery& query) {
  return query.search ? Planning::each_run : Planning::once;
}

// Whether the search of `query`, if any, has a trigram narrowing.
bool narrowable(const domain::UserQuery& query) {
  Params scratch;
  return query.search && user_search_narrowing(scratch, next_needle(scratch, *query.search));
}
// Whether users_search_texts answers the search of `query`: only a search alone. A filter that
// selects few users (disabled ones, a small group) is read through its own index and checks
// only those users' texts, where reading the partner's whole range of the table costs more.
bool texts_answer(const domain::UserQuery& query) {
  Params scratch;
  return query.search && !query.filtered() && texts_can_answer(next_needle(scratch, *query.search));
}

// Matches the trigram index is read for at most, by the planner's estimate, when
// users_search_texts could answer instead: each user it lists is fetched from users and
// checked there (about 5.6 µs each at a million users), while the texts table is read whole in
// about 0.2 µs a user. At 20 thousand the index still answers in about 110 ms.
constexpr std::int64_t kMostFromTrigrams = 20'000;

// The planner's estimate of rows on one line of EXPLAIN's text ("... rows=N width=..."); none
// when the line has none.
std::optional<std::int64_t> estimated_rows(std::string_view line) {
  auto at = line.find(" rows=");
  if (at == std::string_view::npos) return std::nullopt;
  std::int64_t rows = 0;
  auto digits = line.substr(at + 6);
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), rows);
  if (error != std::errc()) return std::nullopt;
  return rows;
}

// The statement of a listing of users as `build` writes it (its parameters into `params`): with
// the trigram narrowing of its search only when PostgreSQL's plan of it reads the trigram
// index, which EXPLAIN tells for one more round trip. A plan that reads the partner's users
// anyway (for a search most of them match) would test each user twice, lowering its texts for
// both tests: 1.6 times as long at a million users. Otherwise, and when the index would list
// more than kMostFromTrigrams, a search alone is checked in users_search_texts when it can be,
// which is three to four times cheaper than lowering each user's texts.
template <typename Build>
std::string user_statement(Connection& c, const domain::UserQuery& query, Params& params,
                           const Build& build) {
  const bool texts = texts_answer(query);
  if (narrowable(query)) {
    Params narrowed_params;
    auto narrowed = build(narrowed_params, Narrowing::trigram);
    auto plan = c.exec("EXPLAIN " + narrowed, narrowed_params, Planning::each_run);
    for (int row = 0; row < plan.rows(); ++row) {
      auto line = plan.text(row, 0);
      if (line.find(" users_search_trigrams") == std::string_view::npos) continue;
      if (texts && estimated_rows(line).value_or(0) > kMostFromTrigrams) break;
      params = std::move(narrowed_params);
      return narrowed;
    }
  }
  return build(params, texts ? Narrowing::texts : Narrowing::none);
}

// The users `query` selects, in its order, with neither limit nor offset; its parameters
// appended to `params`.
std::string select_users(PartnerId partner, const domain::UserQuery& query, Params& params,
                         Narrowing narrowing) {
  auto column = user_columns().find(query.order_by);
  if (column == user_columns().end()) throw std::invalid_argument("unknown order_by");
  const char* direction = query.descending ? " DESC" : "";
  const char* nulls =
      !column->second.nullable ? "" : (query.descending ? " NULLS LAST" : " NULLS FIRST");
  return "SELECT " + kUserColumns + " FROM users u" + std::string(kJoinUserPlans) +
         user_filters(partner, query, params, narrowing) + " ORDER BY " + column->second.sql +
         direction + nulls + ", u.avatar_id" + direction;
}

// The query's offset as SQLite takes one: a negative offset skips nothing.
std::int64_t offset_of(const domain::UserQuery& query) {
  return std::max<std::int64_t>(query.offset, 0);
}

// Puts every member of `from` into group `to` on plan `plan` (a group's plan change, or a move
// before deletion), checking bytes_available and returning the allocation change.
CounterDelta move_members(Connection& c, PartnerId partner, std::int64_t from, std::int64_t to,
                          std::int64_t plan, std::int64_t plan_storage) {
  auto r = c.exec(
      "SELECT p.storage_bytes, count(*) FROM users u JOIN plans p ON p.plan_id = u.plan_id "
      "WHERE u.partner_id = $1 AND u.group_id = $2 GROUP BY p.plan_id",
      Params().add(partner).add(from));
  CounterDelta delta;
  for (int row = 0; row < r.rows(); ++row)
    delta.bytes_allocated += (domain::Int128(plan_storage) - r.integer(row, 0)) * r.integer(row, 1);
  check_allocation(c, partner, delta.bytes_allocated);
  c.exec("UPDATE users SET group_id = $3, plan_id = $4 WHERE partner_id = $1 AND group_id = $2",
         Params().add(partner).add(from).add(to).add(plan));
  return delta;
}

// The rows of a user_cursor fetched at most this many per statement: FETCH takes a count in its
// text, and this keeps the texts (each prepared once per connection) few.
constexpr std::size_t kFetchRows = 10'000;

// One server-side cursor over the whole list, in a REPEATABLE READ READ ONLY transaction on a
// connection of its own, fetched a page at a time: unlike paging with OFFSET, no page re-reads
// the rows before it, and every page sees the state of the database when DECLARE ran.
class PgUserCursor final : public Cursor<domain::User> {
 public:
  PgUserCursor(Pool::Lease lease, PartnerId partner, const domain::UserQuery& query)
      : lease_(std::move(lease)), partner_(partner) {
    std::exception_ptr failure;
    try {
      lease_->script("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      Params params;
      auto select = user_statement(*lease_, query, params, [&](Params& p, Narrowing narrowing) {
        auto sql = select_users(partner, query, p, narrowing);
        return sql + " OFFSET " + next_param(p, offset_of(query));
      });
      lease_->exec("DECLARE user_rows NO SCROLL CURSOR FOR " + select, params, planning_of(query));
      return;
    } catch (...) {
      failure = std::current_exception();
    }
    // Outside the handler: the rollback may suspend this fiber (see transact()).
    rollback_quietly(*lease_);
    std::rethrow_exception(failure);
  }

  // Ends the transaction; a connection that cannot is still in one (or broken), and the pool
  // closes it instead of taking it back.
  ~PgUserCursor() override { rollback_quietly(*lease_); }

  std::vector<domain::User> next_page(std::size_t rows) override {
    std::vector<domain::User> page;
    if (done_) return page;
    page.reserve(std::min(rows, kFetchRows));
    while (page.size() < rows && !done_) {
      auto count = std::min(rows - page.size(), kFetchRows);
      auto r = lease_->exec("FETCH FORWARD " + std::to_string(count) + " FROM user_rows");
      for (int row = 0; row < r.rows(); ++row) page.push_back(read_user(r, row));
      if (std::size_t(r.rows()) < count) done_ = true;
    }
    add_share_rooms(*lease_, partner_, page);
    return page;
  }

 private:
  Pool::Lease lease_;
  PartnerId partner_;
  bool done_ = false;
};

}  // namespace

std::int64_t PgDirectory::create_plan(PartnerId partner, const std::string& name,
                                      std::int64_t storage_bytes) {
  return backend_.write(partner, [&](Connection& c) {
    return unique_or_conflict(Object::plan, [&] {
      return c
          .exec(
              "INSERT INTO plans (partner_id, name, storage_bytes) VALUES ($1, $2, $3) "
              "RETURNING plan_id",
              Params().add(partner).add(name).add(storage_bytes))
          .integer(0, 0);
    });
  });
}

std::vector<domain::Plan> PgDirectory::plans(PartnerId partner) {
  return backend_.read([&](Connection& c) { return plans_of(c, partner); });
}

std::int64_t PgDirectory::create_group(PartnerId partner, const domain::Group& g) {
  return backend_.write(partner, [&](Connection& c) {
    if (!plan_bytes(c, partner, g.plan_id)) throw Conflict(Clash::unknown_plan);
    check_device_policy(c, partner, g.device_policy);
    return unique_or_conflict(Object::group, [&] {
      return c
          .exec(
              "INSERT INTO groups (partner_id, name, plan_id, webapi_enable, check_domain, "
              "device_policy) VALUES ($1, $2, $3, $4, $5, $6) RETURNING group_id",
              Params()
                  .add(partner)
                  .add(g.name)
                  .add(g.plan_id)
                  .add(g.webapi_enable)
                  .add(g.check_domain)
                  .add(g.device_policy))
          .integer(0, 0);
    });
  });
}

std::vector<domain::Group> PgDirectory::groups(PartnerId partner,
                                               const std::optional<std::string>& search) {
  return backend_.read([&](Connection& c) { return groups_of(c, partner, search); });
}

std::optional<domain::Group> PgDirectory::group(PartnerId partner, std::int64_t group_id) {
  return backend_.read([&](Connection& c) { return group_by_id(c, partner, group_id); });
}

domain::Group PgDirectory::update_group(PartnerId partner, std::int64_t group_id,
                                        const domain::GroupPatch& patch, bool allow_over_plan) {
  return backend_.write(partner, [&](Connection& c) {
    auto group = group_by_id(c, partner, group_id);
    if (!group) throw NotFound(Object::group);
    if (patch.plan_id && *patch.plan_id != group->plan_id) {
      auto bytes = plan_bytes(c, partner, *patch.plan_id);
      if (!bytes) throw Conflict(Clash::unknown_plan);
      if (!allow_over_plan) {
        // NUMERIC: where SQLite's sum would pass 64 bits it turns REAL, and compares the same.
        auto count = c.exec(
                          "SELECT count(*) FROM users WHERE partner_id = $1 AND group_id = $2 "
                          "AND bytes_stored > $3::numeric + bonus_bytes",
                          Params().add(partner).add(group_id).add(*bytes))
                         .integer(0, 0);
        if (count > 0) throw Conflict(Clash::members_over_plan, count);
      }
      apply(c, partner, move_members(c, partner, group_id, group_id, *patch.plan_id, *bytes));
      group->plan_id = *patch.plan_id;
    }
    if (patch.name) group->name = *patch.name;
    if (patch.webapi_enable) group->webapi_enable = *patch.webapi_enable;
    if (patch.check_domain) group->check_domain = *patch.check_domain;
    if (patch.device_policy) {
      check_device_policy(c, partner, *patch.device_policy);
      group->device_policy = *patch.device_policy;
    }
    unique_or_conflict(Object::group, [&] {
      c.exec(
          "UPDATE groups SET name = $3, plan_id = $4, webapi_enable = $5, check_domain = $6, "
          "device_policy = $7 WHERE partner_id = $1 AND group_id = $2",
          Params()
              .add(partner)
              .add(group_id)
              .add(group->name)
              .add(group->plan_id)
              .add(group->webapi_enable)
              .add(group->check_domain)
              .add(group->device_policy));
    });
    return *group;
  });
}

void PgDirectory::delete_group(PartnerId partner, std::int64_t group_id,
                               std::optional<std::int64_t> move_members_to) {
  backend_.write(partner, [&](Connection& c) {
    if (!group_by_id(c, partner, group_id)) throw NotFound(Object::group);
    auto count = c.exec("SELECT count(*) FROM users WHERE partner_id = $1 AND group_id = $2",
                        Params().add(partner).add(group_id))
                     .integer(0, 0);
    if (move_members_to) {
      auto target = group_by_id(c, partner, *move_members_to);
      if (!target || *move_members_to == group_id) throw Conflict(Clash::unknown_move_target);
      auto bytes = plan_bytes(c, partner, target->plan_id);
      apply(c, partner,
            move_members(c, partner, group_id, *move_members_to, target->plan_id, *bytes));
    } else if (count > 0) {
      throw Conflict(Clash::group_has_members, count);
    }
    c.exec("DELETE FROM groups WHERE partner_id = $1 AND group_id = $2",
           Params().add(partner).add(group_id));
  });
}

domain::User PgDirectory::create_user(PartnerId partner, const domain::UserCreate& user) {
  return backend_.write(partner, [&](Connection& c) {
    auto group =
        group_by_id(c, partner, user.group_id ? *user.group_id : default_group(c, partner));
    if (!group) throw Conflict(Clash::unknown_group);
    std::int64_t plan = user.plan_id.value_or(group->plan_id);
    auto bytes = plan_bytes(c, partner, plan);
    if (!bytes) throw Conflict(Clash::unknown_plan);
    check_allocation(c, partner, domain::Int128(*bytes) + user.bonus_bytes);
    auto row = new_user_row(user, user.username.empty() ? next_username(c, partner) : user.username,
                            *group, plan);
    auto inserted =
        unique_or_conflict(Object::user, [&] { return insert_user(c, partner, row, *bytes); });
    c.exec("UPDATE users SET password_bcrypt = $2 WHERE avatar_id = $1",
           Params().add(inserted.avatar_id).add(user.password_bcrypt));
    apply(c, partner, inserted.delta);
    return require_user(c, partner, inserted.avatar_id);
  });
}

std::optional<std::string> PgDirectory::taken_user_field(PartnerId partner,
                                                         std::string_view username,
                                                         std::string_view email) {
  return backend_.read([&](Connection& c) -> std::optional<std::string> {
    // The same tests as the unique indexes on (partner_id, username) and
    // (partner_id, lower(email), email_clash), which a new user's row (email_clash 0) must pass.
    auto exists = [&](const char* sql, std::string_view value) {
      return storable(value) && c.exec(sql, Params().add(partner).add(value)).rows() > 0;
    };
    if (!username.empty() &&
        exists("SELECT 1 FROM users WHERE partner_id = $1 AND username = $2", username))
      return "username";
    if (exists("SELECT 1 FROM users WHERE partner_id = $1 AND lower(email) = "
               "lower($2::text COLLATE \"C\") AND email_clash = 0",
               email))
      return "email";
    return std::nullopt;
  });
}

std::optional<domain::User> PgDirectory::find_user(PartnerId partner, std::string_view key) {
  if (!storable(key)) return std::nullopt;
  return backend_.read([&](Connection& c) -> std::optional<domain::User> {
    auto r = c.exec(kSelectUserByKey, Params().add(partner).add(key));
    if (r.rows() == 0) return std::nullopt;
    return read_user_with_rooms(r);
  });
}

// The page is read whole, in one round trip for the users and one for their share rooms, and
// only then visited: the read may run again (a retried transaction), a visit must not.
void PgDirectory::visit_users(PartnerId partner, const domain::UserQuery& query,
                              const std::function<void(const domain::User& user)>& visit) {
  // No LIMIT (NULL) when the query has none, or a negative one, as SQLite takes LIMIT -1.
  auto limit_of = [](const domain::UserQuery& q) {
    return q.limit && *q.limit >= 0 ? q.limit : std::nullopt;
  };
  UserPageRead page_read(backend_, query, pages_from_the_end_past_,
                         [&] { return count_users(partner, query); });
  const auto& walked = page_read.walked();
  auto page = [&](Params& params, Narrowing narrowing) {
    auto sql = select_users(partner, walked, params, narrowing);
    sql += " LIMIT " + next_param(params, limit_of(walked));
    return sql + " OFFSET " + next_param(params, offset_of(walked));
  };
  auto users = backend_.read([&](Connection& c) {
    Params params;
    auto sql = user_statement(c, walked, params, page);
    auto out = read_users(c.exec(sql, params, planning_of(walked)));
    add_share_rooms(c, partner, out);
    return out;
  });
  page_read.put_in_order(users);
  for (const auto& user : users) visit(user);
}

std::unique_ptr<Cursor<domain::User>> PgDirectory::user_cursor(PartnerId partner,
                                                               const domain::UserQuery& query) {
  return std::make_unique<PgUserCursor>(backend_.pool().acquire(), partner, query);
}

std::int64_t PgDirectory::count_users(PartnerId partner, const domain::UserQuery& query) {
  auto count = [&](Params& params, Narrowing narrowing) {
    // A search alone is counted in users_search_texts, without reading users at all.
    if (narrowing == Narrowing::texts) {
      auto partner_param = next_param(params, partner);
      return "SELECT count(*) FROM " + texts_matching(params, partner_param, *query.search);
    }
    std::string sql = "SELECT count(*) FROM users u";
    if (user_count_reads_plans(query)) sql += kJoinUserPlans;
    return sql + user_filters(partner, query, params, narrowing);
  };
  return backend_.read([&](Connection& c) {
    Params params;
    auto sql = user_statement(c, query, params, count);
    return c.exec(sql, params, planning_of(query)).integer(0, 0);
  });
}

domain::User PgDirectory::update_user(PartnerId partner, std::int64_t avatar_id,
                                      const domain::UserPatch& patch) {
  return backend_.write(partner, [&](Connection& c) {
    auto user = require_user(c, partner, avatar_id);
    const std::string old_email = user.email;
    CounterDelta delta;
    delta.bytes_allocated = apply_user_patch(
        user, patch, [&](std::int64_t group) { return group_by_id(c, partner, group); },
        [&](std::int64_t plan) { return plan_bytes(c, partner, plan); });
    check_allocation(c, partner, delta.bytes_allocated);
    unique_or_conflict(Object::user, [&] {
      c.exec(
          "UPDATE users SET name = $3, email = $4, group_id = $5, plan_id = $6, "
          "bonus_bytes = $7, enabled = $8, purgehold_active = $9, "
          "email_clash = CASE WHEN email = $4 THEN email_clash ELSE 0 END "
          "WHERE partner_id = $1 AND avatar_id = $2",
          Params()
              .add(partner)
              .add(avatar_id)
              .add(user.name)
              .add(user.email)
              .add(user.group_id)
              .add(user.plan_id)
              .add(user.bonus_bytes)
              .add(user.enabled)
              .add(user.purgehold_active));
    });
    if (user.email != old_email) release_email(c, partner, old_email);
    apply(c, partner, delta);
    return user;
  });
}

void PgDirectory::delete_user(PartnerId partner, std::int64_t avatar_id) {
  backend_.write(partner, [&](Connection& c) {
    auto user = require_user(c, partner, avatar_id);
    for (const char* sql : {"DELETE FROM devices WHERE partner_id = $1 AND avatar_id = $2",
                            "DELETE FROM shares WHERE partner_id = $1 AND avatar_id = $2",
                            "DELETE FROM users WHERE partner_id = $1 AND avatar_id = $2"}) {
      c.exec(sql, Params().add(partner).add(avatar_id));
    }
    release_email(c, partner, user.email);
    apply(c, partner, counters_removed(user));
  });
}

void PgDirectory::queue_activation_email(PartnerId partner, std::int64_t avatar_id,
                                         const std::optional<std::string>& template_name,
                                         const std::optional<std::string>& reg_code) {
  backend_.write(partner, [&](Connection& c) {
    auto user = require_user(c, partner, avatar_id);
    c.exec(
        "INSERT INTO activation_emails (partner_id, avatar_id, email, template_name, queued_at, "
        "reg_code) VALUES ($1, $2, $3, $4, $5, $6)",
        Params()
            .add(partner)
            .add(avatar_id)
            .add(user.email)
            .add(template_name)
            .add(domain::now_seconds())
            .add(reg_code));
  });
}

std::vector<domain::ActivationEmail> PgDirectory::activation_emails(
    std::optional<PartnerId> partner) {
  return backend_.read([&](Connection& c) {
    auto r = c.exec(
        "SELECT e.email_id, p.username, coalesce(u.username, ''), e.email, e.template_name, "
        "e.queued_at, e.reg_code FROM activation_emails e JOIN partners p ON p.partner_id = "
        "e.partner_id LEFT JOIN users u ON u.avatar_id = e.avatar_id "
        "WHERE $1::bigint IS NULL OR e.partner_id = $1::bigint ORDER BY e.email_id",
        Params().add(partner));
    std::vector<domain::ActivationEmail> out;
    for (int row = 0; row < r.rows(); ++row)
      out.push_back({r.integer(row, 0), r.string(row, 1), r.string(row, 2), r.string(row, 3),
                     r.optional_string(row, 4), r.integer(row, 5), r.optional_string(row, 6)});
    return out;
  });
}

std::vector<domain::EmailClash> PgDirectory::email_clashes() {
  return backend_.read([&](Connection& c) {
    // The first flagged user of each address (a partial index holds only flagged users), with
    // every user of its partner whose email folds to the same; each step is an index search.
    auto r = c.exec(
        "SELECT p.username, lower(f.email), u.username, u.email FROM users f "
        "JOIN partners p ON p.partner_id = f.partner_id "
        "JOIN users u ON u.partner_id = f.partner_id AND lower(u.email) = lower(f.email) "
        "WHERE f.email_clash <> 0 AND NOT EXISTS (SELECT 1 FROM users g "
        "WHERE g.partner_id = f.partner_id AND lower(g.email) = lower(f.email) AND "
        "g.email_clash <> 0 AND g.email_clash < f.email_clash) "
        "ORDER BY p.username, lower(f.email), u.avatar_id");
    std::vector<domain::EmailClash> out;
    std::string key;
    for (int row = 0; row < r.rows(); ++row) {
      auto folded = r.string(row, 1);
      if (out.empty() || out.back().partner_username != r.text(row, 0) || key != folded) {
        out.push_back({r.string(row, 0), {}});
        key = folded;
      }
      out.back().users.push_back({r.string(row, 2), r.string(row, 3)});
    }
    std::erase_if(out, [](const domain::EmailClash& clash) { return clash.users.size() < 2; });
    return out;
  });
}

void PgDirectory::insert_users(PartnerId partner, std::span<const domain::NewUser> users) {
  backend_.write(partner, [&](Connection& c) {
    std::unordered_map<std::int64_t, std::int64_t> storage;
    for (const auto& plan : plans_of(c, partner)) storage[plan.plan_id] = plan.storage_bytes;
    std::unordered_map<std::int64_t, bool> known_group;
    for (const auto& group : groups_of(c, partner, std::nullopt))
      known_group[group.group_id] = true;
    CounterDelta delta;
    for (const auto& u : users) {
      auto plan = storage.find(u.plan_id);
      if (plan == storage.end()) throw Conflict(Clash::unknown_plan);
      if (!known_group.contains(u.group_id)) throw Conflict(Clash::unknown_group);
      delta += unique_or_conflict(Object::user,
                                  [&] { return insert_user(c, partner, u, plan->second).delta; });
    }
    check_allocation(c, partner, delta.bytes_allocated);
    apply(c, partner, delta);
  });
}

}  // namespace accountsd::store::postgres
