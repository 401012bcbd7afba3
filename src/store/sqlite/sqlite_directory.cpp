// SqliteDirectory: plans, groups and users (Part B), with quota counters kept in each transaction.
#include <algorithm>
#include <span>
#include <unordered_map>
#include <vector>

#include "domain/clock.hpp"
#include "domain/user_fields.hpp"
#include "store/directory_rules.hpp"
#include "store/sql_text.hpp"
#include "store/sqlite/counters.hpp"
#include "store/sqlite/sqlite_directory.hpp"
#include "store/sqlite/user_search.hpp"
#include "store/sqlite/write_transaction.hpp"
#include "store/user_page_read.hpp"

namespace accountsd::store::sqlite {
namespace {

// Every user field's column, in kUserFields' order: what read_user reads.
const std::string kUserColumns = user_select_columns();

void read_column(const Statement& q, int column, std::int64_t& value) {
  value = q.integer(column);
}
void read_column(const Statement& q, int column, bool& value) {
  value = q.integer(column) != 0;
}
// Text is assigned, not constructed: a user read into the same object row after row reuses
// its strings' memory.
void read_column(const Statement& q, int column, std::string& value) {
  value.assign(q.text_view(column));
}
void read_column(const Statement& q, int column, std::optional<std::int64_t>& value) {
  value = q.optional_integer(column);
}
void read_column(const Statement& q, int column, std::optional<std::string>& value) {
  if (q.is_null(column))
    value.reset();
  else if (value)
    value->assign(q.text_view(column));
  else
    value.emplace(q.text_view(column));
}

// Reads a row that starts with kUserColumns into `u`, reusing its strings' memory.
void read_user_row(const Statement& q, domain::User& u) {
  int column = 0;
  domain::for_each_user_field(
      [&](const auto& field) { read_column(q, column++, u.*field.member); });
  u.share_rooms.clear();
}

// Fills in share_rooms (C.6) with one read of the shares primary key for the whole page: one
// statement, where a statement per user with shares cost a fifth of a page's time.
void add_share_rooms(Connection& db, PartnerId partner, std::span<domain::User> users) {
  auto sharing = users_with_shares(users);
  if (sharing.by_avatar.empty()) return;
  auto& q = db.prepared(
      "SELECT avatar_id, room_key FROM shares WHERE avatar_id IN (SELECT value FROM "
      "json_each(?2)) AND partner_id = ?1 ORDER BY avatar_id, room_key");
  q.bind(1, partner).bind(2, "[" + sharing.ids + "]");
  while (q.step()) sharing.by_avatar.at(q.integer(0))->share_rooms.emplace_back(q.text_view(1));
}

// One user and its share_rooms.
void read_user(Connection& db, PartnerId partner, const Statement& q, domain::User& u) {
  read_user_row(q, u);
  add_share_rooms(db, partner, std::span(&u, 1));
}

const std::string kSelectUserById = "SELECT " + kUserColumns +
                                    " FROM users u JOIN plans p ON p.plan_id = u.plan_id "
                                    "WHERE u.partner_id = ?1 AND u.avatar_id = ?2";
// A username match wins over an email match: each arm is one unique-index lookup, and the
// second runs only when the first found nothing (LIMIT 1). Emails match regardless of letter
// case (C.7) through users_unique_email. Every address in use has exactly one holder with
// email_clash = 0 (release_email keeps it so), and only it is found by email: users flagged
// as clashing with it (EmailClash) are found by username.
const std::string kSelectUserByKey =
    "SELECT " + kUserColumns +
    " FROM users u JOIN plans p ON p.plan_id = u.plan_id WHERE u.partner_id = ?1 AND "
    "u.username = ?2 UNION ALL SELECT " +
    kUserColumns +
    " FROM users u JOIN plans p ON p.plan_id = u.plan_id WHERE u.partner_id = ?1 AND "
    "lower(u.email) = lower(?2) AND u.email_clash = 0 LIMIT 1";

std::optional<domain::User> user_by_id(Connection& db, PartnerId partner, std::int64_t avatar) {
  auto& q = db.prepared(kSelectUserById.c_str());
  q.bind(1, partner).bind(2, avatar);
  if (!q.step()) return std::nullopt;
  domain::User user;
  read_user(db, partner, q, user);
  q.reset();
  return user;
}

domain::User require_user(Connection& db, PartnerId partner, std::int64_t avatar) {
  auto user = user_by_id(db, partner, avatar);
  if (!user) throw NotFound(Object::user);
  return *user;
}

// The plan's storage_bytes, when the plan belongs to the partner.
std::optional<std::int64_t> plan_bytes(Connection& db, PartnerId partner, std::int64_t plan) {
  auto& q = db.prepared("SELECT storage_bytes FROM plans WHERE plan_id = ?2 AND partner_id = ?1");
  q.bind(1, partner).bind(2, plan);
  if (!q.step()) return std::nullopt;
  auto bytes = q.integer(0);
  q.reset();
  return bytes;
}

constexpr const char* kGroupColumns =
    "group_id, name, plan_id, webapi_enable, check_domain, device_policy";

domain::Group read_group(const Statement& q) {
  return {q.integer(0),      q.text(1),         q.integer(2),
          q.integer(3) != 0, q.integer(4) != 0, q.optional_integer(5)};
}

const std::string kSelectGroupById =
    std::string("SELECT ") + kGroupColumns + " FROM groups WHERE partner_id = ?1 AND group_id = ?2";

std::optional<domain::Group> group_by_id(Connection& db, PartnerId partner, std::int64_t group) {
  auto& q = db.prepared(kSelectGroupById.c_str());
  q.bind(1, partner).bind(2, group);
  if (!q.step()) return std::nullopt;
  auto g = read_group(q);
  q.reset();
  return g;
}

// Throws Conflict unless `policy` is null or one of the partner's device policies.
void check_device_policy(Connection& db, PartnerId partner, std::optional<std::int64_t> policy) {
  if (!policy) return;
  auto& q = db.prepared("SELECT 1 FROM device_policies WHERE partner_id = ?1 AND policy_id = ?2");
  q.bind(1, partner).bind(2, *policy);
  bool found = q.step();
  q.reset();
  if (!found) throw Conflict(Clash::unknown_device_policy);
}

// The partner's default group: its oldest (C.7).
std::int64_t default_group(Connection& db, PartnerId partner) {
  auto& q =
      db.prepared("SELECT group_id FROM groups WHERE partner_id = ?1 ORDER BY group_id LIMIT 1");
  q.bind(1, partner);
  if (!q.step()) throw Conflict(Clash::no_default_group);
  auto id = q.integer(0);
  q.reset();
  return id;
}

// After a user gives up `email` (a new address, or deletion), the oldest user still flagged as
// clashing on it (EmailClash) becomes its holder if no one else holds it, so that the
// uniqueness rule covers that address again.
void release_email(Connection& db, PartnerId partner, const std::string& email) {
  db.prepared(
        "UPDATE users SET email_clash = 0 WHERE avatar_id = (SELECT avatar_id FROM users "
        "WHERE partner_id = ?1 AND lower(email) = lower(?2) AND email_clash <> 0 "
        "ORDER BY email_clash LIMIT 1) AND NOT EXISTS (SELECT 1 FROM users WHERE "
        "partner_id = ?1 AND lower(email) = lower(?2) AND email_clash = 0)")
      .bind(1, partner)
      .bind(2, email)
      .run();
}

// Inserts one user row with its devices and shares; returns the counter change it makes.
// The single insert path for the API and for bulk loading (demo), so both obey one set of rules.
CounterDelta insert_user(Connection& db, PartnerId partner, const domain::NewUser& u,
                         std::int64_t storage_bytes, std::int64_t* avatar_out = nullptr) {
  db.prepared(
        "INSERT INTO users (partner_id, username, name, email, group_id, plan_id, bonus_bytes, "
        "bytes_stored, enabled, creation_time, last_login, share_id, num_devices, num_shares, "
        "last_backup_complete, promo) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)")
      .bind(1, partner)
      .bind(2, u.username)
      .bind(3, u.name)
      .bind(4, u.email)
      .bind(5, u.group_id)
      .bind(6, u.plan_id)
      .bind(7, u.bonus_bytes)
      .bind(8, u.bytes_stored)
      .bind(9, u.enabled)
      .bind(10, u.creation_time)
      .bind(11, u.last_login)
      .bind(12, u.share_id)
      .bind(13, std::int64_t(u.devices.size()))
      .bind(14, std::int64_t(u.shares.size()))
      .bind(15, last_backup_complete(u))
      .bind(16, u.promo)
      .run();
  std::int64_t avatar = db.last_insert_id();
  if (avatar_out) *avatar_out = avatar;
  for (const auto& d : u.devices) {
    db.prepared(
          "INSERT INTO devices (partner_id, avatar_id, name, client_revision, creation_time, "
          "last_login, last_backup_complete) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
        .bind(1, partner)
        .bind(2, avatar)
        .bind(3, d.name)
        .bind(4, d.client_revision)
        .bind(5, d.creation_time)
        .bind(6, d.last_login)
        .bind(7, d.last_backup_complete)
        .run();
  }
  for (const auto& s : u.shares) {
    db.prepared(
          "INSERT INTO shares (avatar_id, room_key, partner_id, name, description, "
          "creation_time, update_time, enabled) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
        .bind(1, avatar)
        .bind(2, s.room_key)
        .bind(3, partner)
        .bind(4, s.name)
        .bind(5, s.description)
        .bind(6, s.creation_time)
        .bind(7, s.update_time)
        .bind(8, s.enabled)
        .run();
  }
  return counters_added(u, storage_bytes);
}

// A numbered username not yet used by the partner (for email_as_username partners).
std::string next_username(Connection& db, PartnerId partner) {
  for (;;) {
    auto& bump = db.prepared(
        "UPDATE partner_counters SET user_seq = user_seq + 1 WHERE partner_id = ?1 "
        "RETURNING user_seq");
    bump.bind(1, partner);
    bump.step();
    std::string candidate = "user-" + std::to_string(bump.integer(0));
    bump.reset();
    auto& taken = db.prepared("SELECT 1 FROM users WHERE partner_id = ?1 AND username = ?2");
    taken.bind(1, partner).bind(2, candidate);
    bool used = taken.step();
    taken.reset();
    if (!used) return candidate;
  }
}

// The search part of `query`, planned on `db` (user_search.hpp): through the index when it lists
// fewer than `most_listed` users, listing its matches first when `list`; none without a search.
std::optional<UserSearch> plan_search(Connection& db, PartnerId partner,
                                      const domain::UserQuery& query, std::int64_t most_listed,
                                      bool list) {
  if (!query.search) return std::nullopt;
  return plan_user_search(db, partner, *query.search, most_listed, list);
}

// The FROM clause of users for `search`, with their plans joined when `plans`. When the index or
// the list of matches narrows the search, CROSS JOIN makes the users they name the outer loop:
// SQLite would otherwise walk the partner's users in the page's order, checking each, which
// reads them all for a rare search. `by_rows`: otherwise, walk the partner's users in the order
// of their rows (users_by_partner) rather than through whichever index SQLite picks.
std::string user_source(const std::optional<UserSearch>& search, bool plans, bool by_rows = false) {
  std::string from = search && search->index_query
                         ? " FROM users_search s CROSS JOIN users u ON u.avatar_id = s.rowid"
                     : search && search->listed
                         ? " FROM json_each(?) j CROSS JOIN users u ON u.avatar_id = j.value"
                     : by_rows ? " FROM users u INDEXED BY users_by_partner"
                               : " FROM users u";
  if (plans) from += kJoinUserPlans;
  return from;
}

// How a filter reaches SQLite's planner: a count walks the index of the column it filters by, a
// page the index of its order. SQLite has no statistics of how many users a stopped-uploading
// range holds; offered users_by_last_backup for a page, it read every user in the range and
// sorted them (2.9 s at a million, where most had stopped), so a page's range is written
// +column, which no index serves, and the page walks its order, stopping at the page's end.
enum class FilterUse { count, page };

// The WHERE clause for `query`; parameters are bound by bind_filters in the same order, after
// user_source's.
std::string user_filters(const domain::UserQuery& query, const std::optional<UserSearch>& search,
                         FilterUse use) {
  std::string where = " WHERE u.partner_id = ?";
  if (search) {
    if (search->index_query) where += " AND s.users_search MATCH ?";
    where +=
        " AND (instr(fold(u.name), ?) > 0 OR instr(fold(u.username), ?) > 0 OR "
        "instr(fold(u.email), ?) > 0)";
  }
  if (query.group_id) where += " AND u.group_id = ?";
  for (const auto& c : query.conditions) {
    auto column = user_field_column(c.column);
    if (column.empty()) throw std::invalid_argument("unknown column " + c.column);
    where += " AND " + column + " " + std::string(1, c.op) + " ?";
  }
  if (query.stopped_uploading) {
    where += use == FilterUse::page ? " AND +u.last_backup_complete BETWEEN ? AND ?"
                                    : " AND u.last_backup_complete BETWEEN ? AND ?";
  }
  return where;
}

void bind_filters(Statement& q, PartnerId partner, const domain::UserQuery& query,
                  const std::optional<UserSearch>& search, int& index) {
  if (search && search->listed) q.bind(index++, *search->listed);  // user_source's
  q.bind(index++, partner);
  if (search) {
    if (search->index_query) q.bind(index++, *search->index_query);
    for (int i = 0; i < 3; ++i) q.bind(index++, search->needle);
  }
  if (query.group_id) q.bind(index++, *query.group_id);
  for (const auto& c : query.conditions) q.bind(index++, c.value);
  if (query.stopped_uploading) {
    auto now = domain::now_seconds();
    q.bind(index++, now - query.stopped_uploading->second);
    q.bind(index++, now - query.stopped_uploading->first);
  }
}

// Puts every member of `from` into group `to` on plan `plan` (a group's plan change, or a move
// before deletion), checking bytes_available and returning the allocation change.
CounterDelta move_members(Connection& db, PartnerId partner, std::int64_t from, std::int64_t to,
                          std::int64_t plan, std::int64_t plan_storage) {
  auto& q = db.prepared(
      "SELECT p.storage_bytes, count(*) FROM users u JOIN plans p ON p.plan_id = u.plan_id "
      "WHERE u.partner_id = ?1 AND u.group_id = ?2 GROUP BY u.plan_id");
  q.bind(1, partner).bind(2, from);
  CounterDelta delta;
  while (q.step())
    delta.bytes_allocated += (domain::Int128(plan_storage) - q.integer(0)) * q.integer(1);
  check_allocation(db, partner, delta.bytes_allocated);
  db.prepared(
        "UPDATE users SET group_id = ?3, plan_id = ?4 WHERE partner_id = ?1 AND group_id = ?2")
      .bind(1, partner)
      .bind(2, from)
      .bind(3, to)
      .bind(4, plan)
      .run();
  return delta;
}

}  // namespace

std::int64_t SqliteDirectory::create_plan(PartnerId partner, const std::string& name,
                                          std::int64_t storage_bytes) {
  WriteTransaction txn(backend_);
  auto& db = txn.db();
  unique_or_conflict(Object::plan, [&] {
    db.prepared("INSERT INTO plans (partner_id, name, storage_bytes) VALUES (?1, ?2, ?3)")
        .bind(1, partner)
        .bind(2, name)
        .bind(3, storage_bytes)
        .run();
  });
  auto id = db.last_insert_id();
  txn.commit();
  return id;
}

std::vector<domain::Plan> SqliteDirectory::plans(PartnerId partner) {
  auto& q = db().prepared(
      "SELECT plan_id, name, storage_bytes FROM plans WHERE partner_id = ?1 ORDER BY plan_id");
  q.bind(1, partner);
  std::vector<domain::Plan> out;
  while (q.step()) out.push_back({q.integer(0), q.text(1), q.integer(2)});
  return out;
}

std::int64_t SqliteDirectory::create_group(PartnerId partner, const domain::Group& g) {
  WriteTransaction txn(backend_);
  auto& db = txn.db();
  if (!plan_bytes(db, partner, g.plan_id)) throw Conflict(Clash::unknown_plan);
  check_device_policy(db, partner, g.device_policy);
  unique_or_conflict(Object::group, [&] {
    db.prepared(
          "INSERT INTO groups (partner_id, name, plan_id, webapi_enable, check_domain, "
          "device_policy) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .bind(1, partner)
        .bind(2, g.name)
        .bind(3, g.plan_id)
        .bind(4, g.webapi_enable)
        .bind(5, g.check_domain)
        .bind(6, g.device_policy)
        .run();
  });
  auto id = db.last_insert_id();
  txn.commit();
  return id;
}

std::vector<domain::Group> SqliteDirectory::groups(PartnerId partner,
                                                   const std::optional<std::string>& search) {
  static const std::string sql =
      std::string("SELECT ") + kGroupColumns +
      " FROM groups WHERE partner_id = ?1 AND (?2 IS NULL OR instr(fold(name), fold(?2)) > 0) "
      "ORDER BY group_id";
  auto& q = db().prepared(sql.c_str());
  q.bind(1, partner).bind(2, search);
  std::vector<domain::Group> out;
  while (q.step()) out.push_back(read_group(q));
  return out;
}

std::optional<domain::Group> SqliteDirectory::group(PartnerId partner, std::int64_t group_id) {
  return group_by_id(db(), partner, group_id);
}

domain::Group SqliteDirectory::update_group(PartnerId partner, std::int64_t group_id,
                                            const domain::GroupPatch& patch, bool allow_over_plan) {
  WriteTransaction txn(backend_);
  auto& db = txn.db();
  auto group = group_by_id(db, partner, group_id);
  if (!group) throw NotFound(Object::group);
  if (patch.plan_id && *patch.plan_id != group->plan_id) {
    auto bytes = plan_bytes(db, partner, *patch.plan_id);
    if (!bytes) throw Conflict(Clash::unknown_plan);
    if (!allow_over_plan) {
      auto& over = db.prepared(
          "SELECT count(*) FROM users WHERE partner_id = ?1 AND group_id = ?2 AND "
          "bytes_stored > ?3 + bonus_bytes");
      over.bind(1, partner).bind(2, group_id).bind(3, *bytes);
      over.step();
      auto count = over.integer(0);
      over.reset();
      if (count > 0) throw Conflict(Clash::members_over_plan, count);
    }
    apply(db, partner, move_members(db, partner, group_id, group_id, *patch.plan_id, *bytes));
    group->plan_id = *patch.plan_id;
  }
  if (patch.name) group->name = *patch.name;
  if (patch.webapi_enable) group->webapi_enable = *patch.webapi_enable;
  if (patch.check_domain) group->check_domain = *patch.check_domain;
  if (patch.device_policy) {
    check_device_policy(db, partner, *patch.device_policy);
    group->device_policy = *patch.device_policy;
  }
  unique_or_conflict(Object::group, [&] {
    db.prepared(
          "UPDATE groups SET name = ?3, plan_id = ?4, webapi_enable = ?5, check_domain = ?6, "
          "device_policy = ?7 WHERE partner_id = ?1 AND group_id = ?2")
        .bind(1, partner)
        .bind(2, group_id)
        .bind(3, group->name)
        .bind(4, group->plan_id)
        .bind(5, group->webapi_enable)
        .bind(6, group->check_domain)
        .bind(7, group->device_policy)
        .run();
  });
  txn.commit();
  return *group;
}

void SqliteDirectory::delete_group(PartnerId partner, std::int64_t group_id,
                                   std::optional<std::int64_t> move_members_to) {
  WriteTransaction txn(backend_);
  auto& db = txn.db();
  if (!group_by_id(db, partner, group_id)) throw NotFound(Object::group);
  auto& members = db.prepared("SELECT count(*) FROM users WHERE partner_id = ?1 AND group_id = ?2");
  members.bind(1, partner).bind(2, group_id);
  members.step();
  auto count = members.integer(0);
  members.reset();
  if (move_members_to) {
    auto target = group_by_id(db, partner, *move_members_to);
    if (!target || *move_members_to == group_id) throw Conflict(Clash::unknown_move_target);
    auto bytes = plan_bytes(db, partner, target->plan_id);
    apply(db, partner,
          move_members(db, partner, group_id, *move_members_to, target->plan_id, *bytes));
  } else if (count > 0) {
    throw Conflict(Clash::group_has_members, count);
  }
  db.prepared("DELETE FROM groups WHERE partner_id = ?1 AND group_id = ?2")
      .bind(1, partner)
      .bind(2, group_id)
      .run();
  txn.commit();
}

domain::User SqliteDirectory::create_user(PartnerId partner, const domain::UserCreate& c) {
  WriteTransaction txn(backend_);
  auto& db = txn.db();
  auto group = group_by_id(db, partner, c.group_id ? *c.group_id : default_group(db, partner));
  if (!group) throw Conflict(Clash::unknown_group);
  std::int64_t plan = c.plan_id.value_or(group->plan_id);
  auto bytes = plan_bytes(db, partner, plan);
  if (!bytes) throw Conflict(Clash::unknown_plan);
  check_allocation(db, partner, domain::Int128(*bytes) + c.bonus_bytes);
  auto row =
      new_user_row(c, c.username.empty() ? next_username(db, partner) : c.username, *group, plan);
  std::int64_t avatar = 0;
  CounterDelta delta;
  unique_or_conflict(Object::user, [&] { delta = insert_user(db, partner, row, *bytes, &avatar); });
  db.prepared("UPDATE users SET password_bcrypt = ?2 WHERE avatar_id = ?1")
      .bind(1, avatar)
      .bind(2, c.password_bcrypt)
      .run();
  apply(db, partner, delta);
  auto user = require_user(db, partner, avatar);
  txn.commit();
  return user;
}

std::optional<std::string> SqliteDirectory::taken_user_field(PartnerId partner,
                                                             std::string_view username,
                                                             std::string_view email) {
  auto& db = this->db();
  // The same tests as the unique indexes on (partner_id, username) and
  // (partner_id, lower(email), email_clash), which a new user's row (email_clash 0) must pass.
  auto exists = [&](const char* sql, std::string_view value) {
    auto& q = db.prepared(sql);
    q.bind(1, partner).bind(2, value);
    bool found = q.step();
    q.reset();
    return found;
  };
  if (!username.empty() &&
      exists("SELECT 1 FROM users WHERE partner_id = ?1 AND username = ?2", username))
    return "username";
  if (exists("SELECT 1 FROM users WHERE partner_id = ?1 AND lower(email) = lower(?2) AND "
             "email_clash = 0",
             email))
    return "email";
  return std::nullopt;
}

std::optional<domain::User> SqliteDirectory::find_user(PartnerId partner, std::string_view key) {
  auto& db = this->db();
  auto& q = db.prepared(kSelectUserByKey.c_str());
  q.bind(1, partner).bind(2, key);
  if (!q.step()) return std::nullopt;
  domain::User user;
  read_user(db, partner, q, user);
  q.reset();
  return user;
}

namespace {

// The users `query` selects, in its order: "LIMIT ? OFFSET ?" takes the two parameters after
// bind_filters' (-1: no limit). `few`: the filters select few users (selects_few), so SQLite is
// to walk the filters' index and sort what it finds; +column keeps the order's index out.
std::string select_users(const domain::UserQuery& query, const std::optional<UserSearch>& search,
                         bool few = false) {
  auto column = user_field_column(query.order_by);
  if (column.empty()) throw std::invalid_argument("unknown order_by");
  const char* direction = query.descending ? " DESC" : "";
  return std::string("SELECT ") + kUserColumns + user_source(search, true) +
         user_filters(query, search, few ? FilterUse::count : FilterUse::page) + " ORDER BY " +
         (few ? "+" : "") + column + direction + ", u.avatar_id" + direction + " LIMIT ? OFFSET ?";
}

// How many users the filters may select for a page to start from the filters' index: it then
// reads and sorts them all (some 2 µs each), where walking the page's order reads about
// 25 × users ÷ selected before it has 25 rows. At a million users the two meet near 5000.
constexpr std::int64_t kFewFiltered = 5000;

// Whether a page of `query` is to start from its filters' index: when the console's filters
// (group, disabled, purge hold, stopped uploading: each has an index) select, by themselves, fewer
// than kFewFiltered users. A page walks its order until it has its rows, which for a filter that
// selects few or none reads every user: 170 ms at a million users where no one was on purge
// hold. Counting them first stops at the cap, soon, where they are many.
bool selects_few(Connection& db, PartnerId partner, const domain::UserQuery& query,
                 const std::optional<UserSearch>& search) {
  if (search && (search->index_query || search->listed)) return false;  // narrow already
  if (!query.filtered()) return false;
  for (const auto& c : query.conditions) {
    if (c.op != '=' || (c.column != "enabled" && c.column != "purgehold_active")) return false;
  }
  // The filters alone, through their index: a search with them is checked in each user's row,
  // and whether that makes them fewer still is known only after reading them.
  const std::optional<UserSearch> none;
  auto& q = db.prepared_text("SELECT count(*) FROM (SELECT 1" + user_source(none, false) +
                             user_filters(query, none, FilterUse::count) + " LIMIT ?)");
  int index = 1;
  bind_filters(q, partner, query, none, index);
  q.bind(index, kFewFiltered);
  q.step();
  bool few = q.integer(0) < kFewFiltered;
  q.reset();
  return few;
}

// Binds select_users' parameters: the filters, then `limit` (-1: none) and the query's offset.
void bind_select_users(Statement& q, PartnerId partner, const domain::UserQuery& query,
                       const std::optional<UserSearch>& search, std::int64_t limit) {
  int index = 1;
  bind_filters(q, partner, query, search, index);
  q.bind(index++, limit);
  q.bind(index++, query.offset);
}

// One statement over the whole list on a snapshot connection of its own, stepped a page at a
// time: unlike paging with OFFSET, no page re-reads the rows before it.
class SqliteUserCursor final : public Cursor<domain::User> {
 public:
  SqliteUserCursor(std::unique_ptr<Connection> db, PartnerId partner,
                   const domain::UserQuery& query)
      : db_(std::move(db)),
        partner_(partner),
        search_(plan_search(*db_, partner, query, kMostListedForAll, true)),
        rows_(db_->prepared_text(select_users(query, search_))) {
    // rows_ stays valid: nothing else on this connection calls prepared_text.
    bind_select_users(rows_, partner, query, search_, -1);
  }

  std::vector<domain::User> next_page(std::size_t rows) override {
    std::vector<domain::User> page;
    if (done_) return page;
    page.reserve(rows);
    while (page.size() < rows && !done_) {
      if (rows_.step())
        read_user_row(rows_, page.emplace_back());
      else
        done_ = true;
    }
    add_share_rooms(*db_, partner_, page);
    return page;
  }

 private:
  std::unique_ptr<Connection> db_;
  PartnerId partner_;
  std::optional<UserSearch> search_;
  Statement& rows_;
  bool done_ = false;
};

}  // namespace

void SqliteDirectory::visit_users(PartnerId partner, const domain::UserQuery& query,
                                  const std::function<void(const domain::User& user)>& visit) {
  auto& db = this->db();
  UserPageRead page_read(db, query, pages_from_the_end_past_,
                         [&] { return count_users(partner, query); });
  const auto& walked = page_read.walked();
  auto search =
      plan_search(db, partner, walked, walked.limit ? kMostListedForPage : kMostListedForAll, true);
  bool few = walked.limit && selects_few(db, partner, walked, search);
  auto& q = db.prepared_text(select_users(walked, search, few));
  bind_select_users(q, partner, walked, search, walked.limit.value_or(-1));
  // The page is read into objects this thread keeps from page to page, so that their strings'
  // memory is reused, then its share rooms in one statement, then it is visited.
  thread_local std::vector<domain::User> page;
  std::size_t rows = 0;
  while (q.step()) {
    if (rows == page.size()) page.emplace_back();
    read_user_row(q, page[rows++]);
  }
  std::span<domain::User> users(page.data(), rows);
  page_read.put_in_order(users);
  add_share_rooms(db, partner, users);
  for (const auto& user : users) visit(user);
  // An unpaged call may have read many: keep no more than a page's worth for the next.
  if (page.size() > 1000) page.resize(1000);
}

std::unique_ptr<Cursor<domain::User>> SqliteDirectory::user_cursor(PartnerId partner,
                                                                   const domain::UserQuery& query) {
  return std::make_unique<SqliteUserCursor>(backend_.open_snapshot(), partner, query);
}

std::int64_t SqliteDirectory::count_users(PartnerId partner, const domain::UserQuery& query) {
  auto& db = this->db();
  // With nothing but the partner to go by, every index of users begins with partner_id and SQLite
  // takes any of them, then reads each user's row in that index's order (3.7 s at a million users
  // through users_by_last_backup), so the rows are read in their own order (users_by_partner). A
  // search alone that the index does not narrow reads the narrow copy of what it looks in, not
  // the users' rows: 0.1-0.2 s at a million users, against 0.6-1.1 s.
  const bool only_partner = !query.filtered();
  auto search = plan_search(db, partner, query,
                            only_partner ? kMostListedForCount : kMostListedForAll, !only_partner);
  if (search && !search->index_query && only_partner && texts_can_answer(search->needle))
    return count_matching_texts(db, partner, search->needle);
  const auto from = user_source(search, user_count_reads_plans(query), only_partner);
  auto& q =
      db.prepared_text("SELECT count(*)" + from + user_filters(query, search, FilterUse::count));
  int index = 1;
  bind_filters(q, partner, query, search, index);
  q.step();
  return q.integer(0);
}

domain::User SqliteDirectory::update_user(PartnerId partner, std::int64_t avatar_id,
                                          const domain::UserPatch& patch) {
  WriteTransaction txn(backend_);
  auto& db = txn.db();
  auto user = require_user(db, partner, avatar_id);
  const std::string old_email = user.email;
  CounterDelta delta;
  delta.bytes_allocated = apply_user_patch(
      user, patch, [&](std::int64_t group) { return group_by_id(db, partner, group); },
      [&](std::int64_t plan) { return plan_bytes(db, partner, plan); });
  check_allocation(db, partner, delta.bytes_allocated);
  unique_or_conflict(Object::user, [&] {
    db.prepared(
          "UPDATE users SET name = ?3, email = ?4, group_id = ?5, plan_id = ?6, bonus_bytes = ?7, "
          "enabled = ?8, purgehold_active = ?9, "
          "email_clash = CASE WHEN email = ?4 THEN email_clash ELSE 0 END "
          "WHERE partner_id = ?1 AND avatar_id = ?2")
        .bind(1, partner)
        .bind(2, avatar_id)
        .bind(3, user.name)
        .bind(4, user.email)
        .bind(5, user.group_id)
        .bind(6, user.plan_id)
        .bind(7, user.bonus_bytes)
        .bind(8, user.enabled)
        .bind(9, user.purgehold_active)
        .run();
  });
  if (user.email != old_email) release_email(db, partner, old_email);
  apply(db, partner, delta);
  txn.commit();
  return user;
}

void SqliteDirectory::delete_user(PartnerId partner, std::int64_t avatar_id) {
  WriteTransaction txn(backend_);
  auto& db = txn.db();
  auto user = require_user(db, partner, avatar_id);
  // `+partner_id`: found through the (avatar_id, name) index, not among all the partner's devices.
  for (const char* sql : {"DELETE FROM devices WHERE +partner_id = ?1 AND avatar_id = ?2",
                          "DELETE FROM shares WHERE partner_id = ?1 AND avatar_id = ?2",
                          "DELETE FROM users WHERE partner_id = ?1 AND avatar_id = ?2"}) {
    db.prepared(sql).bind(1, partner).bind(2, avatar_id).run();
  }
  release_email(db, partner, user.email);
  apply(db, partner, counters_removed(user));
  txn.commit();
}

void SqliteDirectory::queue_activation_email(PartnerId partner, std::int64_t avatar_id,
                                             const std::optional<std::string>& template_name,
                                             const std::optional<std::string>& reg_code) {
  WriteTransaction txn(backend_);
  auto& db = txn.db();
  auto user = require_user(db, partner, avatar_id);
  db.prepared(
        "INSERT INTO activation_emails (partner_id, avatar_id, email, template_name, queued_at, "
        "reg_code) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
      .bind(1, partner)
      .bind(2, avatar_id)
      .bind(3, user.email)
      .bind(4, template_name)
      .bind(5, domain::now_seconds())
      .bind(6, reg_code)
      .run();
  txn.commit();
}

std::vector<domain::ActivationEmail> SqliteDirectory::activation_emails(
    std::optional<PartnerId> partner) {
  auto& q = db().prepared(
      "SELECT e.email_id, p.username, coalesce(u.username, ''), e.email, e.template_name, "
      "e.queued_at, e.reg_code FROM activation_emails e JOIN partners p ON p.partner_id = "
      "e.partner_id "
      "LEFT JOIN users u ON u.avatar_id = e.avatar_id WHERE ?1 IS NULL OR e.partner_id = ?1 "
      "ORDER BY e.email_id");
  q.bind(1, partner);
  std::vector<domain::ActivationEmail> out;
  while (q.step())
    out.push_back({q.integer(0), q.text(1), q.text(2), q.text(3), q.optional_text(4), q.integer(5),
                   q.optional_text(6)});
  return out;
}

std::vector<domain::EmailClash> SqliteDirectory::email_clashes() {
  // The first flagged user of each address (a partial index holds only flagged users), with
  // every user of its partner whose email folds to the same; each step is an index search.
  auto& q = db().prepared(
      "SELECT p.username, lower(f.email), u.username, u.email FROM users f "
      "JOIN partners p ON p.partner_id = f.partner_id "
      "JOIN users u ON u.partner_id = f.partner_id AND lower(u.email) = lower(f.email) "
      "WHERE f.email_clash <> 0 AND NOT EXISTS (SELECT 1 FROM users g "
      "WHERE g.partner_id = f.partner_id AND lower(g.email) = lower(f.email) AND "
      "g.email_clash <> 0 AND g.email_clash < f.email_clash) "
      "ORDER BY p.username, lower(f.email), u.avatar_id");
  std::vector<domain::EmailClash> out;
  std::string key;
  while (q.step()) {
    auto folded = q.text(1);
    if (out.empty() || out.back().partner_username != q.text(0) || key != folded) {
      out.push_back({q.text(0), {}});
      key = folded;
    }
    out.back().users.push_back({q.text(2), q.text(3)});
  }
  std::erase_if(out, [](const domain::EmailClash& clash) { return clash.users.size() < 2; });
  return out;
}

void SqliteDirectory::insert_users(PartnerId partner, std::span<const domain::NewUser> users) {
  WriteTransaction txn(backend_);
  auto& db = txn.db();
  std::unordered_map<std::int64_t, std::int64_t> storage;
  for (const auto& plan : plans(partner)) storage[plan.plan_id] = plan.storage_bytes;
  std::unordered_map<std::int64_t, bool> known_group;
  for (const auto& group : groups(partner, std::nullopt)) known_group[group.group_id] = true;
  CounterDelta delta;
  for (const auto& u : users) {
    auto plan = storage.find(u.plan_id);
    if (plan == storage.end()) throw Conflict(Clash::unknown_plan);
    if (!known_group.contains(u.group_id)) throw Conflict(Clash::unknown_group);
    unique_or_conflict(Object::user, [&] { delta += insert_user(db, partner, u, plan->second); });
  }
  check_allocation(db, partner, delta.bytes_allocated);
  apply(db, partner, delta);
  txn.commit();
}

}  // namespace accountsd::store::sqlite
