// Tenant isolation for B.1-B.3: partner beta can neither see nor change alpha's plans, groups and
// users, not even by guessing their ids, usernames or emails; alpha's state stays as it was.
#include <algorithm>
#include <string>
#include <vector>

#include "support/api_fixture.hpp"
#include "support/json_checks.hpp"

namespace accountsd::testing {
namespace {

class PartBIsolationTest : public ApiTest {
 protected:
  std::int64_t alpha_plan = 0;
  std::int64_t alpha_group = 0;
  std::int64_t beta_group = 0;
  boost::json::value alpha_user;

  // alpha: a plan "Gold", a group "Sales" on it and a user "joe" in that group. beta: a group of
  // its own with one member.
  void SetUp() override {
    ApiTest::SetUp();
    alpha_plan = directory().create_plan(alpha_id, "Gold", 7'000'000'000);
    alpha_group = create_group(alpha, "Sales", alpha_plan);
    auto reply = post("/users/", R"({"username": "joe", "name": "Joe", "email": "joe@example.com",
                                     "group_id": )" +
                                     std::to_string(alpha_group) + "}");
    ASSERT_EQ(reply.status, 200) << reply.body;
    alpha_user = reply.json.at("user");
    beta_group = create_group(beta, "Beta team", directory().plans(beta_id).at(0).plan_id);
    reply = post_as(beta, "/users/",
                    R"({"username": "bea", "name": "Bea",
                                         "email": "bea@example.org", "group_id": )" +
                        std::to_string(beta_group) + "}");
    ASSERT_EQ(reply.status, 200) << reply.body;
  }

  std::int64_t create_group(const Login& login, const std::string& name, std::int64_t plan) {
    boost::json::object body{
        {"name", name}, {"plan_id", plan}, {"webapi_enable", true}, {"check_domain", false}};
    auto reply = post_as(login, "/groups/", boost::json::serialize(body));
    EXPECT_EQ(reply.status, 201) << reply.body;
    return reply.status == 201 ? reply.json.at("group_id").as_int64() : 0;
  }

  // Everything partner alpha can see of its Part B state, to compare before and after.
  struct Snapshot {
    Reply plans, groups, group, users, user, quota;
  };
  Snapshot snapshot(const Login& login, std::int64_t group_id, const std::string& user) {
    return {get_as(login, "/plans"),
            get_as(login, "/groups/"),
            get_as(login, "/groups/" + std::to_string(group_id)),
            get_as(login, "/users/"),
            get_as(login, "/users/" + user),
            get_as(login, "/partner/quota")};
  }
  static void expect_same(const Snapshot& a, const Snapshot& b) {
    const std::vector<std::pair<const Reply*, const Reply*>> pairs = {
        {&a.plans, &b.plans}, {&a.groups, &b.groups}, {&a.group, &b.group},
        {&a.users, &b.users}, {&a.user, &b.user},     {&a.quota, &b.quota}};
    for (auto [x, y] : pairs) {
      EXPECT_EQ(x->status, 200) << x->body;
      EXPECT_EQ(x->status, y->status);
      EXPECT_EQ(x->json, y->json);
    }
  }

  static void expect_not_found(const Reply& reply) {
    EXPECT_EQ(reply.status, 404) << reply.body;
    EXPECT_TRUE(reply.json.is_object() && reply.json.as_object().contains("reason") &&
                reply.json.at("reason").is_string())
        << reply.body;
  }

