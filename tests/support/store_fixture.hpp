// Test fixture for the store's roles: a fresh database on the backend under test, reached only
// through store::Database, so that the same tests can run on every backend. What a test reads
// behind the roles' backs (row counts, the quota recount) goes through the fixture too.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "domain/new_user.hpp"
#include "store/database.hpp"
#include "support/sqlite_checks.hpp"
#include "support/test_database.hpp"

namespace accountsd::testing {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override { reopen(); }
  void TearDown() override { database_.reset(); }

  // Opens the test's database (again, keeping its data), as the server would with `options`.
  void reopen(const store::StoreOptions& options = {});

  store::Database& database() { return *database_; }
  store::PartnerStore& partners() { return database_->partners(); }
  store::Directory& directory() { return database_->directory(); }
  store::Usage& usage() { return database_->usage(); }
  store::Transactions& transactions() { return database_->transactions(); }

  // A partner with a first group, "<username> Corp", on the "Unlimited" plan.
  store::PartnerId make_partner(const std::string& username,
                                std::optional<std::int64_t> bytes_available = std::nullopt,
                                domain::Features features = {});
  // A partner as the operator creates one without --group: the "Unlimited" plan and no group.
  store::PartnerId make_bare_partner(const std::string& username);
  // The partner's default group and its "Unlimited" plan.
  std::pair<std::int64_t, std::int64_t> defaults(store::PartnerId partner);

  // The count that `sql`, a query any backend's SQL runs, returns.
  std::int64_t count_rows(const char* sql);
  // Quota figures counted from the rows themselves, independently of the stored counters.
  QuotaRecount recount(store::PartnerId partner);
  void expect_counters_match_recount(store::PartnerId partner);

  // The refusal of type Refused that `write` throws, or nullopt when it throws none.
  template <typename Refused, typename Write>
  static std::optional<Refused> refusal_of(Write&& write) {
    try {
      write();
    } catch (const Refused& refusal) {
      return refusal;
    }
    return std::nullopt;
  }
  // The clash of the Conflict that `write` throws, or nullopt when it throws none.
  template <typename Write>
  static std::optional<store::Clash> clash_of(Write&& write) {
    auto refusal = refusal_of<store::Conflict>(write);
    return refusal ? std::optional<store::Clash>(refusal->clash) : std::nullopt;
  }

  static domain::NewUser user(const std::string& username, std::int64_t group, std::int64_t plan);
  static domain::NewDevice device(const std::string& name, std::int64_t revision);
  static domain::Share share(const std::string& room_key);

  TempDatabase files_;  // outlives the database
  // The database under test: SQLite at files_.path, or a scratch PostgreSQL database.
  TestDatabase test_db_{files_.path};

 private:
  std::unique_ptr<store::Database> database_;
};

}  // namespace accountsd::testing
