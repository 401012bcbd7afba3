// C.4 and C.5: the device-preference catalogue, device policies (create, read, replace, delete,
// inheritance), groups pointing at them, tenant isolation, and the effective policy that the
// storage service reads for a user.
#include <set>
#include <string>
#include <vector>

#include "support/api_fixture.hpp"
#include "support/json_checks.hpp"

namespace accountsd::testing {
namespace {

class DevicePoliciesTest : public ApiTest {
 protected:
  // Checks that `policy` is a policy object with exactly the C.5 fields and their JSON types.
  static void expect_policy_shape(const boost::json::value& policy) {
    ASSERT_TRUE(policy.is_object()) << policy;
    const auto& o = policy.as_object();
    EXPECT_EQ(o.size(), 4u) << policy;
    EXPECT_TRUE(o.contains("id") && o.at("id").is_int64()) << policy;
    EXPECT_TRUE(o.contains("name") && o.at("name").is_string()) << policy;
    EXPECT_TRUE(o.contains("inherits_from") &&
                (o.at("inherits_from").is_null() || o.at("inherits_from").is_int64()))
        << policy;
    EXPECT_TRUE(o.contains("policy") && o.at("policy").is_object()) << policy;
  }

  boost::json::array policies_of(const Login& login) {
    auto reply = get_as(login, "/devicepolicies/");
    EXPECT_EQ(reply.status, 200) << reply.body;
    if (!reply.json.is_array()) return {};
    for (const auto& policy : reply.json.as_array()) expect_policy_shape(policy);
    return reply.json.as_array();
  }
  boost::json::array policies() { return policies_of(alpha); }

  boost::json::value policy(std::int64_t id) {
    auto reply = get(path(id));
    EXPECT_EQ(reply.status, 200) << reply.body;
    expect_policy_shape(reply.json);
    return reply.json;
  }

  static std::string path(std::int64_t id) { return "/devicepolicies/" + std::to_string(id); }

  // Creates a policy as `login` and returns its id (0 if refused).
  std::int64_t create_as(const Login& login, const std::string& name,
                         const std::string& policy = "{}",
                         std::optional<std::int64_t> inherits_from = std::nullopt) {
    boost::json::object body{{"name", name}, {"policy", boost::json::parse(policy)}};
    if (inherits_from) body["inherits_from"] = *inherits_from;
    auto reply = post_as(login, "/devicepolicies/", boost::json::serialize(body));
    EXPECT_EQ(reply.status, 201) << reply.body;
    return reply.status == 201 ? reply.json.at("id").as_int64() : 0;
  }
  std::int64_t create(const std::string& name, const std::string& policy = "{}",
                      std::optional<std::int64_t> inherits_from = std::nullopt) {
    return create_as(alpha, name, policy, inherits_from);
  }

  std::int64_t default_group(store::PartnerId partner) {
    return directory().groups(partner).at(0).group_id;
  }

  boost::json::value group(std::int64_t id) { return get("/groups/" + std::to_string(id)).json; }

  // Sets the device_policy of an alpha group; `policy` is the JSON text of the value.
  Reply assign(std::int64_t group_id, const std::string& policy) {
    return post("/groups/" + std::to_string(group_id), R"({"device_policy": )" + policy + "}");
  }

  // Creates an alpha user in the default group and returns its username.
  std::string create_user(const std::string& username) {
    auto reply = post("/users/", R"({"username": ")" + username + R"(", "name": "U", "email": ")" +
                                     username + R"(@example.com"})");
    EXPECT_EQ(reply.status, 200) << reply.body;
    return username;
  }

  Reply effective(const std::string& partner, const std::string& user) {
    return internal("GET", "/partners/" + partner + "/users/" + user + "/policy", "");
  }
};

// --- the catalogue (C.4) ---------------------------------------------------------------------

