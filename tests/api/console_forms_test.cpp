// C.1 console forms over HTTP: the ids, booleans and blanks that browser forms send are taken on
// users, groups, settings and the B.5 share PUT, and change the state exactly as their JSON forms
// would; their near misses are 400 and change nothing.
#include <string>

#include "support/api_fixture.hpp"
#include "support/json_checks.hpp"

namespace accountsd::testing {
namespace {

class ConsoleFormsTest : public ApiTest {
 protected:
  std::int64_t unlimited_plan() { return directory().plans(alpha_id).at(0).plan_id; }

  std::int64_t create_group(const std::string& name) {
    auto reply = post("/groups/", R"({"name": ")" + name + R"(", "plan_id": ")" +
                                      std::to_string(unlimited_plan()) +
                                      R"(", "webapi_enable": "True", "check_domain": "FALSE"})");
    EXPECT_EQ(reply.status, 201) << reply.body;
    if (reply.status != 201) return 0;
    EXPECT_EQ(reply.json.at("plan_id").as_int64(), unlimited_plan());
    EXPECT_EQ(reply.json.at("webapi_enable"), boost::json::value(true));
    EXPECT_EQ(reply.json.at("check_domain"), boost::json::value(false));
    return reply.json.at("group_id").as_int64();
  }

  boost::json::object user(const std::string& u) {
    auto reply = get("/users/" + u);
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.json.is_object() ? reply.json.as_object() : boost::json::object{};
  }
};

TEST_F(ConsoleFormsTest, UsersTakeStringIdsAndStringBooleans) {
  auto sales = std::to_string(create_group("Sales"));
  auto support = create_group("Support");
  auto created = post("/users/", R"({"username": "ann", "name": "Ann", "email": "ann@example.com",
                                     "group_id": ")" +
                                     sales + R"(", "plan_id": ")" +
                                     std::to_string(unlimited_plan()) + R"("})");
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(std::to_string(created.json.at("user").at("group_id").as_int64()), sales);

  auto edited = post("/users/ann", R"({"group_id": ")" + std::to_string(support) +
                                       R"(", "enabled": "false", "purgehold_active": "True"})");
  ASSERT_EQ(edited.status, 200) << edited.body;
  auto ann = user("ann");
  EXPECT_EQ(ann.at("group_id").as_int64(), support);
  EXPECT_EQ(ann.at("enabled"), boost::json::value(false));
  EXPECT_EQ(ann.at("purgehold_active"), boost::json::value(true));

  // Near misses: 400, and nothing changes.
  for (const char* body :
       {R"({"group_id": " 6"})", R"({"group_id": "6.0"})", R"({"group_id": "-1"})",
        R"({"group_id": "0x6"})", R"({"enabled": "yes"})", R"({"purgehold_active": "1"})",
        R"({"bonus_bytes": "5"})"}) {
    SCOPED_TRACE(body);
    EXPECT_EQ(post("/users/ann", body).status, 400);
  }
  EXPECT_EQ(user("ann"), ann);
}

TEST_F(ConsoleFormsTest, GroupEditsTakeStringIdsBooleansAndForce) {
  auto sales = create_group("Sales");
  auto path = "/groups/" + std::to_string(sales);
  auto reply = post(path, R"({"plan_id": ")" + std::to_string(unlimited_plan()) +
                              R"(", "webapi_enable": "false", "check_domain": "true",
                                  "force": "False", "device_policy": ""})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.at("webapi_enable"), boost::json::value(false));
  EXPECT_EQ(reply.json.at("check_domain"), boost::json::value(true));
  EXPECT_TRUE(reply.json.at("device_policy").is_null()) << reply.body;
  auto before = get(path).json;
  expect_invalid(post(path, R"({"webapi_enable": "on", "plan_id": "6.0"})"),
                 {"webapi_enable", "plan_id"});
  EXPECT_EQ(get(path).json, before);
}

TEST_F(ConsoleFormsTest, BlankSettingsAreNullAndOtherSettingsStayStrict) {
  ASSERT_EQ(
      post("/partner/settings", R"({"api_version": "2", "admin_email": "a@example.com"})").status,
      200);
  auto reply = post("/partner/settings", R"({"api_version": "", "admin_email": "  ",
                                             "omva_url": "", "support_email": ""})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  for (const char* key : {"api_version", "admin_email", "omva_url", "support_email"})
    EXPECT_TRUE(reply.json.at(key).is_null()) << key << " in " << reply.body;
  auto before = get("/partner/settings").json;
  expect_invalid(
      post("/partner/settings", R"({"share_link_ttl": "60", "sharing_enabled": "true"})"),
      {"share_link_ttl", "sharing_enabled"});
  EXPECT_EQ(get("/partner/settings").json, before);
}

TEST_F(ConsoleFormsTest, TheSharePutTakesAStringEnabled) {
  ASSERT_EQ(
      post("/users/", R"({"username": "joe", "name": "Joe", "email": "joe@example.com"})").status,
      200);
  auto put = internal("PUT", "/partners/alpha/users/joe/shares/holiday",
                      R"({"name": "Holiday", "description": "", "enabled": "False"})");
  ASSERT_EQ(put.status / 100, 2) << put.body;
  auto share = get("/users/joe/shares/holiday");
  ASSERT_EQ(share.status, 200) << share.body;
  EXPECT_EQ(share.json.at("enabled"), boost::json::value(false));
  expect_invalid(internal("PUT", "/partners/alpha/users/joe/shares/holiday",
                          R"({"name": "Holiday", "description": "", "enabled": "no"})"),
                 {"enabled"});
  EXPECT_EQ(get("/users/joe/shares/holiday").json, share.json);
}

}  // namespace
}  // namespace accountsd::testing
