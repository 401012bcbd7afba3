// Searches of users (B.3) answer as a scan of the partner's users does: a search of three
// characters or more may read only the users a trigram index lists (SQLite's users_search,
// migration 020; PostgreSQL's users_search_trigrams, migration 022), which must list every match
// and follow every insert, change and deletion; the others read the folded texts of
// users_search_texts (SQLite's migration 021, PostgreSQL's 023), which must do the same.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "domain/case_fold.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/user_search.hpp"
#include "support/store_fixture.hpp"

namespace accountsd::store {
namespace {

using Names = std::vector<std::string>;

// Pieces of the generated texts: letters in both cases beyond ASCII, and what FTS5's query
// syntax or SQL's LIKE (and its escape, a backslash) would read as operators.
const std::vector<std::string> kPieces = {
    "a", "b", "A", "B", "\xC3\xA9", "\xC3\x89", "\xC3\xBC", "\xC3\x9C", "\"", "*",  "%",
    "_", " ", "-", "@", ".",        "NEAR",     "OR",       "(",        ")",  "\\", "\xE2\x82\xAC",
    "\n"};  // "€"; PostgreSQL's texts' joint

class UserSearchStoreTest : public testing::StoreTest {
 protected:
  std::mt19937 random_{20261202};

  // A text of `length` pieces, kept as its pieces so that searches can cut it between them.
  std::vector<std::string> pieces(int length) {
    std::vector<std::string> out;
    for (int i = 0; i < length; ++i) out.push_back(kPieces[random_() % kPieces.size()]);
    return out;
  }
  static std::string joined(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts) out += p;
    return out;
  }