// Checks one catalogue node and its children; adds every name to `names`.
void expect_node(const boost::json::value& node, bool top, std::set<std::string>& names) {
  ASSERT_TRUE(node.is_object()) << node;
  const auto& o = node.as_object();
  EXPECT_EQ(o.size(), 6u) << node;  // the rule keys of the data file are not shown
  ASSERT_TRUE(o.contains("name") && o.at("name").is_string()) << node;
  std::string name(o.at("name").as_string());
  EXPECT_TRUE(names.insert(name).second) << "repeated " << name;
  EXPECT_TRUE(o.contains("description") && o.at("description").is_string() &&
              !o.at("description").as_string().empty())
      << node;
  ASSERT_TRUE(o.contains("type") && o.at("type").is_string()) << node;
  std::set<std::string> types{"boolean", "integer", "string", "string[]"};
  EXPECT_TRUE(types.contains(std::string(o.at("type").as_string()))) << node;
  ASSERT_TRUE(o.contains("choices")) << node;
  if (!o.at("choices").is_null()) {
    ASSERT_TRUE(o.at("choices").is_array()) << node;
    for (const auto& choice : o.at("choices").as_array()) EXPECT_TRUE(choice.is_string()) << node;
  }
  ASSERT_TRUE(o.contains("conditional_parent_value")) << node;
  EXPECT_EQ(o.at("conditional_parent_value").is_null(), top) << node;
  ASSERT_TRUE(o.contains("fields") && o.at("fields").is_array()) << node;
  for (const auto& child : o.at("fields").as_array()) expect_node(child, false, names);
}

// The node named `name` anywhere in the catalogue, or null.
boost::json::value find_node(const boost::json::array& nodes, const std::string& name) {
  for (const auto& node : nodes) {
    if (node.as_object().contains("name") && node.at("name").as_string() == name) return node;
    auto found = find_node(node.at("fields").as_array(), name);
    if (!found.is_null()) return found;
  }
  return nullptr;
}

TEST_F(DevicePoliciesTest, CatalogueIsAListOfCategoriesOfPreferenceNodes) {
  auto reply = get("/devicepreferences");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8");
  ASSERT_TRUE(reply.json.is_array()) << reply.body;
  std::set<std::string> names;
  std::set<std::string> categories;
  for (const auto& category : reply.json.as_array()) {
    ASSERT_TRUE(category.is_object()) << category;
    EXPECT_EQ(category.as_object().size(), 2u) << category;
    ASSERT_TRUE(category.at("category").is_string()) << category;
    categories.insert(std::string(category.at("category").as_string()));
    ASSERT_TRUE(category.at("fields").is_array()) << category;
    for (const auto& node : category.at("fields").as_array()) expect_node(node, true, names);
  }
  EXPECT_TRUE(categories.contains("General") && categories.contains("Network") &&
              categories.contains("Retention"));
  EXPECT_GE(names.size(), 50u);

  // Every preference of C.4, with its type and the parent value it applies under.
  boost::json::array all;
  for (const auto& category : reply.json.as_array())
    for (const auto& node : category.at("fields").as_array()) all.push_back(node);
  auto expect = [&](const std::string& name, const char* type, boost::json::value when,
                    boost::json::value choices = nullptr) {
    auto node = find_node(all, name);
    ASSERT_TRUE(node.is_object()) << name;
    EXPECT_EQ(node.at("type"), type) << name;
    EXPECT_EQ(node.at("conditional_parent_value"), when) << name;
    EXPECT_EQ(node.at("choices"), choices) << name;
  };
  for (const char* name : {"Autorun", "EnableAutomaticScan", "EnablePreviews", "FullScheduleEnable",
                           "HttpProxyEnabled"})
    expect(name, "boolean", nullptr);
  expect("FullScheduleIntervalMinutes", "integer", true);
  expect("HttpProxyHost", "string", true);
  expect("HttpProxyPort", "integer", true);
  expect("DeletedItemsAutomaticPurge", "integer", nullptr);
  expect("HistoricalVersionAutomaticPurge", "integer", nullptr);
  for (std::string p : {"windowsnewerthanxp", "windowsxp", "mac", "linux"}) {
    expect(p + "BackupSelectionEnabled", "boolean", nullptr);
    expect(p + "BackupSelectionScope", "string", true, boost::json::array{"atleast", "exactly"});
    expect(p + "BackupSelectionType", "string", true, boost::json::array{"basic", "advanced"});
    for (const char* folder : {"Desktop", "Documents", "Pictures", "Music", "Videos"})
      expect(p + "BasicBackupSelection" + folder, "boolean", "basic");
    expect(p + "AdvancedBackupSelectionSelected", "string[]", "advanced");
    expect(p + "AdvancedBackupSelectionDeselected", "string[]", "advanced");
  }
  // Children sit under their parent.
  auto type = find_node(all, "macBackupSelectionType");
  EXPECT_FALSE(find_node(type.at("fields").as_array(), "macBasicBackupSelectionMusic").is_null());

  // The same for every partner, with or without the trailing slash; partners only.
  EXPECT_EQ(get_as(beta, "/devicepreferences/").json, reply.json);
  EXPECT_EQ(request("GET", "/devicepreferences", "", std::nullopt).status, 401);
  EXPECT_EQ(request("POST", "/devicepreferences", "{}", alpha).status, 405);
}

