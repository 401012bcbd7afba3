// B.3 users: POST /users/ (partner-authenticated), GET/POST/DELETE /users/<u>, the activation
// email action, email_as_username, and the quota figures (A.6) that follow every change.
#include <algorithm>
#include <cctype>
#include <ctime>
#include <string>
#include <vector>

#include "support/api_fixture.hpp"
#include "support/json_checks.hpp"

namespace accountsd::testing {
namespace {

constexpr std::int64_t kUnlimited = 1000000001000000000;
constexpr std::int64_t kGB = 1'000'000'000;
// A well-formed bcrypt hash (the OpenBSD test vector's form): $2a$, cost 12, 53 characters.
constexpr const char* kBcrypt = "$2a$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW";

class UsersTest : public ApiTest {
 protected:
  std::int64_t default_group() { return directory().groups(alpha_id).at(0).group_id; }
  std::int64_t unlimited_plan() { return directory().plans(alpha_id).at(0).plan_id; }

  // POST /users/ with username, name and email (and `extra` fields).
  Reply create(const std::string& username, boost::json::object extra = {}) {
    extra["username"] = username;
    if (!extra.contains("name")) extra["name"] = "User " + username;
    if (!extra.contains("email")) extra["email"] = username + "@example.com";
    return post("/users/", boost::json::serialize(extra));
  }

  boost::json::object created(const std::string& username, boost::json::object extra = {}) {
    auto reply = create(username, std::move(extra));
    EXPECT_EQ(reply.status, 200) << reply.body;
    if (reply.status != 200) return {};
    return reply.json.at("user").as_object();
  }

  boost::json::object user(const std::string& u) {
    auto reply = get("/users/" + u);
    EXPECT_EQ(reply.status, 200) << u << ": " << reply.body;
    expect_user_shape(reply.json);
    return reply.json.is_object() ? reply.json.as_object() : boost::json::object{};
  }

  std::int64_t create_group(const std::string& name, std::int64_t plan_id) {
    boost::json::object body{
        {"name", name}, {"plan_id", plan_id}, {"webapi_enable", true}, {"check_domain", false}};
    auto reply = post("/groups/", boost::json::serialize(body));
    EXPECT_EQ(reply.status, 201) << reply.body;
    return reply.status == 201 ? reply.json.at("group_id").as_int64() : 0;
  }

  boost::json::value quota() {
    auto reply = get("/partner/quota");
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.json;
  }
  std::int64_t allocated() { return quota().at("bytes_allocated").as_int64(); }

  std::int64_t user_count() {
    auto reply = get("/users/?action=user_count");
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.json.at("user_count").as_int64();
  }

  static void expect_payment_required(const Reply& reply) {
    EXPECT_EQ(reply.status, 402) << reply.body;
    ASSERT_TRUE(reply.json.is_object()) << reply.body;
    EXPECT_TRUE(reply.json.as_object().contains("reason") && reply.json.at("reason").is_string())
        << reply.body;
  }
};

// --- creation ---------------------------------------------------------------------------------

TEST_F(UsersTest, CreateWithDefaultsAnswersTheUserAndATemporaryPassword) {
  auto before = std::time(nullptr);
  auto reply = post("/users/", R"({"username": "joe", "name": "Joe Smith",
                                   "email": "joe@example.com", "promo": "SPRING"})");
  auto after = std::time(nullptr);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8");
  ASSERT_TRUE(reply.json.is_object());
  const auto& body = reply.json.as_object();
  EXPECT_EQ(body.size(), 3u) << reply.body;
  EXPECT_EQ(body.at("username"), "joe");
  ASSERT_TRUE(body.contains("temp_password") && body.at("temp_password").is_string());
  EXPECT_FALSE(body.at("temp_password").as_string().empty());
  expect_user_shape(body.at("user"));
  const auto& u = body.at("user").as_object();
  EXPECT_GT(u.at("avatar_id").as_int64(), 0);
  EXPECT_EQ(u.at("username"), "joe");
  EXPECT_EQ(u.at("name"), "Joe Smith");
  EXPECT_EQ(u.at("email"), "joe@example.com");
  EXPECT_EQ(u.at("group_id").as_int64(), default_group());
  EXPECT_EQ(u.at("plan_id").as_int64(), unlimited_plan());
  EXPECT_EQ(u.at("storage_bytes").as_int64(), kUnlimited);
  EXPECT_EQ(u.at("bonus_bytes").as_int64(), 0);
  EXPECT_EQ(u.at("bytes_stored").as_int64(), 0);
  EXPECT_EQ(u.at("enabled"), true);
  EXPECT_EQ(u.at("purgehold_active"), false);
  EXPECT_GE(u.at("creation_time").as_int64(), before);
  EXPECT_LE(u.at("creation_time").as_int64(), after);
  EXPECT_TRUE(u.at("last_login").is_null());
  EXPECT_TRUE(u.at("share_id").is_null());
  EXPECT_EQ(u.at("num_devices").as_int64(), 0);
  EXPECT_EQ(u.at("num_shares").as_int64(), 0);

