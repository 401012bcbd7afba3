// B.4 GET /users/<u>/devices, GET /users/<u>/shares/, GET and POST /users/<u>/shares/<room_key>.
#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "support/api_fixture.hpp"
#include "support/json_checks.hpp"

namespace accountsd::testing {
namespace {

class UserDevicesTest : public ApiTest {
 protected:
  static domain::NewDevice device(const std::string& name, std::int64_t revision,
                                  std::int64_t creation_time, std::optional<std::int64_t> login,
                                  std::optional<std::int64_t> backup) {
    domain::NewDevice d;
    d.name = name;
    d.client_revision = revision;
    d.creation_time = creation_time;
    d.last_login = login;
    d.last_backup_complete = backup;
    return d;
  }

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

  domain::NewUser user(store::PartnerId partner, const std::string& username,
                       std::vector<domain::NewDevice> devices, std::vector<domain::Share> shares,
                       std::optional<std::string> share_id = std::nullopt) {
    domain::NewUser u;
    u.username = username;
    u.name = "Name " + username;
    u.email = username + "@example.com";
    u.group_id = directory().groups(partner).front().group_id;
    u.plan_id = directory().plans(partner).front().plan_id;
    u.creation_time = 1700000000;
    u.share_id = std::move(share_id);
    u.devices = std::move(devices);
    u.shares = std::move(shares);
    return u;
  }

  // jsmith: two devices and three shares (inserted out of room_key order); bare: nothing.
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    add_users(alpha_id, {user(alpha_id, "jsmith",
                              {device("laptop", 512, 1700000100, 1764201600, 1764200000),
                               device("phone", 498, 1700000200, std::nullopt, std::nullopt),
                               device("tablet", 512, 1700000300, 1764000000, std::nullopt)},
                              {share("holiday", 1764201600), share("alpha", 1700000000, false),
                               share("kids", 1750000000)},
                              "jsmith-share"),
                         user(alpha_id, "bare", {}, {})});
    add_users(beta_id, {user(beta_id, "betty", {device("desk", 700, 1700000000, 1, 2)},
                             {share("secret", 1700000000)}, "betty")});
  }

  static const boost::json::object* find_named(const boost::json::value& list,
                                               const std::string& key, const std::string& value) {
    if (!list.is_array()) return nullptr;
    for (const auto& item : list.as_array()) {
      if (item.is_object() && item.as_object().contains(key) &&
          item.as_object().at(key) == boost::json::value(value))
        return &item.as_object();
    }
    return nullptr;
  }

  static std::set<std::string> keys(const boost::json::object& object) {
    std::set<std::string> out;
    for (const auto& entry : object) out.emplace(entry.key());
    return out;
  }

  static void expect_error(const Reply& reply, int status) {
    EXPECT_EQ(reply.status, status) << reply.body;
    EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8");
    ASSERT_TRUE(reply.json.is_object()) << reply.body;
    ASSERT_TRUE(reply.json.as_object().contains("reason")) << reply.body;
    EXPECT_TRUE(reply.json.at("reason").is_string());
  }

  static void expect_bad_action(const Reply& reply) {
    expect_error(reply, 400);
    if (!reply.json.is_object() || !reply.json.as_object().contains("invalid")) {
      ADD_FAILURE() << "400 without invalid: " << reply.body;
      return;
    }
    EXPECT_EQ(reply.json.at("invalid"), json(R"(["action"])")) << reply.body;
  }

  // The `enabled` flag of jsmith's share `room_key` as GET /shares/ shows it.
  std::optional<bool> listed_enabled(const std::string& room_key) {
    auto reply = get("/shares/");
    EXPECT_EQ(reply.status, 200) << reply.body;
    const auto* owner = find_named(reply.json, "username", "jsmith");
    if (!owner) return std::nullopt;
    const auto* s = find_named(owner->at("shares"), "room_key", room_key);
    if (!s || !s->at("enabled").is_bool()) return std::nullopt;
    return s->at("enabled").as_bool();
  }

