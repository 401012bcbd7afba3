// B.1 GET /plans: the partner's plans, and what `partner create` gives every new partner.
#include <algorithm>
#include <string>
#include <vector>

#include "support/api_fixture.hpp"

namespace accountsd::testing {
namespace {

constexpr std::int64_t kUnlimited = 1000000001000000000;

class PlansTest : public ApiTest {
 protected:
  // Checks that `plan` is a plan object with exactly the B.1 fields and their JSON types.
  static void expect_plan_shape(const boost::json::value& plan) {
    ASSERT_TRUE(plan.is_object()) << plan;
    const auto& o = plan.as_object();
    EXPECT_EQ(o.size(), 3u) << plan;
    ASSERT_TRUE(o.contains("plan_id") && o.at("plan_id").is_int64()) << plan;
    ASSERT_TRUE(o.contains("name") && o.at("name").is_string()) << plan;
    ASSERT_TRUE(o.contains("storage_bytes") && o.at("storage_bytes").is_int64()) << plan;
  }

  boost::json::array plans_of(const Login& login, const std::string& path = "/plans") {
    auto reply = get_as(login, path);
    EXPECT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8");
    EXPECT_TRUE(reply.json.is_array()) << reply.body;
    if (!reply.json.is_array()) return {};
    for (const auto& plan : reply.json.as_array()) expect_plan_shape(plan);
    return reply.json.as_array();
  }
};

TEST_F(PlansTest, NewPartnerHasOnlyTheUnlimitedPlan) {
  auto plans = plans_of(alpha);
  ASSERT_EQ(plans.size(), 1u);
  auto stored = directory().plans(alpha_id);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(plans[0].at("plan_id").as_int64(), stored[0].plan_id);
  EXPECT_EQ(plans[0].at("name").as_string(), "Unlimited");
  EXPECT_EQ(plans[0].at("storage_bytes").as_int64(), kUnlimited);
}

TEST_F(PlansTest, NewPartnerHasADefaultGroupNamedAfterItUsingTheUnlimitedPlan) {
  auto reply = get("/groups/");
  ASSERT_EQ(reply.status, 200) << reply.body;
  ASSERT_TRUE(reply.json.is_array()) << reply.body;
  ASSERT_EQ(reply.json.as_array().size(), 1u) << reply.body;
  const auto& group = reply.json.as_array()[0].as_object();
  auto partner = partners().find_partner("alpha");
  ASSERT_TRUE(partner.has_value());
  EXPECT_EQ(group.at("name").as_string(), partner->name);
  auto plans = plans_of(alpha);
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(group.at("plan_id"), plans[0].at("plan_id"));
}

TEST_F(PlansTest, ListsOperatorCreatedPlansInOrderOfCreation) {
  auto basic = directory().create_plan(alpha_id, "Basic 5 GB", 5'000'000'000);
  auto pro = directory().create_plan(alpha_id, "Pro 1 TB", 1'000'000'000'000);
  auto empty = directory().create_plan(alpha_id, "Nothing", 0);
  auto plans = plans_of(alpha);
  ASSERT_EQ(plans.size(), 4u);
  EXPECT_EQ(plans[0].at("name").as_string(), "Unlimited");
  EXPECT_EQ(plans[1], json(R"({"plan_id": )" + std::to_string(basic) +
                           R"(, "name": "Basic 5 GB", "storage_bytes": 5000000000})"));
  EXPECT_EQ(plans[2], json(R"({"plan_id": )" + std::to_string(pro) +
                           R"(, "name": "Pro 1 TB", "storage_bytes": 1000000000000})"));
  EXPECT_EQ(plans[3], json(R"({"plan_id": )" + std::to_string(empty) +
                           R"(, "name": "Nothing", "storage_bytes": 0})"));
}

TEST_F(PlansTest, AcceptsThePathWithAndWithoutTrailingSlash) {
  directory().create_plan(alpha_id, "Basic", 1'000'000'000);
  EXPECT_EQ(plans_of(alpha, "/plans"), plans_of(alpha, "/plans/"));
  EXPECT_EQ(plans_of(alpha, "/plans/").size(), 2u);
}

TEST_F(PlansTest, ShowsOnlyTheCallersOwnPlans) {
  auto alpha_plan = directory().create_plan(alpha_id, "Alpha Gold", 7'000'000'000);
  auto beta_plan = directory().create_plan(beta_id, "Beta Silver", 3'000'000'000);
  auto ids = [](const boost::json::array& plans) {
    std::vector<std::int64_t> out;
    for (const auto& plan : plans) out.push_back(plan.at("plan_id").as_int64());
    return out;
  };
  auto alpha_ids = ids(plans_of(alpha));
  auto beta_ids = ids(plans_of(beta));
  ASSERT_EQ(alpha_ids.size(), 2u);
  ASSERT_EQ(beta_ids.size(), 2u);
  EXPECT_NE(std::find(alpha_ids.begin(), alpha_ids.end(), alpha_plan), alpha_ids.end());
  EXPECT_EQ(std::find(alpha_ids.begin(), alpha_ids.end(), beta_plan), alpha_ids.end());
  EXPECT_NE(std::find(beta_ids.begin(), beta_ids.end(), beta_plan), beta_ids.end());
  EXPECT_EQ(std::find(beta_ids.begin(), beta_ids.end(), alpha_plan), beta_ids.end());
  // Each partner has its own "Unlimited" plan: the names may repeat across partners, ids do not.
  for (auto id : alpha_ids)
    EXPECT_EQ(std::find(beta_ids.begin(), beta_ids.end(), id), beta_ids.end());
}

TEST_F(PlansTest, RequiresCredentials) {
  auto reply = request("GET", "/plans", "", std::nullopt);
  EXPECT_EQ(reply.status, 401);
  EXPECT_TRUE(reply.json.is_object() && reply.json.as_object().contains("reason")) << reply.body;
  EXPECT_EQ(reply.header("www-authenticate"), "Basic realm=\"accounts\"");
  EXPECT_EQ(request("GET", "/plans", "", Login{"alpha", "wrong-password"}).status, 401);
}

TEST_F(PlansTest, PlansAreReadOnlyThroughTheApi) {
  auto reply = post("/plans", R"({"name": "Free", "storage_bytes": 1})");
  EXPECT_EQ(reply.status, 405) << reply.body;
  EXPECT_EQ(reply.header("allow"), "GET");
  EXPECT_EQ(request("DELETE", "/plans", "", alpha).status, 405);
  EXPECT_EQ(plans_of(alpha).size(), 1u);
}

}  // namespace
}  // namespace accountsd::testing
