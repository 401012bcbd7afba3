// Issue 11, item 5: replays what the real management console (OpenManage, netkes'
// accounts_api.py and its Django views) sends, in its order and with its exact body shapes: the
// first login of a new partner, the Users page, a group edit from a form, a policy from the
// catalogue with a child inheriting from it, the hourly backup, and a restore on a new appliance.
#include <sodium.h>

#include <ctime>
#include <string>
#include <vector>

#include "auth/password.hpp"
#include "support/api_fixture.hpp"
#include "support/json_checks.hpp"

namespace accountsd::testing {
namespace {

const Login kNetkes{"netkes", "netkes-console-password"};
constexpr const char* kCompany = "Netkes Co";

// Standard base64 of `bytes`, broken into 76-character lines as MIME encoders write it.
std::string base64_lines(const std::vector<unsigned char>& bytes) {
  std::string encoded(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL),
                      '\0');
  sodium_bin2base64(encoded.data(), encoded.size(), bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  encoded.pop_back();  // the terminating NUL
  std::string lines;
  for (std::size_t i = 0; i < encoded.size(); i += 76) lines += encoded.substr(i, 76) + "\n";
  return lines;
}

// The id at the end of a Location header, the way the console reads it (rsplit('/', 1)).
std::int64_t id_from_location(const std::string& location) {
  return std::stoll(location.substr(location.rfind('/') + 1));
}

class ConsoleSessionTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    // `accountsd partner create` as the operator runs it for a console partner: no group.
    domain::NewPartner partner;
    partner.username = kNetkes.username;
    partner.name = kCompany;
    partner.password_hash = auth::hash_password(kNetkes.password);
    netkes_id = partners().create_partner(partner);
  }

  Reply console(const std::string& method, const std::string& path, const std::string& body = "") {
    return request(method, path, body, kNetkes);
  }
  boost::json::value ok(const std::string& method, const std::string& path,
                        const std::string& body = "", int status = 200) {
    auto reply = console(method, path, body);
    EXPECT_EQ(reply.status, status) << method << " " << path << " " << body << ": " << reply.body;
    return reply.json;
  }

  store::PartnerId netkes_id = 0;
};