  std::optional<bool> user_share_enabled(const std::string& room_key) {
    auto reply = get("/users/jsmith/shares/" + room_key);
    EXPECT_EQ(reply.status, 200) << reply.body;
    if (!reply.json.is_object() || !reply.json.at("enabled").is_bool()) return std::nullopt;
    return reply.json.at("enabled").as_bool();
  }
};

// ---- GET /users/<u>/devices ------------------------------------------------------------------

TEST_F(UserDevicesTest, ListsDevicesWithSpecFieldsAndTypes) {
  auto reply = get("/users/jsmith/devices");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8");
  ASSERT_TRUE(reply.json.is_array()) << reply.body;
  ASSERT_EQ(reply.json.as_array().size(), 3u) << reply.body;
  std::set<std::int64_t> ids;
  for (const auto& item : reply.json.as_array()) {
    ASSERT_TRUE(item.is_object()) << item;
    const auto& d = item.as_object();
    EXPECT_EQ(keys(d),
              (std::set<std::string>{"device_id", "name", "client_revision", "creation_time",
                                     "last_login", "last_backup_complete"}))
        << item;
    ASSERT_TRUE(d.at("device_id").is_int64()) << item;
    EXPECT_GT(d.at("device_id").as_int64(), 0);
    ids.insert(d.at("device_id").as_int64());
    EXPECT_TRUE(d.at("name").is_string()) << item;
    EXPECT_TRUE(d.at("client_revision").is_int64()) << item;
    EXPECT_TRUE(d.at("creation_time").is_int64()) << item;
    EXPECT_TRUE(d.at("last_login").is_int64() || d.at("last_login").is_null()) << item;
    EXPECT_TRUE(d.at("last_backup_complete").is_int64() || d.at("last_backup_complete").is_null())
        << item;
  }
  EXPECT_EQ(ids.size(), 3u) << "device ids must be distinct: " << reply.body;

  const auto* laptop = find_named(reply.json, "name", "laptop");
  ASSERT_NE(laptop, nullptr) << reply.body;
  EXPECT_EQ(laptop->at("client_revision"), boost::json::value(512));
  EXPECT_EQ(laptop->at("creation_time"), boost::json::value(1700000100));
  EXPECT_EQ(laptop->at("last_login"), boost::json::value(1764201600));
  EXPECT_EQ(laptop->at("last_backup_complete"), boost::json::value(1764200000));

  const auto* phone = find_named(reply.json, "name", "phone");
  ASSERT_NE(phone, nullptr) << reply.body;
  EXPECT_EQ(phone->at("client_revision"), boost::json::value(498));
  EXPECT_EQ(phone->at("creation_time"), boost::json::value(1700000200));
  EXPECT_TRUE(phone->at("last_login").is_null()) << reply.body;
  EXPECT_TRUE(phone->at("last_backup_complete").is_null()) << reply.body;

  const auto* tablet = find_named(reply.json, "name", "tablet");
  ASSERT_NE(tablet, nullptr) << reply.body;
  EXPECT_EQ(tablet->at("last_login"), boost::json::value(1764000000));
  EXPECT_TRUE(tablet->at("last_backup_complete").is_null()) << reply.body;
}

TEST_F(UserDevicesTest, DevicesPathTakesATrailingSlash) {
  auto reference = get("/users/jsmith/devices");
  ASSERT_EQ(reference.status, 200) << reference.body;
  auto slashed = get("/users/jsmith/devices/");
  EXPECT_EQ(slashed.status, 200) << slashed.body;
  EXPECT_EQ(slashed.json, reference.json);
}

TEST_F(UserDevicesTest, UserWithoutDevicesHasEmptyList) {
  auto reply = get("/users/bare/devices");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json, json("[]"));
}

TEST_F(UserDevicesTest, UserCanBeNamedByEmailRawOrPercentEncoded) {
  auto by_name = get("/users/jsmith/devices");
  ASSERT_EQ(by_name.status, 200) << by_name.body;
  auto by_email = get("/users/jsmith@example.com/devices");
  EXPECT_EQ(by_email.status, 200) << by_email.body;
  EXPECT_EQ(by_email.json, by_name.json);
  auto encoded = get("/users/jsmith%40example.com/devices");
  EXPECT_EQ(encoded.status, 200) << encoded.body;
  EXPECT_EQ(encoded.json, by_name.json);
}

TEST_F(UserDevicesTest, DevicesOfUnknownUserIs404) {
  expect_error(get("/users/nobody/devices"), 404);
  expect_error(get("/users/nobody@example.com/devices"), 404);
}

TEST_F(UserDevicesTest, AnotherPartnersUserIsNotVisible) {
  expect_error(get("/users/betty/devices"), 404);
  expect_error(get("/users/betty/shares/"), 404);
  expect_error(get("/users/betty/shares/secret"), 404);
  expect_error(post("/users/betty/shares/secret?action=disable", ""), 404);
  // Beta's share is untouched and beta sees its own user.
  auto own = get_as(beta, "/users/betty/shares/secret");
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(own.json.at("enabled"), boost::json::value(true));
  auto devices = get_as(beta, "/users/betty/devices");
  ASSERT_EQ(devices.status, 200) << devices.body;
  EXPECT_EQ(devices.json.as_array().size(), 1u);
  // And alpha's user is not visible to beta.
  expect_error(get_as(beta, "/users/jsmith/devices"), 404);
}

