// Device-policy rules (C.5) without a server: value checks against the catalogue, sentinels,
// parent-child rules, replacing fields, and the preferences a device applies.
#include "domain/device_policy.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <string>
#include <vector>

namespace accountsd::domain {
namespace {

boost::json::object obj(const std::string& json) {
  return boost::json::parse(json).as_object();
}

DevicePolicy policy_of(const std::string& json, std::optional<std::int64_t> inherits_from = {}) {
  DevicePolicy p;
  p.policy_id = 7;
  p.name = "Laptops";
  p.inherits_from = inherits_from;
  p.policy = obj(json);
  return p;
}

// The fields that policy_problems names, sorted; every explanation mentions its field.
std::vector<std::string> problems(const std::string& json,
                                  std::optional<std::int64_t> inherits_from = {}) {
  std::vector<std::string> fields;
  for (const auto& [field, explanation] : policy_problems(policy_of(json, inherits_from))) {
    EXPECT_NE(explanation.find(field), std::string::npos) << explanation;
    fields.push_back(field);
  }
  std::sort(fields.begin(), fields.end());
  return fields;
}

using Fields = std::vector<std::string>;

TEST(DevicePolicyProblems, AnEmptyPolicyIsFine) {
  EXPECT_EQ(problems("{}"), Fields{});
}

TEST(DevicePolicyProblems, UnknownNamesAreRefusedCaseSensitively) {
  EXPECT_EQ(problems(R"({"autorun": true, "General": true, "Autorun": true})"),
            (Fields{"policy.General", "policy.autorun"}));
}

TEST(DevicePolicyProblems, ValuesMustFitTheirType) {
  // boolean
  EXPECT_EQ(problems(R"({"Autorun": false, "EnablePreviews": true})"), Fields{});
  for (const char* bad : {"1", "\"true\"", "null", "[]"})
    EXPECT_EQ(problems(std::string(R"({"Autorun": )") + bad + "}"), Fields{"policy.Autorun"})
        << bad;
  // integer >= 0, within the catalogue's maximum
  EXPECT_EQ(problems(R"({"DeletedItemsAutomaticPurge": 0, "HistoricalVersionAutomaticPurge":
                         9223372036854775807})"),
            Fields{});
  for (const char* bad : {"-1", "1.5", "30.0", "\"30\"", "true", "18446744073709551615"})
    EXPECT_EQ(problems(std::string(R"({"DeletedItemsAutomaticPurge": )") + bad + "}"),
              Fields{"policy.DeletedItemsAutomaticPurge"})
        << bad;
  // C.5 says integer >= 0 and nothing more: the catalogue sets no maximum for the port.
  EXPECT_EQ(problems(R"({"HttpProxyEnabled": true, "HttpProxyPort": 65536})"), Fields{});
  EXPECT_EQ(problems(R"({"HttpProxyEnabled": true, "HttpProxyPort": -1})"),
            Fields{"policy.HttpProxyPort"});
  // string, one of the choices when there are some
  EXPECT_EQ(problems(R"({"HttpProxyEnabled": true, "HttpProxyHost": ""})"), Fields{});
  EXPECT_EQ(problems(R"({"HttpProxyEnabled": true, "HttpProxyHost": 8080})"),
            Fields{"policy.HttpProxyHost"});
  EXPECT_EQ(
      problems(R"({"macBackupSelectionEnabled": true, "macBackupSelectionScope": "exactly"})"),
      Fields{});
  for (const char* bad : {"\"Exactly\"", "\"sometimes\"", "1"})
    EXPECT_EQ(problems(std::string(R"({"macBackupSelectionEnabled": true,
                                       "macBackupSelectionScope": )") +
                       bad + "}"),
              Fields{"policy.macBackupSelectionScope"})
        << bad;
  // string[]
  const std::string advanced =
      R"("linuxBackupSelectionEnabled": true, "linuxBackupSelectionType": "advanced", )";
  EXPECT_EQ(problems("{" + advanced + R"("linuxAdvancedBackupSelectionSelected": ["$HOME/a", "/b"],
                                         "linuxAdvancedBackupSelectionDeselected": []})"),
            Fields{});
  for (const char* bad : {"\"$HOME\"", "[1]", "[\"a\", null]", "{}"})
    EXPECT_EQ(problems("{" + advanced + R"("linuxAdvancedBackupSelectionSelected": )" + bad + "}"),
              Fields{"policy.linuxAdvancedBackupSelectionSelected"})
        << bad;
}

TEST(DevicePolicyProblems, EveryOffendingEntryIsNamed) {
  EXPECT_EQ(problems(R"({"Autorun": 1, "Nope": true, "DeletedItemsAutomaticPurge": -3,
                         "EnablePreviews": true})"),
            (Fields{"policy.Autorun", "policy.DeletedItemsAutomaticPurge", "policy.Nope"}));
}

TEST(DevicePolicyProblems, UnsetIsRefusedOnlyForThePurgeIntervals) {
  EXPECT_EQ(problems(R"({"Autorun": "--unset--", "HttpProxyEnabled": "--unset--",
                         "windowsxpBackupSelectionEnabled": "--unset--"})"),
            Fields{});
  EXPECT_EQ(
      problems(R"({"DeletedItemsAutomaticPurge": "--unset--",
                         "HistoricalVersionAutomaticPurge": "--unset--"})"),
      (Fields{"policy.DeletedItemsAutomaticPurge", "policy.HistoricalVersionAutomaticPurge"}));
}

