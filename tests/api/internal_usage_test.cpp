// B.5 usage reporting by the storage service under /internal/v1: devices, shares and bytes stored,
// each keeping the quota figures of A.6 exact; bearer-token authentication; tenant scoping.
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "support/api_fixture.hpp"

namespace accountsd::testing {
namespace {

constexpr const char* kBcrypt = "$2b$12$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXY01";

class InternalUsageTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    create_user(alpha, "jsmith");
    create_user(alpha, "sam");
    create_user(beta, "sam");  // same username at another partner
  }

  void create_user(const Login& login, const std::string& username) {
    boost::json::object body{{"username", username},
                             {"name", "Name " + username},
                             {"email", username + "@example.com"},
                             {"password_bcrypt", kBcrypt}};
    auto reply = post_as(login, "/users/", boost::json::serialize(body));
    ASSERT_EQ(reply.status, 200) << reply.body;
  }

  boost::json::object quota(const Login& login) {
    auto reply = get_as(login, "/partner/quota");
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.json.is_object() ? reply.json.as_object() : boost::json::object();
  }
  std::int64_t quota_field(const Login& login, const char* field) {
    auto q = quota(login);
    if (!q.contains(field) || !q.at(field).is_int64()) {
      ADD_FAILURE() << field << " missing or not an integer";
      return -1;
    }
    return q.at(field).as_int64();
  }
  std::int64_t device_count(const Login& login = {"alpha", "alpha-password-1"}) {
    return quota_field(login, "device_count");
  }
  std::int64_t share_count(const Login& login = {"alpha", "alpha-password-1"}) {
    return quota_field(login, "share_count");
  }
  std::int64_t bytes_used(const Login& login = {"alpha", "alpha-password-1"}) {
    return quota_field(login, "bytes_used");
  }

  boost::json::object user(const std::string& username, const Login& login) {
    auto reply = get_as(login, "/users/" + username);
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.json.is_object() ? reply.json.as_object() : boost::json::object();
  }
  boost::json::object user(const std::string& username) { return user(username, alpha); }
  std::int64_t user_field(const std::string& username, const char* field,
                          const Login& login = {"alpha", "alpha-password-1"}) {
    auto u = user(username, login);
    if (!u.contains(field) || !u.at(field).is_int64()) {
      ADD_FAILURE() << field << " missing or not an integer";
      return -1;
    }
    return u.at(field).as_int64();
  }

  boost::json::value devices(const std::string& username, const Login& login) {
    auto reply = get_as(login, "/users/" + username + "/devices");
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.json;
  }
  boost::json::value devices(const std::string& username) { return devices(username, alpha); }

  boost::json::value census(const Login& login = {"alpha", "alpha-password-1"}) {
    auto reply = get_as(login, "/clientrevisions/");
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.json;
  }

  boost::json::value shares(const Login& login = {"alpha", "alpha-password-1"}) {
    auto reply = get_as(login, "/shares/");
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.json;
  }

  static void expect_error(const Reply& reply, int status) {
    EXPECT_EQ(reply.status, status) << reply.body;
    EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8");
    ASSERT_TRUE(reply.json.is_object()) << reply.body;
    ASSERT_TRUE(reply.json.as_object().contains("reason")) << reply.body;
    EXPECT_TRUE(reply.json.at("reason").is_string());
  }

