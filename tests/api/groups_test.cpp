// B.2 groups: listing and search, creation (201 + Location), update with force, deletion with
// move_to, and how a group's plan follows its members (B.3) and the quota figures (A.6).
#include <algorithm>
#include <string>
#include <vector>

#include "support/api_fixture.hpp"
#include "support/json_checks.hpp"

namespace accountsd::testing {
namespace {

constexpr std::int64_t kUnlimited = 1000000001000000000;
constexpr std::int64_t kGB = 1'000'000'000;

class GroupsTest : public ApiTest {
 protected:
  std::int64_t default_group() { return directory().groups(alpha_id).at(0).group_id; }
  std::int64_t unlimited_plan() { return directory().plans(alpha_id).at(0).plan_id; }

  // Checks that `group` is a group object with exactly the B.2 fields and their JSON types.
  static void expect_group_shape(const boost::json::value& group) {
    ASSERT_TRUE(group.is_object()) << group;
    const auto& o = group.as_object();
    EXPECT_EQ(o.size(), 6u) << group;
    for (const char* key : {"group_id", "plan_id"})
      EXPECT_TRUE(o.contains(key) && o.at(key).is_int64()) << key << " in " << group;
    EXPECT_TRUE(o.contains("name") && o.at("name").is_string()) << group;
    for (const char* key : {"webapi_enable", "check_domain"})
      EXPECT_TRUE(o.contains(key) && o.at(key).is_bool()) << key << " in " << group;
    EXPECT_TRUE(o.contains("device_policy") && o.at("device_policy").is_null()) << group;
  }

  boost::json::array groups(const std::string& query = "") {
    auto reply = get("/groups/" + query);
    EXPECT_EQ(reply.status, 200) << reply.body;
    EXPECT_TRUE(reply.json.is_array()) << reply.body;
    if (!reply.json.is_array()) return {};
    for (const auto& group : reply.json.as_array()) expect_group_shape(group);
    return reply.json.as_array();
  }

  boost::json::value group(std::int64_t id) {
    auto reply = get("/groups/" + std::to_string(id));
    EXPECT_EQ(reply.status, 200) << reply.body;
    expect_group_shape(reply.json);
    return reply.json;
  }

  std::int64_t create_group(const std::string& name, std::int64_t plan_id) {
    boost::json::object body{
        {"name", name}, {"plan_id", plan_id}, {"webapi_enable", true}, {"check_domain", false}};
    auto reply = post("/groups/", boost::json::serialize(body));
    EXPECT_EQ(reply.status, 201) << reply.body;
    if (reply.status != 201) return 0;
    return reply.json.at("group_id").as_int64();
  }

  boost::json::object user(const std::string& u) {
    auto reply = get("/users/" + u);
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.json.is_object() ? reply.json.as_object() : boost::json::object{};
  }

  // Creates a user through the API; `extra` is added to the body (group_id, plan_id...).
  void create_user(const std::string& username, boost::json::object extra = {}) {
    extra["username"] = username;
    extra["name"] = "User " + username;
    extra["email"] = username + "@example.com";
    auto reply = post("/users/", boost::json::serialize(extra));
    ASSERT_EQ(reply.status, 200) << reply.body;
  }

  void set_bytes_stored(const std::string& u, std::int64_t bytes) {
    auto reply = internal("PUT", "/partners/alpha/users/" + u + "/usage",
                          R"({"bytes_stored": )" + std::to_string(bytes) + "}");
    ASSERT_EQ(reply.status, 200) << reply.body;
  }

  boost::json::value quota() {
    auto reply = get("/partner/quota");
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.json;
  }
};

// --- listing ----------------------------------------------------------------------------------

TEST_F(GroupsTest, ListsTheDefaultGroupOfANewPartner) {
  auto list = groups();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].at("group_id").as_int64(), default_group());
  EXPECT_EQ(list[0].at("plan_id").as_int64(), unlimited_plan());
  EXPECT_EQ(list[0].at("webapi_enable"), true);
  EXPECT_EQ(list[0].at("check_domain"), false);
  EXPECT_EQ(groups(), boost::json::array(get("/groups").json.as_array()));  // no trailing slash
}

