// The device-preference catalogue (C.4): the embedded data holds what the spec lists, and the
// parser refuses malformed catalogues.
#include "domain/device_preferences.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <stdexcept>
#include <string>

namespace accountsd::domain {
namespace {

// Checks that `name` is in the catalogue with `type`, under `parent` (empty: none) when it has
// the value `when`.
void expect_preference(const std::string& name, PreferenceType type, const std::string& parent,
                       const boost::json::value& when = nullptr) {
  const auto& catalogue = device_preferences();
  const auto* p = catalogue.find(name);
  ASSERT_NE(p, nullptr) << name;
  EXPECT_EQ(p->type, type) << name;
  EXPECT_FALSE(p->description.empty()) << name;
  const auto* up = catalogue.parent(name);
  if (parent.empty()) {
    EXPECT_EQ(up, nullptr) << name;
  } else {
    ASSERT_NE(up, nullptr) << name;
    EXPECT_EQ(up->name, parent) << name;
  }
  EXPECT_EQ(p->conditional_parent_value, when) << name;
}

TEST(DevicePreferences, TheEmbeddedCatalogueHoldsEveryPreferenceOfC4) {
  using T = PreferenceType;
  for (const char* name : {"Autorun", "EnableAutomaticScan", "EnablePreviews"})
    expect_preference(name, T::boolean, "");
  expect_preference("FullScheduleEnable", T::boolean, "");
  expect_preference("FullScheduleIntervalMinutes", T::integer, "FullScheduleEnable", true);
  expect_preference("HttpProxyEnabled", T::boolean, "");
  expect_preference("HttpProxyHost", T::string, "HttpProxyEnabled", true);
  expect_preference("HttpProxyPort", T::integer, "HttpProxyEnabled", true);
  expect_preference("DeletedItemsAutomaticPurge", T::integer, "");
  expect_preference("HistoricalVersionAutomaticPurge", T::integer, "");
  for (std::string p : {"windowsnewerthanxp", "windowsxp", "mac", "linux"}) {
    expect_preference(p + "BackupSelectionEnabled", T::boolean, "");
    expect_preference(p + "BackupSelectionScope", T::string, p + "BackupSelectionEnabled", true);
    expect_preference(p + "BackupSelectionType", T::string, p + "BackupSelectionEnabled", true);
    for (const char* folder : {"Desktop", "Documents", "Pictures", "Music", "Videos"})
      expect_preference(p + "BasicBackupSelection" + folder, T::boolean, p + "BackupSelectionType",
                        "basic");
    for (const char* which : {"Selected", "Deselected"})
      expect_preference(p + "AdvancedBackupSelection" + which, T::string_list,
                        p + "BackupSelectionType", "advanced");
    const auto* scope = device_preferences().find(p + "BackupSelectionScope");
    ASSERT_NE(scope, nullptr);
    EXPECT_EQ(scope->choices, (std::vector<std::string>{"atleast", "exactly"}));
    const auto* type = device_preferences().find(p + "BackupSelectionType");
    ASSERT_NE(type, nullptr);
    EXPECT_EQ(type->choices, (std::vector<std::string>{"basic", "advanced"}));
  }
  EXPECT_EQ(device_preferences().find("autorun"), nullptr);  // names are case-sensitive
  EXPECT_EQ(device_preferences().find("General"), nullptr);  // categories are not preferences
}

TEST(DevicePreferences, OnlyThePurgeIntervalsMustBeManaged) {
  for (const auto& category : device_preferences().categories()) {
    for (const auto& p : category.fields) {
      bool purge =
          p.name == "DeletedItemsAutomaticPurge" || p.name == "HistoricalVersionAutomaticPurge";
      EXPECT_EQ(p.unset_allowed, !purge) << p.name;
    }
  }
}

TEST(DevicePreferences, ParsesTheOptionalRuleKeys) {
  auto catalogue = parse_preference_catalogue(R"([{"category": "C", "fields": [
      {"name": "Port", "description": "d", "type": "integer", "choices": null,
       "conditional_parent_value": null, "fields": [], "maximum": 10, "unset_allowed": false}]}])");
  const auto* port = catalogue.find("Port");
  ASSERT_NE(port, nullptr);
  EXPECT_EQ(port->maximum, 10);
  EXPECT_FALSE(port->unset_allowed);
  ASSERT_EQ(catalogue.categories().size(), 1u);
  EXPECT_EQ(catalogue.categories()[0].category, "C");
}

// A catalogue with one boolean parent and one child, with `child` spliced into the child node.
std::string with_child(const std::string& child) {
  return R"([{"category": "C", "fields": [{"name": "P", "description": "d", "type": "boolean",
      "choices": null, "conditional_parent_value": null, "fields": [)" +
         child + "]}]}]";
}

TEST(DevicePreferences, RefusesMalformedCatalogues) {
  const std::string child_ok = R"({"name": "K", "description": "d", "type": "string",
      "choices": null, "conditional_parent_value": true, "fields": []})";
  EXPECT_NO_THROW(parse_preference_catalogue(with_child(child_ok)));
  for (const std::string& bad : {
           std::string("not json"),
           std::string(R"({"category": "C", "fields": []})"),        // not a list
           std::string(R"([{"fields": []}])"),                       // no category name
           with_child(R"({"name": "K", "description": "d", "type": "float", "choices": null,
               "conditional_parent_value": true, "fields": []})"),   // unknown type
           with_child(R"({"name": "K", "description": "d", "type": "string", "choices": null,
               "conditional_parent_value": "yes", "fields": []})"),  // not a value of P
           with_child(R"({"name": "K", "description": "d", "type": "string", "choices": null,
               "conditional_parent_value": null, "fields": []})"),   // a child without condition
           with_child(R"({"name": "P", "description": "d", "type": "string", "choices": null,
               "conditional_parent_value": true, "fields": []})"),   // a repeated name
           with_child(R"({"name": "K", "description": "d", "type": "boolean", "choices": ["a"],
               "conditional_parent_value": true, "fields": []})"),   // choices for a boolean
           with_child(R"({"name": "K", "description": "d", "type": "string", "choices": null,
               "conditional_parent_value": true})"),                 // no fields
           with_child(R"({"name": "K", "description": "d", "type": "string", "choices": null,
               "conditional_parent_value": true, "fields": [], "maximum": 3})"),  // not integer
       })
    EXPECT_THROW(parse_preference_catalogue(bad), std::invalid_argument) << bad;
}

TEST(DevicePreferences, TypesAreNamedAsTheCatalogueWritesThem) {
  EXPECT_EQ(to_string(PreferenceType::boolean), "boolean");
  EXPECT_EQ(to_string(PreferenceType::integer), "integer");
  EXPECT_EQ(to_string(PreferenceType::string), "string");
  EXPECT_EQ(to_string(PreferenceType::string_list), "string[]");
}

}  // namespace
}  // namespace accountsd::domain
