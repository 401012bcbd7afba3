// `accountsd migrate-db` with the real binary: a SQLite database filled through the operator
// commands, demo, the API and the storage service (support/migrate_db_fixture.hpp) is copied
// into a scratch PostgreSQL database and compared row by row, with its id sequences; a target that
// holds data, a source it cannot copy and a copy that does not verify change nothing; no output
// shows a secret.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "store/postgres/connection.hpp"
#include "store/postgres/migrate.hpp"
#include "support/migrate_db_fixture.hpp"
#include "support/postgres_server.hpp"
#include "support/sqlite_checks.hpp"

namespace accountsd::testing {
namespace {

using store::postgres::Connection;

struct Column {
  std::string name;
  std::string type;  // PostgreSQL's, as information_schema names it
};
using Schema = std::map<std::string, std::vector<Column>>;

// The PostgreSQL tables but schema_migrations and login_failures (PostgreSQL's alone, transient,
// never copied), with their columns in order.
Schema postgres_schema(Connection& pg) {
  auto columns = pg.exec(
      "SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns "
      "WHERE table_schema = 'public' AND table_name NOT IN ('schema_migrations', 'login_failures', "
      "'users_search_texts') "
      "ORDER BY table_name, ordinal_position");
  Schema schema;
  for (int row = 0; row < columns.rows(); ++row)
    schema[columns.string(row, 0)].push_back({columns.string(row, 1), columns.string(row, 2)});
  return schema;
}

// SQL that says a column's value the same way on both sides: NULL, a number, 'text, xHEX for
// bytes, 0 or 1 for a flag, and a byte sum as SQLite's two halves (high, low: value = high *
// 2^62 + low). Two expressions for a byte sum, one otherwise.
std::vector<std::string> normalized(const Column& c, bool postgres) {
  const std::string& n = c.name;
  std::vector<std::string> sql;
  if (c.type == "boolean") {
    sql = {postgres ? "CASE WHEN " + n + " THEN '1' ELSE '0' END" : "CAST(" + n + " AS TEXT)"};
  } else if (c.type == "bytea") {
    sql = {postgres ? "'x' || encode(" + n + ", 'hex')" : "'x' || lower(hex(" + n + "))"};
  } else if (c.type == "text") {
    sql = {"'''' || " + n};
  } else if (c.type == "numeric") {
    sql = postgres ? std::vector<std::string>{"div(" + n + ", 4611686018427387904)::text",
                                              "mod(" + n + ", 4611686018427387904)::text"}
                   : std::vector<std::string>{"CAST(" + n + "_hi AS TEXT)",
                                              "CAST(" + n + "_lo AS TEXT)"};
  } else {
    sql = {postgres ? n + "::text" : "CAST(" + n + " AS TEXT)"};
  }
  for (auto& expression : sql) expression = "coalesce(" + expression + ", 'NULL')";
  return sql;
}

// SELECT list of a table's columns, normalized, and how many values it gives.
std::pair<std::string, int> select_list(const std::vector<Column>& columns, bool postgres) {
  std::string list;
  int values = 0;
  for (const auto& column : columns)
    for (const auto& expression : normalized(column, postgres)) {
      list += (values++ == 0 ? "" : ", ") + expression;
    }
  return {list, values};
}

// Every table's rows, each as its normalized values joined, sorted.
using Rows = std::map<std::string, std::vector<std::string>>;

Rows postgres_rows(Connection& pg, const Schema& schema) {
  Rows rows;
  for (const auto& [table, columns] : schema) {
    auto [list, values] = select_list(columns, true);
    auto result = pg.exec("SELECT " + list + " FROM " + table);
    auto& out = rows[table];
    for (int row = 0; row < result.rows(); ++row) {
      std::string line;
      for (int value = 0; value < values; ++value) line += result.string(row, value) + "\x1f";
      out.push_back(line);
    }
    std::sort(out.begin(), out.end());
  }
  return rows;
}

Rows sqlite_rows(sqlite3* db, const Schema& schema) {
  Rows rows;
  for (const auto& [table, columns] : schema) {
    auto [list, values] = select_list(columns, false);
    auto& out = rows[table];
    for_each_row(db, ("SELECT " + list + " FROM " + table).c_str(), 0, [&](sqlite3_stmt* s) {
      std::string line;
      for (int value = 0; value < values; ++value) {
        line.append(static_cast<const char*>(sqlite3_column_blob(s, value)),
                    std::size_t(sqlite3_column_bytes(s, value)));
        line += "\x1f";
      }
      out.push_back(line);
    });
    std::sort(out.begin(), out.end());
  }
  return rows;
}

// Each identity column with its sequence's last value (0 when never used): "users.avatar_id=7".
std::vector<std::string> postgres_sequences(Connection& pg) {
  auto result = pg.exec(
      "SELECT table_name::text || '.' || column_name::text || '=' || "
      "coalesce(pg_sequence_last_value(pg_get_serial_sequence(table_name::text, "
      "column_name::text)::regclass), 0) "
      "FROM information_schema.columns WHERE table_schema = 'public' AND is_identity = 'YES' "
      "AND table_name <> 'login_failures'");
  std::vector<std::string> out;
  for (int row = 0; row < result.rows(); ++row) out.push_back(result.string(row, 0));
  std::sort(out.begin(), out.end());
  return out;
}

// What PostgreSQL's sequences must say after the copy: past the largest id of each table and the
// largest SQLite ever gave (sqlite_sequence), so that no id comes back.
std::vector<std::string> expected_sequences(sqlite3* db, Connection& pg) {
  auto identities = pg.exec(
      "SELECT table_name::text, column_name::text FROM information_schema.columns "
      "WHERE table_schema = 'public' AND is_identity = 'YES' AND table_name <> 'login_failures'");
  std::vector<std::string> out;
  for (int row = 0; row < identities.rows(); ++row) {
    auto table = identities.string(row, 0);
    auto column = identities.string(row, 1);
    auto largest = sqlite_integer(db, "SELECT coalesce(max(" + column + "), 0) FROM " + table);
    auto given = sqlite_integer(
        db, "SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = '" + table + "'");
    out.push_back(table + "." + column + "=" + std::to_string(std::max(largest, given)));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::int64_t postgres_rows_in_all_tables(Connection& pg) {
  std::int64_t total = 0;
  for (const auto& [table, rows] : postgres_rows(pg, postgres_schema(pg)))
    total += std::int64_t(rows.size());
  return total;
}

class MigrateDbTest : public MigrateDbFixture {
 protected:
  // Secrets the database holds: password hashes, card tokens, backup data.
  std::vector<std::string> secrets() {
    ReadOnlyDatabase db(temp_.path);
    std::vector<std::string> out;
    for (const char* sql :
         {"SELECT password_hash FROM partners", "SELECT card_token FROM partner_billing",
          "SELECT password_bcrypt FROM users", "SELECT substr(data, 1, 16) FROM partner_backups"}) {
      for_each_row(db.get(), sql, 0, [&](sqlite3_stmt* s) {
        if (sqlite3_column_bytes(s, 0) >= 8)
          out.emplace_back(static_cast<const char*>(sqlite3_column_blob(s, 0)),
                           std::size_t(sqlite3_column_bytes(s, 0)));
      });
    }
    return out;
  }

  void expect_no_secrets(const Outcome& run) {
    for (const auto& secret : secrets()) {
      EXPECT_EQ(run.out.find(secret), std::string::npos) << "stdout shows a secret";
      EXPECT_EQ(run.err.find(secret), std::string::npos) << "stderr shows a secret";
    }
  }
};

TEST_F(MigrateDbTest, CopiesEveryRowOfEveryTableAndSetsTheSequencesPastEveryIdEverGiven) {
  ACCOUNTSD_REQUIRE_POSTGRES(url);
  create_acme();
  ASSERT_EQ(accountsd("plan create --partner acme --name 'Or ∞' --storage-bytes 7000000000000 "
                      "--db " +
                      db_)
                .status,
            0);
  auto demo_password = create_demo(1200);  // users, devices and shares span several batches
  fill_through_the_api(demo_password);
  make_a_backup_binary();
  const auto file_before = read_file(temp_.path);
  ScratchDatabase target(url);

  auto run = migrate_db(target.url());
  ASSERT_EQ(run.status, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("copied "), std::string::npos) << run.out;
  EXPECT_NE(run.err.find("migrate-db: users 1201/1201 rows"), std::string::npos) << run.err;
  expect_no_secrets(run);
  EXPECT_EQ(read_file(temp_.path), file_before) << "the source was written to";

  auto pg = Connection::open(target.url(), {});
  // The planner knows the copied tables' sizes before any server starts.
  EXPECT_EQ(pg->exec("SELECT count(*) FROM pg_stat_user_tables WHERE last_analyze IS NULL AND "
                     "relname <> 'schema_migrations'")
                .integer(0, 0),
            0);
  ReadOnlyDatabase source(temp_.path);
  auto schema = postgres_schema(*pg);
  // Every SQLite table and column is compared: none is left out of the comparison.
  std::vector<std::string> sqlite_tables;
  for_each_row(
      source.get(),
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> "
      "'schema_migrations' AND name NOT LIKE 'sqlite%' AND name NOT LIKE 'users_search%' "
      "ORDER BY name",
      0, [&](sqlite3_stmt* s) {
        sqlite_tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
      });
  std::vector<std::string> postgres_tables;
  for (const auto& [table, columns] : schema) postgres_tables.push_back(table);
  EXPECT_EQ(sqlite_tables, postgres_tables);
  for (const auto& [table, columns] : schema) {
    auto [list, values] = select_list(columns, false);
    EXPECT_EQ(
        sqlite_integer(source.get(), "SELECT count(*) FROM pragma_table_info('" + table + "')"),
        values)
        << table << " has columns the comparison does not read";
  }

  auto copied = postgres_rows(*pg, schema);
  auto original = sqlite_rows(source.get(), schema);
  for (const auto& [table, rows] : original) {
    SCOPED_TRACE(table);
    EXPECT_FALSE(rows.empty()) << "the data set should fill every table";
    ASSERT_EQ(copied[table].size(), rows.size());
    auto differs = std::mismatch(rows.begin(), rows.end(), copied[table].begin());
    EXPECT_TRUE(differs.first == rows.end())
        << "SQLite: " << *differs.first << "\nPostgreSQL: " << *differs.second;
  }

  EXPECT_EQ(postgres_sequences(*pg), expected_sequences(source.get(), *pg));
  // Searches' texts (migration 023), which the users' trigger writes, are made for every copied
  // user as it would have made them.
  EXPECT_EQ(pg->exec("SELECT count(*) FROM users_search_texts").integer(0, 0), 1201);
  EXPECT_EQ(pg->exec("SELECT count(*) FROM users u FULL JOIN users_search_texts t USING "
                     "(partner_id, avatar_id) WHERE t.texts IS DISTINCT FROM "
                     "users_search_text(u.name, u.username, u.email)")
                .integer(0, 0),
            0);
  // The data set deletes from the top: these sequences must be past the largest id left.
  for (const char* table_id :
       {"device_policies.policy_id", "groups.group_id", "devices.device_id"}) {
    std::string table(table_id, std::string_view(table_id).find('.'));
    std::string id(std::string_view(table_id).substr(table.size() + 1));
    EXPECT_GT(sqlite_integer(source.get(),
                             "SELECT seq FROM sqlite_sequence WHERE name = '" + table + "'"),
              sqlite_integer(source.get(), "SELECT max(" + id + ") FROM " + table))
        << table;
  }
  // The census and share blocks the copy took with their triggers off are live again.
  pg->script("DELETE FROM shares; UPDATE users SET num_shares = 0; DELETE FROM devices");
  EXPECT_EQ(pg->exec("SELECT count(*) FROM device_census").integer(0, 0), 0);
  EXPECT_EQ(pg->exec("SELECT count(*) FROM share_user_blocks").integer(0, 0), 0);
}

TEST_F(MigrateDbTest, RefusesATargetThatHoldsARowInAnyTableAndChangesNothing) {
  ACCOUNTSD_REQUIRE_POSTGRES(url);
  create_acme();
  ScratchDatabase target(url);
  ASSERT_EQ(migrate_db(target.url()).status, 0);
  auto pg = Connection::open(target.url(), {});
  const auto schema = postgres_schema(*pg);
  const auto rows = postgres_rows(*pg, schema);
  const auto sequences = postgres_sequences(*pg);

  auto again = migrate_db(target.url());
  EXPECT_EQ(again.status, 1);
  EXPECT_NE(again.err.find("not empty (partners has rows)"), std::string::npos) << again.err;
  EXPECT_EQ(again.out, "");
  EXPECT_EQ(postgres_rows(*pg, schema), rows);
  EXPECT_EQ(postgres_sequences(*pg), sequences);

  // A row in a table no other refers to counts as much.
  ScratchDatabase other(url);
  auto pg_other = Connection::open(other.url(), {});
  store::postgres::migrate(*pg_other);
  pg_other->script("INSERT INTO share_user_blocks VALUES (1, 8, 0, 1)");
  auto refused = migrate_db(other.url());
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.err.find("share_user_blocks has rows"), std::string::npos) << refused.err;
  EXPECT_EQ(postgres_rows_in_all_tables(*pg_other), 1);
}

TEST_F(MigrateDbTest, RefusesASourceItCannotCopyBeforeTouchingTheTarget) {
  ACCOUNTSD_REQUIRE_POSTGRES(url);
  ScratchDatabase target(url);
  auto tables_in_target = [&] {
    auto pg = Connection::open(target.url(), {});
    return pg->exec("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
        .integer(0, 0);
  };
  auto expect_refused = [&](const std::string& from, const std::string& words) {
    SCOPED_TRACE(from);
    auto run = accountsd("migrate-db --from " + from + " --to " + target.url());
    EXPECT_EQ(run.status, 1);
    EXPECT_NE(run.err.find(words), std::string::npos) << run.err;
    EXPECT_EQ(tables_in_target(), 0);
  };
  const auto missing = temp_.dir / "missing.db";
  expect_refused("sqlite:" + missing.string(), "no SQLite database at");
  EXPECT_FALSE(std::filesystem::exists(missing)) << "a missing source was created";
  std::ofstream(temp_.dir / "text.db") << "not a database, but long enough to look like a file\n";
  expect_refused((temp_.dir / "text.db").string(), "not an accountsd SQLite database");
  store::sqlite::Connection((temp_.dir / "other.db").string()).exec("CREATE TABLE t (x)");
  expect_refused("sqlite:" + (temp_.dir / "other.db").string(), "not an accountsd SQLite database");
  // An older schema: this build's migrations would change it, and migrate-db only reads.
  migrate_before(temp_.path, 10);
  expect_refused("sqlite:" + temp_.path, "is at migration 9 and this accountsd copies migration");
  expect_refused(target.url(), "--from must be a SQLite database");
  auto wrong_target = accountsd("migrate-db --from sqlite:" + temp_.path + " --to sqlite:x.db");
  EXPECT_EQ(wrong_target.status, 1);
  EXPECT_NE(wrong_target.err.find("--to must be a postgres://"), std::string::npos);
}

TEST_F(MigrateDbTest, ACopyThatDoesNotVerifyIsRolledBackNamingTheTableAndPartner) {
  ACCOUNTSD_REQUIRE_POSTGRES(url);
  create_acme();
  create_demo(40);
  ScratchDatabase target(url);
  auto pg = Connection::open(target.url(), {});
  ReadOnlyDatabase source(temp_.path);
  const auto demo = sqlite_integer(source.get(),
                                   "SELECT partner_id FROM partners WHERE "
                                   "username = 'demo'");
  auto expect_rolled_back = [&](const std::string& tamper, const std::string& undo,
                                const std::string& words) {
    SCOPED_TRACE(tamper);
    store::sqlite::Connection(temp_.path).exec(tamper);
    auto run = migrate_db(target.url());
    EXPECT_EQ(run.status, 1);
    EXPECT_NE(run.err.find(words), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("nothing was copied"), std::string::npos) << run.err;
    expect_no_secrets(run);
    EXPECT_EQ(run.err.find("hidden"), std::string::npos) << "a refused value is shown";
    EXPECT_EQ(postgres_rows_in_all_tables(*pg), 0);
    store::sqlite::Connection(temp_.path).exec(undo);
  };
  const auto partner = std::to_string(demo);
  expect_rolled_back(
      "UPDATE partner_counters SET device_count = device_count + 1 WHERE partner_id = " + partner,
      "UPDATE partner_counters SET device_count = device_count - 1 WHERE partner_id = " + partner,
      "partner_counters of partner " + partner + ": device_count is ");
  expect_rolled_back(
      "UPDATE partner_counters SET bytes_used_hi = bytes_used_hi + 1 WHERE partner_id = " + partner,
      "UPDATE partner_counters SET bytes_used_hi = bytes_used_hi - 1 WHERE partner_id = " + partner,
      "partner_counters of partner " + partner + ": bytes_used is ");
  const std::string census_row =
      " WHERE partner_id = " + partner +
      " AND span = 0 AND client_revision = (SELECT min(client_revision) FROM device_census)";
  expect_rolled_back("UPDATE device_census SET devices = devices + 1" + census_row,
                     "UPDATE device_census SET devices = devices - 1" + census_row,
                     "device_census of partner " + partner + " differs from a recount");
  // A value PostgreSQL would cut short is refused by its row's id, never shown.
  expect_rolled_back("UPDATE users SET name = 'hidden' || char(0) || 'name' WHERE avatar_id = 5",
                     "UPDATE users SET name = 'Five' WHERE avatar_id = 5",
                     "users: name of the row with avatar_id 5 holds text with a NUL byte");
  EXPECT_EQ(migrate_db(target.url()).status, 0) << "the source is whole again";
}

}  // namespace
}  // namespace accountsd::testing