  static void expect_invalid(const Reply& reply, const std::string& field) {
    expect_error(reply, 400);
    if (!reply.json.is_object() || !reply.json.as_object().contains("invalid") ||
        !reply.json.at("invalid").is_array()) {
      ADD_FAILURE() << "400 without an invalid list: " << reply.body;
      return;
    }
    bool named = false;
    for (const auto& item : reply.json.at("invalid").as_array())
      named = named || item == boost::json::value(field);
    EXPECT_TRUE(named) << field << " not in " << reply.body;
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

  Reply put_device(const std::string& user_path, const std::string& body) {
    return internal("PUT", "/partners/alpha/users/" + user_path, body);
  }
};

// ---- devices -----------------------------------------------------------------------------------

TEST_F(InternalUsageTest, PutDeviceCreatesIt) {
  ASSERT_EQ(device_count(), 0);
  auto reply = put_device(
      "jsmith/devices/laptop",
      R"({"client_revision": 512, "last_login": 1764201600, "last_backup_complete": null})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8");

  EXPECT_EQ(device_count(), 1);
  EXPECT_EQ(user_field("jsmith", "num_devices"), 1);
  EXPECT_EQ(user_field("sam", "num_devices"), 0);
  EXPECT_EQ(census(), json(R"([{"revision": 512, "count": 1}])"));

  auto list = devices("jsmith");
  ASSERT_TRUE(list.is_array()) << list;
  ASSERT_EQ(list.as_array().size(), 1u) << list;
  const auto& d = list.as_array()[0].as_object();
  EXPECT_EQ(d.at("name"), boost::json::value("laptop"));
  EXPECT_EQ(d.at("client_revision"), boost::json::value(512));
  EXPECT_EQ(d.at("last_login"), boost::json::value(1764201600));
  EXPECT_TRUE(d.at("last_backup_complete").is_null()) << list;
  EXPECT_TRUE(d.at("device_id").is_int64()) << list;
  EXPECT_TRUE(d.at("creation_time").is_int64()) << list;
  // Beta saw nothing.
  EXPECT_EQ(device_count(beta), 0);
  EXPECT_EQ(census(beta), json("[]"));
}

TEST_F(InternalUsageTest, PutDeviceAgainUpdatesInPlace) {
  ASSERT_EQ(put_device("jsmith/devices/laptop",
                       R"({"client_revision": 512, "last_login": 1764201600,
                           "last_backup_complete": null})")
                .status,
            200);
  auto before = devices("jsmith");
  ASSERT_EQ(before.as_array().size(), 1u) << before;
  auto reply = put_device("jsmith/devices/laptop",
                          R"({"client_revision": 600, "last_login": null,
                              "last_backup_complete": 1764300000})");
  ASSERT_EQ(reply.status, 200) << reply.body;

  EXPECT_EQ(device_count(), 1);
  EXPECT_EQ(user_field("jsmith", "num_devices"), 1);
  EXPECT_EQ(census(), json(R"([{"revision": 600, "count": 1}])"));
  auto after = devices("jsmith");
  ASSERT_EQ(after.as_array().size(), 1u) << after;
  const auto& old_device = before.as_array()[0].as_object();
  const auto& device = after.as_array()[0].as_object();
  EXPECT_EQ(device.at("device_id"), old_device.at("device_id"));
  EXPECT_EQ(device.at("creation_time"), old_device.at("creation_time"));
  EXPECT_EQ(device.at("name"), boost::json::value("laptop"));
  EXPECT_EQ(device.at("client_revision"), boost::json::value(600));
  EXPECT_TRUE(device.at("last_login").is_null()) << after;
  EXPECT_EQ(device.at("last_backup_complete"), boost::json::value(1764300000));
}

TEST_F(InternalUsageTest, SeveralDevicesAndUsersAreCounted) {
  for (const char* name : {"laptop", "phone", "tablet"}) {
    auto reply = put_device(std::string("jsmith/devices/") + name, R"({"client_revision": 512})");
    ASSERT_EQ(reply.status, 200) << reply.body;
  }
  ASSERT_EQ(put_device("sam/devices/laptop", R"({"client_revision": 498})").status, 200);
  EXPECT_EQ(device_count(), 4);
  EXPECT_EQ(user_field("jsmith", "num_devices"), 3);
  EXPECT_EQ(user_field("sam", "num_devices"), 1);
  EXPECT_EQ(census(), json(R"([{"revision": 498, "count": 1}, {"revision": 512, "count": 3}])"));
  EXPECT_EQ(devices("jsmith").as_array().size(), 3u);
  EXPECT_EQ(device_count(beta), 0);
}