  EXPECT_EQ(user("joe"), u);
  EXPECT_EQ(allocated(), kUnlimited);
  EXPECT_EQ(user_count(), 1);
}

TEST_F(UsersTest, TemporaryPasswordsDifferBetweenUsers) {
  auto a = create("ann");
  auto b = create("ben");
  ASSERT_EQ(a.status, 200);
  ASSERT_EQ(b.status, 200);
  EXPECT_NE(a.json.at("temp_password"), b.json.at("temp_password"));
}

TEST_F(UsersTest, CreateWithABcryptHashHasNoTemporaryPassword) {
  for (const char* prefix : {"$2a$", "$2b$", "$2y$"}) {
    std::string hash = std::string(prefix) + (kBcrypt + 4);
    std::string username = std::string("user") + prefix[2];
    auto reply = create(username, {{"password_bcrypt", hash}});
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.json.as_object().size(), 2u) << reply.body;
    EXPECT_FALSE(reply.json.as_object().contains("temp_password")) << reply.body;
    EXPECT_EQ(reply.json.at("username").as_string(), username);
    expect_user_shape(reply.json.at("user"));
  }
}

TEST_F(UsersTest, MalformedBcryptHashIs400AndCreatesNothing) {
  std::string good = kBcrypt;
  for (const std::string& bad :
       {std::string("not-a-hash"), std::string("secret password"), std::string(""),
        good.substr(0, 59), good + "x", "$2x$" + good.substr(4), "$1$" + good.substr(3),
        good.substr(0, 30) + "!" + good.substr(31), "$2a$1x" + good.substr(6)}) {
    auto reply = create("joe", {{"password_bcrypt", bad}});
    expect_invalid(reply, {"password_bcrypt"});
  }
  expect_invalid(create("joe", {{"password_bcrypt", 12345}}), {"password_bcrypt"});
  expect_invalid(create("joe", {{"password_bcrypt", nullptr}}), {"password_bcrypt"});
  EXPECT_EQ(get("/users/joe").status, 404);
  EXPECT_EQ(allocated(), 0);
  EXPECT_EQ(user_count(), 0);
}

TEST_F(UsersTest, CreateRequiresUsernameNameAndEmail) {
  expect_invalid(post("/users/", "{}"), {"username", "name", "email"});
  expect_invalid(post("/users/", ""), {"username", "name", "email"});
  expect_invalid(post("/users/", R"({"username": "joe"})"), {"name", "email"});
  expect_invalid(post("/users/", R"({"name": "Joe", "email": "joe@example.com"})"), {"username"});
  EXPECT_EQ(user_count(), 0);
  EXPECT_EQ(allocated(), 0);
}

TEST_F(UsersTest, CreateChecksTypesAndValues) {
  expect_invalid(create("joe", {{"bonus_bytes", "5"}}), {"bonus_bytes"});
  expect_invalid(create("joe", {{"bonus_bytes", -1}}), {"bonus_bytes"});
  expect_invalid(post("/users/", R"({"username": "joe", "name": "Joe", "email": "joe@example.com",
                                     "bonus_bytes": 5.0})"),
                 {"bonus_bytes"});
  expect_invalid(create("joe", {{"group_id", "1.0"}, {"plan_id", true}}), {"group_id", "plan_id"});
  expect_invalid(create("joe", {{"group_id", " 1"}, {"plan_id", "0x1"}}), {"group_id", "plan_id"});
  expect_invalid(create("joe", {{"email", "not an email"}}), {"email"});
  expect_invalid(create("joe", {{"name", ""}}), {"name"});
  expect_invalid(create("joe", {{"name", 7}}), {"name"});
  expect_invalid(create("joe", {{"promo", 7}}), {"promo"});
  expect_invalid(create("", {{"email", "joe@example.com"}}), {"username"});
  expect_invalid(create(std::string(65, 'j'), {{"email", "joe@example.com"}}), {"username"});
  // Fields of the user object that are not create fields, and self-signup's brand, are unknown.
  expect_invalid(create("joe", {{"enabled", true}}), {"enabled"});
  expect_invalid(create("joe", {{"avatar_id", 5}}), {"avatar_id"});
  expect_invalid(create("joe", {{"brand", "alpha"}}), {"brand"});
  expect_invalid(post("/users/", R"({"username": "joe", "username": "jim", "name": "Joe",
                                     "email": "joe@example.com"})"),
                 {"username"});
  EXPECT_EQ(get("/users/joe").status, 404);
  EXPECT_EQ(user_count(), 0);
  EXPECT_EQ(allocated(), 0);
}

