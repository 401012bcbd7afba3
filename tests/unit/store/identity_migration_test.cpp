// Migration 007 on a database left at migration 006 with data in it: every row, id, counter and
// schema object survives, ids only grow from there (C.7), and emails that differ only by case
// are reported, not merged.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "error.hpp"
#include "store/database.hpp"
#include "store/sqlite/connection.hpp"
#include "support/sqlite_checks.hpp"

namespace accountsd::testing {
namespace {

using Rows = std::vector<std::string>;

domain::UserCreate new_user(const std::string& username, const std::string& email) {
  domain::UserCreate user;
  user.username = username;
  user.name = "User " + username;
  user.email = email;
  return user;
}

domain::UserPatch email_patch(const std::string& email) {
  domain::UserPatch patch;
  patch.email = email;
  return patch;
}

domain::UserPatch name_patch(const std::string& name) {
  domain::UserPatch patch;
  patch.name = name;
  return patch;
}

// Every row `sql` returns, each as its columns joined by '|' (NULL as "∅").
Rows rows(const std::string& path, const std::string& sql) {
  ReadOnlyDatabase db(path);
  Rows out;
  for_each_row(db.get(), sql.c_str(), 0, [&](sqlite3_stmt* s) {
    std::string row;
    for (int i = 0; i < sqlite3_column_count(s); ++i) {
      if (i > 0) row += "|";
      const auto* text = sqlite3_column_text(s, i);
      row += text ? reinterpret_cast<const char*>(text) : "∅";
    }
    out.push_back(row);
  });
  return out;
}

// The schema objects (type:name -> SQL with its whitespace collapsed), tables' SQL left out:
// the rebuilt tables are meant to differ.
std::map<std::string, std::string> schema(const std::string& path) {
  std::map<std::string, std::string> out;
  for (const auto& row : rows(path, "SELECT type, name, coalesce(sql, '') FROM sqlite_master")) {
    auto first = row.find('|');
    auto second = row.find('|', first + 1);
    auto key = row.substr(0, first) + ":" + row.substr(first + 1, second - first - 1);
    auto sql = std::regex_replace(row.substr(second + 1), std::regex("\\s+"), " ");
    out[key] = row.starts_with("table|") ? "" : sql;
  }
  return out;
}

// What must come through the migration unchanged.
const char* const kKeptRows[] = {
    "SELECT plan_id, partner_id, name, storage_bytes FROM plans ORDER BY plan_id",
    "SELECT group_id, partner_id, name, plan_id, webapi_enable, check_domain FROM groups "
    "ORDER BY group_id",
    "SELECT avatar_id, partner_id, username, name, email, group_id, plan_id, bonus_bytes, "
    "bytes_stored, enabled, purgehold_active, creation_time, last_login, share_id, "
    "password_bcrypt, promo, num_devices, num_shares, last_backup_complete FROM users "
    "ORDER BY avatar_id",
    "SELECT device_id, partner_id, avatar_id, name, client_revision, creation_time, last_login, "
    "last_backup_complete FROM devices ORDER BY device_id",
    "SELECT avatar_id, room_key, partner_id, name, description, creation_time, update_time, "
    "enabled FROM shares ORDER BY avatar_id, room_key",
    "SELECT * FROM partner_counters ORDER BY partner_id",
    // Migration 013 adds coarser spans beside these.
    "SELECT * FROM device_census WHERE span IN (0, 3600, 86400) ORDER BY 1, 2, 3, 4",
    "SELECT * FROM share_user_blocks ORDER BY 1, 2, 3",
    "SELECT email_id, partner_id, avatar_id, email, template_name, queued_at FROM "
    "activation_emails ORDER BY email_id",
};

class IdentityMigrationTest : public ::testing::Test {
 protected:
  // Migrations 001-006 and data a server at 006 could have written: two partners, users whose
  // emails clash by case in one of them, devices, shares, an outbox entry for a deleted user
  // whose avatar_id (60) is above every remaining one, and the top ids of each table deleted.
  void SetUp() override {
    migrate_before(db_.path, 7);
    store::sqlite::Connection db(db_.path);
    db.exec(
        "INSERT INTO partners (partner_id, username, name, password_hash, created_at) VALUES "
        "(1, 'alpha', 'Alpha', '-', 0), (2, 'beta', 'Beta', '-', 0);"
        "INSERT INTO partner_counters (partner_id, share_count, device_count, bytes_used_lo) "
        "VALUES (1, 2, 3, 700), (2, 0, 0, 0);"
        "INSERT INTO plans VALUES (1, 1, 'Unlimited', 1000000001000000000), "
        "(2, 2, 'Unlimited', 1000000001000000000), (3, 1, 'Small', 5), (9, 1, 'Gone', 1);"
        "INSERT INTO groups VALUES (1, 1, 'Alpha', 1, 1, 0, 1), (2, 2, 'Beta', 2, 1, 0, 1), "
        "(4, 1, 'Sales', 3, 0, 1, 0), (8, 1, 'Gone', 1, 1, 0, 0);"
        "INSERT INTO users (avatar_id, partner_id, username, name, email, group_id, plan_id, "
        "bonus_bytes, bytes_stored, enabled, purgehold_active, creation_time, last_login, "
        "share_id, password_bcrypt, promo, num_devices, num_shares, last_backup_complete) VALUES "
        "(1, 1, 'ann', 'Ann', 'ann@example.com', 1, 1, 0, 100, 1, 0, 10, 20, 'ann', 'h', 'p1', "
        "2, 2, 15),"
        "(3, 1, 'ann2', 'Ann Two', 'ANN@Example.com', 4, 3, 5, 600, 0, 1, 11, NULL, NULL, NULL, "
        "NULL, 1, 0, NULL),"
        "(4, 1, 'bob', 'Bob', 'bob@example.com', 1, 1, 0, 0, 1, 0, 12, NULL, NULL, NULL, NULL, "
        "0, 0, NULL),"
        "(5, 2, 'ann', 'Ann', 'ann@example.com', 2, 2, 0, 0, 1, 0, 13, NULL, NULL, NULL, NULL, "
        "0, 0, NULL),"
        "(7, 1, 'gone', 'Gone', 'gone@example.com', 1, 1, 0, 0, 1, 0, 14, NULL, NULL, NULL, "
        "NULL, 0, 0, NULL);"
        "INSERT INTO devices (device_id, partner_id, avatar_id, name, client_revision, "
        "creation_time, last_login, last_backup_complete) VALUES "
        "(1, 1, 1, 'laptop', 512, 10, 20, 15), (2, 1, 1, 'phone', 600, 10, NULL, NULL), "
        "(5, 1, 3, 'desk', 512, 11, 30, NULL), (6, 1, 7, 'gone', 512, 14, 40, NULL);"
        "INSERT INTO shares (avatar_id, room_key, partner_id, name, description, creation_time, "
        "update_time, enabled) VALUES (1, 'kids', 1, 'Kids', '', 10, 11, 1), "
        "(1, 'holiday', 1, 'Holiday', 'Sun', 12, 13, 0);"
        "INSERT INTO activation_emails (email_id, partner_id, avatar_id, email, template_name, "
        "queued_at) VALUES (1, 1, 60, 'old@example.com', 'welcome', 5), "
        "(2, 1, 1, 'ann@example.com', NULL, 6);"
        // The tops of users, devices, plans and groups deleted before the migration.
        "DELETE FROM devices WHERE device_id = 6; DELETE FROM users WHERE avatar_id = 7;"
        "DELETE FROM plans WHERE plan_id = 9; DELETE FROM groups WHERE group_id = 8;");
  }