TEST_F(InternalUsageTest, UserCanBeNamedByEmail) {
  auto reply = put_device("jsmith%40example.com/devices/laptop", R"({"client_revision": 7})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(user_field("jsmith", "num_devices"), 1);
  auto raw =
      internal("PUT", "/partners/alpha/users/jsmith@example.com/usage", R"({"bytes_stored": 5})");
  ASSERT_EQ(raw.status, 200) << raw.body;
  EXPECT_EQ(user_field("jsmith", "bytes_stored"), 5);
}

TEST_F(InternalUsageTest, DeviceBodyIsValidated) {
  struct Case {
    const char* body;
    const char* field;
  };
  const Case cases[] = {
      {"{}", "client_revision"},
      {R"({"last_login": 1764201600})", "client_revision"},
      {R"({"client_revision": null})", "client_revision"},
      {R"({"client_revision": "512"})", "client_revision"},
      {R"({"client_revision": 512.5})", "client_revision"},
      {R"({"client_revision": 512.0})", "client_revision"},
      {R"({"client_revision": 5e2})", "client_revision"},
      {R"({"client_revision": -1})", "client_revision"},
      {R"({"client_revision": true})", "client_revision"},
      {R"({"client_revision": 512, "last_login": "1764201600"})", "last_login"},
      {R"({"client_revision": 512, "last_login": 1.5})", "last_login"},
      {R"({"client_revision": 512, "last_login": false})", "last_login"},
      {R"({"client_revision": 512, "last_backup_complete": "yesterday"})", "last_backup_complete"},
      {R"({"client_revision": 512, "colour": "blue"})", "colour"},
      {R"({"client_revision": 512, "client_revision": 513})", "client_revision"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.body);
    expect_invalid(put_device("jsmith/devices/laptop", c.body), c.field);
  }
  for (const char* body : {"[]", "512", "\"x\"", "{", "null"}) {
    SCOPED_TRACE(body);
    expect_error(put_device("jsmith/devices/laptop", body), 400);
  }
  EXPECT_EQ(device_count(), 0);
  EXPECT_EQ(user_field("jsmith", "num_devices"), 0);
  EXPECT_EQ(devices("jsmith"), json("[]"));
  EXPECT_EQ(census(), json("[]"));
}

TEST_F(InternalUsageTest, RefusedUpdateLeavesTheDeviceAlone) {
  ASSERT_EQ(
      put_device("jsmith/devices/laptop", R"({"client_revision": 512, "last_login": 1764201600})")
          .status,
      200);
  auto before = devices("jsmith");
  expect_invalid(
      put_device("jsmith/devices/laptop", R"({"client_revision": 600, "last_login": "never"})"),
      "last_login");
  expect_invalid(put_device("jsmith/devices/laptop", R"({"client_revision": 600, "x": 1})"), "x");
  EXPECT_EQ(devices("jsmith"), before);
  EXPECT_EQ(census(), json(R"([{"revision": 512, "count": 1}])"));
  EXPECT_EQ(device_count(), 1);
}

TEST_F(InternalUsageTest, DeviceNamesAndRoomKeysAreTextCountedInCodePoints) {
  // 150 characters of two bytes each: within any sane limit counted in code points (A.1).
  std::string encoded;
  std::string decoded;
  for (int i = 0; i < 150; ++i) {
    encoded += "%C3%A9";
    decoded += "\xC3\xA9";
  }
  auto device = put_device("jsmith/devices/" + encoded, R"({"client_revision": 1})");
  ASSERT_EQ(device.status, 200) << device.body;
  auto list = devices("jsmith");
  ASSERT_EQ(list.as_array().size(), 1u) << list;
  EXPECT_EQ(list.as_array()[0].at("name"), boost::json::value(decoded));
  auto share = internal("PUT", "/partners/alpha/users/jsmith/shares/" + encoded,
                        R"({"name": "n", "description": "", "enabled": true})");
  ASSERT_EQ(share.status, 200) << share.body;
  auto one = get("/users/jsmith/shares/" + encoded);
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.json.at("room_key"), boost::json::value(decoded));

  // Bytes that are not UTF-8 cannot become a name shown in JSON.
  for (const char* bad : {"%FF", "lap%C3", "%C0%AF", "%ED%A0%80", "%F4%90%80%80"}) {
    SCOPED_TRACE(bad);
    expect_invalid(put_device(std::string("jsmith/devices/") + bad, R"({"client_revision": 1})"),
                   "name");
    expect_invalid(internal("PUT", std::string("/partners/alpha/users/jsmith/shares/") + bad,
                            R"({"name": "n", "description": "", "enabled": true})"),
                   "room_key");
  }
  EXPECT_EQ(device_count(), 1);
  EXPECT_EQ(share_count(), 1);
  auto body = get("/users/jsmith/devices");
  EXPECT_TRUE(body.json.is_array()) << "listing is not valid JSON: " << body.body;
}