TEST_F(UsersTest, CreateInAGroupGivesTheGroupsPlanUnlessPlanIdIsGiven) {
  auto small = directory().create_plan(alpha_id, "Small", 5 * kGB);
  auto medium = directory().create_plan(alpha_id, "Medium", 8 * kGB);
  auto sales = create_group("Sales", small);

  auto ann = created("ann", {{"group_id", sales}});
  EXPECT_EQ(ann.at("group_id").as_int64(), sales);
  EXPECT_EQ(ann.at("plan_id").as_int64(), small);
  EXPECT_EQ(ann.at("storage_bytes").as_int64(), 5 * kGB);

  auto ben = created("ben", {{"group_id", sales}, {"plan_id", medium}, {"bonus_bytes", 7}});
  EXPECT_EQ(ben.at("group_id").as_int64(), sales);
  EXPECT_EQ(ben.at("plan_id").as_int64(), medium);
  EXPECT_EQ(ben.at("storage_bytes").as_int64(), 8 * kGB);
  EXPECT_EQ(ben.at("bonus_bytes").as_int64(), 7);

  auto cat = created("cat", {{"plan_id", medium}});
  EXPECT_EQ(cat.at("group_id").as_int64(), default_group());
  EXPECT_EQ(cat.at("plan_id").as_int64(), medium);

  EXPECT_EQ(user("ann"), ann);
  EXPECT_EQ(user("ben"), ben);
  EXPECT_EQ(user("cat"), cat);
  EXPECT_EQ(allocated(), 21 * kGB + 7);
}

TEST_F(UsersTest, CreateConflictsNameTheField) {
  auto joe = created("joe", {{"email", "joe@example.com"}});
  auto before_quota = quota();
  expect_conflict(create("joe", {{"email", "other@example.com"}}), {"username"});
  expect_conflict(create("jim", {{"email", "joe@example.com"}}), {"email"});
  expect_conflict(create("jim", {{"group_id", 987654}}), {"group_id"});
  expect_conflict(create("jim", {{"plan_id", 987654}}), {"plan_id"});
  EXPECT_EQ(get("/users/jim").status, 404);
  EXPECT_EQ(get("/users/other@example.com").status, 404);
  EXPECT_EQ(user("joe"), joe);
  EXPECT_EQ(quota(), before_quota);
  EXPECT_EQ(user_count(), 1);
}

TEST_F(UsersTest, CreateBeyondBytesAvailableIs402) {
  auto small = directory().create_plan(alpha_id, "Small", 5 * kGB);
  auto sales = create_group("Sales", small);
  set_partner("alpha", [](domain::Partner& p) { p.bytes_available = 12 * kGB; });
  created("ann", {{"plan_id", small}});
  auto before = quota();
  ASSERT_EQ(before.at("bytes_allocated").as_int64(), 5 * kGB);

  expect_payment_required(create("ben"));  // the Unlimited plan of the default group
  expect_payment_required(create("ben", {{"group_id", sales}, {"bonus_bytes", 2 * kGB + 1}}));
  expect_payment_required(create("ben", {{"plan_id", unlimited_plan()}, {"group_id", sales}}));
  EXPECT_EQ(get("/users/ben").status, 404);
  EXPECT_EQ(quota(), before);
  EXPECT_EQ(user_count(), 1);

  // Reaching bytes_available exactly is allowed; one byte more is not.
  auto ben = created("ben", {{"group_id", sales}, {"bonus_bytes", 2 * kGB}});
  EXPECT_EQ(ben.at("bonus_bytes").as_int64(), 2 * kGB);
  EXPECT_EQ(allocated(), 12 * kGB);
  expect_payment_required(
      create("cat", {{"plan_id", directory().create_plan(alpha_id, "One", 1)}}));
  EXPECT_EQ(allocated(), 12 * kGB);
}

