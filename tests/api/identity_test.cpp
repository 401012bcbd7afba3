// C.7 identity rules and C.6 object fields through the API: case-insensitive emails, ids that
// are never reused, the default group of a partner with no group or after deletions, promo,
// share_identifier and share_rooms, the share fields of B.5 and reg_code.
#include <string>
#include <vector>

#include "auth/password.hpp"
#include "support/api_fixture.hpp"
#include "support/json_checks.hpp"

namespace accountsd::testing {
namespace {

class IdentityTest : public ApiTest {
 protected:
  // POST /users/ with username, name and email (and `extra` fields), as `login`.
  Reply create(const std::string& username, const std::string& email,
               boost::json::object extra = {}, const std::optional<Login>& login = std::nullopt) {
    extra["username"] = username;
    extra["name"] = "User " + username;
    extra["email"] = email;
    return request("POST", "/users/", boost::json::serialize(extra), login.value_or(alpha));
  }

  boost::json::object created(const std::string& username, const std::string& email,
                              boost::json::object extra = {}) {
    auto reply = create(username, email, std::move(extra));
    EXPECT_EQ(reply.status, 200) << reply.body;
    if (reply.status != 200) return {};
    expect_user_shape(reply.json.at("user"));
    return reply.json.at("user").as_object();
  }

  std::int64_t create_group(const std::string& name, const std::optional<Login>& login = {}) {
    auto plan = directory().plans(login ? partner_of(*login) : alpha_id).at(0).plan_id;
    boost::json::object body{
        {"name", name}, {"plan_id", plan}, {"webapi_enable", true}, {"check_domain", false}};
    auto reply = request("POST", "/groups/", boost::json::serialize(body), login.value_or(alpha));
    EXPECT_EQ(reply.status, 201) << reply.body;
    return reply.status == 201 ? reply.json.at("group_id").as_int64() : 0;
  }

  // A third partner made as `partner create` makes it: the Unlimited plan and no group.
  Login add_partner_without_group() {
    domain::NewPartner partner;
    partner.username = solo.username;
    partner.name = "Solo Corp";
    partner.password_hash = auth::hash_password(solo.password);
    solo_id = partners().create_partner(partner);
    return solo;
  }

  store::PartnerId partner_of(const Login& login) {
    return login.username == solo.username ? solo_id : partners().find_partner(login.username)->id;
  }

  Reply put_share(const std::string& user, const std::string& room_key, const std::string& body) {
    return internal("PUT", "/partners/alpha/users/" + user + "/shares/" + room_key, body);
  }

  const Login solo{"solo", "solo-password-33"};
  store::PartnerId solo_id = 0;
};

// --- emails -----------------------------------------------------------------------------------

TEST_F(IdentityTest, EmailLookupIgnoresLetterCaseAndKeepsTheEmailAsGiven) {
  created("alice", "Alice@Example.com");
  for (const char* key : {"ALICE@example.COM", "alice%40example.com", "Alice@Example.com"}) {
    auto reply = get(std::string("/users/") + key);
    ASSERT_EQ(reply.status, 200) << key << ": " << reply.body;
    expect_user_shape(reply.json);
    EXPECT_EQ(reply.json.at("username"), "alice") << key;
    EXPECT_EQ(reply.json.at("email"), "Alice@Example.com") << key;
  }
  // The other paths that take <u> find the user the same way.
  EXPECT_EQ(get("/users/ALICE@EXAMPLE.COM/devices").status, 200);
  EXPECT_EQ(request("DELETE", "/users/aLiCe@example.com", "", alpha).status, 204);
  EXPECT_EQ(get("/users/alice").status, 404);
}

TEST_F(IdentityTest, EmailsDifferingOnlyByCaseConflictOnCreateAndEdit) {
  created("alice", "alice@example.com");
  created("bob", "bob@example.com");
  expect_conflict(create("alice2", "ALICE@Example.COM"), {"email"});
  expect_conflict(post("/users/bob", R"({"email": "Alice@example.com"})"), {"email"});
  EXPECT_EQ(get("/users/bob").json.at("email"), "bob@example.com");
  // Another partner may use the address, and a user may change the case of its own.
  EXPECT_EQ(create("alice", "ALICE@example.com", {}, beta).status, 200);
  auto own = post("/users/alice", R"({"email": "ALICE@example.com"})");
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(own.json.at("email"), "ALICE@example.com");
  EXPECT_EQ(get("/users/alice@example.com").json.at("email"), "ALICE@example.com");
  EXPECT_EQ(directory().users(alpha_id, {}).size(), 2u);
}

// --- ids ----------------------------------------------------------------------------------------

TEST_F(IdentityTest, IdsAreNeverReusedAfterDeletion) {
  auto first = created("joe", "joe@example.com").at("avatar_id").as_int64();
  ASSERT_EQ(request("DELETE", "/users/joe", "", alpha).status, 204);
  auto second = created("joe", "joe@example.com").at("avatar_id").as_int64();
  EXPECT_GT(second, first);

  auto group = create_group("Sales");
  ASSERT_EQ(request("DELETE", "/groups/" + std::to_string(group), "", alpha).status, 204);
  EXPECT_GT(create_group("Sales"), group);

  auto device_id = [&] {
    auto reply = internal("PUT", "/partners/alpha/users/joe/devices/laptop",
                          R"({"client_revision": 512, "last_login": null,
                              "last_backup_complete": null})");
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.status == 200 ? reply.json.at("device_id").as_int64() : 0;
  };
  auto device = device_id();
  ASSERT_EQ(internal("DELETE", "/partners/alpha/users/joe/devices/laptop", "").status, 204);
  EXPECT_GT(device_id(), device);