TEST_F(InternalUsageTest, NullOrZeroValuesAreAccepted) {
  auto reply =
      put_device("jsmith/devices/laptop",
                 R"({"client_revision": 0, "last_login": null, "last_backup_complete": null})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto list = devices("jsmith");
  ASSERT_EQ(list.as_array().size(), 1u);
  EXPECT_EQ(list.as_array()[0].at("client_revision"), boost::json::value(0));
  EXPECT_TRUE(list.as_array()[0].at("last_login").is_null());
  EXPECT_TRUE(list.as_array()[0].at("last_backup_complete").is_null());
  EXPECT_EQ(census(), json(R"([{"revision": 0, "count": 1}])"));
}

TEST_F(InternalUsageTest, DeleteDeviceRemovesIt) {
  ASSERT_EQ(put_device("jsmith/devices/laptop", R"({"client_revision": 512})").status, 200);
  ASSERT_EQ(put_device("jsmith/devices/phone", R"({"client_revision": 498})").status, 200);
  ASSERT_EQ(device_count(), 2);

  auto reply = internal("DELETE", "/partners/alpha/users/jsmith/devices/laptop", "");
  EXPECT_EQ(reply.status, 204) << reply.body;
  EXPECT_EQ(reply.body, "");
  EXPECT_EQ(device_count(), 1);
  EXPECT_EQ(user_field("jsmith", "num_devices"), 1);
  EXPECT_EQ(census(), json(R"([{"revision": 498, "count": 1}])"));
  auto list = devices("jsmith");
  ASSERT_EQ(list.as_array().size(), 1u);
  EXPECT_EQ(list.as_array()[0].at("name"), boost::json::value("phone"));

  // Gone now: a second delete is 404 and changes nothing.
  expect_error(internal("DELETE", "/partners/alpha/users/jsmith/devices/laptop", ""), 404);
  EXPECT_EQ(device_count(), 1);

  EXPECT_EQ(internal("DELETE", "/partners/alpha/users/jsmith/devices/phone", "").status, 204);
  EXPECT_EQ(device_count(), 0);
  EXPECT_EQ(user_field("jsmith", "num_devices"), 0);
  EXPECT_EQ(census(), json("[]"));
}

TEST_F(InternalUsageTest, UnknownDeviceUserOrPartnerIs404) {
  ASSERT_EQ(put_device("jsmith/devices/laptop", R"({"client_revision": 512})").status, 200);
  expect_error(internal("DELETE", "/partners/alpha/users/jsmith/devices/desktop", ""), 404);
  expect_error(internal("DELETE", "/partners/alpha/users/sam/devices/laptop", ""), 404);
  expect_error(internal("DELETE", "/partners/alpha/users/nobody/devices/laptop", ""), 404);
  expect_error(internal("DELETE", "/partners/nobody/users/jsmith/devices/laptop", ""), 404);
  const std::string body = R"({"client_revision": 600})";
  expect_error(internal("PUT", "/partners/alpha/users/nobody/devices/laptop", body), 404);
  expect_error(internal("PUT", "/partners/nobody/users/jsmith/devices/laptop", body), 404);
  EXPECT_EQ(device_count(), 1);
  EXPECT_EQ(census(), json(R"([{"revision": 512, "count": 1}])"));
}

// ---- shares ------------------------------------------------------------------------------------

TEST_F(InternalUsageTest, PutShareCreatesThenUpdatesIt) {
  ASSERT_EQ(share_count(), 0);
  EXPECT_TRUE(user("jsmith").at("share_id").is_null());
  auto reply = internal("PUT", "/partners/alpha/users/jsmith/shares/holiday",
                        R"({"name": "Holiday pictures", "description": "Summer",
                            "enabled": true})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(share_count(), 1);
  EXPECT_EQ(user_field("jsmith", "num_shares"), 1);
  EXPECT_EQ(user("jsmith").at("share_id"), boost::json::value("jsmith"));

  auto listed = shares();
  ASSERT_TRUE(listed.is_array()) << listed;
  ASSERT_EQ(listed.as_array().size(), 1u) << listed;
  const auto& owner = listed.as_array()[0].as_object();
  EXPECT_EQ(owner.at("username"), boost::json::value("jsmith"));
  ASSERT_EQ(owner.at("shares").as_array().size(), 1u);
  const auto& s = owner.at("shares").as_array()[0].as_object();
  EXPECT_EQ(s.at("share_id"), boost::json::value("jsmith"));
  EXPECT_EQ(s.at("room_key"), boost::json::value("holiday"));
  EXPECT_EQ(s.at("name"), boost::json::value("Holiday pictures"));
  EXPECT_EQ(s.at("description"), boost::json::value("Summer"));
  EXPECT_EQ(s.at("enabled"), boost::json::value(true));
  ASSERT_TRUE(s.at("creation_time").is_int64());
  ASSERT_TRUE(s.at("update_time").is_int64());
  const auto created = s.at("creation_time").as_int64();

  auto update = internal("PUT", "/partners/alpha/users/jsmith/shares/holiday",
                         R"({"name": "Winter pictures", "description": "Snow",
                             "enabled": false})");
  ASSERT_EQ(update.status, 200) << update.body;
  EXPECT_EQ(share_count(), 1);
  EXPECT_EQ(user_field("jsmith", "num_shares"), 1);
  auto one = get("/users/jsmith/shares/holiday");
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.json.at("name"), boost::json::value("Winter pictures"));
  EXPECT_EQ(one.json.at("description"), boost::json::value("Snow"));
  EXPECT_EQ(one.json.at("enabled"), boost::json::value(false));
  EXPECT_EQ(one.json.at("creation_time"), boost::json::value(created));
  EXPECT_EQ(one.json.at("share_id"), boost::json::value("jsmith"));
  EXPECT_EQ(share_count(beta), 0);
}