// --- <u> --------------------------------------------------------------------------------------

TEST_F(UsersTest, UserIsFoundByUsernameOrEmailRawOrPercentEncoded) {
  auto joe = created("joe smith", {{"email", "joe@example.com"}});
  auto zoe = created("zo\xC3\xAB", {{"email", "zoe+tag@example.com"}});
  EXPECT_EQ(user("joe%20smith"), joe);
  EXPECT_EQ(user("joe@example.com"), joe);
  EXPECT_EQ(user("joe%40example.com"), joe);
  EXPECT_EQ(user("zo%C3%AB"), zoe);
  EXPECT_EQ(user("zoe+tag@example.com"), zoe);
  EXPECT_EQ(user("zoe%2Btag%40example.com"), zoe);
  EXPECT_EQ(user("joe%20smith/"), joe);  // trailing slash
  auto slashed = created("a/b", {{"email", "ab@example.com"}});
  EXPECT_EQ(user("a%2Fb"), slashed);

  auto reply = post("/users/joe%40example.com", R"({"name": "Joseph"})");
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(user("joe%20smith").at("name"), "Joseph");
  EXPECT_EQ(request("DELETE", "/users/zoe%2Btag%40example.com", "", alpha).status, 204);
  EXPECT_EQ(get("/users/zo%C3%AB").status, 404);
}

TEST_F(UsersTest, AUsernameWinsOverAnotherUsersEqualEmail) {
  auto by_email = created("first", {{"email", "same@example.com"}});
  auto by_username = created("same@example.com", {{"email", "second@example.com"}});
  EXPECT_EQ(user("same@example.com"), by_username);
  EXPECT_EQ(user("second@example.com"), by_username);
  EXPECT_EQ(user("first"), by_email);
}

TEST_F(UsersTest, UnknownUserIs404) {
  auto joe = created("joe");
  auto before = quota();
  auto avatar = std::to_string(joe.at("avatar_id").as_int64());
  for (const std::string& u : {std::string("jim"), std::string("jo"), std::string("joe@example"),
                               std::string("jim%40example.com"), avatar}) {
    auto path = "/users/" + u;
    auto reply = get(path);
    EXPECT_EQ(reply.status, 404) << u;
    EXPECT_TRUE(reply.json.is_object() && reply.json.as_object().contains("reason")) << u;
    EXPECT_EQ(post(path, R"({"name": "X"})").status, 404) << u;
    EXPECT_EQ(post(path + "?action=sendactivationemail", "").status, 404) << u;
    EXPECT_EQ(request("DELETE", path, "", alpha).status, 404) << u;
  }
  EXPECT_EQ(user("joe").at("name"), "User joe");
  EXPECT_EQ(quota(), before);
  EXPECT_TRUE(directory().activation_emails(alpha_id).empty());
}

// --- editing ----------------------------------------------------------------------------------

TEST_F(UsersTest, EditChangesOnlyTheGivenFields) {
  auto joe = created("joe");
  auto reply = post("/users/joe", R"({"name": "Joe Bloggs", "email": "bloggs@example.org",
                                      "enabled": false, "purgehold_active": true,
                                      "bonus_bytes": 3000})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  expect_user_shape(reply.json);
  auto expected = joe;
  expected["name"] = "Joe Bloggs";
  expected["email"] = "bloggs@example.org";
  expected["enabled"] = false;
  expected["purgehold_active"] = true;
  expected["bonus_bytes"] = 3000;
  EXPECT_EQ(reply.json, expected);
  EXPECT_EQ(user("joe"), expected);
  EXPECT_EQ(user("bloggs@example.org"), expected);
  EXPECT_EQ(get("/users/joe@example.com").status, 404);
  EXPECT_EQ(allocated(), kUnlimited + 3000);

  // Keeping one's own email is no conflict.
  reply = post("/users/joe", R"({"email": "bloggs@example.org"})");
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json, expected);

  reply = post("/users/joe", R"({"enabled": true})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  expected["enabled"] = true;
  EXPECT_EQ(reply.json, expected);

  reply = post("/users/joe", "{}");
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json, expected);

  reply = post("/users/joe", R"({"bonus_bytes": 0})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.at("bonus_bytes").as_int64(), 0);
  EXPECT_EQ(allocated(), kUnlimited);
}