TEST_F(ConsoleSessionTest, FirstLoginUsersGroupsPoliciesBackupAndRestore) {
  // --- First login: test the credentials, read what every page needs, make the first group.
  EXPECT_EQ(request("GET", "/ping", "", std::nullopt).json, boost::json::value("pong"));
  EXPECT_EQ(ok("GET", "/ping"), boost::json::value("pong"));
  auto settings = ok("GET", "/partner/settings");
  EXPECT_TRUE(settings.at("api_version").is_null()) << settings;
  EXPECT_TRUE(ok("GET", "/partner/backup").is_null());  // nothing to restore: a fresh appliance
  auto plans = ok("GET", "/plans");
  ASSERT_TRUE(plans.is_array() && !plans.as_array().empty()) << plans;
  const auto plan_id = plans.as_array().at(0).at("plan_id").as_int64();
  auto info = ok("GET", "/partner/info");
  EXPECT_EQ(info.at("company_name"), boost::json::value(kCompany));
  EXPECT_EQ(info.at("brand_identifier"), boost::json::value(kNetkes.username));
  EXPECT_TRUE(info.at("creation_time").is_int64()) << info;
  EXPECT_EQ(ok("GET", "/groups/"), boost::json::value(boost::json::array{}));
  auto features = ok("GET", "/partner/features");
  EXPECT_EQ(features.at("netkes"), boost::json::value(false));

  boost::json::object first_group{
      {"name", kCompany}, {"plan_id", plan_id}, {"webapi_enable", true}, {"check_domain", false}};
  auto created = console("POST", "/groups/", boost::json::serialize(first_group));
  ASSERT_EQ(created.status, 201) << created.body;
  const auto company_group = id_from_location(created.header("location"));
  EXPECT_EQ(created.json.at("group_id").as_int64(), company_group);
  ASSERT_EQ(ok("POST", "/partner/settings", R"({"api_version": "3.0.6"})").at("api_version"),
            boost::json::value("3.0.6"));

  // --- Users page: counts, a paged list with order_by, users made and moved from forms.
  EXPECT_EQ(ok("GET", "/users/?action=user_count").at("user_count").as_int64(), 0);
  const auto gid = std::to_string(company_group);
  for (const char* name : {"ann", "ben", "cat"}) {
    boost::json::object user{{"username", name},
                             {"name", std::string("User ") + name},
                             {"email", std::string(name) + "@Example.com"},
                             {"group_id", gid}};  // a form's select: a string
    if (std::string(name) == "ann") user["promo"] = "spring";
    auto reply = console("POST", "/users/", boost::json::serialize(user));
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.json.at("user").at("group_id").as_int64(), company_group);
  }
  EXPECT_EQ(ok("GET", "/users/?action=user_count").at("user_count").as_int64(), 3);
  auto page = ok("GET", "/users/?limit=1000&order_by=-name");
  ASSERT_TRUE(page.is_array()) << page;
  ASSERT_EQ(page.as_array().size(), 3u);
  EXPECT_EQ(page.as_array().at(0).at("username"), boost::json::value("cat"));
  for (const auto& user : page.as_array()) {
    expect_user_shape(user);
    EXPECT_TRUE(user.at("share_rooms").is_array()) << user;
  }
  EXPECT_EQ(ok("GET", "/users/?limit=1000&order_by=promo").as_array().size(), 3u);
  // The console looks users up by the email it was given, in any letter case.
  EXPECT_EQ(ok("GET", "/users/ANN@example.com").at("username"), boost::json::value("ann"));

  auto sales =
      id_from_location(console("POST", "/groups/",
                               R"({"name": "Sales", "plan_id": )" + std::to_string(plan_id) +
                                   R"(, "webapi_enable": true, "check_domain": false})")
                           .header("location"));
  ASSERT_GT(sales, company_group);
  ok("POST", "/users/ben", R"({"group_id": ")" + std::to_string(sales) + R"("})");
  EXPECT_EQ(ok("GET", "/users/ben").at("group_id").as_int64(), sales);

  // --- Group edit from the form: every value a string, a blank policy.
  auto edited = ok("POST", "/groups/" + std::to_string(sales),
                   R"({"name": "Sales", "plan_id": ")" + std::to_string(plan_id) +
                       R"(", "webapi_enable": "True", "check_domain": "False",
                          "device_policy": ""})");
  EXPECT_TRUE(edited.at("device_policy").is_null()) << edited;
  EXPECT_EQ(edited.at("plan_id").as_int64(), plan_id);

  // --- Policies: the catalogue, a policy from it, a child inheriting from it, a group using it.
  auto catalogue = ok("GET", "/devicepreferences");
  ASSERT_TRUE(catalogue.is_array() && !catalogue.as_array().empty()) << catalogue;
  EXPECT_EQ(ok("GET", "/devicepolicies/"), boost::json::value(boost::json::array{}));
  auto parent = console("POST", "/devicepolicies/",
                        R"({"name": "Laptops", "inherits_from": "",
                            "policy": {"Autorun": true, "FullScheduleEnable": true,
                                       "FullScheduleIntervalMinutes": 60,
                                       "DeletedItemsAutomaticPurge": 30}})");
  ASSERT_EQ(parent.status, 201) << parent.body;
  const auto parent_id = id_from_location(parent.header("location"));
  auto child =
      console("POST", "/devicepolicies/",
              R"({"name": "Field laptops", "inherits_from": ")" + std::to_string(parent_id) + R"(",
                           "policy": {"Autorun": "--inherit--", "EnablePreviews": "--unset--",
                                      "DeletedItemsAutomaticPurge": 7}})");
  ASSERT_EQ(child.status, 201) << child.body;
  const auto child_id = child.json.at("id").as_int64();
  EXPECT_EQ(child.json.at("inherits_from").as_int64(), parent_id);
  EXPECT_EQ(ok("GET", "/devicepolicies/").as_array().size(), 2u);
  ok("POST", "/groups/" + std::to_string(sales),
     R"({"device_policy": ")" + std::to_string(child_id) + R"("})");
  auto effective = internal("GET", "/partners/netkes/users/ben/policy", "");
  ASSERT_EQ(effective.status, 200) << effective.body;
  EXPECT_EQ(effective.json, json(R"({"policy_id": )" + std::to_string(child_id) +
                                 R"(, "preferences": {"Autorun": true,
                                                      "DeletedItemsAutomaticPurge": 7}})"));
  EXPECT_EQ(console("DELETE", "/devicepolicies/" + std::to_string(parent_id)).status, 409);

  // --- The "stopped backing up" report: latest backup between 14 and 30 days ago.
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  for (auto [user, days] : std::vector<std::pair<std::string, int>>{{"ann", 20}, {"cat", 2}}) {
    auto put =
        internal("PUT", "/partners/netkes/users/" + user + "/devices/laptop",
                 R"({"client_revision": 512, "last_login": )" + std::to_string(now) +
                     R"(, "last_backup_complete": )" + std::to_string(now - days * 86400) + "}");
    ASSERT_EQ(put.status / 100, 2) << put.body;
  }
  auto stopped =
      ok("GET", "/users/?limit=1000&search_by=recently_stopped_uploading%3D2592000%7C1209600");
  ASSERT_TRUE(stopped.is_array()) << stopped;
  ASSERT_EQ(stopped.as_array().size(), 1u) << stopped;
  EXPECT_EQ(stopped.as_array().at(0).at("username"), boost::json::value("ann"));

  // --- The hourly backup of the appliance's configuration.
  std::vector<unsigned char> blob(200000);
  randombytes_buf(blob.data(), blob.size());
  const auto data = base64_lines(blob);
  const auto sha = sha256_hex(data);
  boost::json::object backup{{"sha256", sha}, {"data", data}};
  auto stored = ok("POST", "/partner/backup", boost::json::serialize(backup));
  EXPECT_EQ(stored.at("sha256"), boost::json::value(sha));
  EXPECT_EQ(stored.at("size").as_int64(), static_cast<std::int64_t>(data.size()));
  EXPECT_TRUE(stored.at("update_time").is_int64()) << stored;

  // --- A new appliance's first login restores it: the same data, byte for byte.
  EXPECT_EQ(ok("GET", "/ping"), boost::json::value("pong"));
  auto restored = ok("GET", "/partner/backup");
  ASSERT_TRUE(restored.is_object()) << restored;
  EXPECT_EQ(restored.at("data"), boost::json::value(data));
  EXPECT_EQ(restored.at("sha256"), boost::json::value(sha));
  EXPECT_EQ(sha256_hex(std::string(restored.at("data").as_string())), sha);

  // Another partner sees none of it.
  EXPECT_TRUE(get("/partner/backup").json.is_null());
  EXPECT_EQ(get("/devicepolicies/").json, boost::json::value(boost::json::array{}));
}

}  // namespace
}  // namespace accountsd::testing
