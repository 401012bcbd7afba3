// Migration 025 on SQLite: a password changed without its appliance key (by a server from before
// the migration, still running beside one after it) ends the old key; a change that writes a new
// key keeps it, and a change of anything else leaves the key alone.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "store/sqlite/connection.hpp"
#include "support/appliance_key_rows.hpp"
#include "support/sqlite_checks.hpp"

namespace accountsd::testing {
namespace {

TEST(ApplianceKeyMigration, APasswordChangedWithoutItsKeyEndsTheOldKey) {
  TempDatabase db;
  migrate_before(db.path, 26);  // through migration 025
  store::sqlite::Connection c(db.path);
  c.exec(testing::kApplianceKeyRows);
  auto& keys = c.prepared("SELECT appliance_key_hash FROM partners ORDER BY partner_id");
  std::vector<std::optional<std::string>> seen;
  while (keys.step()) seen.push_back(keys.optional_text(0));
  keys.reset();
  EXPECT_EQ(seen, (std::vector<std::optional<std::string>>{std::nullopt, "k2", "k1"}));
}

}  // namespace
}  // namespace accountsd::testing