TEST(DevicePolicyProblems, InheritNeedsAParentPolicy) {
  const std::string policy =
      R"({"Autorun": "--inherit--", "DeletedItemsAutomaticPurge": "--inherit--"})";
  EXPECT_EQ(problems(policy), (Fields{"policy.Autorun", "policy.DeletedItemsAutomaticPurge"}));
  EXPECT_EQ(problems(policy, 3), Fields{});
  // Other strings are values, checked by type: "--set--" is no sentinel here.
  EXPECT_EQ(problems(R"({"Autorun": "--set--"})", 3), Fields{"policy.Autorun"});
}

TEST(DevicePolicyProblems, AChildNeedsItsParentWithItsConditionalValue) {
  EXPECT_EQ(problems(R"({"FullScheduleIntervalMinutes": 60})"),
            Fields{"policy.FullScheduleIntervalMinutes"});
  EXPECT_EQ(problems(R"({"FullScheduleEnable": false, "FullScheduleIntervalMinutes": 60})"),
            Fields{"policy.FullScheduleIntervalMinutes"});
  EXPECT_EQ(problems(R"({"FullScheduleEnable": true, "FullScheduleIntervalMinutes": 60})"),
            Fields{});
  // A child may be a sentinel itself, but a sentinel parent allows no children.
  EXPECT_EQ(problems(R"({"FullScheduleEnable": true, "FullScheduleIntervalMinutes": "--unset--"})"),
            Fields{});
  EXPECT_EQ(problems(R"({"FullScheduleEnable": "--unset--", "FullScheduleIntervalMinutes": 60})"),
            Fields{"policy.FullScheduleIntervalMinutes"});
  EXPECT_EQ(problems(R"({"FullScheduleEnable": "--inherit--",
                         "FullScheduleIntervalMinutes": "--inherit--"})",
                     3),
            Fields{"policy.FullScheduleIntervalMinutes"});
}

TEST(DevicePolicyProblems, GrandchildrenFollowTheirOwnParent) {
  const std::string enabled = R"("windowsnewerthanxpBackupSelectionEnabled": true, )";
  const std::string basic = R"("windowsnewerthanxpBackupSelectionType": "basic", )";
  const std::string advanced = R"("windowsnewerthanxpBackupSelectionType": "advanced", )";
  const std::string desktop = R"("windowsnewerthanxpBasicBackupSelectionDesktop": true)";
  EXPECT_EQ(problems("{" + enabled + basic + desktop + "}"), Fields{});
  EXPECT_EQ(problems("{" + enabled + advanced + desktop + "}"),
            Fields{"policy.windowsnewerthanxpBasicBackupSelectionDesktop"});
  // Without the top switch the type is refused; the folder still has its own parent's value.
  EXPECT_EQ(problems("{" + basic + desktop + "}"),
            Fields{"policy.windowsnewerthanxpBackupSelectionType"});
  // Another platform's switch does not count.
  EXPECT_EQ(problems(R"({"macBackupSelectionEnabled": true, )" + basic + desktop + "}"),
            Fields{"policy.windowsnewerthanxpBackupSelectionType"});
}

TEST(DevicePolicyPatch, ReplacesOnlyTheFieldsGiven) {
  auto p = policy_of(R"({"Autorun": true})", 3);
  DevicePolicyPatch rename;
  rename.name = "Desktops";
  apply(p, rename);
  EXPECT_EQ(p.name, "Desktops");
  EXPECT_EQ(p.inherits_from, 3);
  EXPECT_EQ(p.policy, obj(R"({"Autorun": true})"));

  DevicePolicyPatch replace;
  replace.inherits_from = std::optional<std::int64_t>();
  replace.policy = obj(R"({"EnablePreviews": false})");
  apply(p, replace);
  EXPECT_EQ(p.name, "Desktops");
  EXPECT_EQ(p.inherits_from, std::nullopt);
  EXPECT_EQ(p.policy, obj(R"({"EnablePreviews": false})"));  // not merged
  EXPECT_EQ(p.policy_id, 7);
}

TEST(EffectivePreferences, LeavesOutUnsetAndResolvesInheritFromTheParent) {
  auto parent = policy_of(R"({"Autorun": true, "EnablePreviews": "--unset--",
                              "DeletedItemsAutomaticPurge": 30, "HttpProxyEnabled": true,
                              "HttpProxyHost": "proxy.example.com"})");
  auto child = policy_of(R"({"Autorun": "--inherit--", "EnablePreviews": "--inherit--",
                             "EnableAutomaticScan": "--unset--", "DeletedItemsAutomaticPurge": 7,
                             "HistoricalVersionAutomaticPurge": "--inherit--",
                             "HttpProxyEnabled": false})",
                         parent.policy_id);
  EXPECT_EQ(effective_preferences(child, &parent),
            obj(R"({"Autorun": true, "DeletedItemsAutomaticPurge": 7,
                                   "HttpProxyEnabled": false})"));
  EXPECT_EQ(effective_preferences(parent, nullptr),
            obj(R"({"Autorun": true, "DeletedItemsAutomaticPurge": 30,
                                   "HttpProxyEnabled": true, "HttpProxyHost": "proxy.example.com"})"));
  // Without the parent at hand, inherited values are left out rather than guessed.
  EXPECT_EQ(effective_preferences(child, nullptr),
            obj(R"({"DeletedItemsAutomaticPurge": 7, "HttpProxyEnabled": false})"));
  EXPECT_EQ(effective_preferences(policy_of("{}"), nullptr), boost::json::object());
}

}  // namespace
}  // namespace accountsd::domain