  static void expect_conflict(const Reply& reply, const std::string& field) {
    EXPECT_EQ(reply.status, 409) << reply.body;
    ASSERT_TRUE(reply.json.is_object() && reply.json.as_object().contains("conflicts"))
        << reply.body;
    EXPECT_EQ(strings(reply.json.at("conflicts")), std::vector<std::string>{field}) << reply.body;
  }
};

TEST_F(PartBIsolationTest, BetaDoesNotSeeAlphasPlans) {
  auto reply = get_as(beta, "/plans");
  ASSERT_EQ(reply.status, 200);
  ASSERT_EQ(reply.json.as_array().size(), 1u);
  for (const auto& plan : reply.json.as_array()) {
    EXPECT_NE(plan.at("plan_id").as_int64(), alpha_plan);
    EXPECT_NE(plan.at("name"), "Gold");
  }
}

TEST_F(PartBIsolationTest, BetaCannotReadOrChangeAlphasGroups) {
  auto before = snapshot(alpha, alpha_group, "joe");
  auto id = std::to_string(alpha_group);
  expect_not_found(get_as(beta, "/groups/" + id));
  expect_not_found(post_as(beta, "/groups/" + id, R"({"name": "Hijacked"})"));
  expect_not_found(post_as(beta, "/groups/" + id,
                           R"({"plan_id": )" + std::to_string(alpha_plan) + R"(, "force": true})"));
  expect_not_found(request("DELETE", "/groups/" + id, "", beta));
  expect_not_found(
      request("DELETE", "/groups/" + id + "?move_to=" + std::to_string(beta_group), "", beta));
  // Nor is the default group of alpha reachable.
  auto alpha_default = std::to_string(directory().groups(alpha_id).at(0).group_id);
  expect_not_found(get_as(beta, "/groups/" + alpha_default));
  expect_not_found(request("DELETE", "/groups/" + alpha_default, "", beta));

  auto list = get_as(beta, "/groups/");
  ASSERT_EQ(list.status, 200);
  for (const auto& g : list.json.as_array()) EXPECT_NE(g.at("group_id").as_int64(), alpha_group);
  EXPECT_EQ(get_as(beta, "/groups/?search=Sales").json, boost::json::array());
  expect_same(before, snapshot(alpha, alpha_group, "joe"));
}

TEST_F(PartBIsolationTest, BetaCannotUseAlphasPlansOrGroupsInItsOwnGroups) {
  auto before = snapshot(alpha, alpha_group, "joe");
  auto beta_before = snapshot(beta, beta_group, "bea");
  expect_conflict(post_as(beta, "/groups/",
                          R"({"name": "Gold team", "plan_id": )" + std::to_string(alpha_plan) +
                              R"(, "webapi_enable": true, "check_domain": false})"),
                  "plan_id");
  expect_conflict(post_as(beta, "/groups/" + std::to_string(beta_group),
                          R"({"plan_id": )" + std::to_string(alpha_plan) + "}"),
                  "plan_id");
  // Moving beta's members into alpha's group is refused; they stay where they are.
  auto reply = request(
      "DELETE", "/groups/" + std::to_string(beta_group) + "?move_to=" + std::to_string(alpha_group),
      "", beta);
  expect_conflict(reply, "move_to");
  expect_same(before, snapshot(alpha, alpha_group, "joe"));
  expect_same(beta_before, snapshot(beta, beta_group, "bea"));
}

TEST_F(PartBIsolationTest, BetaCannotReadOrChangeAlphasUsers) {
  auto before = snapshot(alpha, alpha_group, "joe");
  for (const char* u : {"joe", "joe@example.com", "joe%40example.com"}) {
    auto path = std::string("/users/") + u;
    expect_not_found(get_as(beta, path));
    expect_not_found(post_as(beta, path, R"({"name": "Hijacked", "enabled": false})"));
    expect_not_found(post_as(beta, path + "?action=sendactivationemail", "{}"));
    expect_not_found(request("DELETE", path, "", beta));
    expect_not_found(get_as(beta, path + "/devices"));
    expect_not_found(get_as(beta, path + "/shares/"));
  }
  EXPECT_TRUE(directory().activation_emails(alpha_id).empty());
  EXPECT_TRUE(directory().activation_emails(beta_id).empty());
  expect_same(before, snapshot(alpha, alpha_group, "joe"));
}

TEST_F(PartBIsolationTest, BetasListingsShowOnlyBetasUsers) {
  auto list = get_as(beta, "/users/");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.json.as_array().size(), 1u);
  EXPECT_EQ(list.json.as_array()[0].at("username"), "bea");
  EXPECT_EQ(get_as(beta, "/users/?search=joe").json, boost::json::array());
  EXPECT_EQ(get_as(beta, "/users/?group_id=" + std::to_string(alpha_group)).json,
            boost::json::array());
  EXPECT_EQ(get_as(beta, "/users/?search_by=group_id=" + std::to_string(alpha_group)).json,
            boost::json::array());
  EXPECT_EQ(get_as(beta, "/users/?search_by=plan_id=" + std::to_string(alpha_plan)).json,
            boost::json::array());
  EXPECT_EQ(get_as(beta, "/users/?action=user_count").json, json(R"({"user_count": 1})"));
  EXPECT_EQ(get_as(beta, "/users/?action=user_count&search=joe").json,
            json(R"({"user_count": 0})"));
  EXPECT_EQ(get("/users/?action=user_count").json, json(R"({"user_count": 1})"));
}

