// A.9 GET /shares/: every share of every user of the partner, paged over users with shares.
#include <optional>
#include <string>
#include <vector>

#include "support/api_fixture.hpp"
#include "support/json_checks.hpp"

namespace accountsd::testing {
namespace {

class SharesTest : public ApiTest {
 protected:
  static domain::Share share(const std::string& room_key, std::int64_t time, bool enabled = true) {
    domain::Share s;
    s.room_key = room_key;
    s.name = "Name of " + room_key;
    s.description = "About " + room_key;
    s.creation_time = time;
    s.update_time = time + 60;
    s.enabled = enabled;
    return s;
  }

  domain::NewUser user(const std::string& username, std::vector<domain::Share> shares,
                       std::optional<std::string> share_id = std::nullopt) {
    domain::NewUser u;
    u.username = username;
    u.name = "Name " + username;
    u.email = username + "@example.com";
    u.group_id = directory().groups(alpha_id).front().group_id;
    u.plan_id = directory().plans(alpha_id).front().plan_id;
    u.creation_time = 1700000000;
    u.share_id = std::move(share_id);
    u.shares = std::move(shares);
    return u;
  }

  // Three users with shares among users without; inserted so that username order differs from
  // avatar_id order and shares are not inserted in room_key order.
  void add_fixture_users() {
    add_users(alpha_id,
              {
                  user("zed", {}),
                  user("yan",
                       {share("holiday", 1764201600), share("alpha", 1700000000, false),
                        share("kids", 1750000000)},
                       "yan-share"),
                  user("xia", {}),
                  user("wes", {share("work", 1760000000)}),
                  user("vic", {share("b", 1710000000), share("a", 1720000000)}, "vicshare"),
                  user("uma", {}),
              });
  }

  Reply list(const std::string& path) {
    auto reply = get(path);
    EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8");
    return reply;
  }

  static std::vector<std::string> usernames(const boost::json::value& body) {
    std::vector<std::string> out;
    if (!body.is_array()) return out;
    for (const auto& user : body.as_array()) out.emplace_back(user.at("username").as_string());
    return out;
  }

  void expect_bad_query(const std::string& query, const std::vector<std::string>& fields) {
    SCOPED_TRACE(query);
    auto reply = get("/shares/?" + query);
    EXPECT_EQ(reply.status, 400) << reply.body;
    EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8");
    ASSERT_TRUE(reply.json.is_object()) << reply.body;
    ASSERT_TRUE(reply.json.at("reason").is_string());
    std::vector<std::string> invalid;
    for (const auto& item : reply.json.at("invalid").as_array())
      invalid.emplace_back(item.as_string());
    EXPECT_EQ(invalid, fields) << reply.body;
  }
};

TEST_F(SharesTest, NoSharesIsAnEmptyList) {
  auto reply = list("/shares/");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json, json("[]"));
  add_users(alpha_id, {user("lonely", {})});
  reply = list("/shares/");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json, json("[]"));
}

TEST_F(SharesTest, ListsUsersWithSharesByAvatarIdAndSharesByRoomKey) {
  add_fixture_users();
  auto reply = list("/shares/");
  ASSERT_EQ(reply.status, 200) << reply.body;
  ASSERT_TRUE(reply.json.is_array()) << reply.body;
  // Users without shares are skipped; users come in insertion (avatar_id) order.
  EXPECT_EQ(usernames(reply.json), (std::vector<std::string>{"yan", "wes", "vic"}));
  const auto& users = reply.json.as_array();
  ASSERT_EQ(users.size(), 3u);
  std::int64_t previous = 0;
  for (const auto& u : users) {
    ASSERT_TRUE(u.is_object());
    const auto& user = u.as_object();
    EXPECT_EQ(user.size(), 5u) << u;
    ASSERT_TRUE(user.at("avatar_id").is_int64()) << u;
    EXPECT_GT(user.at("avatar_id").as_int64(), previous);
    previous = user.at("avatar_id").as_int64();
    EXPECT_TRUE(user.at("shares").is_array());
  }

  // The first user in full, as the spec's example shows it.
  const auto& yan = users[0].as_object();
  EXPECT_EQ(yan.at("name"), boost::json::value("Name yan"));
  EXPECT_EQ(yan.at("email"), boost::json::value("yan@example.com"));
  EXPECT_EQ(yan.at("shares"), json(R"([
      {"share_id": "yan-share", "room_key": "alpha", "name": "Name of alpha",
       "description": "About alpha", "creation_time": 1700000000, "update_time": 1700000060,
       "enabled": false, "password_required": false, "last_login": null},
      {"share_id": "yan-share", "room_key": "holiday", "name": "Name of holiday",
       "description": "About holiday", "creation_time": 1764201600, "update_time": 1764201660,
       "enabled": true, "password_required": false, "last_login": null},
      {"share_id": "yan-share", "room_key": "kids", "name": "Name of kids",
       "description": "About kids", "creation_time": 1750000000, "update_time": 1750000060,
       "enabled": true, "password_required": false, "last_login": null}])"));
  for (const auto& s : yan.at("shares").as_array()) expect_share_shape(s);

  // A user without a share_id shows null there.
  const auto& wes = users[1].as_object();
  ASSERT_EQ(wes.at("shares").as_array().size(), 1u);
  EXPECT_TRUE(wes.at("shares").as_array()[0].at("share_id").is_null());

  const auto& vic = users[2].as_object();
  ASSERT_EQ(vic.at("shares").as_array().size(), 2u);
  EXPECT_EQ(vic.at("shares").as_array()[0].at("room_key"), boost::json::value("a"));
  EXPECT_EQ(vic.at("shares").as_array()[1].at("room_key"), boost::json::value("b"));
}