// --- create, read, list ----------------------------------------------------------------------

TEST_F(DevicePoliciesTest, CreateAnswers201WithLocationAndThePolicy) {
  EXPECT_TRUE(policies().empty());
  auto reply = post("/devicepolicies/", R"({"name": "Laptops", "inherits_from": null,
      "policy": {"Autorun": true, "DeletedItemsAutomaticPurge": 30}})");
  ASSERT_EQ(reply.status, 201) << reply.body;
  expect_policy_shape(reply.json);
  auto id = reply.json.at("id").as_int64();
  EXPECT_EQ(reply.json, json(R"({"id": )" + std::to_string(id) + R"(, "name": "Laptops",
      "inherits_from": null, "policy": {"Autorun": true, "DeletedItemsAutomaticPurge": 30}})"));
  EXPECT_EQ(reply.header("location"), std::string(kRoot) + path(id));
  EXPECT_EQ(request_target("GET", reply.header("location"), "", alpha).json, reply.json);
  EXPECT_EQ(policy(id), reply.json);
  EXPECT_EQ(policies(), boost::json::array{reply.json});
  EXPECT_EQ(get("/devicepolicies").json, get("/devicepolicies/").json);  // either slash
}

TEST_F(DevicePoliciesTest, NameAloneMakesAnUnmanagedPolicyAndTheListIsOrderedById) {
  auto reply = post("/devicepolicies", R"({"name": "Bare"})");
  ASSERT_EQ(reply.status, 201) << reply.body;
  EXPECT_EQ(reply.json.at("inherits_from"), nullptr);
  EXPECT_EQ(reply.json.at("policy"), boost::json::object());
  auto first = reply.json.at("id").as_int64();
  auto second = create("Zebra");
  auto third = create("Aardvark");
  std::vector<std::int64_t> ids;
  for (const auto& p : policies()) ids.push_back(p.at("id").as_int64());
  EXPECT_EQ(ids, (std::vector<std::int64_t>{first, second, third}));
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);
}

TEST_F(DevicePoliciesTest, NameIsRequiredAndOneTo50Characters) {
  expect_invalid(post("/devicepolicies/", "{}"), {"name"});
  expect_invalid(post("/devicepolicies/", ""), {"name"});
  expect_invalid(post("/devicepolicies/", R"({"name": ""})"), {"name"});
  expect_invalid(post("/devicepolicies/", R"({"name": 5})"), {"name"});
  expect_invalid(post("/devicepolicies/", R"({"name": null})"), {"name"});
  expect_invalid(post("/devicepolicies/", R"({"name": ")" + std::string(51, 'x') + R"("})"),
                 {"name"});
  EXPECT_TRUE(policies().empty());
  create(std::string(50, 'x'));
  create(std::string(50, 'x').replace(0, 1, "\xC3\xA9"));  // 50 code points, 51 bytes
  EXPECT_EQ(policies().size(), 2u);
}

