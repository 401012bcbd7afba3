#include "support/test_database.hpp"

#include <cstdlib>
#include <stdexcept>

#include "store/postgres/connection.hpp"
#include "store/sqlite/connection.hpp"

namespace accountsd::testing {

bool testing_postgres() {
  const char* backend = std::getenv("ACCOUNTSD_TEST_BACKEND");
  return backend != nullptr && std::string_view(backend) == "postgres";
}

TestDatabase::TestDatabase(std::string sqlite_path) : sqlite_path_(std::move(sqlite_path)) {
  if (!testing_postgres()) {
    url_ = "sqlite:" + sqlite_path_;
    return;
  }
  auto server = test_postgres_url();
  if (!server) {
    throw std::runtime_error(
        "ACCOUNTSD_TEST_BACKEND=postgres needs ACCOUNTSD_TEST_POSTGRES (run under "
        "scripts/with-postgres)");
  }
  scratch_ = std::make_unique<ScratchDatabase>(*server);
  url_ = scratch_->url();
  postgres_ = true;
}

TestDatabase::TestDatabase(Existing postgres) : postgres_(true), url_(std::move(postgres.url)) {}

TestDatabase::~TestDatabase() {
  connection_.reset();  // before the scratch database is dropped
}

std::vector<std::vector<std::int64_t>> TestDatabase::integers(
    const std::string& sql, std::optional<std::int64_t> parameter) {
  std::vector<std::vector<std::int64_t>> out;
  if (postgres()) {
    if (!connection_) connection_ = store::postgres::Connection::open(url_, {});
    store::postgres::Params params;
    if (parameter) params.add(*parameter);
    auto result = connection_->exec(sql, params);
    for (int row = 0; row < result.rows(); ++row) {
      auto& values = out.emplace_back();
      for (int column = 0; column < result.columns(); ++column)
        values.push_back(result.null(row, column) ? 0 : result.integer(row, column));
    }
    return out;
  }
  ReadOnlyDatabase db(sqlite_path_);
  for_each_row(db.get(), sql.c_str(), parameter.value_or(0), [&](sqlite3_stmt* row) {
    auto& values = out.emplace_back();
    for (int column = 0; column < sqlite3_column_count(row); ++column)
      values.push_back(sqlite3_column_int64(row, column));
  });
  return out;
}

std::int64_t TestDatabase::integer(const std::string& sql, std::optional<std::int64_t> parameter) {
  auto rows = integers(sql, parameter);
  if (rows.size() != 1 || rows.front().size() != 1)
    throw std::runtime_error("expected one value from: " + sql);
  return rows.front().front();
}

void TestDatabase::execute(const std::string& sql) {
  if (postgres()) {
    if (!connection_) connection_ = store::postgres::Connection::open(url_, {});
    connection_->script(sql);
    return;
  }
  store::sqlite::Connection(sqlite_path_).exec(sql);
}

QuotaRecount TestDatabase::recount(std::int64_t partner) {
  QuotaRecount out;
  out.users = integer("SELECT count(*) FROM users WHERE partner_id = $1", partner);
  auto joined = integers(
      "SELECT p.storage_bytes, u.bonus_bytes, u.bytes_stored FROM users u "
      "JOIN plans p ON p.plan_id = u.plan_id WHERE u.partner_id = $1",
      partner);
  EXPECT_EQ(std::int64_t(joined.size()), out.users) << "users whose plan is missing";
  for (const auto& row : joined) {
    out.allocated += domain::Int128(row[0]) + row[1];
    out.used += row[2];
  }
  out.devices = integer(
      "SELECT count(*) FROM devices d JOIN users u ON u.avatar_id = d.avatar_id "
      "WHERE u.partner_id = $1",
      partner);
  out.shares = integer(
      "SELECT count(*) FROM shares s JOIN users u ON u.avatar_id = s.avatar_id "
      "WHERE u.partner_id = $1",
      partner);
  return out;
}

}  // namespace accountsd::testing
