// store::AuditLog on every backend: newest first by time then id, the filters, cursor pages that
// hold while entries arrive, one partner's entries or every partner's, pruning in batches, and
// (SQLite) that each page is read from an index in order.
#include "store/audit_sql.hpp"
#include "support/audit_rows.hpp"
#include "support/store_fixture.hpp"

namespace accountsd::testing {
namespace {

class AuditLogStoreTest : public StoreTest {
 protected:
  store::AuditLog& log() { return database().audit_log(); }
  // A partner made as make_partner() makes one, with the log then emptied of what the triggers
  // recorded for it, so that a test sees only the entries it puts in.
  store::PartnerId partner(const std::string& username) {
    auto id = make_partner(username);
    test_db_.execute("DELETE FROM audit_log");
    return id;
  }
  void insert(const std::vector<AuditRow>& rows) { insert_audit_rows(test_db_, rows); }
  // The ids of the entries `query` lists, in order.
  std::vector<std::int64_t> ids(const store::AuditQuery& query) {
    std::vector<std::int64_t> out;
    for (const auto& entry : log().list(query)) out.push_back(entry.id);
    return out;
  }
  std::int64_t id_at(std::int64_t at) {
    return test_db_.integer("SELECT entry_id FROM audit_log WHERE at = $1", at);
  }
  static constexpr std::int64_t kT = 1'800'000'000;
};

TEST_F(AuditLogStoreTest, ListsNewestFirstByTimeThenId) {
  auto alpha = partner("alpha");
  insert({{alpha, kT + 1}, {alpha, kT}, {alpha, kT + 1}, {alpha, kT + 2}});
  auto all = test_db_.integers("SELECT entry_id FROM audit_log ORDER BY entry_id");
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(ids({.partner = alpha}),
            (std::vector<std::int64_t>{all[3][0], all[2][0], all[0][0], all[1][0]}));
}

TEST_F(AuditLogStoreTest, AnEntryComesBackAsStored) {
  auto alpha = partner("alpha");
  AuditRow row(alpha, kT, "settings.update", "partner/" + std::to_string(alpha));
  row.changes = R"({"password":{"before":"<redacted>","after":"<redacted>"}})";
  row.actor = "operator";
  row.address = std::nullopt;
  row.request_id = "op-1";
  insert({row});
  auto entries = log().list({.partner = alpha});
  ASSERT_EQ(entries.size(), 1u);
  const auto& e = entries.front();
  EXPECT_GT(e.id, 0);
  EXPECT_EQ(e.partner, alpha);
  EXPECT_EQ(e.at, kT);
  EXPECT_EQ(e.actor, "operator");
  EXPECT_FALSE(e.address);
  EXPECT_EQ(e.request_id, "op-1");
  EXPECT_EQ(e.action, "settings.update");
  EXPECT_EQ(e.object, "partner/" + std::to_string(alpha));
  EXPECT_EQ(e.changes, R"({"password":{"before":"<redacted>","after":"<redacted>"}})");
}

TEST_F(AuditLogStoreTest, FiltersByActionObjectAndTime) {
  auto alpha = partner("alpha");
  insert({{alpha, kT, "user.create", "user/1"},
          {alpha, kT + 10, "user.update", "user/1"},
          {alpha, kT + 20, "user.create", "user/2"},
          {alpha, kT + 30, "group.create", "group/1"}});
  auto at = [&](std::initializer_list<std::int64_t> times) {
    std::vector<std::int64_t> out;
    for (auto t : times) out.push_back(id_at(kT + t));
    return out;
  };
  EXPECT_EQ(ids({.partner = alpha, .action = "user.create"}), at({20, 0}));
  EXPECT_EQ(ids({.partner = alpha, .object = "user/1"}), at({10, 0}));
  EXPECT_EQ(ids({.partner = alpha, .action = "user.create", .object = "user/2"}), at({20}));
  EXPECT_EQ(ids({.partner = alpha, .since = kT + 10}), at({30, 20, 10}));
  EXPECT_EQ(ids({.partner = alpha, .until = kT + 10}), at({10, 0}));
  EXPECT_EQ(ids({.partner = alpha, .since = kT + 10, .until = kT + 20}), at({20, 10}));
  EXPECT_EQ(ids({.partner = alpha, .action = "policy.delete"}), at({}));
  EXPECT_EQ(ids({.partner = alpha, .limit = 2}), at({30, 20}));
}

TEST_F(AuditLogStoreTest, PagesFollowTheCursorWhileEntriesArrive) {
  auto alpha = partner("alpha");
  // Five entries share one second: the id orders them.
  std::vector<AuditRow> rows;
  for (int i = 0; i < 5; ++i) rows.push_back({alpha, kT});
  for (int i = 0; i < 5; ++i) rows.push_back({alpha, kT + 1 + i});
  insert(rows);
  auto expected = ids({.partner = alpha, .limit = 100});
  ASSERT_EQ(expected.size(), 10u);

  std::vector<std::int64_t> seen;
  store::AuditQuery query{.partner = alpha, .limit = 3};
  for (int page = 0; page < 10; ++page) {
    auto entries = log().list(query);
    for (const auto& e : entries) seen.push_back(e.id);
    if (entries.size() < query.limit) break;
    query.after = store::AuditPosition{entries.back().at, entries.back().id};
    // Newer entries arrive between pages, one in the cursor's own second (a higher id: newer).
    insert({{alpha, kT + 100 + page}, {alpha, query.after->at}});
  }
  // Every entry of the first state once, in order, and none of the newer ones.
  EXPECT_EQ(seen, expected);
}

TEST_F(AuditLogStoreTest, OnePartnersEntriesOrEveryPartners) {
  auto alpha = partner("alpha");
  auto beta = partner("beta");
  insert({{alpha, kT}, {beta, kT + 1}, {alpha, kT + 2}});
  EXPECT_EQ(ids({.partner = alpha}), (std::vector<std::int64_t>{id_at(kT + 2), id_at(kT)}));
  EXPECT_EQ(ids({.partner = beta}), std::vector<std::int64_t>{id_at(kT + 1)});
  EXPECT_EQ(ids({}), (std::vector<std::int64_t>{id_at(kT + 2), id_at(kT + 1), id_at(kT)}));
  EXPECT_EQ(ids({.after = store::AuditPosition{kT + 1, id_at(kT + 1)}}),
            std::vector<std::int64_t>{id_at(kT)});
}

TEST_F(AuditLogStoreTest, PruneDeletesTheOldestInBatches) {
  auto alpha = partner("alpha");
  std::vector<AuditRow> rows;
  for (int i = 0; i < 5; ++i) rows.push_back({alpha, kT + i});
  rows.push_back({alpha, kT + 100});
  insert(rows);
  EXPECT_EQ(log().prune(kT + 50, 2), 2);
  EXPECT_EQ(log().prune(kT + 50, 2), 2);
  EXPECT_EQ(log().prune(kT + 50, 2), 1);
  EXPECT_EQ(log().prune(kT + 50, 2), 0);
  auto left = log().list({.partner = alpha});
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left.front().at, kT + 100);
}

// Each page is a range of one index read in order: no scan of the table, no sort.
TEST_F(AuditLogStoreTest, EachPageIsReadFromAnIndexInOrder) {
  ACCOUNTSD_SQLITE_ONLY();
  auto alpha = partner("alpha");
  insert({{alpha, kT}});
  const store::AuditPosition after{kT, 1};
  struct Case {
    store::AuditQuery query;
    const char* index;
  };
  for (const auto& c :
       {Case{{.partner = alpha}, "audit_by_time"},
        Case{{.partner = alpha, .after = after}, "audit_by_time"},
        Case{{.partner = alpha, .since = kT, .until = kT + 9, .after = after}, "audit_by_time"},
        Case{{.partner = alpha, .action = "user.create", .after = after}, "audit_by_time"},
        Case{{.partner = alpha, .object = "user/1", .after = after}, "audit_by_time"}}) {
    auto statement = store::audit_select(c.query, "?");
    auto plan = query_plan(files_.path, statement.sql);
    EXPECT_NE(plan.find(c.index), std::string::npos) << statement.sql << "\n" << plan;
    EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << statement.sql << "\n" << plan;
    // The cursor bounds the index range rather than filtering what it reads.
    if (c.query.after) {
      EXPECT_NE(plan.find("at<?"), std::string::npos) << statement.sql << "\n" << plan;
    }
  }
  // The oldest entries are read from the primary key's start (LIMIT stops it), then each is
  // deleted by its key: no sort, no search of the table by time.
  auto prune = query_plan(files_.path, store::audit_prune_sql("?"));
  EXPECT_NE(prune.find("USING INTEGER PRIMARY KEY"), std::string::npos) << prune;
  EXPECT_EQ(prune.find("TEMP B-TREE"), std::string::npos) << prune;
}

}  // namespace
}  // namespace accountsd::testing