TEST_F(GroupsTest, SearchMatchesASubstringOfTheNameIgnoringCase) {
  auto plan = unlimited_plan();
  auto sales = create_group("Sales", plan);
  auto wholesale = create_group("WHOLESALE partners", plan);
  create_group("Support", plan);
  auto ids = [](const boost::json::array& list) {
    std::vector<std::int64_t> out;
    for (const auto& g : list) out.push_back(g.at("group_id").as_int64());
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(ids(groups("?search=sale")), (std::vector<std::int64_t>{sales, wholesale}));
  EXPECT_EQ(ids(groups("?search=SALES")), (std::vector<std::int64_t>{sales}));
  EXPECT_EQ(ids(groups("?search=%20PARTNERS")), (std::vector<std::int64_t>{wholesale}));
  EXPECT_TRUE(groups("?search=nothing-like-this").empty());
  EXPECT_EQ(groups().size(), 4u);
  // A defined query parameter that is empty or repeated is 400.
  expect_invalid(get("/groups/?search="), {"search"});
  expect_invalid(get("/groups/?search=a&search=b"), {"search"});
}

TEST_F(GroupsTest, SearchIgnoresTheCaseOfNonAsciiLetters) {
  auto ete = create_group("\xC3\x89t\xC3\xA9 team", unlimited_plan());  // "Été team"
  auto by_search = [&](const std::string& query) {
    auto list = groups(query);
    return list.size() == 1 && list[0].at("group_id").as_int64() == ete;
  };
  EXPECT_TRUE(by_search("?search=%C3%89t%C3%A9"));  // "Été", as stored
  EXPECT_TRUE(by_search("?search=%C3%A9t%C3%A9"));  // "été"
  EXPECT_TRUE(by_search("?search=%C3%89T%C3%89"));  // "ÉTÉ"
}

// --- creation ---------------------------------------------------------------------------------

TEST_F(GroupsTest, CreateAnswers201WithLocationAndTheGroup) {
  auto plan = directory().create_plan(alpha_id, "Basic", 5 * kGB);
  auto reply = post("/groups/", R"({"name": "Sales", "plan_id": )" + std::to_string(plan) +
                                    R"(, "webapi_enable": false, "check_domain": true})");
  ASSERT_EQ(reply.status, 201) << reply.body;
  expect_group_shape(reply.json);
  auto id = reply.json.at("group_id").as_int64();
  EXPECT_NE(id, default_group());
  EXPECT_EQ(reply.json, json(R"({"group_id": )" + std::to_string(id) +
                             R"(, "name": "Sales", "plan_id": )" + std::to_string(plan) +
                             R"(, "webapi_enable": false, "check_domain": true,
                                "device_policy": null})"));
  EXPECT_EQ(reply.header("location"), std::string(kRoot) + "/groups/" + std::to_string(id));
  // The Location names the new group.
  auto fetched = request_target("GET", reply.header("location"), "", alpha);
  EXPECT_EQ(fetched.status, 200);
  EXPECT_EQ(fetched.json, reply.json);
  EXPECT_EQ(groups().size(), 2u);
}

TEST_F(GroupsTest, CreateAcceptsANullDevicePolicyAndRefusesAnUnknownOrMistypedOne) {
  auto plan = std::to_string(unlimited_plan());
  auto ok = post("/groups", R"({"name": "A", "plan_id": )" + plan +
                                R"(, "webapi_enable": true, "check_domain": false,
                                   "device_policy": null})");
  EXPECT_EQ(ok.status, 201) << ok.body;
  // Not a policy id at all: 400. An id of no policy of the partner's: 409.
  for (const char* policy : {R"({"max_devices": 3})", "\"strict\"", "false", "[]", "0"}) {
    auto reply = post("/groups/", R"({"name": "B", "plan_id": )" + plan +
                                      R"(, "webapi_enable": true, "check_domain": false,
                                         "device_policy": )" +
                                      policy + "}");
    expect_invalid(reply, {"device_policy"});
  }
  for (const char* policy : {"987654", "\"987654\""}) {
    auto reply = post("/groups/", R"({"name": "B", "plan_id": )" + plan +
                                      R"(, "webapi_enable": true, "check_domain": false,
                                         "device_policy": )" +
                                      policy + "}");
    expect_conflict(reply, {"device_policy"});
  }
  EXPECT_EQ(groups().size(), 2u);
  EXPECT_TRUE(groups("?search=B").empty());
}

TEST_F(GroupsTest, CreateRequiresEveryField) {
  expect_invalid(post("/groups/", "{}"), {"name", "plan_id", "webapi_enable", "check_domain"});
  expect_invalid(post("/groups/", ""), {"name", "plan_id", "webapi_enable", "check_domain"});
  auto plan = std::to_string(unlimited_plan());
  expect_invalid(post("/groups/", R"({"name": "Sales", "plan_id": )" + plan + "}"),
                 {"webapi_enable", "check_domain"});
  EXPECT_EQ(groups().size(), 1u);
}