TEST_F(UserDevicesTest, RequiresPartnerCredentials) {
  for (const char* path :
       {"/users/jsmith/devices", "/users/jsmith/shares/", "/users/jsmith/shares/holiday"}) {
    SCOPED_TRACE(path);
    auto reply = request("GET", path, "", std::nullopt);
    expect_error(reply, 401);
    EXPECT_EQ(reply.header("www-authenticate"), "Basic realm=\"accounts\"");
    expect_error(request("GET", path, "", Login{"alpha", "wrong-password"}), 401);
  }
  auto reply = request("POST", "/users/jsmith/shares/holiday?action=disable", "", std::nullopt);
  expect_error(reply, 401);
  EXPECT_EQ(user_share_enabled("holiday"), std::optional<bool>(true));
}

// ---- GET /users/<u>/shares/ ------------------------------------------------------------------

TEST_F(UserDevicesTest, ListsSharesOrderedByRoomKey) {
  auto reply = get("/users/jsmith/shares/");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8");
  ASSERT_TRUE(reply.json.is_array()) << reply.body;
  const auto& list = reply.json.as_array();
  ASSERT_EQ(list.size(), 3u) << reply.body;
  std::vector<std::string> room_keys;
  for (const auto& item : list) {
    expect_share_shape(item);
    room_keys.emplace_back(item.at("room_key").as_string());
    EXPECT_EQ(item.at("share_id"), boost::json::value("jsmith-share")) << item;
  }
  EXPECT_EQ(room_keys, (std::vector<std::string>{"alpha", "holiday", "kids"}));
  EXPECT_EQ(list[1], json(R"({"share_id": "jsmith-share", "room_key": "holiday",
      "name": "Name of holiday", "description": "About holiday", "creation_time": 1764201600,
      "update_time": 1764201660, "enabled": true, "password_required": false,
      "last_login": null})"));
  EXPECT_EQ(list[0].at("enabled"), boost::json::value(false));
}

TEST_F(UserDevicesTest, SharesListMatchesTheA9Listing) {
  auto mine = get("/users/jsmith/shares/");
  auto all = get("/shares/");
  ASSERT_EQ(mine.status, 200) << mine.body;
  ASSERT_EQ(all.status, 200) << all.body;
  const auto* owner = find_named(all.json, "username", "jsmith");
  ASSERT_NE(owner, nullptr) << all.body;
  EXPECT_EQ(owner->at("shares"), mine.json);
}

TEST_F(UserDevicesTest, SharesListWithoutTrailingSlashAndByEmail) {
  auto reference = get("/users/jsmith/shares/");
  ASSERT_EQ(reference.status, 200) << reference.body;
  auto bare = get("/users/jsmith/shares");
  EXPECT_EQ(bare.status, 200) << bare.body;
  EXPECT_EQ(bare.json, reference.json);
  auto by_email = get("/users/jsmith@example.com/shares/");
  EXPECT_EQ(by_email.status, 200) << by_email.body;
  EXPECT_EQ(by_email.json, reference.json);
}

TEST_F(UserDevicesTest, UserWithoutSharesHasEmptyList) {
  auto reply = get("/users/bare/shares/");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json, json("[]"));
}

TEST_F(UserDevicesTest, SharesOfUnknownUserIs404) {
  expect_error(get("/users/nobody/shares/"), 404);
}

// ---- GET /users/<u>/shares/<room_key> --------------------------------------------------------

TEST_F(UserDevicesTest, GetsOneShare) {
  auto reply = get("/users/jsmith/shares/kids");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8");
  expect_share_shape(reply.json);
  EXPECT_EQ(reply.json, json(R"({"share_id": "jsmith-share", "room_key": "kids",
      "name": "Name of kids", "description": "About kids", "creation_time": 1750000000,
      "update_time": 1750000060, "enabled": true, "password_required": false,
      "last_login": null})"));
  auto by_email = get("/users/jsmith%40example.com/shares/kids");
  EXPECT_EQ(by_email.status, 200) << by_email.body;
  EXPECT_EQ(by_email.json, reply.json);
}

TEST_F(UserDevicesTest, UnknownShareOrUserIs404) {
  expect_error(get("/users/jsmith/shares/nothing"), 404);
  expect_error(get("/users/bare/shares/holiday"), 404);  // another user's room_key
  expect_error(get("/users/nobody/shares/holiday"), 404);
}