TEST_F(InternalUsageTest, SharesOfSeveralUsersAreCountedAndListed) {
  for (const char* path : {"jsmith/shares/work", "jsmith/shares/holiday", "sam/shares/kids"}) {
    auto reply = internal("PUT", std::string("/partners/alpha/users/") + path,
                          R"({"name": "Some share", "description": "", "enabled": true})");
    ASSERT_EQ(reply.status, 200) << reply.body;
  }
  EXPECT_EQ(share_count(), 3);
  EXPECT_EQ(user_field("jsmith", "num_shares"), 2);
  EXPECT_EQ(user_field("sam", "num_shares"), 1);
  auto listed = shares();
  const auto* jsmith = find_named(listed, "username", "jsmith");
  ASSERT_NE(jsmith, nullptr) << listed;
  std::vector<std::string> keys;
  for (const auto& s : jsmith->at("shares").as_array())
    keys.emplace_back(s.at("room_key").as_string());
  EXPECT_EQ(keys, (std::vector<std::string>{"holiday", "work"}));
  const auto* sam = find_named(listed, "username", "sam");
  ASSERT_NE(sam, nullptr) << listed;
  EXPECT_EQ(sam->at("shares").as_array()[0].at("share_id"), boost::json::value("sam"));
}

TEST_F(InternalUsageTest, DeleteShareRemovesIt) {
  for (const char* key : {"holiday", "work"}) {
    ASSERT_EQ(internal("PUT", std::string("/partners/alpha/users/jsmith/shares/") + key,
                       R"({"name": "A share", "description": "d", "enabled": true})")
                  .status,
              200);
  }
  ASSERT_EQ(share_count(), 2);
  auto reply = internal("DELETE", "/partners/alpha/users/jsmith/shares/holiday", "");
  EXPECT_EQ(reply.status, 204) << reply.body;
  EXPECT_EQ(reply.body, "");
  EXPECT_EQ(share_count(), 1);
  EXPECT_EQ(user_field("jsmith", "num_shares"), 1);
  expect_error(get("/users/jsmith/shares/holiday"), 404);
  expect_error(internal("DELETE", "/partners/alpha/users/jsmith/shares/holiday", ""), 404);
  EXPECT_EQ(share_count(), 1);

  EXPECT_EQ(internal("DELETE", "/partners/alpha/users/jsmith/shares/work", "").status, 204);
  EXPECT_EQ(share_count(), 0);
  EXPECT_EQ(user_field("jsmith", "num_shares"), 0);
  EXPECT_EQ(shares(), json("[]"));  // A.9 lists only users with at least one share
}

TEST_F(InternalUsageTest, ShareBodyIsValidated) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"name": 5, "description": "", "enabled": true})", "name"},
      {R"({"name": "n", "description": 5, "enabled": true})", "description"},
      {R"({"name": "n", "description": "", "enabled": "yes"})", "enabled"},
      {R"({"name": "n", "description": "", "enabled": 1})", "enabled"},
      {R"({"name": "n", "description": "", "enabled": true, "public": true})", "public"},
      {R"({"name": "n", "name": "m", "description": "", "enabled": true})", "name"},
  };
  for (const auto& [body, field] : cases) {
    SCOPED_TRACE(body);
    expect_invalid(internal("PUT", "/partners/alpha/users/jsmith/shares/holiday", body), field);
  }
  EXPECT_EQ(share_count(), 0);
  EXPECT_EQ(user_field("jsmith", "num_shares"), 0);
  EXPECT_EQ(shares(), json("[]"));
}

TEST_F(InternalUsageTest, UnknownShareUserOrPartnerIs404) {
  const std::string body = R"({"name": "n", "description": "", "enabled": true})";
  expect_error(internal("DELETE", "/partners/alpha/users/jsmith/shares/none", ""), 404);
  expect_error(internal("PUT", "/partners/alpha/users/nobody/shares/x", body), 404);
  expect_error(internal("DELETE", "/partners/alpha/users/nobody/shares/x", ""), 404);
  expect_error(internal("PUT", "/partners/nobody/users/jsmith/shares/x", body), 404);
  EXPECT_EQ(share_count(), 0);
}