  void open() { store_ = store::open_store("sqlite:" + db_.path); }

  TempDatabase db_;
  std::unique_ptr<store::Database> store_;
};

TEST_F(IdentityMigrationTest, KeepsEveryRowIdCounterAndSchemaObject) {
  std::vector<Rows> before;
  for (const char* sql : kKeptRows) before.push_back(rows(db_.path, sql));
  auto schema_before = schema(db_.path);
  open();
  for (std::size_t i = 0; i < std::size(kKeptRows); ++i)
    EXPECT_EQ(rows(db_.path, kKeptRows[i]), before[i]) << kKeptRows[i];

  // Every index, trigger and view is there again with the same SQL; what changed is only the
  // email index (case-insensitive now) and the AUTOINCREMENT bookkeeping.
  auto schema_after = schema(db_.path);
  std::set<std::string> gone, added;
  for (const auto& [name, sql] : schema_before) {
    auto it = schema_after.find(name);
    if (it == schema_after.end()) {
      gone.insert(name);
    } else if (name != "trigger:device_census_change") {  // 013 counts more spans
      EXPECT_EQ(it->second, sql) << name;
    }
  }
  for (const auto& [name, sql] : schema_after)
    if (!schema_before.contains(name)) added.insert(name);
  EXPECT_EQ(gone, (std::set<std::string>{"index:sqlite_autoindex_users_2"}));
  // 015 and 016: the audit log with its index, and its triggers, one per table and action.
  std::set<std::string> audit;
  std::erase_if(added, [&](const std::string& name) {
    return name.find(":audit_") != std::string::npos && audit.insert(name).second;
  });
  std::size_t triggers = 0;
  for (std::string_view sql = store::migrations().at(15).sqlite;
       sql.find("CREATE TRIGGER") != std::string_view::npos;
       sql.remove_prefix(sql.find("CREATE TRIGGER") + 1))
    ++triggers;
  EXPECT_GT(triggers, 30u);
  EXPECT_EQ(audit.size(), 2 + triggers);
  for (const auto& name : {"table:audit_log", "index:audit_by_time"})
    EXPECT_TRUE(audit.contains(name)) << name;
  // 007's, then what the later migrations add (008 device policies, 009 backups, 010 partner
  // usernames in any case, 014 idempotency keys, 018 console sessions, 019 the console's
  // orders and filters, 020 the index of searches with its own tables and triggers, 021 the
  // folded texts searches read, 025 the trigger that ends an appliance key with its password).
  EXPECT_EQ(added, (std::set<std::string>{"table:sqlite_sequence",
                                          "index:users_unique_email",
                                          "index:users_by_email",
                                          "index:users_email_clashes",
                                          "index:users_by_promo",
                                          "table:device_policies",
                                          "index:sqlite_autoindex_device_policies_1",
                                          "index:device_policies_by_parent",
                                          "index:groups_by_device_policy",
                                          "index:partners_unique_username",
                                          "table:partner_backups",
                                          "index:partner_backups_by_partner",
                                          "table:request_keys",
                                          "index:request_keys_by_age",
                                          "table:console_sessions",
                                          "index:console_sessions_by_partner",
                                          "index:console_sessions_by_expiry",
                                          "index:users_by_name",
                                          "index:users_by_plan_order",
                                          "index:users_by_num_devices",
                                          "index:users_by_enabled",
                                          "index:users_by_purgehold",
                                          "index:users_by_last_backup",
                                          "table:users_search",
                                          "table:users_search_config",
                                          "table:users_search_data",
                                          "table:users_search_idx",
                                          "table:users_search_texts",
                                          "trigger:partners_appliance_key_follows",
                                          "trigger:users_search_delete",
                                          "trigger:users_search_insert",
                                          "trigger:users_search_update"}));
  EXPECT_EQ(schema_after.at("table:users").find("is_default"), std::string::npos);

  ReadOnlyDatabase db(db_.path);
  EXPECT_EQ(integrity_check(db.get()), "ok");
  EXPECT_EQ(rows(db_.path, "PRAGMA foreign_key_check"), Rows{});
  EXPECT_EQ(rows(db_.path, "SELECT number FROM schema_migrations WHERE number = 7"), Rows{"7"});
  // The quota figures still agree with the rows.
  auto recount = recount_quota(db.get(), 1);
  EXPECT_EQ(recount.devices, 3);
  EXPECT_EQ(recount.shares, 2);
  EXPECT_EQ(store_->partners().quota(1).device_count, 3);
  EXPECT_EQ(store_->partners().quota(1).bytes_used, 700);
}

TEST_F(IdentityMigrationTest, NewIdsArePastEveryIdInUseOrStillNamed) {
  open();
  // Past the outbox's avatar_id 60, though no user row has it any more.
  auto user = store_->directory().create_user(1, new_user("new", "n@example.com"));
  EXPECT_EQ(user.avatar_id, 61);
  EXPECT_GT(store_->directory().create_plan(1, "Bigger", 10), 3);
  auto group = store_->directory().create_group(1, {0, "Support", 1, true, false, std::nullopt});
  EXPECT_GT(group, 4);
  store_->usage().put_device(1, 4, "new", {512, std::nullopt, std::nullopt});
  EXPECT_GT(store_->usage().devices(1, 4).at(0).device_id, 5);

  // And past them once they are deleted.
  store_->directory().delete_user(1, user.avatar_id);
  EXPECT_EQ(store_->directory().create_user(1, new_user("n2", "n@example.com")).avatar_id, 62);
  store_->directory().delete_group(1, group, std::nullopt);
  EXPECT_EQ(store_->directory().create_group(1, {0, "Support", 1, true, false, std::nullopt}),
            group + 1);
  auto device = store_->usage().devices(1, 4).at(0).device_id;
  ASSERT_TRUE(store_->usage().delete_device(1, 4, "new"));
  store_->usage().put_device(1, 4, "new", {512, std::nullopt, std::nullopt});
  EXPECT_EQ(store_->usage().devices(1, 4).at(0).device_id, device + 1);
}

TEST_F(IdentityMigrationTest, ReportsEmailsThatDifferOnlyByCaseWithoutMergingThem) {
  open();
  // Both users are still there, with their emails as they were.
  EXPECT_EQ(store_->directory().find_user(1, "ann")->email, "ann@example.com");
  EXPECT_EQ(store_->directory().find_user(1, "ann2")->email, "ANN@Example.com");
  auto clashes = store_->directory().email_clashes();
  ASSERT_EQ(clashes.size(), 1u);
  EXPECT_EQ(clashes[0].partner_username, "alpha");
  ASSERT_EQ(clashes[0].users.size(), 2u);
  EXPECT_EQ(clashes[0].users[0].username, "ann");
  EXPECT_EQ(clashes[0].users[0].email, "ann@example.com");
  EXPECT_EQ(clashes[0].users[1].username, "ann2");
  EXPECT_EQ(clashes[0].users[1].email, "ANN@Example.com");

  // A lookup by email, in any spelling, finds the address's holder, the older user; the other
  // is found by username.
  EXPECT_EQ(store_->directory().find_user(1, "ANN@Example.com")->username, "ann");
  EXPECT_EQ(store_->directory().find_user(1, "ann@example.com")->username, "ann");
  EXPECT_EQ(store_->directory().find_user(1, "Ann@EXAMPLE.com")->username, "ann");

  // No third user may take that address in any case.
  try {
    store_->directory().create_user(1, new_user("ann3", "aNN@example.COM"));
    ADD_FAILURE() << "a third clashing email was accepted";
  } catch (const store::Conflict& e) {
    EXPECT_EQ(e.clash, store::Clash::taken);
    EXPECT_EQ(e.field, "email");
  }

  // Editing something else keeps the clash; giving one of them another email ends it.
  store_->directory().update_user(1, 3, name_patch("Ann II"));
  EXPECT_EQ(store_->directory().email_clashes().size(), 1u);
  store_->directory().update_user(1, 3, email_patch("ann.two@example.com"));
  EXPECT_TRUE(store_->directory().email_clashes().empty());
}

TEST_F(IdentityMigrationTest, ReportsEachAddressOnceHoweverManyUsersShareIt) {
  {
    store::sqlite::Connection db(db_.path);
    db.exec(
        "INSERT INTO users (avatar_id, partner_id, username, name, email, group_id, plan_id, "
        "creation_time) VALUES (6, 1, 'ann3', 'Ann', 'Ann@example.COM', 1, 1, 0)");
  }
  open();
  auto clashes = store_->directory().email_clashes();
  ASSERT_EQ(clashes.size(), 1u);
  std::vector<std::string> usernames;
  for (const auto& user : clashes[0].users) usernames.push_back(user.username);
  EXPECT_EQ(usernames, (std::vector<std::string>{"ann", "ann2", "ann3"}));
  // Settling one of the flagged users leaves the other two reported.
  store_->directory().update_user(1, 3, email_patch("ann.two@example.com"));
  clashes = store_->directory().email_clashes();
  ASSERT_EQ(clashes.size(), 1u);
  EXPECT_EQ(clashes[0].users.size(), 2u);
}

// When the holder of a clashing address leaves it, the flagged user takes it over, so the rule
// covers the address again instead of letting a new user clash with the one left.
TEST_F(IdentityMigrationTest, TheFlaggedUserTakesTheAddressOverWhenTheHolderLeavesIt) {
  open();
  store_->directory().update_user(1, 1, email_patch("ann.one@example.com"));
  EXPECT_TRUE(store_->directory().email_clashes().empty());
  EXPECT_THROW(store_->directory().create_user(1, new_user("ann3", "ann@example.com")),
               store::Conflict);
  EXPECT_EQ(store_->directory().find_user(1, "ann@example.com")->username, "ann2");  // took it over
  store_->directory().delete_user(1, 3);
  auto again = store_->directory().create_user(1, new_user("ann3", "ann@example.com"));
  EXPECT_EQ(again.email, "ann@example.com");
}

TEST_F(IdentityMigrationTest, TheFlaggedUserTakesTheAddressOverWhenTheHolderIsDeleted) {
  open();
  store_->directory().delete_user(1, 1);
  EXPECT_TRUE(store_->directory().email_clashes().empty());
  EXPECT_EQ(store_->directory().find_user(1, "ann@example.com")->username, "ann2");
  EXPECT_THROW(store_->directory().create_user(1, new_user("ann3", "ANN@example.com")),
               store::Conflict);
}

}  // namespace
}  // namespace accountsd::testing