// ---- POST /users/<u>/shares/<room_key>?action=enable|disable ----------------------------------

TEST_F(UserDevicesTest, DisableAndEnableToggleTheShare) {
  ASSERT_EQ(user_share_enabled("holiday"), std::optional<bool>(true));
  ASSERT_EQ(listed_enabled("holiday"), std::optional<bool>(true));

  auto disabled = post("/users/jsmith/shares/holiday?action=disable", "");
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_EQ(disabled.header("content-type"), "application/json; charset=utf-8");
  EXPECT_EQ(user_share_enabled("holiday"), std::optional<bool>(false));
  EXPECT_EQ(listed_enabled("holiday"), std::optional<bool>(false));
  // The other shares did not change.
  EXPECT_EQ(user_share_enabled("kids"), std::optional<bool>(true));
  EXPECT_EQ(user_share_enabled("alpha"), std::optional<bool>(false));

  // Disabling twice keeps it disabled.
  EXPECT_EQ(post("/users/jsmith/shares/holiday?action=disable", "").status, 200);
  EXPECT_EQ(user_share_enabled("holiday"), std::optional<bool>(false));

  auto enabled = post("/users/jsmith/shares/holiday?action=enable", "");
  ASSERT_EQ(enabled.status, 200) << enabled.body;
  EXPECT_EQ(user_share_enabled("holiday"), std::optional<bool>(true));
  EXPECT_EQ(listed_enabled("holiday"), std::optional<bool>(true));

  // A share that starts disabled can be enabled.
  EXPECT_EQ(post("/users/jsmith/shares/alpha?action=enable", "").status, 200);
  EXPECT_EQ(user_share_enabled("alpha"), std::optional<bool>(true));
  EXPECT_EQ(listed_enabled("alpha"), std::optional<bool>(true));
}

TEST_F(UserDevicesTest, ToggleAnswersWithTheShareObject) {
  auto reply = post("/users/jsmith/shares/kids?action=disable", "");
  ASSERT_EQ(reply.status, 200) << reply.body;
  expect_share_shape(reply.json);
  EXPECT_EQ(reply.json.at("room_key"), boost::json::value("kids"));
  EXPECT_EQ(reply.json.at("enabled"), boost::json::value(false));
  EXPECT_EQ(reply.json.at("creation_time"), boost::json::value(1750000000));
  EXPECT_EQ(reply.json.at("name"), boost::json::value("Name of kids"));
}

TEST_F(UserDevicesTest, ToggleByEmail) {
  auto reply = post("/users/jsmith@example.com/shares/kids?action=disable", "");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(user_share_enabled("kids"), std::optional<bool>(false));
}

TEST_F(UserDevicesTest, MissingOrOtherActionIs400AndChangesNothing) {
  for (const char* query :
       {"", "?", "?action=", "?action=toggle", "?action=ENABLE", "?action=disabled",
        "?action=disable&action=disable", "?actions=disable"}) {
    SCOPED_TRACE(query);
    expect_bad_action(post(std::string("/users/jsmith/shares/holiday") + query, ""));
  }
  EXPECT_EQ(user_share_enabled("holiday"), std::optional<bool>(true));
  EXPECT_EQ(listed_enabled("holiday"), std::optional<bool>(true));
  expect_bad_action(post("/users/jsmith/shares/alpha?action=on", ""));
  EXPECT_EQ(user_share_enabled("alpha"), std::optional<bool>(false));
}

TEST_F(UserDevicesTest, ToggleOfUnknownShareOrUserIs404) {
  expect_error(post("/users/jsmith/shares/nothing?action=disable", ""), 404);
  expect_error(post("/users/bare/shares/holiday?action=disable", ""), 404);
  expect_error(post("/users/nobody/shares/holiday?action=disable", ""), 404);
  EXPECT_EQ(user_share_enabled("holiday"), std::optional<bool>(true));
  // Nothing was created by the refused toggles.
  auto bare = get("/users/bare/shares/");
  ASSERT_EQ(bare.status, 200);
  EXPECT_EQ(bare.json, json("[]"));
}

TEST_F(UserDevicesTest, WrongMethodIs405WithAllow) {
  auto reply = request("DELETE", "/users/jsmith/devices", "", alpha);
  expect_error(reply, 405);
  EXPECT_NE(reply.header("allow").find("GET"), std::string::npos) << reply.header("allow");
  auto put = request("PUT", "/users/jsmith/shares/holiday", "{}", alpha);
  expect_error(put, 405);
  EXPECT_EQ(user_share_enabled("holiday"), std::optional<bool>(true));
}

}  // namespace
}  // namespace accountsd::testing