  // Who B.3 says a search finds, decided without the database: the needle lowered within the
  // lowered name, username or email.
  static Names expected(const std::vector<domain::NewUser>& users, const std::string& search) {
    auto needle = domain::fold_case(search);
    Names out;
    for (const auto& u : users) {
      for (const auto* text : {&u.name, &u.username, &u.email}) {
        if (domain::fold_case(*text).find(needle) != std::string::npos) {
          out.push_back(u.username);
          break;
        }
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  Names found(PartnerId partner, const std::string& search, std::optional<std::int64_t> limit) {
    domain::UserQuery query;
    query.search = search;
    query.order_by = "username";
    query.limit = limit;
    Names out;
    for (const auto& u : directory().users(partner, query)) out.push_back(u.username);
    return out;
  }

  // Random texts and `rounds` searches, many of them cut from the texts in another letter case:
  // every answer, paged or counted, is exactly the users whose texts hold the search.
  void expect_random_searches_exact(int rounds);
};

void UserSearchStoreTest::expect_random_searches_exact(int rounds) {
  auto alpha = make_partner("alpha");
  auto beta = make_partner("beta");
  std::vector<std::vector<std::string>> texts;
  std::vector<domain::NewUser> alpha_users;
  std::int64_t alpha_group = 0;
  for (auto partner : {alpha, beta}) {
    auto [group, plan] = defaults(partner);
    if (partner == alpha) alpha_group = group;
    std::vector<domain::NewUser> batch;
    for (int i = 0; i < (partner == alpha ? 300 : 60); ++i) {
      texts.push_back(pieces(3 + int(random_() % 10)));
      auto name = joined(texts.back());
      batch.push_back(user("u" + std::to_string(i) + joined(pieces(3)), group, plan));
      batch.back().name = name;
      batch.back().email = joined(pieces(4)) + std::to_string(i) + "@x.example";
    }
    directory().insert_users(partner, batch);
    if (partner == alpha) alpha_users = batch;
  }
  auto upper = [](std::string piece) {
    if (piece == "\xC3\xA9") return std::string("\xC3\x89");
    if (piece == "\xC3\xBC") return std::string("\xC3\x9C");
    if (piece.size() == 1 && piece[0] >= 'a' && piece[0] <= 'z') piece[0] = char(piece[0] - 32);
    return piece;
  };
  for (int round = 0; round < rounds; ++round) {
    std::string search;
    if (round % 4 == 3) {
      search = joined(pieces(1 + int(random_() % 5)));
    } else {
      const auto& text = texts[random_() % texts.size()];
      auto from = random_() % text.size();
      auto length = 1 + random_() % (text.size() - from);
      for (auto i = from; i < from + length; ++i)
        search += random_() % 2 ? upper(text[i]) : text[i];
    }
    auto want = expected(alpha_users, search);
    EXPECT_EQ(found(alpha, search, std::nullopt), want) << search;
    auto page = found(alpha, search, 25);
    EXPECT_EQ(page, Names(want.begin(), want.begin() + std::min<std::size_t>(want.size(), 25)))
        << search;
    domain::UserQuery counted;
    counted.search = search;
    EXPECT_EQ(directory().count_users(alpha, counted), std::int64_t(want.size())) << search;
    counted.group_id = alpha_group;  // another condition: counted from the list of matches
    EXPECT_EQ(directory().count_users(alpha, counted), std::int64_t(want.size())) << search;
    if (round % 8 == 0) {  // an unpaged list, read through a cursor
      domain::UserQuery listed = counted;
      listed.order_by = "username";
      auto cursor = directory().user_cursor(alpha, listed);
      Names streamed;
      for (auto rows = cursor->next_page(50); !rows.empty(); rows = cursor->next_page(50))
        for (const auto& u : rows) streamed.push_back(u.username);
      EXPECT_EQ(streamed, want) << search;
    }
  }
}

TEST_F(UserSearchStoreTest, FindsEveryMatchWhateverTheSearch) {
  expect_random_searches_exact(400);
}

// PostgreSQL: on so few users the planner reads them all, or walks an index by partner, leaving
// the trigram index unread (and the store then leaves the narrowing out). Here the scratch
// database has no other way to read them: sequential and plain index scans turned off (a search
// that cannot be narrowed still scans), and no index that begins with partner_id. Every search the
// store can narrow then reads the index, which must list every match.
TEST_F(UserSearchStoreTest, TrigramIndexListsEveryMatchOnPostgres) {
  if (!test_db_.postgres())
    GTEST_SKIP() << "PostgreSQL's index; SQLite's is read by the test above";
  test_db_.execute(
      "DO $$ DECLARE found record; BEGIN "
      "ALTER TABLE users DROP CONSTRAINT users_partner_id_username_key; "
      "FOR found IN SELECT indexname FROM pg_indexes WHERE tablename = 'users' AND "
      "indexdef LIKE '%(partner_id%' LOOP EXECUTE format('DROP INDEX %I', found.indexname); "
      "END LOOP; "
      "EXECUTE format('ALTER DATABASE %I SET enable_seqscan = off', current_database()); "
      "EXECUTE format('ALTER DATABASE %I SET enable_indexscan = off', current_database()); "
      "EXECUTE format('ALTER DATABASE %I SET enable_indexonlyscan = off', current_database()); "
      // A scan turned off costs 10^10, which would have each statement compiled (JIT) first.
      "EXECUTE format('ALTER DATABASE %I SET jit = off', current_database()); "
      "END $$");
  reopen();
  expect_random_searches_exact(400);

  // The index holds a user's texts joined: a search across two of them is listed, and refused
  // by the test that decides.
  auto gamma = make_partner("gamma");
  auto [group, plan] = defaults(gamma);
  auto ann = user("bound", group, plan);
  ann.name = "Ann Cross";
  directory().insert_users(gamma, std::vector<domain::NewUser>{ann});
  EXPECT_EQ(found(gamma, "CROSS", std::nullopt), Names{"bound"});
  EXPECT_EQ(found(gamma, "cross bou", std::nullopt), Names{});
  domain::UserQuery across;
  across.search = "cross bou";
  EXPECT_EQ(directory().count_users(gamma, across), 0);

  // The index was read: a connection's index scans are counted once it ends.
  reopen();
  std::int64_t scans = 0;
  for (int tries = 0; tries < 100 && scans == 0; ++tries) {
    if (tries > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    scans = test_db_.integer(
        "SELECT coalesce(sum(idx_scan), 0) FROM pg_stat_user_indexes WHERE indexrelname = "
        "'users_search_trigrams'");
  }
  EXPECT_GT(scans, 0);
}

// Searches that more users match than a list may hold (kMostListedFromTexts) are checked in the
// users' rows as they are walked: a page, a count and a count with another condition, short and
// long, with the few users they miss placed first, last and between.
TEST_F(UserSearchStoreTest, SearchesMostUsersMatchAreAnsweredAsOthers) {
  // PostgreSQL has no such caps; inserting 20 thousand users there takes 40 s under -j2.
  if (test_db_.postgres()) GTEST_SKIP() << "SQLite's ways past its lists' caps";
  auto alpha = make_partner("alpha");
  auto [group, plan] = defaults(alpha);
  const int many = int(sqlite::kMostListedFromTexts) + 50;
  std::vector<domain::NewUser> batch;
  for (int i = 0; i < many; ++i) {
    char number[16];
    std::snprintf(number, sizeof number, "%06d", i);
    batch.push_back(user(std::string("m") + number, group, plan));
    batch.back().name = "Common \xC3\x89lan " + std::string(number);
    batch.back().email = std::string("m") + number + "@x.example";
    if (i % 5000 == 0) {  // one in 5000 misses both searches
      batch.back().name = "Rare " + std::string(number);
      batch.back().email = std::string("r") + number + "@x.example";
    }
  }
  directory().insert_users(alpha, batch);
  for (const std::string search : {"\xC3\xA9l", "COMMON \xC3\x89LAN", "x.ex", "Rare"}) {
    auto want = expected(batch, search);
    domain::UserQuery counted;
    counted.search = search;
    EXPECT_EQ(directory().count_users(alpha, counted), std::int64_t(want.size())) << search;
    counted.group_id = group;
    EXPECT_EQ(directory().count_users(alpha, counted), std::int64_t(want.size())) << search;
    EXPECT_EQ(found(alpha, search, 25),
              Names(want.begin(), want.begin() + std::min<std::size_t>(want.size(), 25)))
        << search;
  }
  // A filter that selects every user walks the page's order as before (selects_few: not few).
  domain::UserQuery grouped;
  grouped.group_id = group;
  grouped.order_by = "username";
  grouped.descending = true;
  grouped.offset = 10;
  grouped.limit = 3;
  Names page;
  for (const auto& u : directory().users(alpha, grouped)) page.push_back(u.username);
  EXPECT_EQ(page, (Names{"m020039", "m020038", "m020037"}));
}

// A user's new name or email is found and the old is not; a deleted user is found no more.
TEST_F(UserSearchStoreTest, FollowsChangesAndDeletions) {
  auto alpha = make_partner("alpha");
  auto [group, plan] = defaults(alpha);
  auto ann = user("ann", group, plan);
  ann.name = "\xC3\x89lodie Ann";  // "Élodie Ann"
  auto bob = user("bob", group, plan);
  directory().insert_users(alpha, std::vector<domain::NewUser>{ann, bob});
  auto names = [&](const std::string& search) {
    domain::UserQuery query;
    query.search = search;
    Names out;
    for (const auto& u : directory().users(alpha, query)) out.push_back(u.username);
    EXPECT_EQ(directory().count_users(alpha, query), std::int64_t(out.size())) << search;
    return out;
  };
  EXPECT_EQ(names("\xC3\xA9LODIE"), Names{"ann"});
  EXPECT_EQ(names("\xC3\xA9l"), Names{"ann"});  // two characters: no trigram
  auto ann_id = directory().find_user(alpha, "ann")->avatar_id;
  domain::UserPatch patch;
  patch.name = "Zo\xC3\xAB Ann";  // "Zoë Ann"
  patch.email = "zoe@elsewhere.example";
  directory().update_user(alpha, ann_id, patch);
  EXPECT_EQ(names("\xC3\xA9LODIE"), Names{});
  EXPECT_EQ(names("ann@example"), Names{});
  EXPECT_EQ(names("ZO\xC3\x8B"), Names{"ann"});
  EXPECT_EQ(names("zoe@else"), Names{"ann"});
  EXPECT_EQ(names("\xC3\xA9l"), Names{});
  EXPECT_EQ(names("nz"), Names{});  // not across the end of one text and the start of another
  EXPECT_EQ(names("\xC3\xAB"), Names{"ann"});
  domain::UserPatch unrelated;
  unrelated.bonus_bytes = 5;
  directory().update_user(alpha, ann_id, unrelated);
  EXPECT_EQ(names("ZO\xC3\x8B ann"), Names{"ann"});
  directory().delete_user(alpha, directory().find_user(alpha, "bob")->avatar_id);
  EXPECT_EQ(names("bob"), Names{});
  EXPECT_EQ(names("bo"), Names{});
  EXPECT_EQ(names("bob@example"), Names{});
  EXPECT_EQ(names("user bob"), Names{});
}

// PostgreSQL answers a search the trigram index cannot narrow from users_search_texts: its rows
// decide (emptied, it finds no one); a search with another filter, or holding the newline that
// joins a user's texts there, is checked in users instead; the trigger keeps the table as it
// would be made anew.
TEST_F(UserSearchStoreTest, ShortSearchesReadTheTextsTableOnPostgres) {
  if (!test_db_.postgres()) GTEST_SKIP() << "PostgreSQL's table; SQLite's is tested below";
  auto alpha = make_partner("alpha");
  auto [group, plan] = defaults(alpha);
  auto ann = user("ann", group, plan);
  ann.name = "Ann\nLine";
  auto bob = user("bob", group, plan);
  directory().insert_users(alpha, std::vector<domain::NewUser>{ann, bob});
  domain::UserPatch patch;
  patch.email = "ANN.NEW@example.com";
  directory().update_user(alpha, directory().find_user(alpha, "ann")->avatar_id, patch);
  directory().delete_user(alpha, directory().find_user(alpha, "bob")->avatar_id);
  EXPECT_EQ(test_db_.integer("SELECT count(*) FROM users u FULL JOIN users_search_texts t USING "
                             "(partner_id, avatar_id) WHERE t.texts IS DISTINCT FROM "
                             "users_search_text(u.name, u.username, u.email)"),
            0);
  domain::UserQuery counted;
  counted.search = "nN";
  EXPECT_EQ(directory().count_users(alpha, counted), 1);
  EXPECT_EQ(found(alpha, "nN", 25), Names{"ann"});
  EXPECT_EQ(found(alpha, "w@", 25), Names{"ann"});

  test_db_.execute("DELETE FROM users_search_texts");
  EXPECT_EQ(directory().count_users(alpha, counted), 0);
  EXPECT_EQ(found(alpha, "nN", 25), Names{});
  counted.group_id = group;  // with a filter, checked in users
  EXPECT_EQ(directory().count_users(alpha, counted), 1);
  counted.group_id.reset();
  counted.search = "n\nl";
  EXPECT_EQ(directory().count_users(alpha, counted), 1);
  EXPECT_EQ(found(alpha, "n\nL", 25), Names{"ann"});
}

TEST(TrigramQuery, OnePhraseOfThreeCharactersOrMoreOfUtf8) {
  using sqlite::trigram_query;
  EXPECT_EQ(trigram_query("ab"), std::nullopt);
  EXPECT_EQ(trigram_query("\xC3\xA9\xC3\xA9"), std::nullopt);  // two characters, four bytes
  EXPECT_EQ(trigram_query("abc"), "\"abc\"");
  EXPECT_EQ(trigram_query("\xC3\xA9t\xC3\xA9"), "\"\xC3\xA9t\xC3\xA9\"");
  EXPECT_EQ(trigram_query("a\"b*"), "\"a\"\"b*\"");
  EXPECT_EQ(trigram_query("x OR y"), "\"x OR y\"");
  EXPECT_EQ(trigram_query("ab\xC3"), std::nullopt);  // not UTF-8: instr() may still match it
  EXPECT_EQ(trigram_query(std::string("ab\0c", 4)), std::nullopt);
}

// SQLite only: the triggers keep the index in step with every column it holds, username too,
// which no request changes; and a search's page and count read only the users it lists.
class UserSearchIndexTest : public testing::StoreTest {};

TEST_F(UserSearchIndexTest, TriggersFollowEveryColumnAndQueriesReadTheIndex) {
  auto alpha = make_partner("alpha");
  auto [group, plan] = defaults(alpha);
  directory().insert_users(alpha, std::vector<domain::NewUser>{user("ann", group, plan)});
  sqlite::Connection db(files_.path);
  auto listed = [&](const std::string& needle) {
    auto& q = db.prepared_text("SELECT count(*) FROM users_search WHERE users_search MATCH ?1");
    q.bind(1, *sqlite::trigram_query(needle));
    q.step();
    auto n = q.integer(0);
    q.reset();
    return n;
  };
  EXPECT_EQ(listed("ann@exa"), 1);
  db.exec("UPDATE users SET username = 'Hannah' WHERE username = 'ann'");
  EXPECT_EQ(listed("hannah"), 1);
  EXPECT_EQ(listed("Hannah"), 0);  // the index holds folded texts
  auto texts = [&] {
    auto& q = db.prepared_text(
        "SELECT partner_id || ' ' || avatar_id || ' ' || name || ' ' || username || ' ' || email "
        "FROM users_search_texts ORDER BY partner_id, avatar_id");
    std::vector<std::string> rows;
    while (q.step()) rows.push_back(q.text(0));
    return rows;
  };
  auto hannah = std::to_string(directory().find_user(alpha, "Hannah")->avatar_id);
  db.exec("UPDATE users SET name = '\xC3\x89LODIE' WHERE username = 'Hannah'");
  EXPECT_EQ(texts(), std::vector<std::string>{std::to_string(alpha) + " " + hannah +
                                              " \xC3\xA9lodie hannah ann@example.com"});
  db.exec("DELETE FROM users WHERE username = 'Hannah'");
  EXPECT_EQ(listed("hannah"), 0);
  EXPECT_EQ(listed("ann@exa"), 0);
  EXPECT_EQ(texts(), std::vector<std::string>{});

  // The shapes SqliteDirectory builds for a narrowed search's page and count.
  for (const std::string select : {"SELECT u.avatar_id", "SELECT count(*)"}) {
    auto sql = "EXPLAIN QUERY PLAN " + select +
               " FROM users_search s CROSS JOIN users u ON u.avatar_id = s.rowid JOIN plans p ON "
               "p.plan_id = u.plan_id WHERE u.partner_id = 1 AND s.users_search MATCH '\"abc\"' "
               "AND (instr(fold(u.name), 'abc') > 0 OR instr(fold(u.username), 'abc') > 0 OR "
               "instr(fold(u.email), 'abc') > 0)" +
               (select == "SELECT count(*)" ? "" : " ORDER BY u.username, u.avatar_id LIMIT 25");
    auto& q = db.prepared_text(sql);
    std::string plan;
    while (q.step()) plan += q.text(3) + "\n";
    EXPECT_NE(plan.find("SCAN s VIRTUAL TABLE"), std::string::npos) << plan;
    EXPECT_NE(plan.find("SEARCH u USING INTEGER PRIMARY KEY"), std::string::npos) << plan;
    EXPECT_EQ(plan.find("SCAN u"), std::string::npos) << plan;
  }
  // A listed search's page starts from its list, whatever the order; its count reads the texts.
  auto plan_of = [&](const std::string& sql) {
    auto& q = db.prepared_text("EXPLAIN QUERY PLAN " + sql);
    std::string plan;
    while (q.step()) plan += q.text(3) + "\n";
    return plan;
  };
  auto page = plan_of(
      "SELECT u.avatar_id FROM json_each('[1,2]') j CROSS JOIN users u ON u.avatar_id = j.value "
      "JOIN plans p ON p.plan_id = u.plan_id WHERE u.partner_id = 1 AND (instr(fold(u.name), "
      "'ab') > 0 OR instr(fold(u.username), 'ab') > 0 OR instr(fold(u.email), 'ab') > 0) "
      "ORDER BY u.name DESC, u.avatar_id DESC LIMIT 25");
  EXPECT_NE(page.find("SCAN j VIRTUAL TABLE"), std::string::npos) << page;
  EXPECT_NE(page.find("SEARCH u USING INTEGER PRIMARY KEY"), std::string::npos) << page;
  auto count = plan_of(
      "SELECT count(*) FROM users_search_texts t WHERE t.partner_id = 1 AND holds('ab', t.name, "
      "t.username, t.email)");
  EXPECT_NE(count.find("SEARCH t USING PRIMARY KEY (partner_id=?)"), std::string::npos) << count;
}

// holds(), which reads users_search_texts, finds what instr() > 0 does in any of its texts; a
// search that is not UTF-8, where the two differ, is answered as before, with instr().
TEST_F(UserSearchIndexTest, HoldsIsInstrForUtf8AndOtherSearchesKeepInstr) {
  auto alpha = make_partner("alpha");
  auto [group, plan] = defaults(alpha);
  auto elodie = user("elodie", group, plan);
  elodie.name = "\xC3\x89lodie";  // "Élodie": C3 89, folded C3 A9
  directory().insert_users(alpha, std::vector<domain::NewUser>{elodie});
  sqlite::Connection db(files_.path);
  auto value = [&](const std::string& expression) {
    auto& q = db.prepared_text("SELECT " + expression);
    q.step();
    auto v = q.integer(0);
    q.reset();
    return v;
  };
  EXPECT_EQ(value("holds('ab', NULL, 'xaby')"), 1);
  EXPECT_EQ(value("holds('ab', 'a', 'b')"), 0);
  EXPECT_EQ(value("holds('', 'a')"), value("instr('a', '') > 0"));
  EXPECT_EQ(value("holds('\xC3\xA9l', 'x', '\xC3\xA9lodie')"), 1);
  // A stray continuation byte: instr() steps over it inside a character; bytes would match it.
  EXPECT_EQ(value("instr('\xC3\xA9lodie', CAST(x'A9' AS TEXT))"), 0);
  for (const std::string search : {"\xA9", "\xA9l", "\xA9lo"}) {
    domain::UserQuery query;
    query.search = search;
    EXPECT_EQ(directory().count_users(alpha, query), 0) << search;
    query.limit = 25;
    EXPECT_TRUE(directory().users(alpha, query).empty()) << search;
    query.group_id = group;
    EXPECT_EQ(directory().count_users(alpha, query), 0) << search;
  }
}

}  // namespace
}  // namespace accountsd::store