TEST_F(SharesTest, PagesOverUsersWithShares) {
  add_fixture_users();
  auto all = list("/shares/");
  ASSERT_EQ(all.status, 200);
  ASSERT_TRUE(all.json.is_array());
  const auto& everyone = all.json.as_array();
  ASSERT_EQ(everyone.size(), 3u);

  for (std::size_t offset = 0; offset <= 4; ++offset) {
    for (std::size_t limit = 0; limit <= 4; ++limit) {
      auto reply =
          list("/shares/?limit=" + std::to_string(limit) + "&offset=" + std::to_string(offset));
      SCOPED_TRACE("limit=" + std::to_string(limit) + " offset=" + std::to_string(offset));
      ASSERT_EQ(reply.status, 200) << reply.body;
      boost::json::array expected;
      for (std::size_t i = offset; i < everyone.size() && i < offset + limit; ++i)
        expected.push_back(everyone[i]);
      EXPECT_EQ(reply.json, boost::json::value(expected));
    }
    // Without a limit: everything from the offset.
    auto reply = list("/shares/?offset=" + std::to_string(offset));
    ASSERT_EQ(reply.status, 200) << reply.body;
    boost::json::array expected;
    for (std::size_t i = offset; i < everyone.size(); ++i) expected.push_back(everyone[i]);
    EXPECT_EQ(reply.json, boost::json::value(expected));
  }

  // A limit alone starts at offset 0; a limit counts users, not shares.
  auto reply = list("/shares/?limit=1");
  ASSERT_EQ(reply.status, 200);
  ASSERT_EQ(reply.json.as_array().size(), 1u);
  EXPECT_EQ(reply.json.as_array()[0], everyone[0]);
  EXPECT_EQ(reply.json.as_array()[0].at("shares").as_array().size(), 3u);
}

TEST_F(SharesTest, LimitZeroIsAnEmptyList) {
  add_fixture_users();
  auto reply = list("/shares/?limit=0");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json, json("[]"));
}

TEST_F(SharesTest, BadLimitOrOffsetIsRefused) {
  add_fixture_users();
  for (const char* name : {"limit", "offset"}) {
    const std::string n = name;
    for (const char* bad : {"=-1", "=abc", "=1.5", "=", "", "=1&", "=1e2", "=+1", "=%201", "=0x10",
                            "=99999999999999999999"}) {
      std::string query = n + bad;
      if (std::string(bad) == "=1&") query += n + "=2";  // repeated
      expect_bad_query(query, {n});
    }
  }
  expect_bad_query("limit=-1&offset=x", {"limit", "offset"});
  expect_bad_query("limit=1&limit=1", {"limit"});
}

TEST_F(SharesTest, UndefinedQueryParametersAreIgnored) {
  add_fixture_users();
  auto all = list("/shares/");
  ASSERT_EQ(all.status, 200);
  auto reply = list("/shares/?foo=bar&sort=&page=-1");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json, all.json);
  reply = list("/shares/?unknown=1&limit=1&x");
  ASSERT_EQ(reply.status, 200) << reply.body;
  ASSERT_TRUE(reply.json.is_array());
  EXPECT_EQ(reply.json.as_array().size(), 1u);
}

TEST_F(SharesTest, PathWorksWithAndWithoutTrailingSlash) {
  add_fixture_users();
  auto with = list("/shares/");
  auto without = list("/shares");
  ASSERT_EQ(with.status, 200) << with.body;
  ASSERT_EQ(without.status, 200) << without.body;
  EXPECT_EQ(with.json, without.json);
  auto paged = list("/shares?limit=1&offset=1");
  ASSERT_EQ(paged.status, 200) << paged.body;
  EXPECT_EQ(usernames(paged.json), (std::vector<std::string>{"wes"}));
}

TEST_F(SharesTest, RefusesOtherMethodsAndMissingCredentials) {
  auto reply = post("/shares/", "{}");
  EXPECT_EQ(reply.status, 405) << reply.body;
  EXPECT_EQ(reply.header("allow"), "GET");
  EXPECT_EQ(request("GET", "/shares/", "", std::nullopt).status, 401);
}

}  // namespace
}  // namespace accountsd::testing