  auto plan = directory().create_plan(alpha_id, "Small", 5);
  EXPECT_GT(directory().create_plan(alpha_id, "Smaller", 1), plan);
}

// --- the default group ----------------------------------------------------------------------

TEST_F(IdentityTest, APartnerWithoutAGroupCannotCreateUsersWithoutGroupId) {
  auto login = add_partner_without_group();
  EXPECT_EQ(request("GET", "/groups/", "", login).json, boost::json::array());
  auto reply = create("joe", "joe@example.com", {}, login);
  expect_conflict(reply, {"group_id"});
  EXPECT_NE(std::string(reply.json.at("reason").as_string()).find("no group"), std::string::npos)
      << reply.body;
  // Self-signup into that brand is refused the same way.
  auto signup =
      request("POST", "/users/",
              R"({"brand": "solo", "username": "sam", "name": "Sam", "email": "sam@example.com"})",
              std::nullopt);
  expect_conflict(signup, {"group_id"});
  EXPECT_TRUE(directory().users(solo_id, {}).empty());

  // The first group the console creates becomes the default.
  auto group = create_group("Solo Corp", login);
  reply = create("joe", "joe@example.com", {}, login);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.at("user").at("group_id").as_int64(), group);
}

TEST_F(IdentityTest, TheDefaultGroupIsTheOldestEvenAfterTheFirstIsDeleted) {
  auto first = directory().groups(alpha_id).at(0).group_id;
  auto second = create_group("Second");
  auto third = create_group("Third");
  EXPECT_EQ(created("ann", "ann@example.com").at("group_id").as_int64(), first);

  // Any group may be deleted, the oldest too, under B.2's rules for members.
  expect_conflict(request("DELETE", "/groups/" + std::to_string(first), "", alpha), {"group_id"});
  auto moved =
      request("DELETE", "/groups/" + std::to_string(first) + "?move_to=" + std::to_string(third),
              "", alpha);
  ASSERT_EQ(moved.status, 204) << moved.body;
  EXPECT_EQ(get("/users/ann").json.at("group_id").as_int64(), third);
  EXPECT_EQ(created("bob", "bob@example.com").at("group_id").as_int64(), second);

  ASSERT_EQ(
      request("DELETE", "/groups/" + std::to_string(second) + "?move_to=" + std::to_string(third),
              "", alpha)
          .status,
      204);
  EXPECT_EQ(created("cat", "cat@example.com").at("group_id").as_int64(), third);
}

// --- user fields (C.6) ------------------------------------------------------------------------

TEST_F(IdentityTest, PromoIsRecordedAsGivenAndAtMost200Characters) {
  EXPECT_TRUE(created("joe", "joe@example.com").at("promo").is_null());
  auto with = created("ann", "ann@example.com", {{"promo", "SPRING-2026"}});
  EXPECT_EQ(with.at("promo"), "SPRING-2026");
  EXPECT_EQ(get("/users/ann").json.at("promo"), "SPRING-2026");
  EXPECT_EQ(created("max", "max@example.com", {{"promo", std::string(200, 'p')}}).at("promo"),
            boost::json::value(std::string(200, 'p')));
  expect_invalid(create("long", "long@example.com", {{"promo", std::string(201, 'p')}}), {"promo"});
  expect_invalid(create("num", "num@example.com", {{"promo", 5}}), {"promo"});
  EXPECT_FALSE(directory().find_user(alpha_id, "long"));
}

TEST_F(IdentityTest, ShareIdentifierAndShareRoomsFollowTheUsersShares) {
  created("joe", "joe@example.com");
  auto joe = get("/users/joe").json;
  EXPECT_TRUE(joe.at("share_identifier").is_null());
  EXPECT_EQ(joe.at("share_rooms"), boost::json::array());

  for (const char* room : {"zeta", "alpha", "mid"})
    ASSERT_EQ(put_share("joe", room, R"({"name": "N"})").status, 200);
  joe = get("/users/joe").json;
  expect_user_shape(joe);
  EXPECT_EQ(joe.at("share_identifier"), "joe");
  EXPECT_EQ(joe.at("share_identifier"), joe.at("share_id"));
  EXPECT_EQ(joe.at("share_rooms"), json(R"(["alpha", "mid", "zeta"])"));
  // The listing shows the same, and the edit's answer too.
  auto listed = get("/users/?search=joe").json.at(0);
  EXPECT_EQ(listed, joe);
  EXPECT_EQ(post("/users/joe", R"({"name": "Joe"})").json.at("share_rooms"), joe.at("share_rooms"));

  ASSERT_EQ(internal("DELETE", "/partners/alpha/users/joe/shares/mid", "").status, 204);
  EXPECT_EQ(get("/users/joe").json.at("share_rooms"), json(R"(["alpha", "zeta"])"));
}