TEST_F(GroupsTest, CreateChecksTypesAndValues) {
  auto plan = std::to_string(unlimited_plan());
  // Console forms (C.1) take "6" and "true", not their near misses.
  expect_invalid(post("/groups/", R"({"name": 5, "plan_id": " )" + plan +
                                      R"(", "webapi_enable": "yes", "check_domain": 0})"),
                 {"name", "plan_id", "webapi_enable", "check_domain"});
  expect_invalid(post("/groups/", R"({"name": "", "plan_id": )" + plan +
                                      R"(.0, "webapi_enable": true, "check_domain": false})"),
                 {"name", "plan_id"});
  expect_invalid(post("/groups/", R"({"name": "X", "plan_id": )" + plan +
                                      R"(, "webapi_enable": true, "check_domain": false,
                                         "colour": "red"})"),
                 {"colour"});
  EXPECT_EQ(post("/groups/", "[]").status, 400);
  EXPECT_EQ(groups().size(), 1u);
}

TEST_F(GroupsTest, CreateWithADuplicateNameIs409Name) {
  auto plan = unlimited_plan();
  auto sales = create_group("Sales", plan);
  auto before = groups();
  auto reply = post("/groups/", R"({"name": "Sales", "plan_id": )" + std::to_string(plan) +
                                    R"(, "webapi_enable": false, "check_domain": true})");
  expect_conflict(reply, {"name"});
  EXPECT_EQ(groups(), before);
  EXPECT_EQ(group(sales).at("webapi_enable"), true);
  // The default group's name is taken too.
  auto partner_name = partners().find_partner("alpha")->name;
  expect_conflict(
      post("/groups/", R"({"name": ")" + partner_name + R"(", "plan_id": )" + std::to_string(plan) +
                           R"(, "webapi_enable": true, "check_domain": false})"),
      {"name"});
  EXPECT_EQ(groups(), before);
}

TEST_F(GroupsTest, CreateWithAnUnknownPlanIs409PlanId) {
  auto reply = post("/groups/", R"({"name": "Sales", "plan_id": 987654,
                                    "webapi_enable": true, "check_domain": false})");
  expect_conflict(reply, {"plan_id"});
  EXPECT_EQ(groups().size(), 1u);
}

// --- reading and updating ---------------------------------------------------------------------

TEST_F(GroupsTest, UnknownGroupIs404) {
  for (const char* id : {"987654", "0", "-1", "abc", "1.5"}) {
    auto reply = get(std::string("/groups/") + id);
    EXPECT_EQ(reply.status, 404) << id << ": " << reply.body;
    EXPECT_TRUE(reply.json.is_object() && reply.json.as_object().contains("reason")) << id;
    EXPECT_EQ(post(std::string("/groups/") + id, R"({"name": "X"})").status, 404) << id;
    EXPECT_EQ(request("DELETE", std::string("/groups/") + id, "", alpha).status, 404) << id;
  }
  EXPECT_EQ(groups().size(), 1u);
}

TEST_F(GroupsTest, UpdateChangesOnlyTheGivenFields) {
  auto id = create_group("Sales", unlimited_plan());
  auto path = "/groups/" + std::to_string(id);
  auto reply = post(path, R"({"name": "Field sales"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  expect_group_shape(reply.json);
  EXPECT_EQ(reply.json.at("name"), "Field sales");
  EXPECT_EQ(reply.json.at("webapi_enable"), true);
  EXPECT_EQ(reply.json.at("check_domain"), false);
  EXPECT_EQ(group(id), reply.json);

  reply = post(path + "/", R"({"webapi_enable": false, "check_domain": true, "force": false,
                               "device_policy": null})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.at("name"), "Field sales");
  EXPECT_EQ(reply.json.at("webapi_enable"), false);
  EXPECT_EQ(reply.json.at("check_domain"), true);
  EXPECT_EQ(reply.json.at("plan_id").as_int64(), unlimited_plan());
  EXPECT_EQ(group(id), reply.json);

  // An empty update changes nothing and answers the group.
  reply = post(path, "{}");
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json, group(id));
}

