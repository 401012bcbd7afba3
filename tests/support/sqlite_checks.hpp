// Helpers for tests that look inside the SQLite database: a temporary database file, query plans,
// an older schema, the quota figures recounted from the rows, the integrity check.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <boost/json.hpp>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "domain/quota.hpp"
#include "store/migrations.hpp"
#include "store/sqlite/audit_functions.hpp"
#include "store/sqlite/connection.hpp"

namespace accountsd::testing {

// A fresh directory for one database file, removed with everything in it at the end.
struct TempDatabase {
  TempDatabase() {
    std::random_device rd;
    dir = std::filesystem::temp_directory_path() /
          ("accountsd-db-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(dir);
    path = (dir / "accounts.db").string();
  }
  ~TempDatabase() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  TempDatabase(const TempDatabase&) = delete;
  TempDatabase& operator=(const TempDatabase&) = delete;

  std::filesystem::path dir;
  std::string path;
};

// The EXPLAIN QUERY PLAN lines for `sql` on the database at `path`.
inline std::string query_plan(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  // A write's plan compiles the audit log's triggers, which call the server's functions.
  store::sqlite::register_audit_functions(db);
  sqlite3_stmt* stmt = nullptr;
  std::string plan;
  EXPECT_EQ(sqlite3_prepare_v2(db, ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &stmt, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  while (sqlite3_step(stmt) == SQLITE_ROW)
    plan += std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3))) + "\n";
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return plan;
}

// A read-only connection to the database at `path`, closed when it goes. Opening it changes
// nothing on disk, not even when the last writer was killed (no recovery checkpoint).
struct ReadOnlyDatabase {
  explicit ReadOnlyDatabase(const std::string& path) {
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
    handle.reset(raw);
    EXPECT_EQ(rc, SQLITE_OK) << (raw ? sqlite3_errmsg(raw) : "no handle");
    sqlite3_busy_timeout(raw, 10000);
  }
  sqlite3* get() const { return handle.get(); }

  struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close(db); }
  };
  std::unique_ptr<sqlite3, Closer> handle;
};

// Runs `sql` on `db`, with ?1 bound to `parameter` when it has one, calling `row` for each
// result row.
template <typename F>
void for_each_row(sqlite3* db, const char* sql, std::int64_t parameter, F&& row) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> statement(raw, sqlite3_finalize);
  ASSERT_EQ(rc, SQLITE_OK) << sqlite3_errmsg(db) << " in " << sql;
  if (sqlite3_bind_parameter_count(raw) > 0) sqlite3_bind_int64(raw, 1, parameter);
  while ((rc = sqlite3_step(raw)) == SQLITE_ROW) row(raw);
  ASSERT_EQ(rc, SQLITE_DONE) << sqlite3_errmsg(db) << " in " << sql;
}

// The integer `sql` answers: its row's first column (0 when it gives no row).
inline std::int64_t sqlite_integer(sqlite3* db, const std::string& sql) {
  std::int64_t value = 0;
  for_each_row(db, sql.c_str(), 0, [&](sqlite3_stmt* s) { value = sqlite3_column_int64(s, 0); });
  return value;
}

// A partner's GET /partner/quota figures recounted from the rows themselves, unsaturated.
struct QuotaRecount {
  std::int64_t users = 0;
  domain::Int128 allocated = 0;
  domain::Int128 used = 0;
  std::int64_t shares = 0;
  std::int64_t devices = 0;
};

inline QuotaRecount recount_quota(sqlite3* db, std::int64_t partner) {
  QuotaRecount out;
  for_each_row(db, "SELECT count(*) FROM users WHERE partner_id = ?1", partner,
               [&](sqlite3_stmt* s) { out.users = sqlite3_column_int64(s, 0); });
  std::int64_t joined = 0;
  for_each_row(db,
               "SELECT p.storage_bytes, u.bonus_bytes, u.bytes_stored FROM users u "
               "JOIN plans p ON p.plan_id = u.plan_id WHERE u.partner_id = ?1",
               partner, [&](sqlite3_stmt* s) {
                 ++joined;
                 out.allocated +=
                     domain::Int128(sqlite3_column_int64(s, 0)) + sqlite3_column_int64(s, 1);
                 out.used += sqlite3_column_int64(s, 2);
               });
  EXPECT_EQ(joined, out.users) << "users whose plan is missing";
  for_each_row(db,
               "SELECT count(*) FROM devices d JOIN users u ON u.avatar_id = d.avatar_id "
               "WHERE u.partner_id = ?1",
               partner, [&](sqlite3_stmt* s) { out.devices = sqlite3_column_int64(s, 0); });
  for_each_row(db,
               "SELECT count(*) FROM shares s JOIN users u ON u.avatar_id = s.avatar_id "
               "WHERE u.partner_id = ?1",
               partner, [&](sqlite3_stmt* s) { out.shares = sqlite3_column_int64(s, 0); });
  return out;
}

// The GET /partner/quota body that `recount` implies for a partner without bytes_available
// (for sums below saturation).
inline boost::json::value quota_json(const QuotaRecount& recount) {
  return boost::json::object{{"bytes_available", nullptr},
                             {"bytes_allocated", std::int64_t(recount.allocated)},
                             {"bytes_used", std::int64_t(recount.used)},
                             {"share_count", recount.shares},
                             {"device_count", recount.devices}};
}

// Creates at `path` the schema of the migrations before number `next` alone, as an older
// accountsd left it, so that a test can fill it with data before the later ones run.
inline void migrate_before(const std::string& path, int next) {
  store::sqlite::Connection db(path);
  db.exec(
      "CREATE TABLE schema_migrations (number INTEGER PRIMARY KEY, name TEXT NOT NULL, "
      "applied_at INTEGER NOT NULL)");
  for (const auto& migration : store::migrations()) {
    if (migration.number >= next) break;
    db.exec(migration.sqlite);
    db.prepared("INSERT INTO schema_migrations VALUES (?1, ?2, 0)")
        .bind(1, migration.number)
        .bind(2, migration.name)
        .run();
  }
}

// What `PRAGMA integrity_check` says, its lines joined: "ok" for a sound file.
inline std::string integrity_check(sqlite3* db) {
  std::string out;
  for_each_row(db, "PRAGMA integrity_check", 0, [&](sqlite3_stmt* s) {
    if (!out.empty()) out += "\n";
    out += reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
  });
  return out;
}

}  // namespace accountsd::testing
