// PostgreSQL migrations: the whole list applies, servers starting together apply each once, and
// a database from a newer build is refused.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "store/migrations.hpp"
#include "store/postgres/migrate.hpp"
#include "support/appliance_key_rows.hpp"
#include "support/postgres_server.hpp"

namespace accountsd::store::postgres {
namespace {

// Creates the schema of the migrations before number `next` alone, as an older accountsd left it,
// so that a test can fill it with data before the later ones run.
void migrate_before(Connection& c, int next) {
  c.script(
      "CREATE TABLE schema_migrations (number BIGINT PRIMARY KEY, name TEXT NOT NULL, "
      "applied_at BIGINT NOT NULL)");
  for (const auto& migration : migrations()) {
    if (migration.number >= next) break;
    c.script(migration.postgres);
    c.exec("INSERT INTO schema_migrations VALUES ($1, $2, 0)",
           Params().add(migration.number).add(migration.name));
  }
}

TEST(PostgresMigrateTest, ServersStartingTogetherApplyEachMigrationExactlyOnce) {
  ACCOUNTSD_REQUIRE_POSTGRES(url);
  testing::ScratchDatabase db(url);
  constexpr int kServers = 4;
  std::vector<int> applied(kServers);
  std::vector<std::thread> servers;
  for (int i = 0; i < kServers; ++i)
    servers.emplace_back([&, i] {
      auto connection = Connection::open(db.url(), {});
      applied[i] = migrate(*connection);
    });
  for (auto& s : servers) s.join();
  int total = 0;
  for (int n : applied) total += n;
  EXPECT_EQ(total, static_cast<int>(migrations().size()));

  auto check = Connection::open(db.url(), {});
  auto rows = check->exec("SELECT number, name FROM schema_migrations ORDER BY number");
  ASSERT_EQ(rows.rows(), static_cast<int>(migrations().size()));
  for (int i = 0; i < rows.rows(); ++i) {
    EXPECT_EQ(rows.integer(i, 0), migrations()[i].number);
    EXPECT_EQ(rows.string(i, 1), migrations()[i].name);
  }
  // The schema is there: the tables the store uses, and the census trigger.
  for (const char* table : {"partners", "users", "groups", "plans", "devices", "shares",
                            "device_census", "share_user_blocks", "partner_backups"})
    EXPECT_EQ(check->exec("SELECT to_regclass($1) IS NOT NULL", Params().add(table)).boolean(0, 0),
              true)
        << table;
  EXPECT_EQ(migrate(*check), 0);
}

TEST(PostgresMigrateTest, ADatabaseFromANewerBuildIsRefused) {
  ACCOUNTSD_REQUIRE_POSTGRES(url);
  testing::ScratchDatabase db(url);
  auto connection = Connection::open(db.url(), {});
  migrate(*connection);
  connection->exec("INSERT INTO schema_migrations VALUES ($1, 'from_the_future', 0)",
                   Params().add(static_cast<std::int64_t>(migrations().size()) + 1));
  EXPECT_THROW(migrate(*connection), std::runtime_error);
}

// The census and share-block triggers keep their counts as devices and shares come and go.
TEST(PostgresMigrateTest, TheCensusTriggersCountDevicesByRevisionDayAndHour) {
  ACCOUNTSD_REQUIRE_POSTGRES(url);
  testing::ScratchDatabase db(url);
  auto c = Connection::open(db.url(), {});
  migrate(*c);
  c->script(
      "INSERT INTO partners (partner_id, username, name, password_hash, created_at) "
      "VALUES (1, 'p', 'P', 'x', 0);"
      "INSERT INTO plans (plan_id, partner_id, name, storage_bytes) VALUES (1, 1, 'U', 0);"
      "INSERT INTO groups (group_id, partner_id, name, plan_id) VALUES (1, 1, 'G', 1);"
      "INSERT INTO users (avatar_id, partner_id, username, name, email, group_id, plan_id, "
      "creation_time, num_shares) VALUES (300, 1, 'u', 'U', 'u@x', 1, 1, 0, 1);"
      "INSERT INTO devices (partner_id, avatar_id, name, client_revision, creation_time, "
      "last_login) VALUES (1, 300, 'a', 7, 0, -1), (1, 300, 'b', 7, 0, 90000);");
  auto census = [&](std::int64_t span) {
    auto r = c->exec(
        "SELECT string_agg(bucket || ':' || client_revision || '=' || devices, ' ' "
        "ORDER BY bucket, client_revision) FROM device_census WHERE span = $1",
        Params().add(span));
    return r.optional_string(0, 0).value_or("");
  };
  EXPECT_EQ(census(0), "0:7=2");
  EXPECT_EQ(census(86400), "-1:7=1 1:7=1");  // floor division: -1 s is in day -1
  EXPECT_EQ(census(3600), "-1:7=1 25:7=1");
  EXPECT_EQ(census(21600), "-1:7=1 4:7=1");
  EXPECT_EQ(census(691200), "-1:7=1 0:7=1");
  EXPECT_EQ(census(5529600), "-1:7=1 0:7=1");
  c->script("UPDATE devices SET client_revision = 8 WHERE name = 'a'");
  EXPECT_EQ(census(0), "0:7=1 0:8=1");
  c->script("DELETE FROM devices");
  EXPECT_EQ(census(0), "");
  EXPECT_EQ(c->exec("SELECT block, users FROM share_user_blocks WHERE level = 8").integer(0, 0),
            300 >> 8);
  c->script("UPDATE users SET num_shares = 0");
  EXPECT_EQ(c->exec("SELECT count(*) FROM share_user_blocks").integer(0, 0), 0);
}

// Migration 013 adds up the 6-hour, 8-day and 64-day counts of the devices counted by 012's
// triggers by hour and day, and its triggers carry on from there.
TEST(PostgresMigrateTest, CoarserCensusSpansAreAddedUpFromTheDayAndHourCounts) {
  ACCOUNTSD_REQUIRE_POSTGRES(url);
  testing::ScratchDatabase db(url);
  auto c = Connection::open(db.url(), {});
  migrate_before(*c, 13);
  c->script(
      "INSERT INTO partners (partner_id, username, name, password_hash, created_at) "
      "VALUES (1, 'p', 'P', 'x', 0);"
      "INSERT INTO plans (plan_id, partner_id, name, storage_bytes) VALUES (1, 1, 'U', 0);"
      "INSERT INTO groups (group_id, partner_id, name, plan_id) VALUES (1, 1, 'G', 1);"
      "INSERT INTO users (avatar_id, partner_id, username, name, email, group_id, plan_id, "
      "creation_time) VALUES (300, 1, 'u', 'U', 'u@x', 1, 1, 0);"
      "INSERT INTO devices (partner_id, avatar_id, name, client_revision, creation_time, "
      "last_login) SELECT 1, 300, 'd' || i, 7 + i % 3, 0, (i * 7919 % 5000 - 1000) * 3607 "
      "FROM generate_series(1, 500) AS i;"
      "INSERT INTO devices (partner_id, avatar_id, name, client_revision, creation_time) "
      "VALUES (1, 300, 'never', 7, 0)");
  EXPECT_EQ(migrate(*c), static_cast<int>(migrations().size()) - 12);
  // What the triggers would have counted, from the devices rows.
  const char* differing =
      "WITH recount AS (SELECT partner_id, s.span, CASE WHEN s.span = 0 THEN 0 ELSE "
      "last_login / s.span - CASE WHEN last_login % s.span < 0 THEN 1 ELSE 0 END END AS bucket, "
      "client_revision, count(*) AS devices FROM devices CROSS JOIN (VALUES (0::bigint), "
      "(3600), (21600), (86400), (691200), (5529600)) AS s (span) WHERE s.span = 0 OR "
      "last_login IS NOT NULL GROUP BY 1, 2, 3, 4) SELECT count(*) FROM recount r FULL JOIN "
      "device_census t USING (partner_id, span, bucket, client_revision) "
      "WHERE r.devices IS DISTINCT FROM t.devices";
  EXPECT_EQ(c->exec(differing).integer(0, 0), 0);
  EXPECT_GT(c->exec("SELECT count(*) FROM device_census WHERE span = 5529600").integer(0, 0), 1);
  c->script("UPDATE devices SET last_login = last_login + 40000 WHERE name LIKE 'd1%'");
  c->script("DELETE FROM devices WHERE name LIKE 'd2%'");
  EXPECT_EQ(c->exec(differing).integer(0, 0), 0);
}

// Migration 024: the settings' purge intervals that were null (off) become 0, and those past
// 999999999 days that most, as the audit log records; values set stay (the SQLite side:
// settings_purge_days_test.cpp).
TEST(PostgresMigrateTest, PurgeIntervalsAreBroughtIntoTheirBounds) {
  ACCOUNTSD_REQUIRE_POSTGRES(url);
  testing::ScratchDatabase db(url);
  auto c = Connection::open(db.url(), {});
  migrate_before(*c, 24);
  c->script(
      "INSERT INTO partners (partner_id, username, name, password_hash, created_at) VALUES "
      "(1, 'alpha', 'Alpha', '-', 0), (2, 'beta', 'Beta', '-', 0), (3, 'gamma', 'Gamma', '-', 0);"
      "INSERT INTO partner_settings (partner_id, autopurge_interval, versionpurge_interval) "
      "VALUES (1, NULL, NULL), (2, 30, NULL), (3, 5000000000, 7)");
  EXPECT_EQ(migrate(*c), static_cast<int>(migrations().size()) - 23);
  auto rows = c->exec(
      "SELECT partner_id, autopurge_interval, versionpurge_interval FROM partner_settings "
      "ORDER BY partner_id");
  ASSERT_EQ(rows.rows(), 3);
  EXPECT_EQ(rows.integer(0, 1), 0);
  EXPECT_EQ(rows.integer(0, 2), 0);
  EXPECT_EQ(rows.integer(1, 1), 30);
  EXPECT_EQ(rows.integer(1, 2), 0);
  EXPECT_EQ(rows.integer(2, 1), 999999999);  // past the most days the API takes now
  EXPECT_EQ(rows.integer(2, 2), 7);
  auto audited = c->exec(
      "SELECT partner_id, actor, changes FROM audit_log WHERE action = 'settings.update' "
      "ORDER BY entry_id");
  ASSERT_EQ(audited.rows(), 3);
  for (int row = 0; row < 3; ++row) {
    EXPECT_EQ(audited.integer(row, 0), row + 1);
    EXPECT_EQ(audited.string(row, 1), "system");  // no request's or command's context here
  }
  EXPECT_EQ(audited.string(1, 2), R"({"versionpurge_interval": {"after": 0, "before": null}})");
  EXPECT_EQ(audited.string(2, 2),
            R"({"autopurge_interval": {"after": 999999999, "before": 5000000000}})");
}

// Migration 025: a password changed without its appliance key (by a server from before the
// migration, during a rolling upgrade) ends the old key; one changed with a new key keeps it
// (the SQLite side: appliance_key_migration_test.cpp).
TEST(PostgresMigrateTest, APasswordChangedWithoutItsKeyEndsTheOldKey) {
  ACCOUNTSD_REQUIRE_POSTGRES(url);
  testing::ScratchDatabase db(url);
  auto c = Connection::open(db.url(), {});
  EXPECT_GT(migrate(*c), 0);
  c->script(testing::kApplianceKeyRows);
  auto rows = c->exec("SELECT appliance_key_hash FROM partners ORDER BY partner_id");
  ASSERT_EQ(rows.rows(), 3);
  EXPECT_EQ(rows.optional_string(0, 0), std::nullopt);
  EXPECT_EQ(rows.optional_string(1, 0), "k2");
  EXPECT_EQ(rows.optional_string(2, 0), "k1");
}

}  // namespace
}  // namespace accountsd::store::postgres