TEST_F(PartBIsolationTest, BetaCannotPutUsersIntoAlphasGroupsOrPlans) {
  auto before = snapshot(alpha, alpha_group, "joe");
  auto beta_before = snapshot(beta, beta_group, "bea");
  auto g = std::to_string(alpha_group);
  auto p = std::to_string(alpha_plan);
  expect_conflict(post_as(beta, "/users/",
                          R"({"username": "ben", "name": "Ben",
                                               "email": "ben@example.org", "group_id": )" +
                              g + "}"),
                  "group_id");
  expect_conflict(post_as(beta, "/users/",
                          R"({"username": "ben", "name": "Ben",
                                               "email": "ben@example.org", "plan_id": )" +
                              p + "}"),
                  "plan_id");
  expect_conflict(post_as(beta, "/users/bea", R"({"group_id": )" + g + "}"), "group_id");
  expect_conflict(post_as(beta, "/users/bea", R"({"plan_id": )" + p + "}"), "plan_id");
  expect_not_found(get_as(beta, "/users/ben"));
  expect_same(before, snapshot(alpha, alpha_group, "joe"));
  expect_same(beta_before, snapshot(beta, beta_group, "bea"));
}

TEST_F(PartBIsolationTest, UsernamesAndEmailsAreUniquePerPartnerOnly) {
  auto reply = post_as(beta, "/users/", R"({"username": "joe", "name": "Beta's Joe",
                                             "email": "joe@example.com"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto beta_joe = reply.json.at("user");
  EXPECT_NE(beta_joe.at("avatar_id"), alpha_user.at("avatar_id"));
  EXPECT_EQ(get("/users/joe").json, alpha_user);
  EXPECT_EQ(get("/users/joe@example.com").json, alpha_user);
  EXPECT_EQ(get_as(beta, "/users/joe").json, beta_joe);
  EXPECT_EQ(get_as(beta, "/users/joe%40example.com").json, beta_joe);

  // Deleting beta's joe leaves alpha's.
  EXPECT_EQ(request("DELETE", "/users/joe", "", beta).status, 204);
  EXPECT_EQ(get("/users/joe").json, alpha_user);
  EXPECT_EQ(get_as(beta, "/users/joe").status, 404);
}

TEST_F(PartBIsolationTest, GroupNamesAreUniquePerPartnerOnly) {
  auto beta_sales = create_group(beta, "Sales", directory().plans(beta_id).at(0).plan_id);
  EXPECT_NE(beta_sales, 0);
  EXPECT_NE(beta_sales, alpha_group);
  EXPECT_EQ(get("/groups/" + std::to_string(alpha_group)).json.at("plan_id").as_int64(),
            alpha_plan);
}

TEST_F(PartBIsolationTest, QuotaFiguresAreKeptPerPartner) {
  auto alpha_quota = get("/partner/quota").json;
  EXPECT_EQ(alpha_quota.at("bytes_allocated").as_int64(), 7'000'000'000);
  auto beta_quota = get_as(beta, "/partner/quota").json;
  EXPECT_EQ(beta_quota.at("bytes_allocated").as_int64(), 1000000001000000000);
  ASSERT_EQ(request("DELETE", "/users/bea", "", beta).status, 204);
  EXPECT_EQ(get_as(beta, "/partner/quota").json.at("bytes_allocated").as_int64(), 0);
  EXPECT_EQ(get("/partner/quota").json, alpha_quota);
}

}  // namespace
}  // namespace accountsd::testing