TEST_F(GroupsTest, RefusedUpdatesChangeNothing) {
  auto plan = unlimited_plan();
  auto sales = create_group("Sales", plan);
  create_group("Support", plan);
  auto path = "/groups/" + std::to_string(sales);
  auto before = group(sales);
  expect_conflict(post(path, R"({"name": "Support", "webapi_enable": false})"), {"name"});
  expect_conflict(post(path, R"({"plan_id": 987654, "name": "Renamed"})"), {"plan_id"});
  expect_conflict(post(path, R"({"device_policy": 987654, "name": "Renamed"})"), {"device_policy"});
  expect_invalid(post(path, R"({"device_policy": {"max_devices": 1}, "name": "Renamed"})"),
                 {"device_policy"});
  expect_invalid(post(path, R"({"name": "", "webapi_enable": 1, "force": "yes"})"),
                 {"name", "webapi_enable", "force"});
  expect_invalid(post(path, R"({"name": "Renamed", "group_id": 5})"), {"group_id"});
  expect_invalid(post(path, R"({"plan_id": "1.0"})"), {"plan_id"});
  expect_invalid(post(path, R"({"plan_id": "-1", "check_domain": "no"})"),
                 {"plan_id", "check_domain"});
  EXPECT_EQ(group(sales), before);
  EXPECT_EQ(groups().size(), 3u);
}

TEST_F(GroupsTest, ChangingTheGroupPlanChangesItsMembersPlans) {
  auto small = directory().create_plan(alpha_id, "Small", 5 * kGB);
  auto sales = create_group("Sales", unlimited_plan());
  auto medium = directory().create_plan(alpha_id, "Medium", 8 * kGB);
  create_user("ann", {{"group_id", sales}});
  create_user("ben", {{"group_id", sales}, {"plan_id", medium}});  // a plan of his own
  create_user("cat");                                              // default group
  EXPECT_EQ(quota().at("bytes_allocated").as_int64(), 2 * kUnlimited + 8 * kGB);

  auto reply =
      post("/groups/" + std::to_string(sales), R"({"plan_id": )" + std::to_string(small) + "}");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.at("plan_id").as_int64(), small);
  EXPECT_EQ(group(sales).at("plan_id").as_int64(), small);
  for (const char* member : {"ann", "ben"}) {
    auto u = user(member);
    EXPECT_EQ(u.at("plan_id").as_int64(), small) << member;
    EXPECT_EQ(u.at("storage_bytes").as_int64(), 5 * kGB) << member;
    EXPECT_EQ(u.at("group_id").as_int64(), sales) << member;
  }
  auto cat = user("cat");
  EXPECT_EQ(cat.at("plan_id").as_int64(), unlimited_plan());
  EXPECT_EQ(cat.at("storage_bytes").as_int64(), kUnlimited);
  EXPECT_EQ(quota().at("bytes_allocated").as_int64(), kUnlimited + 10 * kGB);
}

TEST_F(GroupsTest, APlanChangeRefusedForAnotherFieldChangesNoMember) {
  auto small = directory().create_plan(alpha_id, "Small", 5 * kGB);
  auto sales = create_group("Sales", unlimited_plan());
  create_group("Support", unlimited_plan());
  create_user("ann", {{"group_id", sales}});
  auto group_before = group(sales);
  auto ann_before = user("ann");
  auto quota_before = quota();
  // The plan change is valid on its own; the new name is taken, so nothing at all happens.
  auto reply = post("/groups/" + std::to_string(sales),
                    R"({"plan_id": )" + std::to_string(small) + R"(, "name": "Support"})");
  expect_conflict(reply, {"name"});
  EXPECT_EQ(group(sales), group_before);
  EXPECT_EQ(user("ann"), ann_before);
  EXPECT_EQ(quota(), quota_before);
}

