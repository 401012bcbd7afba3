// The database a test runs against: a SQLite file, or (ACCOUNTSD_TEST_BACKEND=postgres, as the
// second pass of ctest sets) a scratch PostgreSQL database on the server scripts/with-postgres
// started. What a test reads behind the store's back goes through here, in SQL both run.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/postgres_server.hpp"
#include "support/sqlite_checks.hpp"

namespace accountsd::store::postgres {
class Connection;
}

namespace accountsd::testing {

// Whether this run's tests go to PostgreSQL (ACCOUNTSD_TEST_BACKEND=postgres).
bool testing_postgres();

class TestDatabase {
 public:
  // A fresh database: the SQLite file at `sqlite_path` (created when opened), or a scratch
  // PostgreSQL database.
  explicit TestDatabase(std::string sqlite_path);
  // An existing PostgreSQL database at `url`, which this leaves in place.
  struct Existing {
    std::string url;
  };
  explicit TestDatabase(Existing postgres);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  // What store::open_store and `accountsd --db` take.
  const std::string& url() const { return url_; }
  bool postgres() const { return postgres_; }

  // The integer columns of the rows `sql` returns, with $1 bound to `parameter` when given.
  // `sql` must be SQL both backends run ($1 is a parameter on SQLite too).
  std::vector<std::vector<std::int64_t>> integers(const std::string& sql,
                                                  std::optional<std::int64_t> parameter = {});
  // The single integer `sql` returns.
  std::int64_t integer(const std::string& sql, std::optional<std::int64_t> parameter = {});
  // Runs `sql`, statements without parameters that both backends run (rows a test puts in).
  void execute(const std::string& sql);
  // A partner's quota figures counted from the rows themselves.
  QuotaRecount recount(std::int64_t partner);

 private:
  std::string sqlite_path_;
  bool postgres_ = false;
  std::unique_ptr<ScratchDatabase> scratch_;
  std::string url_;
  std::unique_ptr<store::postgres::Connection> connection_;  // opened on first query
};

}  // namespace accountsd::testing

// Skips a test that reads or breaks SQLite's own files (or its query plans) when the run is on
// PostgreSQL; the same behaviour there is covered by the PostgreSQL tests of its own.
#define ACCOUNTSD_SQLITE_ONLY()                 \
  if (::accountsd::testing::testing_postgres()) \
  GTEST_SKIP() << "looks inside SQLite's own files; this run is on PostgreSQL"