TEST_F(UsersTest, JoiningAGroupGivesItsPlanUnlessPlanIdIsGiven) {
  auto small = directory().create_plan(alpha_id, "Small", 5 * kGB);
  auto medium = directory().create_plan(alpha_id, "Medium", 8 * kGB);
  auto sales = create_group("Sales", small);
  auto support = create_group("Support", medium);
  created("joe");
  ASSERT_EQ(allocated(), kUnlimited);

  auto reply = post("/users/joe", R"({"group_id": )" + std::to_string(sales) + "}");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.at("group_id").as_int64(), sales);
  EXPECT_EQ(reply.json.at("plan_id").as_int64(), small);
  EXPECT_EQ(reply.json.at("storage_bytes").as_int64(), 5 * kGB);
  EXPECT_EQ(user("joe"), reply.json);
  EXPECT_EQ(allocated(), 5 * kGB);

  reply = post("/users/joe", R"({"group_id": )" + std::to_string(support) + R"(, "plan_id": )" +
                                 std::to_string(small) + "}");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.at("group_id").as_int64(), support);
  EXPECT_EQ(reply.json.at("plan_id").as_int64(), small);
  EXPECT_EQ(allocated(), 5 * kGB);

  // A plan change alone keeps the group.
  reply = post("/users/joe", R"({"plan_id": )" + std::to_string(unlimited_plan()) + "}");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.at("group_id").as_int64(), support);
  EXPECT_EQ(reply.json.at("plan_id").as_int64(), unlimited_plan());
  EXPECT_EQ(reply.json.at("storage_bytes").as_int64(), kUnlimited);
  EXPECT_EQ(allocated(), kUnlimited);
  EXPECT_EQ(user("joe"), reply.json);
}

TEST_F(UsersTest, EditConflictsNameTheFieldAndChangeNothing) {
  created("joe");
  created("jim");
  auto joe = user("joe");
  auto before = quota();
  expect_conflict(post("/users/joe", R"({"email": "jim@example.com", "name": "X"})"), {"email"});
  expect_conflict(post("/users/joe", R"({"group_id": 987654, "name": "X"})"), {"group_id"});
  expect_conflict(post("/users/joe", R"({"plan_id": 987654, "bonus_bytes": 5})"), {"plan_id"});
  EXPECT_EQ(user("joe"), joe);
  EXPECT_EQ(quota(), before);
}

TEST_F(UsersTest, AnEditRefusedForOneFieldChangesNoOther) {
  auto small = directory().create_plan(alpha_id, "Small", 5 * kGB);
  auto sales = create_group("Sales", small);
  created("joe");
  created("jim");
  auto joe = user("joe");
  auto before = quota();
  expect_conflict(
      post("/users/joe", R"({"email": "jim@example.com", "group_id": )" + std::to_string(sales) +
                             R"(, "bonus_bytes": 9, "enabled": false})"),
      {"email"});
  EXPECT_EQ(user("joe"), joe);
  EXPECT_EQ(quota(), before);
}

TEST_F(UsersTest, EditBeyondBytesAvailableIs402AndChangesNothing) {
  auto small = directory().create_plan(alpha_id, "Small", 5 * kGB);
  auto large = directory().create_plan(alpha_id, "Large", 20 * kGB);
  auto big = create_group("Big", large);
  auto sales = create_group("Sales", small);
  created("joe", {{"group_id", sales}});
  set_partner("alpha", [](domain::Partner& p) { p.bytes_available = 10 * kGB; });
  auto joe = user("joe");
  auto before = quota();

  expect_payment_required(
      post("/users/joe", R"({"plan_id": )" + std::to_string(large) + R"(, "name": "X"})"));
  expect_payment_required(post("/users/joe", R"({"bonus_bytes": 5000000001})"));
  expect_payment_required(post("/users/joe", R"({"group_id": )" + std::to_string(big) + "}"));
  expect_payment_required(post("/users/joe", R"({"group_id": )" + std::to_string(big) +
                                                 R"(, "plan_id": )" +
                                                 std::to_string(unlimited_plan()) + "}"));
  EXPECT_EQ(user("joe"), joe);
  EXPECT_EQ(quota(), before);

  // Up to bytes_available exactly is fine, and joining a group with plan_id given avoids its plan.
  auto reply = post("/users/joe", R"({"bonus_bytes": 5000000000})");
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(allocated(), 10 * kGB);
  reply = post("/users/joe", R"({"group_id": )" + std::to_string(big) + R"(, "plan_id": )" +
                                 std::to_string(small) + "}");
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.at("group_id").as_int64(), big);
  EXPECT_EQ(allocated(), 10 * kGB);
}