TEST_F(GroupsTest, PlanChangeThatPutsMembersOverQuotaNeedsForce) {
  auto small = directory().create_plan(alpha_id, "Small", 5 * kGB);
  auto sales = create_group("Sales", unlimited_plan());
  create_user("ann", {{"group_id", sales}});
  create_user("ben", {{"group_id", sales}});
  set_bytes_stored("ann", 6 * kGB);
  set_bytes_stored("ben", 1 * kGB);
  auto path = "/groups/" + std::to_string(sales);
  auto group_before = group(sales);
  auto quota_before = quota();
  auto ann_before = user("ann");

  auto reply = post(path, R"({"plan_id": )" + std::to_string(small) + R"(, "name": "Renamed"})");
  expect_conflict(reply, {"avatars_over_quota"});
  reply = post(path, R"({"plan_id": )" + std::to_string(small) + R"(, "force": false})");
  expect_conflict(reply, {"avatars_over_quota"});
  EXPECT_EQ(group(sales), group_before);
  EXPECT_EQ(quota(), quota_before);
  EXPECT_EQ(user("ann"), ann_before);

  reply = post(path, R"({"plan_id": )" + std::to_string(small) + R"(, "force": true})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.at("plan_id").as_int64(), small);
  auto ann = user("ann");
  EXPECT_EQ(ann.at("plan_id").as_int64(), small);
  EXPECT_EQ(ann.at("storage_bytes").as_int64(), 5 * kGB);
  EXPECT_EQ(ann.at("bytes_stored").as_int64(), 6 * kGB);
  EXPECT_EQ(quota().at("bytes_allocated").as_int64(), 10 * kGB);
}

TEST_F(GroupsTest, PlanChangeWithinQuotaNeedsNoForce) {
  auto small = directory().create_plan(alpha_id, "Small", 5 * kGB);
  auto sales = create_group("Sales", unlimited_plan());
  create_user("ann", {{"group_id", sales}});
  set_bytes_stored("ann", 5 * kGB);  // exactly the new quota: not over it
  auto reply =
      post("/groups/" + std::to_string(sales), R"({"plan_id": )" + std::to_string(small) + "}");
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(user("ann").at("plan_id").as_int64(), small);
}

TEST_F(GroupsTest, PlanChangeBeyondBytesAvailableIs402) {
  auto small = directory().create_plan(alpha_id, "Small", 5 * kGB);
  auto large = directory().create_plan(alpha_id, "Large", 20 * kGB);
  auto sales = create_group("Sales", small);
  create_user("ann", {{"group_id", sales}});
  create_user("ben", {{"group_id", sales}});
  set_partner("alpha", [](domain::Partner& p) { p.bytes_available = 30 * kGB; });
  auto group_before = group(sales);
  auto quota_before = quota();
  ASSERT_EQ(quota_before.at("bytes_allocated").as_int64(), 10 * kGB);

  // Two members on 20 GB would allocate 40 GB of the 30 GB available.
  auto reply =
      post("/groups/" + std::to_string(sales), R"({"plan_id": )" + std::to_string(large) + "}");
  EXPECT_EQ(reply.status, 402) << reply.body;
  ASSERT_TRUE(reply.json.is_object() && reply.json.as_object().contains("reason")) << reply.body;
  EXPECT_TRUE(reply.json.at("reason").is_string());
  EXPECT_EQ(group(sales), group_before);
  EXPECT_EQ(quota(), quota_before);
  for (const char* member : {"ann", "ben"}) EXPECT_EQ(user(member).at("plan_id").as_int64(), small);

  // Exactly bytes_available is allowed.
  set_partner("alpha", [](domain::Partner& p) { p.bytes_available = 40 * kGB; });
  reply = post("/groups/" + std::to_string(sales), R"({"plan_id": )" + std::to_string(large) + "}");
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(quota().at("bytes_allocated").as_int64(), 40 * kGB);
}

// --- deletion ---------------------------------------------------------------------------------

TEST_F(GroupsTest, DeletingAnEmptyGroupAnswers204) {
  auto sales = create_group("Sales", unlimited_plan());
  auto reply = request("DELETE", "/groups/" + std::to_string(sales), "", alpha);
  EXPECT_EQ(reply.status, 204) << reply.body;
  EXPECT_TRUE(reply.body.empty());
  EXPECT_EQ(get("/groups/" + std::to_string(sales)).status, 404);
  EXPECT_EQ(groups().size(), 1u);
  EXPECT_EQ(request("DELETE", "/groups/" + std::to_string(sales), "", alpha).status, 404);
  // The name is free again.
  EXPECT_NE(create_group("Sales", unlimited_plan()), 0);
}

TEST_F(GroupsTest, DeletingAGroupWithMembersNeedsMoveTo) {
  auto sales = create_group("Sales", unlimited_plan());
  create_user("ann", {{"group_id", sales}});
  auto before = group(sales);
  auto ann_before = user("ann");
  auto quota_before = quota();
  expect_conflict(request("DELETE", "/groups/" + std::to_string(sales), "", alpha), {"group_id"});
  EXPECT_EQ(group(sales), before);
  EXPECT_EQ(user("ann"), ann_before);
  EXPECT_EQ(quota(), quota_before);
}

TEST_F(GroupsTest, DeletingWithMoveToMovesMembersOntoTheTargetGroupsPlan) {
  auto small = directory().create_plan(alpha_id, "Small", 5 * kGB);
  auto medium = directory().create_plan(alpha_id, "Medium", 8 * kGB);
  auto sales = create_group("Sales", unlimited_plan());
  auto support = create_group("Support", small);
  create_user("ann", {{"group_id", sales}});
  create_user("ben", {{"group_id", sales}, {"plan_id", medium}});
  create_user("cat", {{"group_id", support}});
  ASSERT_EQ(quota().at("bytes_allocated").as_int64(), kUnlimited + 13 * kGB);

  auto reply =
      request("DELETE", "/groups/" + std::to_string(sales) + "?move_to=" + std::to_string(support),
              "", alpha);
  EXPECT_EQ(reply.status, 204) << reply.body;
  EXPECT_EQ(get("/groups/" + std::to_string(sales)).status, 404);
  for (const char* member : {"ann", "ben", "cat"}) {
    auto u = user(member);
    EXPECT_EQ(u.at("group_id").as_int64(), support) << member;
    EXPECT_EQ(u.at("plan_id").as_int64(), small) << member;
    EXPECT_EQ(u.at("storage_bytes").as_int64(), 5 * kGB) << member;
  }
  EXPECT_EQ(quota().at("bytes_allocated").as_int64(), 15 * kGB);
}

TEST_F(GroupsTest, DeletingWithMoveToChecksBytesAvailable) {
  auto small = directory().create_plan(alpha_id, "Small", 5 * kGB);
  auto large = directory().create_plan(alpha_id, "Large", 20 * kGB);
  auto sales = create_group("Sales", small);
  auto big = create_group("Big", large);
  create_user("ann", {{"group_id", sales}});
  set_partner("alpha", [](domain::Partner& p) { p.bytes_available = 10 * kGB; });
  auto before = group(sales);
  auto quota_before = quota();
  auto reply = request(
      "DELETE", "/groups/" + std::to_string(sales) + "?move_to=" + std::to_string(big), "", alpha);
  EXPECT_EQ(reply.status, 402) << reply.body;
  EXPECT_EQ(group(sales), before);
  EXPECT_EQ(user("ann").at("group_id").as_int64(), sales);
  EXPECT_EQ(user("ann").at("plan_id").as_int64(), small);
  EXPECT_EQ(quota(), quota_before);
}

TEST_F(GroupsTest, DeletingWithABadMoveToIsRefused) {
  auto sales = create_group("Sales", unlimited_plan());
  create_user("ann", {{"group_id", sales}});
  auto path = "/groups/" + std::to_string(sales);
  expect_invalid(request("DELETE", path + "?move_to=abc", "", alpha), {"move_to"});
  expect_invalid(request("DELETE", path + "?move_to=", "", alpha), {"move_to"});
  expect_invalid(request("DELETE", path + "?move_to=1&move_to=2", "", alpha), {"move_to"});
  // Moving into an unknown group or into the group itself is a conflict on move_to.
  expect_conflict(request("DELETE", path + "?move_to=987654", "", alpha), {"move_to"});
  expect_conflict(request("DELETE", path + "?move_to=" + std::to_string(sales), "", alpha),
                  {"move_to"});
  EXPECT_EQ(get(path).status, 200);
  EXPECT_EQ(user("ann").at("group_id").as_int64(), sales);
}

TEST_F(GroupsTest, RequiresCredentials) {
  auto sales = std::to_string(create_group("Sales", unlimited_plan()));
  EXPECT_EQ(request("GET", "/groups/", "", std::nullopt).status, 401);
  EXPECT_EQ(request("POST", "/groups/",
                    R"({"name": "X", "plan_id": 1, "webapi_enable": true, "check_domain": false})",
                    std::nullopt)
                .status,
            401);
  EXPECT_EQ(request("GET", "/groups/" + sales, "", std::nullopt).status, 401);
  EXPECT_EQ(request("POST", "/groups/" + sales, R"({"name": "X"})", std::nullopt).status, 401);
  EXPECT_EQ(request("DELETE", "/groups/" + sales, "", std::nullopt).status, 401);
  EXPECT_EQ(group(std::stoll(sales)).at("name"), "Sales");
  EXPECT_EQ(groups().size(), 2u);
}

}  // namespace
}  // namespace accountsd::testing