TEST_F(IdentityTest, ShareRoomsOnAPageBelongToEachUser) {
  for (const char* name : {"a", "b", "c", "d"}) created(name, std::string(name) + "@example.com");
  ASSERT_EQ(put_share("b", "one", R"({"name": "N"})").status, 200);
  ASSERT_EQ(put_share("d", "two", R"({"name": "N"})").status, 200);
  ASSERT_EQ(put_share("d", "one", R"({"name": "N"})").status, 200);
  auto page = get("/users/?order_by=-username&limit=3").json.as_array();
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[0].at("username"), "d");
  EXPECT_EQ(page[0].at("share_rooms"), json(R"(["one", "two"])"));
  EXPECT_EQ(page[1].at("share_rooms"), boost::json::array());
  EXPECT_EQ(page[2].at("share_rooms"), json(R"(["one"])"));
  for (const auto& user : page) expect_user_shape(user);
}

// --- share fields (C.6, B.5) ------------------------------------------------------------------

TEST_F(IdentityTest, SharePasswordRequiredAndLastLoginKeepTheirValuesWhenAbsent) {
  created("joe", "joe@example.com");
  auto fresh = put_share("joe", "kids", R"({"name": "Kids"})");
  ASSERT_EQ(fresh.status, 200) << fresh.body;
  expect_share_shape(fresh.json);
  EXPECT_EQ(fresh.json.at("password_required"), false);
  EXPECT_TRUE(fresh.json.at("last_login").is_null());

  auto set = put_share("joe", "kids",
                       R"({"name": "Kids", "password_required": true, "last_login": 1764201600})");
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(set.json.at("password_required"), true);
  EXPECT_EQ(set.json.at("last_login"), 1764201600);

  auto kept = put_share("joe", "kids", R"({"name": "Kids again", "enabled": false})");
  ASSERT_EQ(kept.status, 200) << kept.body;
  EXPECT_EQ(kept.json.at("password_required"), true);
  EXPECT_EQ(kept.json.at("last_login"), 1764201600);
  EXPECT_EQ(kept.json.at("name"), "Kids again");

  // Every reading of the share shows them.
  auto one = get("/users/joe/shares/kids");
  expect_share_shape(one.json);
  EXPECT_EQ(one.json, kept.json);
  EXPECT_EQ(get("/users/joe/shares/").json.at(0), kept.json);
  EXPECT_EQ(get("/shares/").json.at(0).at("shares").at(0), kept.json);

  auto cleared = put_share("joe", "kids",
                           R"({"name": "Kids", "password_required": false, "last_login": null})");
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_EQ(cleared.json.at("password_required"), false);
  EXPECT_TRUE(cleared.json.at("last_login").is_null());
}

TEST_F(IdentityTest, SharePasswordRequiredAndLastLoginAreStrictlyTyped) {
  created("joe", "joe@example.com");
  expect_invalid(put_share("joe", "kids", R"({"name": "K", "password_required": "true"})"),
                 {"password_required"});
  expect_invalid(put_share("joe", "kids", R"({"name": "K", "password_required": 1})"),
                 {"password_required"});
  expect_invalid(put_share("joe", "kids", R"({"name": "K", "last_login": -1})"), {"last_login"});
  expect_invalid(put_share("joe", "kids", R"({"name": "K", "last_login": "5"})"), {"last_login"});
  EXPECT_EQ(get("/users/joe/shares/kids").status, 404);
}

// --- reg_code ---------------------------------------------------------------------------------

TEST_F(IdentityTest, SendActivationEmailRecordsTheRegCode) {
  created("joe", "joe@example.com");
  auto reply = post("/users/joe?action=sendactivationemail",
                    R"({"template_name": "welcome", "reg_code": "R-123"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json, boost::json::object());
  ASSERT_EQ(post("/users/joe?action=sendactivationemail", "{}").status, 200);
  expect_invalid(
      post("/users/joe?action=sendactivationemail",
           boost::json::serialize(boost::json::object{{"reg_code", std::string(201, 'r')}})),
      {"reg_code"});
  expect_invalid(post("/users/joe?action=sendactivationemail", R"({"reg_code": 7})"), {"reg_code"});
  auto outbox = directory().activation_emails(alpha_id);
  ASSERT_EQ(outbox.size(), 2u);
  EXPECT_EQ(outbox[0].template_name, std::optional<std::string>("welcome"));
  EXPECT_EQ(outbox[0].reg_code, std::optional<std::string>("R-123"));
  EXPECT_EQ(outbox[1].reg_code, std::nullopt);
}

}  // namespace
}  // namespace accountsd::testing