TEST_F(UsersTest, EditRejectsBadInputAndChangesNothing) {
  created("joe");
  auto joe = user("joe");
  expect_invalid(post("/users/joe", R"({"name": "", "enabled": "no", "bonus_bytes": -5})"),
                 {"name", "enabled", "bonus_bytes"});
  expect_invalid(post("/users/joe", R"({"email": "nope", "purgehold_active": 1})"),
                 {"email", "purgehold_active"});
  expect_invalid(post("/users/joe", R"({"group_id": "-1", "plan_id": 1.5})"),
                 {"group_id", "plan_id"});
  expect_invalid(post("/users/joe", R"({"username": "jim", "name": "Jim"})"), {"username"});
  expect_invalid(post("/users/joe", R"({"bytes_stored": 10})"), {"bytes_stored"});
  expect_invalid(post("/users/joe", R"({"password_bcrypt": "x"})"), {"password_bcrypt"});
  expect_invalid(post("/users/joe", R"({"name": "A", "name": "B"})"), {"name"});
  EXPECT_EQ(post("/users/joe", "[1]").status, 400);
  EXPECT_EQ(user("joe"), joe);
  EXPECT_EQ(get("/users/jim").status, 404);
}

// --- deletion ---------------------------------------------------------------------------------

TEST_F(UsersTest, DeleteRemovesTheUserWithDevicesAndSharesAndQuotaFollows) {
  created("joe", {{"bonus_bytes", 100}});
  created("jim");
  auto base = "/partners/alpha/users/joe";
  ASSERT_EQ(internal("PUT", std::string(base) + "/devices/laptop",
                     R"({"client_revision": 512, "last_login": 1764201600,
                         "last_backup_complete": null})")
                .status,
            200);
  ASSERT_EQ(
      internal("PUT", std::string(base) + "/devices/phone", R"({"client_revision": 600})").status,
      200);
  ASSERT_EQ(internal("PUT", std::string(base) + "/shares/holiday", R"({"name": "Holiday"})").status,
            200);
  ASSERT_EQ(internal("PUT", std::string(base) + "/usage", R"({"bytes_stored": 4242})").status, 200);
  auto joe = user("joe");
  EXPECT_EQ(joe.at("num_devices").as_int64(), 2);
  EXPECT_EQ(joe.at("num_shares").as_int64(), 1);
  EXPECT_EQ(quota(), json(R"({"bytes_available": null, "bytes_allocated": 2000000002000000100,
                              "bytes_used": 4242, "share_count": 1, "device_count": 2})"));

  auto reply = request("DELETE", "/users/joe", "", alpha);
  EXPECT_EQ(reply.status, 204) << reply.body;
  EXPECT_TRUE(reply.body.empty());
  EXPECT_EQ(get("/users/joe").status, 404);
  EXPECT_EQ(get("/users/joe/devices").status, 404);
  EXPECT_EQ(quota(), json(R"({"bytes_available": null, "bytes_allocated": 1000000001000000000,
                              "bytes_used": 0, "share_count": 0, "device_count": 0})"));
  auto shares = get("/shares/");
  ASSERT_EQ(shares.status, 200);
  EXPECT_EQ(shares.json, boost::json::array());
  EXPECT_EQ(user_count(), 1);
  EXPECT_EQ(request("DELETE", "/users/joe", "", alpha).status, 404);

  // The username and email are free again; the new user starts afresh.
  auto again = created("joe");
  EXPECT_NE(again.at("avatar_id"), joe.at("avatar_id"));
  EXPECT_EQ(again.at("num_devices").as_int64(), 0);
  EXPECT_EQ(again.at("bytes_stored").as_int64(), 0);
}

TEST_F(UsersTest, DeleteByEmail) {
  created("joe", {{"email", "joe@example.com"}});
  EXPECT_EQ(request("DELETE", "/users/joe%40example.com", "", alpha).status, 204);
  EXPECT_EQ(get("/users/joe").status, 404);
  EXPECT_EQ(allocated(), 0);
}

// --- activation email -------------------------------------------------------------------------