TEST_F(DevicePoliciesTest, NamesAreUniqueRegardlessOfLetterCase) {
  auto laptops = create("Laptops", R"({"Autorun": true})");
  create("\xC3\x89t\xC3\xA9");  // "Été"
  auto before = policies();
  expect_conflict(post("/devicepolicies/", R"({"name": "Laptops"})"), {"name"});
  expect_conflict(post("/devicepolicies/", R"({"name": "LAPTOPS", "policy": {"Autorun": false}})"),
                  {"name"});
  expect_conflict(post("/devicepolicies/", R"({"name": "\u00e9T\u00c9"})"), {"name"});  // "éTÉ"
  EXPECT_EQ(policies(), before);
  // Renaming onto another's name is refused; changing one's own letter case is not.
  auto desktops = create("Desktops");
  expect_conflict(post(path(desktops), R"({"name": "laptops"})"), {"name"});
  EXPECT_EQ(policy(desktops).at("name"), "Desktops");
  auto reply = post(path(laptops), R"({"name": "LAPTOPS"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.at("name"), "LAPTOPS");
}

TEST_F(DevicePoliciesTest, UnknownFieldsAndMistypedPoliciesAre400) {
  expect_invalid(post("/devicepolicies/", R"({"name": "A", "colour": "red"})"), {"colour"});
  expect_invalid(post("/devicepolicies/", R"({"name": "A", "id": 3})"), {"id"});
  for (const char* policy : {"null", "[]", "\"Autorun\"", "1"})
    expect_invalid(
        post("/devicepolicies/", std::string(R"({"name": "A", "policy": )") + policy + "}"),
        {"policy"});
  EXPECT_EQ(post("/devicepolicies/", "[]").status, 400);
  EXPECT_EQ(post("/devicepolicies/", R"({"name": "A", "name": "B"})").status, 400);
  EXPECT_TRUE(policies().empty());
}

// --- policy values ---------------------------------------------------------------------------

TEST_F(DevicePoliciesTest, PolicyValuesAreCheckedAgainstTheCatalogue) {
  struct Case {
    const char* policy;
    const char* field;
  };
  for (const auto& c : std::vector<Case>{
           {R"({"autorun": true})", "policy.autorun"},  // names are case-sensitive
           {R"({"NoSuchPreference": 1})", "policy.NoSuchPreference"},
           {R"({"Autorun": 1})", "policy.Autorun"},
           {R"({"Autorun": "true"})", "policy.Autorun"},
           {R"({"Autorun": null})", "policy.Autorun"},
           {R"({"DeletedItemsAutomaticPurge": -1})", "policy.DeletedItemsAutomaticPurge"},
           {R"({"DeletedItemsAutomaticPurge": 1.5})", "policy.DeletedItemsAutomaticPurge"},
           {R"({"DeletedItemsAutomaticPurge": "30"})", "policy.DeletedItemsAutomaticPurge"},
           {R"({"HttpProxyEnabled": true, "HttpProxyPort": -1})", "policy.HttpProxyPort"},
           {R"({"HttpProxyEnabled": true, "HttpProxyHost": ["a"]})", "policy.HttpProxyHost"},
           {R"({"macBackupSelectionEnabled": true, "macBackupSelectionScope": "most"})",
            "policy.macBackupSelectionScope"},
           {R"({"macBackupSelectionEnabled": true, "macBackupSelectionType": "advanced",
                "macAdvancedBackupSelectionSelected": "$HOME"})",
            "policy.macAdvancedBackupSelectionSelected"},
           {R"({"macBackupSelectionEnabled": true, "macBackupSelectionType": "advanced",
                "macAdvancedBackupSelectionDeselected": [1]})",
            "policy.macAdvancedBackupSelectionDeselected"},
       }) {
    SCOPED_TRACE(c.policy);
    expect_invalid(
        post("/devicepolicies/", std::string(R"({"name": "A", "policy": )") + c.policy + "}"),
        {c.field});
  }
  // Every offending entry is named at once, with the other fields' problems.
  expect_invalid(post("/devicepolicies/", R"({"name": "", "policy": {"Autorun": 0,
                     "EnablePreviews": true, "HistoricalVersionAutomaticPurge": -5}})"),
                 {"name", "policy.Autorun", "policy.HistoricalVersionAutomaticPurge"});
  EXPECT_TRUE(policies().empty());
}

TEST_F(DevicePoliciesTest, AWholeBackupSelectionTreeIsStoredAsGiven) {
  const std::string tree = R"({
      "Autorun": true, "EnableAutomaticScan": false, "EnablePreviews": true,
      "FullScheduleEnable": true, "FullScheduleIntervalMinutes": 1440,
      "HttpProxyEnabled": true, "HttpProxyHost": "proxy.example.com", "HttpProxyPort": 3128,
      "DeletedItemsAutomaticPurge": 0, "HistoricalVersionAutomaticPurge": 365,
      "windowsnewerthanxpBackupSelectionEnabled": true,
      "windowsnewerthanxpBackupSelectionScope": "atleast",
      "windowsnewerthanxpBackupSelectionType": "basic",
      "windowsnewerthanxpBasicBackupSelectionDesktop": true,
      "windowsnewerthanxpBasicBackupSelectionDocuments": true,
      "windowsnewerthanxpBasicBackupSelectionVideos": false,
      "macBackupSelectionEnabled": true, "macBackupSelectionScope": "exactly",
      "macBackupSelectionType": "advanced",
      "macAdvancedBackupSelectionSelected": ["$HOME/Documents", "$HOME/Pictures"],
      "macAdvancedBackupSelectionDeselected": [],
      "linuxBackupSelectionEnabled": false, "windowsxpBackupSelectionEnabled": "--unset--"})";
  auto id = create("Everything", tree);
  EXPECT_EQ(policy(id).at("policy"), json(tree));
}