// ---- usage -------------------------------------------------------------------------------------

TEST_F(InternalUsageTest, UsageSetsBytesStoredExactly) {
  ASSERT_EQ(bytes_used(), 0);
  auto reply = internal("PUT", "/partners/alpha/users/jsmith/usage", R"({"bytes_stored": 1000})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(bytes_used(), 1000);
  EXPECT_EQ(user_field("jsmith", "bytes_stored"), 1000);

  ASSERT_EQ(internal("PUT", "/partners/alpha/users/sam/usage", R"({"bytes_stored": 250})").status,
            200);
  EXPECT_EQ(bytes_used(), 1250);

  // Down, then up again: the total follows by the difference each time.
  ASSERT_EQ(
      internal("PUT", "/partners/alpha/users/jsmith/usage", R"({"bytes_stored": 400})").status,
      200);
  EXPECT_EQ(user_field("jsmith", "bytes_stored"), 400);
  EXPECT_EQ(bytes_used(), 650);
  ASSERT_EQ(
      internal("PUT", "/partners/alpha/users/jsmith/usage", R"({"bytes_stored": 4000000000000})")
          .status,
      200);
  EXPECT_EQ(bytes_used(), 4000000000250);
  ASSERT_EQ(internal("PUT", "/partners/alpha/users/jsmith/usage", R"({"bytes_stored": 0})").status,
            200);
  EXPECT_EQ(bytes_used(), 250);
  EXPECT_EQ(user_field("jsmith", "bytes_stored"), 0);
  EXPECT_EQ(bytes_used(beta), 0);
  EXPECT_EQ(user_field("sam", "bytes_stored", beta), 0);
}

TEST_F(InternalUsageTest, UsageSaturatesAtInt64Max) {
  const std::string max = "9223372036854775807";
  ASSERT_EQ(internal("PUT", "/partners/alpha/users/jsmith/usage", "{\"bytes_stored\": " + max + "}")
                .status,
            200);
  ASSERT_EQ(
      internal("PUT", "/partners/alpha/users/sam/usage", "{\"bytes_stored\": " + max + "}").status,
      200);
  EXPECT_EQ(bytes_used(), std::numeric_limits<std::int64_t>::max());
  // Dropping one brings back an exact figure.
  ASSERT_EQ(internal("PUT", "/partners/alpha/users/sam/usage", R"({"bytes_stored": 1})").status,
            200);
  EXPECT_EQ(bytes_used(), std::numeric_limits<std::int64_t>::max());
  ASSERT_EQ(internal("PUT", "/partners/alpha/users/jsmith/usage", R"({"bytes_stored": 7})").status,
            200);
  EXPECT_EQ(bytes_used(), 8);
}

TEST_F(InternalUsageTest, UsageBodyIsValidated) {
  ASSERT_EQ(internal("PUT", "/partners/alpha/users/jsmith/usage", R"({"bytes_stored": 42})").status,
            200);
  for (const char* body :
       {"{}", R"({"bytes_stored": -1})", R"({"bytes_stored": "42"})", R"({"bytes_stored": 42.0})",
        R"({"bytes_stored": 1e3})", R"({"bytes_stored": null})",
        R"({"bytes_stored": 9223372036854775808})"}) {
    SCOPED_TRACE(body);
    expect_invalid(internal("PUT", "/partners/alpha/users/jsmith/usage", body), "bytes_stored");
  }
  expect_invalid(
      internal("PUT", "/partners/alpha/users/jsmith/usage", R"({"bytes_stored": 1, "bytes": 2})"),
      "bytes");
  EXPECT_EQ(user_field("jsmith", "bytes_stored"), 42);
  EXPECT_EQ(bytes_used(), 42);
}

TEST_F(InternalUsageTest, UsageOfUnknownUserOrPartnerIs404) {
  expect_error(internal("PUT", "/partners/alpha/users/nobody/usage", R"({"bytes_stored": 1})"),
               404);
  expect_error(internal("PUT", "/partners/nobody/users/jsmith/usage", R"({"bytes_stored": 1})"),
               404);
  EXPECT_EQ(bytes_used(), 0);
}

// ---- authentication
// ------------------------------------------------------------------------------

TEST_F(InternalUsageTest, RefusesMissingOrWrongServiceCredentials) {
  struct Target {
    const char* method;
    const char* path;
    const char* body;
  };
  const Target targets[] = {
      {"PUT", "/partners/alpha/users/jsmith/devices/laptop", R"({"client_revision": 512})"},
      {"DELETE", "/partners/alpha/users/jsmith/devices/phone", ""},
      {"PUT", "/partners/alpha/users/jsmith/shares/holiday",
       R"({"name": "n", "description": "", "enabled": true})"},
      {"DELETE", "/partners/alpha/users/jsmith/shares/work", ""},
      {"PUT", "/partners/alpha/users/jsmith/usage", R"({"bytes_stored": 99})"},
  };
  // Something to delete, so that a wrongly accepted DELETE would show.
  ASSERT_EQ(put_device("jsmith/devices/phone", R"({"client_revision": 1})").status, 200);
  ASSERT_EQ(internal("PUT", "/partners/alpha/users/jsmith/shares/work",
                     R"({"name": "n", "description": "", "enabled": true})")
                .status,
            200);
  const std::string token = kServiceToken;
  const std::string basic_alpha =
      "Basic YWxwaGE6YWxwaGEtcGFzc3dvcmQtMQ==";  // alpha:alpha-password-1
  const std::vector<std::string> wrong = {
      "Bearer wrong-token",
      "Bearer " + token + "x",
      "Bearer " + token.substr(0, token.size() - 1),
      "Bearer",
      "Bearer ",
      "bearer" + token,
      token,
      "Basic " + token,
      basic_alpha,
  };
  for (const auto& target : targets) {
    SCOPED_TRACE(std::string(target.method) + " " + target.path);
    // No Authorization header at all.
    auto none = request_target(target.method, std::string("/internal/v1") + target.path,
                               target.body, std::nullopt);
    expect_error(none, 401);
    for (const auto& authorization : wrong) {
      SCOPED_TRACE(authorization);
      expect_error(internal(target.method, target.path, target.body, authorization), 401);
    }
    // A partner's Basic credentials, as the fixture sends them.
    expect_error(request_target(target.method, std::string("/internal/v1") + target.path,
                                target.body, alpha),
                 401);
  }
  EXPECT_EQ(device_count(), 1);
  EXPECT_EQ(share_count(), 1);
  EXPECT_EQ(bytes_used(), 0);
  auto list = devices("jsmith");
  ASSERT_EQ(list.as_array().size(), 1u);
  EXPECT_EQ(list.as_array()[0].at("client_revision"), boost::json::value(1));
  EXPECT_EQ(census(), json(R"([{"revision": 1, "count": 1}])"));
}

TEST_F(InternalUsageTest, ServiceTokenIsRefusedOnPartnerEndpoints) {
  const std::map<std::string, std::string> bearer = {
      {"Authorization", std::string("Bearer ") + kServiceToken}};
  for (const char* path : {"/partner/quota", "/users/", "/users/jsmith/devices", "/shares/",
                           "/clientrevisions/", "/partner/billing"}) {
    SCOPED_TRACE(path);
    auto reply = request("GET", path, "", std::nullopt, bearer);
    expect_error(reply, 401);
    EXPECT_EQ(reply.header("www-authenticate"), "Basic realm=\"accounts\"");
  }
  auto created = request("POST", "/users/",
                         R"({"username": "eve", "name": "Eve", "email": "eve@example.com"})",
                         std::nullopt, bearer);
  expect_error(created, 401);
  EXPECT_EQ(get("/users/eve").status, 404);
}

// ---- tenant scoping
// ------------------------------------------------------------------------------

TEST_F(InternalUsageTest, OtherPartnersPathCannotReachAlphasUsers) {
  create_user(alpha, "onlyalpha");
  ASSERT_EQ(put_device("onlyalpha/devices/laptop", R"({"client_revision": 512})").status, 200);
  ASSERT_EQ(internal("PUT", "/partners/alpha/users/onlyalpha/shares/holiday",
                     R"({"name": "n", "description": "", "enabled": true})")
                .status,
            200);
  ASSERT_EQ(
      internal("PUT", "/partners/alpha/users/onlyalpha/usage", R"({"bytes_stored": 77})").status,
      200);
  const auto alpha_quota = quota(alpha);
  const auto alpha_devices = devices("onlyalpha");
  const auto alpha_shares = shares();

  const std::string base = "/partners/beta/users/onlyalpha";
  expect_error(internal("PUT", base + "/devices/laptop", R"({"client_revision": 600})"), 404);
  expect_error(internal("PUT", base + "/devices/desktop", R"({"client_revision": 600})"), 404);
  expect_error(internal("DELETE", base + "/devices/laptop", ""), 404);
  expect_error(internal("PUT", base + "/shares/holiday",
                        R"({"name": "x", "description": "", "enabled": false})"),
               404);
  expect_error(internal("DELETE", base + "/shares/holiday", ""), 404);
  expect_error(internal("PUT", base + "/usage", R"({"bytes_stored": 1})"), 404);
  // By email too.
  expect_error(
      internal("PUT", "/partners/beta/users/onlyalpha@example.com/usage", R"({"bytes_stored": 1})"),
      404);

  EXPECT_EQ(quota(alpha), alpha_quota);
  EXPECT_EQ(devices("onlyalpha"), alpha_devices);
  EXPECT_EQ(shares(), alpha_shares);
  EXPECT_EQ(user_field("onlyalpha", "bytes_stored"), 77);
  EXPECT_EQ(quota(beta), json(R"({"bytes_available": null, "bytes_allocated": 1000000001000000000,
      "bytes_used": 0, "share_count": 0, "device_count": 0})"));
}

TEST_F(InternalUsageTest, SameUsernameAtTwoPartnersIsKeptApart) {
  // Both partners have a "sam"; reports go to the partner named in the path only.
  ASSERT_EQ(
      internal("PUT", "/partners/beta/users/sam/devices/desk", R"({"client_revision": 9})").status,
      200);
  ASSERT_EQ(internal("PUT", "/partners/beta/users/sam/usage", R"({"bytes_stored": 33})").status,
            200);
  ASSERT_EQ(internal("PUT", "/partners/beta/users/sam/shares/k",
                     R"({"name": "n", "description": "", "enabled": true})")
                .status,
            200);
  EXPECT_EQ(device_count(beta), 1);
  EXPECT_EQ(share_count(beta), 1);
  EXPECT_EQ(bytes_used(beta), 33);
  EXPECT_EQ(user_field("sam", "num_devices", beta), 1);
  EXPECT_EQ(census(beta), json(R"([{"revision": 9, "count": 1}])"));

  EXPECT_EQ(device_count(), 0);
  EXPECT_EQ(share_count(), 0);
  EXPECT_EQ(bytes_used(), 0);
  EXPECT_EQ(user_field("sam", "num_devices"), 0);
  EXPECT_EQ(user_field("sam", "bytes_stored"), 0);
  EXPECT_EQ(census(), json("[]"));
  EXPECT_EQ(devices("sam"), json("[]"));

  // Alpha's sam has no such device; deleting it through alpha's path is 404, beta's stays.
  expect_error(internal("DELETE", "/partners/alpha/users/sam/devices/desk", ""), 404);
  EXPECT_EQ(device_count(beta), 1);
}

// ---- interplay with user deletion
// ------------------------------------------------------------------

TEST_F(InternalUsageTest, DeletingAUserTakesItsReportsOutOfTheQuota) {
  ASSERT_EQ(put_device("jsmith/devices/laptop", R"({"client_revision": 512})").status, 200);
  ASSERT_EQ(put_device("jsmith/devices/phone", R"({"client_revision": 498})").status, 200);
  ASSERT_EQ(put_device("sam/devices/laptop", R"({"client_revision": 512})").status, 200);
  ASSERT_EQ(internal("PUT", "/partners/alpha/users/jsmith/shares/holiday",
                     R"({"name": "n", "description": "", "enabled": true})")
                .status,
            200);
  ASSERT_EQ(
      internal("PUT", "/partners/alpha/users/jsmith/usage", R"({"bytes_stored": 500})").status,
      200);
  ASSERT_EQ(internal("PUT", "/partners/alpha/users/sam/usage", R"({"bytes_stored": 20})").status,
            200);

  ASSERT_EQ(request("DELETE", "/users/jsmith", "", alpha).status, 204);
  EXPECT_EQ(device_count(), 1);
  EXPECT_EQ(share_count(), 0);
  EXPECT_EQ(bytes_used(), 20);
  EXPECT_EQ(census(), json(R"([{"revision": 512, "count": 1}])"));
  EXPECT_EQ(shares(), json("[]"));
  // Reports about the deleted user are now 404.
  expect_error(put_device("jsmith/devices/laptop", R"({"client_revision": 512})"), 404);
  EXPECT_EQ(device_count(), 1);
}

}  // namespace
}  // namespace accountsd::testing