TEST_F(UsersTest, SendActivationEmailQueuesOne) {
  created("joe", {{"email", "joe@example.com"}});
  auto reply = post("/users/joe?action=sendactivationemail", R"({"template_name": "welcome"})");
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json, boost::json::object());
  reply = post("/users/joe%40example.com?action=sendactivationemail", "");
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json, boost::json::object());

  auto outbox = directory().activation_emails(alpha_id);
  ASSERT_EQ(outbox.size(), 2u);
  EXPECT_EQ(outbox[0].username, "joe");
  EXPECT_EQ(outbox[0].email, "joe@example.com");
  EXPECT_EQ(outbox[0].partner_username, "alpha");
  EXPECT_EQ(outbox[0].template_name, std::optional<std::string>("welcome"));
  EXPECT_EQ(outbox[1].template_name, std::nullopt);
  EXPECT_TRUE(directory().activation_emails(beta_id).empty());
}

TEST_F(UsersTest, SendActivationEmailRefusesBadInput) {
  created("joe");
  auto joe = user("joe");
  expect_invalid(post("/users/joe?action=sendactivationemail", R"({"template_name": 5})"),
                 {"template_name"});
  expect_invalid(post("/users/joe?action=sendactivationemail", R"({"name": "X"})"), {"name"});
  expect_invalid(post("/users/joe?action=explode", R"({})"), {"action"});
  expect_invalid(post("/users/joe?action=", R"({"name": "X"})"), {"action"});
  EXPECT_TRUE(directory().activation_emails(alpha_id).empty());
  EXPECT_EQ(user("joe"), joe);
}

// --- email_as_username ------------------------------------------------------------------------

TEST_F(UsersTest, EmailAsUsernamePartnersGetANumberedUsernameWhenNoneIsGiven) {
  set_partner("alpha", [](domain::Partner& p) { p.features.email_as_username = true; });
  auto reply = post("/users/", R"({"name": "Ann", "email": "ann@example.com"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  ASSERT_TRUE(reply.json.at("username").is_string());
  std::string first(reply.json.at("username").as_string());
  EXPECT_FALSE(first.empty());
  EXPECT_TRUE(std::any_of(first.begin(), first.end(), [](unsigned char c) {
    return std::isdigit(c) != 0;
  })) << first;
  EXPECT_EQ(reply.json.at("user").at("username"), reply.json.at("username"));
  expect_user_shape(reply.json.at("user"));

  reply = post("/users/", R"({"name": "Ben", "email": "ben@example.com"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  std::string second(reply.json.at("username").as_string());
  EXPECT_NE(first, second);

  EXPECT_EQ(user(first).at("email"), "ann@example.com");
  EXPECT_EQ(user("ann@example.com").at("username").as_string(), first);
  EXPECT_EQ(user(second).at("email"), "ben@example.com");

  // A username may still be given.
  reply = post("/users/", R"({"username": "cat", "name": "Cat", "email": "cat@example.com"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.at("username"), "cat");
  // Emails stay unique.
  expect_conflict(post("/users/", R"({"name": "Ann 2", "email": "ann@example.com"})"), {"email"});
  EXPECT_EQ(user_count(), 3);
}

TEST_F(UsersTest, WithoutEmailAsUsernameTheUsernameIsRequired) {
  expect_invalid(post("/users/", R"({"name": "Ann", "email": "ann@example.com"})"), {"username"});
  EXPECT_EQ(user_count(), 0);
}

// --- authentication ---------------------------------------------------------------------------

TEST_F(UsersTest, EndpointsRequireCredentials) {
  created("joe");
  auto joe = user("joe");
  EXPECT_EQ(request("GET", "/users/", "", std::nullopt).status, 401);
  EXPECT_EQ(request("GET", "/users/joe", "", std::nullopt).status, 401);
  EXPECT_EQ(request("POST", "/users/joe", R"({"name": "X"})", std::nullopt).status, 401);
  EXPECT_EQ(request("DELETE", "/users/joe", "", std::nullopt).status, 401);
  auto reply = request("POST", "/users/", R"({"username": "jim", "name": "Jim",
                                              "email": "jim@example.com"})",
                       Login{"alpha", "wrong-password"});
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.header("www-authenticate"), "Basic realm=\"accounts\"");
  EXPECT_EQ(user("joe"), joe);
  EXPECT_EQ(user_count(), 1);
}

}  // namespace
}  // namespace accountsd::testing