TEST_F(DevicePoliciesTest, UnsetIsAllowedExceptForThePurgeIntervals) {
  auto id = create("Unset", R"({"Autorun": "--unset--", "HttpProxyEnabled": "--unset--"})");
  EXPECT_EQ(policy(id).at("policy").at("Autorun"), "--unset--");
  expect_invalid(post("/devicepolicies/", R"({"name": "A",
                     "policy": {"DeletedItemsAutomaticPurge": "--unset--"}})"),
                 {"policy.DeletedItemsAutomaticPurge"});
  expect_invalid(post("/devicepolicies/", R"({"name": "A",
                     "policy": {"HistoricalVersionAutomaticPurge": "--unset--"}})"),
                 {"policy.HistoricalVersionAutomaticPurge"});
  EXPECT_EQ(policies().size(), 1u);
}

TEST_F(DevicePoliciesTest, InheritIsAllowedOnlyWithInheritsFrom) {
  auto parent = create("Parent", R"({"Autorun": true, "DeletedItemsAutomaticPurge": 30})");
  expect_invalid(post("/devicepolicies/", R"({"name": "Child",
                     "policy": {"Autorun": "--inherit--"}})"),
                 {"policy.Autorun"});
  expect_invalid(post("/devicepolicies/", R"({"name": "Child", "inherits_from": null,
                     "policy": {"Autorun": "--inherit--"}})"),
                 {"policy.Autorun"});
  auto child = create("Child", R"({"Autorun": "--inherit--",
                                   "DeletedItemsAutomaticPurge": "--inherit--"})",
                      parent);
  auto stored = policy(child);
  EXPECT_EQ(stored.at("inherits_from"), parent);
  EXPECT_EQ(stored.at("policy").at("Autorun"), "--inherit--");
}

TEST_F(DevicePoliciesTest, AChildKeyNeedsItsParentKeyWithItsConditionalValue) {
  for (const char* bad : {
           R"({"FullScheduleIntervalMinutes": 60})",
           R"({"FullScheduleEnable": false, "FullScheduleIntervalMinutes": 60})",
           R"({"FullScheduleEnable": "--unset--", "FullScheduleIntervalMinutes": 60})",
       }) {
    SCOPED_TRACE(bad);
    expect_invalid(post("/devicepolicies/", std::string(R"({"name": "A", "policy": )") + bad + "}"),
                   {"policy.FullScheduleIntervalMinutes"});
  }
  expect_invalid(post("/devicepolicies/", R"({"name": "A", "policy": {
                     "linuxBackupSelectionEnabled": true, "linuxBackupSelectionType": "advanced",
                     "linuxBasicBackupSelectionMusic": true}})"),
                 {"policy.linuxBasicBackupSelectionMusic"});
  expect_invalid(post("/devicepolicies/", R"({"name": "A", "policy": {
                     "HttpProxyHost": "proxy", "HttpProxyPort": 8080}})"),
                 {"policy.HttpProxyHost", "policy.HttpProxyPort"});
  EXPECT_TRUE(policies().empty());
  create("Scheduled", R"({"FullScheduleEnable": true, "FullScheduleIntervalMinutes": 60})");
}

// --- inheritance -----------------------------------------------------------------------------

TEST_F(DevicePoliciesTest, InheritanceIsOneLevelOnly) {
  auto root = create("Root");
  auto child = create("Child", "{}", root);
  auto before = policies();
  // From a policy that itself inherits, from an unknown one, from itself.
  expect_conflict(post("/devicepolicies/",
                       R"({"name": "Grandchild", "inherits_from": )" + std::to_string(child) + "}"),
                  {"inherits_from"});
  expect_conflict(post("/devicepolicies/", R"({"name": "Orphan", "inherits_from": 987654})"),
                  {"inherits_from"});
  expect_conflict(post(path(root), R"({"inherits_from": )" + std::to_string(root) + "}"),
                  {"inherits_from"});
  EXPECT_EQ(policies(), before);
  // A policy that others inherit from cannot start inheriting.
  auto other = create("Other");
  expect_conflict(post(path(root), R"({"inherits_from": )" + std::to_string(other) + "}"),
                  {"inherits_from"});
  // A child may move to another root.
  auto reply = post(path(child), R"({"inherits_from": )" + std::to_string(other) + "}");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.at("inherits_from"), other);
  // Now nothing inherits from root, so it may inherit.
  reply = post(path(root), R"({"inherits_from": )" + std::to_string(other) + "}");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(policy(root).at("inherits_from"), other);
}

