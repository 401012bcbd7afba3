// Migration 024 on a database left at migration 023: the settings' purge intervals that were null
// (off) become 0, the one form of off that OpenManage's settings page can render (Part C), and
// those past 999999999 days, which that page cannot show, become that most; the audit log
// records each change as the system's, and values within bounds stay as they were.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/database.hpp"
#include "store/sqlite/connection.hpp"
#include "support/sqlite_checks.hpp"

namespace accountsd::testing {
namespace {

TEST(SettingsPurgeDaysMigration, NullIntervalsBecomeZeroAndSetOnesStay) {
  TempDatabase db;
  migrate_before(db.path, 24);
  {
    store::sqlite::Connection c(db.path);
    c.exec(
        "INSERT INTO partners (partner_id, username, name, password_hash, created_at) VALUES "
        "(1, 'alpha', 'Alpha', '-', 0), (2, 'beta', 'Beta', '-', 0), (3, 'gamma', 'Gamma', '-', "
        "0), (4, 'delta', 'Delta', '-', 0);"
        "INSERT INTO partner_settings (partner_id, autopurge_interval, versionpurge_interval) "
        "VALUES (1, NULL, NULL), (2, 30, 90), (3, 7, NULL), (4, 5000000000, 0)");
  }
  auto store = store::open_store("sqlite:" + db.path);
  EXPECT_EQ(store->partners().settings(1).autopurge_interval, 0);
  EXPECT_EQ(store->partners().settings(1).versionpurge_interval, 0);
  EXPECT_EQ(store->partners().settings(2).autopurge_interval, 30);
  EXPECT_EQ(store->partners().settings(2).versionpurge_interval, 90);
  EXPECT_EQ(store->partners().settings(3).autopurge_interval, 7);
  EXPECT_EQ(store->partners().settings(3).versionpurge_interval, 0);
  // Past the most days the API takes now: brought down to it.
  EXPECT_EQ(store->partners().settings(4).autopurge_interval, 999999999);
  EXPECT_EQ(store->partners().settings(4).versionpurge_interval, 0);
  store.reset();

  store::sqlite::Connection c(db.path);
  auto& nulls = c.prepared(
      "SELECT count(*) FROM partner_settings WHERE autopurge_interval IS NULL OR "
      "versionpurge_interval IS NULL");
  ASSERT_TRUE(nulls.step());
  EXPECT_EQ(nulls.integer(0), 0);
  nulls.reset();
  auto& entries = c.prepared(
      "SELECT partner_id, actor, action, changes FROM audit_log WHERE action = "
      "'settings.update' ORDER BY entry_id");
  std::vector<std::string> seen;
  while (entries.step())
    seen.push_back(std::to_string(entries.integer(0)) + " " + entries.text(1) + " " +
                   entries.text(2) + " " + entries.text(3));
  entries.reset();
  EXPECT_EQ(seen,
            (std::vector<std::string>{
                R"(1 system settings.update {"autopurge_interval":{"before":null,"after":0},)"
                R"("versionpurge_interval":{"before":null,"after":0}})",
                R"(3 system settings.update {"versionpurge_interval":{"before":null,"after":0}})",
                R"(4 system settings.update )"
                R"({"autopurge_interval":{"before":5000000000,"after":999999999}})"}));
}

}  // namespace
}  // namespace accountsd::testing
