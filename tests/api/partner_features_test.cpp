// A.7 GET /partner/features: the five flags the operator sets, read-only through the API.
#include <string>

#include "support/api_fixture.hpp"

namespace accountsd::testing {
namespace {

class PartnerFeaturesTest : public ApiTest {
 protected:
  boost::json::object features() {
    auto reply = get("/partner/features");
    EXPECT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8");
    EXPECT_TRUE(reply.json.is_object()) << reply.body;
    return reply.json.is_object() ? reply.json.as_object() : boost::json::object{};
  }
};

TEST_F(PartnerFeaturesTest, NewPartnerHasAllFlagsFalse) {
  auto f = features();
  EXPECT_EQ(f, json(R"({"netkes": false, "ldap": false, "group_permissions": false,
                        "signup_restrictions": false, "email_as_username": false})")
                   .as_object());
  for (const auto& entry : f) EXPECT_TRUE(entry.value().is_bool()) << entry.key();
}

TEST_F(PartnerFeaturesTest, ReflectsEachFlagTheOperatorSets) {
  for (const auto& feature : domain::kFeatures) {
    const auto name = feature.name;
    SCOPED_TRACE(std::string(name));
    set_partner("alpha", [&](domain::Partner& p) {
      p.features = {};
      p.features.*feature.flag = true;
    });
    auto f = features();
    ASSERT_EQ(f.size(), 5u);
    for (const auto& entry : f) {
      ASSERT_TRUE(entry.value().is_bool()) << entry.key();
      EXPECT_EQ(entry.value().as_bool(), entry.key() == name) << entry.key();
    }
  }
}

TEST_F(PartnerFeaturesTest, ReflectsSeveralFlagsAndSwitchingOff) {
  set_partner("alpha", [](domain::Partner& p) {
    p.features.netkes = true;
    p.features.ldap = true;
    p.features.email_as_username = true;
  });
  EXPECT_EQ(features(), json(R"({"netkes": true, "ldap": true, "group_permissions": false,
                                 "signup_restrictions": false, "email_as_username": true})")
                            .as_object());
  set_partner("alpha", [](domain::Partner& p) {
    p.features.ldap = false;
    p.features.group_permissions = true;
  });
  EXPECT_EQ(features(), json(R"({"netkes": true, "ldap": false, "group_permissions": true,
                                 "signup_restrictions": false, "email_as_username": true})")
                            .as_object());
}

TEST_F(PartnerFeaturesTest, IsReadOnly) {
  for (const char* method : {"POST", "PUT", "PATCH", "DELETE"}) {
    SCOPED_TRACE(method);
    auto reply = request(method, "/partner/features", R"({"ldap": true})", alpha);
    EXPECT_EQ(reply.status, 405) << reply.body;
    EXPECT_EQ(reply.header("allow"), "GET");
    EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8");
    ASSERT_TRUE(reply.json.is_object()) << reply.body;
    EXPECT_TRUE(reply.json.at("reason").is_string());
  }
  EXPECT_FALSE(features().at("ldap").as_bool());
}

TEST_F(PartnerFeaturesTest, AcceptsTrailingSlash) {
  auto reply = get("/partner/features/");
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.as_object().size(), 5u);
}

TEST_F(PartnerFeaturesTest, RequiresCredentials) {
  EXPECT_EQ(request("GET", "/partner/features", "", std::nullopt).status, 401);
}

}  // namespace
}  // namespace accountsd::testing