TEST_F(DevicePoliciesTest, InheritsFromTakesAnIdOrNullAndTheConsoleForms) {
  auto root = create("Root", R"({"Autorun": true})");
  for (const char* bad : {"0", "-1", "1.5", "true", "\"abc\"", "\" 3\"", "\"-1\"", "[]"}) {
    SCOPED_TRACE(bad);
    expect_invalid(
        post("/devicepolicies/", std::string(R"({"name": "C", "inherits_from": )") + bad + "}"),
        {"inherits_from"});
  }
  // C.1: a string of digits is an id, and "" is null.
  auto reply =
      post("/devicepolicies/", R"({"name": "C", "inherits_from": ")" + std::to_string(root) +
                                   R"(", "policy": {"Autorun": "--inherit--"}})");
  ASSERT_EQ(reply.status, 201) << reply.body;
  EXPECT_EQ(reply.json.at("inherits_from"), root);  // shown as an integer
  auto child = reply.json.at("id").as_int64();
  reply = post("/devicepolicies/", R"({"name": "D", "inherits_from": ""})");
  ASSERT_EQ(reply.status, 201) << reply.body;
  EXPECT_EQ(reply.json.at("inherits_from"), nullptr);
  reply = post(path(child), R"({"inherits_from": "", "policy": {}})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.at("inherits_from"), nullptr);
}

// --- replace ---------------------------------------------------------------------------------

