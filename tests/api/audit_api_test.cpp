// GET /partner/audit (issue 14): the calling partner's entries only, newest first, cursor pages
// that stay right while entries arrive, the filters, and a 400 for each bad parameter.
#include <chrono>
#include <set>
#include <thread>

#include "support/audit_rows.hpp"
#include "support/json_checks.hpp"

namespace accountsd::testing {
namespace {

class AuditApiTest : public ApiTest {
 protected:
  // The log starts empty: what the triggers recorded while the fixture made alpha and beta goes,
  // so that a test sees only the entries it puts in (or its requests make).
  void SetUp() override {
    ApiTest::SetUp();
    test_db().execute("DELETE FROM audit_log");
  }
  static constexpr std::int64_t kT = 1'800'000'000;
  void insert(const std::vector<AuditRow>& rows) { insert_audit_rows(test_db(), rows); }
  // The ids of a page's entries, in order.
  static std::vector<std::int64_t> ids(const Reply& reply) {
    std::vector<std::int64_t> out;
    for (const auto& entry : reply.json.at("entries").as_array())
      out.push_back(entry.at("id").as_int64());
    return out;
  }
  // Every entry of the partner's log, read as one page.
  std::vector<std::int64_t> all_ids(const Login& login) {
    auto reply = get_as(login, "/partner/audit?limit=1000");
    EXPECT_EQ(reply.status, 200) << reply.body;
    return ids(reply);
  }
};

TEST_F(AuditApiTest, NeedsCredentials) {
  auto reply = request("GET", "/partner/audit", "", std::nullopt);
  EXPECT_EQ(reply.status, 401) << reply.body;
}

// A change made through the API is found with the X-Request-Id of its answer (migration 017's
// triggers record it).
TEST_F(AuditApiTest, AUserCreatedThroughTheApiIsFoundByItsRequestId) {
  auto created = request("POST", "/users/",
                         R"({"username": "walker", "name": "Wal", "email": "wal@example.com"})",
                         alpha, {{"X-Request-Id", "create-walker-1"}});
  ASSERT_EQ(created.status, 200) << created.body;
  const auto request_id = created.header("x-request-id");
  EXPECT_EQ(request_id, "create-walker-1");

  auto reply = get("/partner/audit?action=user.create");
  ASSERT_EQ(reply.status, 200) << reply.body;
  const auto& entries = reply.json.at("entries").as_array();
  ASSERT_EQ(entries.size(), 1u) << reply.body;
  const auto& entry = entries[0];
  EXPECT_EQ(boost::json::value_to<std::string>(entry.at("request_id")), request_id);
  EXPECT_EQ(entry.at("actor"), "partner");
  EXPECT_EQ(entry.at("address"), "127.0.0.1");
  const auto user = boost::json::value_to<std::string>(entry.at("object"));
  EXPECT_TRUE(user.starts_with("user/")) << user;
  EXPECT_EQ(entry.at("changes").at("username").at("after"), "walker") << reply.body;
  EXPECT_TRUE(entry.at("changes").at("username").at("before").is_null()) << reply.body;
  // Found by its object too, and never by another partner.
  auto by_object = get("/partner/audit?object=" + user);
  ASSERT_EQ(by_object.status, 200) << by_object.body;
  EXPECT_FALSE(by_object.json.at("entries").as_array().empty()) << by_object.body;
  EXPECT_TRUE(get_as(beta, "/partner/audit").json.at("entries").as_array().empty());
}

TEST_F(AuditApiTest, AnEntryHasEveryField) {
  AuditRow settings(alpha_id, kT, "settings.update", "partner/" + std::to_string(alpha_id));
  settings.changes =
      R"({"password":{"before":"<redacted>","after":"<redacted>"},"name":{"before":"Old","after":"New"}})";
  settings.address = "192.0.2.7";
  settings.request_id = "req-1";
  AuditRow by_operator(alpha_id, kT + 1, "user.create", "user/9");
  by_operator.actor = "operator";
  by_operator.address = std::nullopt;
  insert({settings, by_operator});
  auto reply = get("/partner/audit");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.as_object().size(), 2u) << reply.body;
  EXPECT_TRUE(reply.json.at("next_cursor").is_null()) << reply.body;
  const auto& entries = reply.json.at("entries").as_array();
  ASSERT_EQ(entries.size(), 2u) << reply.body;
  const auto& newest = entries[0].as_object();
  EXPECT_EQ(newest.size(), 8u) << reply.body;
  EXPECT_EQ(newest.at("time"), kT + 1);
  EXPECT_EQ(newest.at("actor"), "operator");
  EXPECT_TRUE(newest.at("address").is_null());
  EXPECT_TRUE(newest.at("request_id").is_null());
  EXPECT_EQ(newest.at("action"), "user.create");
  EXPECT_EQ(newest.at("object"), "user/9");
  EXPECT_EQ(newest.at("changes"), json(R"({"name":{"before":null,"after":"Joe"}})"));
  const auto& oldest = entries[1].as_object();
  EXPECT_LT(oldest.at("id").as_int64(), newest.at("id").as_int64());
  EXPECT_EQ(oldest.at("time"), kT);
  EXPECT_EQ(oldest.at("actor"), "partner");
  EXPECT_EQ(oldest.at("address"), "192.0.2.7");
  EXPECT_EQ(oldest.at("request_id"), "req-1");
  EXPECT_EQ(oldest.at("action"), "settings.update");
  EXPECT_EQ(oldest.at("changes").at("password").at("after"), "<redacted>");
  EXPECT_EQ(oldest.at("changes").at("name"), json(R"({"before":"Old","after":"New"})"));
}

TEST_F(AuditApiTest, PagesFollowTheCursorWhileEntriesArrive) {
  // Seven entries, three of them in one second: the id orders those.
  std::vector<AuditRow> rows;
  for (int i = 0; i < 3; ++i) rows.push_back({alpha_id, kT});
  for (int i = 1; i <= 4; ++i) rows.push_back({alpha_id, kT + i});
  insert(rows);
  auto expected = all_ids(alpha);
  ASSERT_EQ(expected.size(), 7u);

  std::vector<std::int64_t> seen;
  std::string target = "/partner/audit?limit=3";
  int pages = 0;
  for (; pages < 10; ++pages) {
    auto reply = get(target);
    ASSERT_EQ(reply.status, 200) << reply.body;
    for (auto id : ids(reply)) seen.push_back(id);
    const auto& cursor = reply.json.at("next_cursor");
    if (cursor.is_null()) break;
    target = "/partner/audit?limit=3&cursor=" + std::string(cursor.as_string());
    // Changes made meanwhile are newer than every page still to come.
    insert({{alpha_id, kT + 100 + pages}});
  }
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(pages, 2) << "pages of 3, 3 and 1";
  // The newest page shows what arrived: once the server's read snapshots of the last moments
  // (the fixture's 10 ms reuse window) have ended, since these entries came from another
  // connection than the store's, whose commits the server does not count (docs/operations.md).
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(all_ids(alpha).size(), 9u);
}

TEST_F(AuditApiTest, AFullLastPageIsFollowedByAnEmptyOne) {
  insert({{alpha_id, kT}, {alpha_id, kT + 1}});
  auto first = get("/partner/audit?limit=2");
  ASSERT_EQ(first.status, 200) << first.body;
  ASSERT_TRUE(first.json.at("next_cursor").is_string()) << first.body;
  auto next =
      get("/partner/audit?limit=2&cursor=" + std::string(first.json.at("next_cursor").as_string()));
  ASSERT_EQ(next.status, 200) << next.body;
  EXPECT_TRUE(next.json.at("entries").as_array().empty()) << next.body;
  EXPECT_TRUE(next.json.at("next_cursor").is_null()) << next.body;
}

TEST_F(AuditApiTest, FiltersByActionObjectAndTime) {
  insert({{alpha_id, kT, "user.create", "user/1"},
          {alpha_id, kT + 10, "user.update", "user/1"},
          {alpha_id, kT + 20, "user.create", "user/2"},
          {alpha_id, kT + 30, "group.create", "group/1"}});
  auto all = all_ids(alpha);  // newest first: +30, +20, +10, +0
  ASSERT_EQ(all.size(), 4u);
  auto page = [&](const std::string& query) {
    auto reply = get("/partner/audit?" + query);
    EXPECT_EQ(reply.status, 200) << query << ": " << reply.body;
    return ids(reply);
  };
  using Ids = std::vector<std::int64_t>;
  EXPECT_EQ(page("action=user.create"), (Ids{all[1], all[3]}));
  EXPECT_EQ(page("object=user%2F1"), (Ids{all[2], all[3]}));
  EXPECT_EQ(page("action=user.create&object=user/2"), (Ids{all[1]}));
  EXPECT_EQ(page("since=" + std::to_string(kT + 10)), (Ids{all[0], all[1], all[2]}));
  EXPECT_EQ(page("until=" + std::to_string(kT + 10)), (Ids{all[2], all[3]}));
  EXPECT_EQ(page("since=" + std::to_string(kT + 10) + "&until=" + std::to_string(kT + 20)),
            (Ids{all[1], all[2]}));
  EXPECT_EQ(page("action=policy.delete"), Ids{});
  // A filter holds across pages.
  auto first = get("/partner/audit?action=user.create&limit=1");
  ASSERT_EQ(ids(first), Ids{all[1]});
  EXPECT_EQ(page("action=user.create&limit=1&cursor=" +
                 std::string(first.json.at("next_cursor").as_string())),
            Ids{all[3]});
}

TEST_F(AuditApiTest, APartnerSeesOnlyItsOwnEntries) {
  insert({{alpha_id, kT, "user.create", "user/1"},
          {beta_id, kT + 1, "user.create", "user/2"},
          {alpha_id, kT + 2, "user.create", "user/3"}});
  auto alphas = get_as(alpha, "/partner/audit?limit=1");
  ASSERT_EQ(alphas.status, 200) << alphas.body;
  auto beta_all = get_as(beta, "/partner/audit");
  ASSERT_EQ(beta_all.status, 200) << beta_all.body;
  ASSERT_EQ(beta_all.json.at("entries").as_array().size(), 1u) << beta_all.body;
  EXPECT_EQ(beta_all.json.at("entries").at(0).at("object"), "user/2");
  // Neither a filter nor alpha's cursor shows beta another partner's entries.
  auto by_object = get_as(beta, "/partner/audit?object=user%2F1");
  EXPECT_TRUE(by_object.json.at("entries").as_array().empty()) << by_object.body;
  auto with_alphas_cursor = get_as(
      beta, "/partner/audit?cursor=" + std::string(alphas.json.at("next_cursor").as_string()));
  ASSERT_EQ(with_alphas_cursor.status, 200) << with_alphas_cursor.body;
  for (const auto& entry : with_alphas_cursor.json.at("entries").as_array())
    EXPECT_EQ(entry.at("object"), "user/2");
  auto alpha_all = get_as(alpha, "/partner/audit");
  ASSERT_EQ(alpha_all.status, 200) << alpha_all.body;
  for (const auto& entry : alpha_all.json.at("entries").as_array())
    EXPECT_NE(entry.at("object"), "user/2");
}

TEST_F(AuditApiTest, BadParametersAre400) {
  for (const auto& query : {std::string("limit=0"), std::string("limit=1001"),
                            std::string("limit=ten"), std::string("limit=")})
    expect_invalid(get("/partner/audit?" + query), {"limit"});
  for (const auto& query : {std::string("since=yesterday"), std::string("since=1.5")})
    expect_invalid(get("/partner/audit?" + query), {"since"});
  expect_invalid(get("/partner/audit?until=x"), {"until"});
  expect_invalid(get("/partner/audit?since=20&until=10"), {"until"});
  // Not base64, base64 of something else, and a cursor cut short.
  for (const auto& cursor : {std::string("!!!"), std::string("aGVsbG8"), std::string("MTA"),
                             std::string("LjE"), std::string("MTAu")})
    expect_invalid(get("/partner/audit?cursor=" + cursor), {"cursor"});
  expect_invalid(get("/partner/audit?limit=0&cursor=%25"), {"cursor", "limit"});
  // The largest page is allowed.
  EXPECT_EQ(get("/partner/audit?limit=1000").status, 200);
}

}  // namespace
}  // namespace accountsd::testing