TEST_F(DevicePoliciesTest, PostReplacesOnlyTheFieldsItIsGiven) {
  auto root = create("Root");
  auto id = create("Laptops", R"({"Autorun": true, "EnablePreviews": false})");
  // The name alone: the policy stays.
  auto reply = post(path(id), R"({"name": "Notebooks"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  expect_policy_shape(reply.json);
  EXPECT_EQ(reply.json, json(R"({"id": )" + std::to_string(id) + R"(, "name": "Notebooks",
      "inherits_from": null, "policy": {"Autorun": true, "EnablePreviews": false}})"));
  EXPECT_EQ(policy(id), reply.json);
  // The policy is replaced whole, not merged.
  reply = post(path(id) + "/", R"({"policy": {"EnableAutomaticScan": true}})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.at("policy"), json(R"({"EnableAutomaticScan": true})"));
  EXPECT_EQ(reply.json.at("name"), "Notebooks");
  // inherits_from alone; then policy alone keeps it.
  reply = post(path(id), R"({"inherits_from": )" + std::to_string(root) + "}");
  ASSERT_EQ(reply.status, 200) << reply.body;
  reply = post(path(id), R"({"policy": {"Autorun": "--inherit--"}})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.at("inherits_from"), root);
  // An empty body changes nothing.
  reply = post(path(id), "{}");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json, policy(id));
}

TEST_F(DevicePoliciesTest, RefusedReplacementsChangeNothing) {
  auto root = create("Root");
  create("Other");
  auto id = create("Child", R"({"Autorun": "--inherit--"})", root);
  auto before = policies();
  // Dropping inherits_from would leave an "--inherit--" without a parent.
  expect_invalid(post(path(id), R"({"inherits_from": null})"), {"policy.Autorun"});
  expect_invalid(post(path(id), R"({"name": "Renamed", "policy": {"Autorun": 3}})"),
                 {"policy.Autorun"});
  expect_invalid(post(path(id), R"({"name": "", "colour": 1})"), {"name", "colour"});
  expect_invalid(post(path(id), R"({"policy": null})"), {"policy"});
  expect_conflict(post(path(id), R"({"name": "other", "policy": {}})"), {"name"});
  expect_conflict(post(path(id), R"({"name": "Renamed", "inherits_from": 987654})"),
                  {"inherits_from"});
  EXPECT_EQ(policies(), before);
}

TEST_F(DevicePoliciesTest, UnknownIdsAre404) {
  auto id = create("Laptops");
  for (const std::string& missing :
       {path(id + 1000), std::string("/devicepolicies/abc"), std::string("/devicepolicies/0"),
        std::string("/devicepolicies/-1")}) {
    SCOPED_TRACE(missing);
    EXPECT_EQ(get(missing).status, 404);
    EXPECT_EQ(post(missing, R"({"name": "X"})").status, 404);
    EXPECT_EQ(request("DELETE", missing, "", alpha).status, 404);
  }
  EXPECT_EQ(policies().size(), 1u);
  EXPECT_EQ(request("PUT", path(id), "{}", alpha).status, 405);
  EXPECT_EQ(request("GET", path(id), "", std::nullopt).status, 401);
  EXPECT_EQ(request("GET", "/devicepolicies/", "", std::nullopt).status, 401);
}

// --- delete ----------------------------------------------------------------------------------

TEST_F(DevicePoliciesTest, DeleteAnswers204AndTheIdIsNeverReused) {
  auto first = create("First");
  auto second = create("Second");
  auto reply = request("DELETE", path(second), "", alpha);
  EXPECT_EQ(reply.status, 204) << reply.body;
  EXPECT_TRUE(reply.body.empty());
  EXPECT_EQ(get(path(second)).status, 404);
  EXPECT_EQ(request("DELETE", path(second), "", alpha).status, 404);
  // The highest id was deleted; a new policy still gets a new one.
  auto third = create("Second");
  EXPECT_GT(third, second);
  EXPECT_EQ(request("DELETE", path(first) + "/", "", alpha).status, 204);
  std::vector<std::int64_t> ids;
  for (const auto& p : policies()) ids.push_back(p.at("id").as_int64());
  EXPECT_EQ(ids, std::vector<std::int64_t>{third});
}

TEST_F(DevicePoliciesTest, DeleteOfAPolicyInUseIs409) {
  auto root = create("Root");
  auto child = create("Child", "{}", root);
  auto group_id = default_group(alpha_id);
  ASSERT_EQ(assign(group_id, std::to_string(child)).status, 200);
  auto before = policies();
  expect_conflict(request("DELETE", path(root), "", alpha), {"policy_id"});   // inherited from
  expect_conflict(request("DELETE", path(child), "", alpha), {"policy_id"});  // used by a group
  EXPECT_EQ(policies(), before);
  EXPECT_EQ(group(group_id).at("device_policy"), child);
  // Once free, both go.
  ASSERT_EQ(assign(group_id, "null").status, 200);
  EXPECT_EQ(request("DELETE", path(child), "", alpha).status, 204);
  EXPECT_EQ(request("DELETE", path(root), "", alpha).status, 204);
  EXPECT_TRUE(policies().empty());
}

// --- groups ----------------------------------------------------------------------------------

TEST_F(DevicePoliciesTest, GroupsPointAtAPolicyOrNull) {
  auto laptops = create("Laptops");
  auto desktops = create("Desktops");
  auto plan = directory().plans(alpha_id).at(0).plan_id;
  auto reply = post("/groups/", R"({"name": "Sales", "plan_id": )" + std::to_string(plan) +
                                    R"(, "webapi_enable": true, "check_domain": false,
                                       "device_policy": )" +
                                    std::to_string(laptops) + "}");
  ASSERT_EQ(reply.status, 201) << reply.body;
  EXPECT_EQ(reply.json.at("device_policy"), laptops);
  auto sales = reply.json.at("group_id").as_int64();
  EXPECT_EQ(group(sales).at("device_policy"), laptops);
  reply = assign(sales, std::to_string(desktops));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.at("device_policy"), desktops);
  // Other fields leave it alone.
  reply = post("/groups/" + std::to_string(sales), R"({"name": "Field sales"})");
  EXPECT_EQ(reply.json.at("device_policy"), desktops);
  bool listed = false;
  auto listing = get("/groups/");
  for (const auto& g : listing.json.as_array())
    if (g.at("group_id") == sales) listed = g.at("device_policy") == desktops;
  EXPECT_TRUE(listed);
  // Unknown ids are 409 and change nothing; null clears.
  expect_conflict(assign(sales, "987654"), {"device_policy"});
  expect_invalid(assign(sales, "\"strict\""), {"device_policy"});
  EXPECT_EQ(group(sales).at("device_policy"), desktops);
  reply = assign(sales, "null");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.at("device_policy"), nullptr);
}

TEST_F(DevicePoliciesTest, GroupsTakeTheConsoleFormsOfDevicePolicy) {
  auto laptops = create("Laptops");
  auto group_id = default_group(alpha_id);
  auto reply = assign(group_id, "\"" + std::to_string(laptops) + "\"");  // "6"
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.at("device_policy"), laptops);
  reply = assign(group_id, "\"\"");  // blank means none
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.at("device_policy"), nullptr);
  for (const char* bad : {"\" 1\"", "\"1.0\"", "\"-1\"", "\"0x1\""})
    expect_invalid(assign(group_id, bad), {"device_policy"});
  EXPECT_EQ(group(group_id).at("device_policy"), nullptr);
}

// --- tenant isolation ------------------------------------------------------------------------

TEST_F(DevicePoliciesTest, PartnersSeeAndUseOnlyTheirOwnPolicies) {
  auto mine = create("Laptops", R"({"Autorun": true})");
  auto before = policy(mine);
  auto target = path(mine);
  EXPECT_TRUE(policies_of(beta).empty());
  EXPECT_EQ(get_as(beta, target).status, 404);
  EXPECT_EQ(post_as(beta, target, R"({"name": "Stolen"})").status, 404);
  EXPECT_EQ(request("DELETE", target, "", beta).status, 404);
  // Nor inherit from it, nor give it to a group.
  expect_conflict(post_as(beta, "/devicepolicies/",
                          R"({"name": "Mine", "inherits_from": )" + std::to_string(mine) + "}"),
                  {"inherits_from"});
  auto beta_group = default_group(beta_id);
  expect_conflict(post_as(beta, "/groups/" + std::to_string(beta_group),
                          R"({"device_policy": )" + std::to_string(mine) + "}"),
                  {"device_policy"});
  EXPECT_TRUE(policies_of(beta).empty());
  // A name is unique per partner only.
  auto theirs = create_as(beta, "Laptops");
  expect_conflict(post_as(beta, path(theirs), R"({"inherits_from": )" + std::to_string(mine) + "}"),
                  {"inherits_from"});
  EXPECT_EQ(policy(mine), before);
  EXPECT_EQ(policies().size(), 1u);
  // And alpha cannot use beta's.
  expect_conflict(assign(default_group(alpha_id), std::to_string(theirs)), {"device_policy"});
  EXPECT_EQ(get(path(theirs)).status, 404);
}

// --- the effective policy (storage service) --------------------------------------------------

TEST_F(DevicePoliciesTest, EffectivePolicyResolvesInheritanceAndLeavesOutUnset) {
  auto user = create_user("jsmith");
  auto reply = effective("alpha", user);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json, json(R"({"policy_id": null, "preferences": {}})"));

  auto parent = create("Parent", R"({"Autorun": true, "EnablePreviews": "--unset--",
      "DeletedItemsAutomaticPurge": 30, "HttpProxyEnabled": true, "HttpProxyHost": "proxy",
      "HttpProxyPort": 3128})");
  auto child = create("Child", R"({"Autorun": "--inherit--", "EnablePreviews": "--inherit--",
      "EnableAutomaticScan": "--unset--", "DeletedItemsAutomaticPurge": 7,
      "HistoricalVersionAutomaticPurge": "--inherit--", "HttpProxyEnabled": "--inherit--"})",
                      parent);
  auto group_id = default_group(alpha_id);
  ASSERT_EQ(assign(group_id, std::to_string(child)).status, 200);
  reply = effective("alpha", user);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json, json(R"({"policy_id": )" + std::to_string(child) + R"(,
      "preferences": {"Autorun": true, "DeletedItemsAutomaticPurge": 7,
                      "HttpProxyEnabled": true}})"));
  // A change of the parent shows at once; so does the email form of the user.
  ASSERT_EQ(post(path(parent), R"({"policy": {"Autorun": false,
                                  "HistoricalVersionAutomaticPurge": 90}})")
                .status,
            200);
  reply = effective("alpha", "jsmith@example.com");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.at("preferences"),
            json(R"({"Autorun": false, "DeletedItemsAutomaticPurge": 7,
                     "HistoricalVersionAutomaticPurge": 90})"));
  // The parent's own policy, for a group that uses it directly.
  ASSERT_EQ(assign(group_id, std::to_string(parent)).status, 200);
  EXPECT_EQ(effective("alpha", user).json, json(R"({"policy_id": )" + std::to_string(parent) + R"(,
                 "preferences": {"Autorun": false, "HistoricalVersionAutomaticPurge": 90}})"));
}

TEST_F(DevicePoliciesTest, EffectivePolicyIsForTheServiceAndTheUsersPartnerOnly) {
  auto user = create_user("jsmith");
  EXPECT_EQ(effective("alpha", "nobody").status, 404);
  EXPECT_EQ(effective("nosuchpartner", user).status, 404);
  EXPECT_EQ(effective("beta", user).status, 404);  // alpha's user under beta
  auto target = "/partners/alpha/users/" + user + "/policy";
  EXPECT_EQ(internal("GET", target, "", basic_authorization(alpha)).status, 401);
  EXPECT_EQ(internal("GET", target, "", std::string("Bearer wrong-token")).status, 401);
  EXPECT_EQ(request_target("GET", "/internal/v1" + target, "", alpha).status, 401);
  EXPECT_EQ(internal("PUT", target, "{}").status, 405);
}

}  // namespace
}  // namespace accountsd::testing
