#include "domain/settings.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace accountsd::domain {
namespace {

using Violations = std::vector<std::pair<std::string, std::string>>;

std::vector<std::string> fields_of(const Violations& violations) {
  std::vector<std::string> out;
  for (const auto& [field, explanation] : violations) out.push_back(field);
  return out;
}

TEST(FeatureViolations, EmptyPatchIsFine) {
  EXPECT_TRUE(feature_violations(SettingsPatch{}, Features{}).empty());
}

TEST(FeatureViolations, AdDomainNeedsLdap) {
  SettingsPatch patch;
  patch.ad_domain = std::optional<std::string>("corp.example.com");
  auto violations = feature_violations(patch, Features{});
  ASSERT_EQ(violations.size(), 1U);
  EXPECT_EQ(violations[0].first, "ad_domain");
  EXPECT_NE(violations[0].second.find("ldap"), std::string::npos) << violations[0].second;

  Features ldap;
  ldap.ldap = true;
  EXPECT_TRUE(feature_violations(patch, ldap).empty());
}

TEST(FeatureViolations, ClearingAdDomainIsAlwaysAllowed) {
  SettingsPatch patch;
  patch.ad_domain = std::optional<std::string>();
  EXPECT_TRUE(feature_violations(patch, Features{}).empty());
}

TEST(FeatureViolations, SignupRestrictionNeedsTheFeature) {
  SettingsPatch patch;
  patch.signup_network_restriction = std::vector<std::string>{"10.0.0.0/8"};
  auto violations = feature_violations(patch, Features{});
  ASSERT_EQ(violations.size(), 1U);
  EXPECT_EQ(violations[0].first, "signup_network_restriction");
  EXPECT_NE(violations[0].second.find("signup_restrictions"), std::string::npos)
      << violations[0].second;

  Features restrictions;
  restrictions.signup_restrictions = true;
  EXPECT_TRUE(feature_violations(patch, restrictions).empty());
}

TEST(FeatureViolations, ClearingSignupRestrictionIsAlwaysAllowed) {
  SettingsPatch patch;
  patch.signup_network_restriction = std::vector<std::string>{};
  EXPECT_TRUE(feature_violations(patch, Features{}).empty());
}

TEST(FeatureViolations, ReportsBothAndOnlyTheRightFeatureHelps) {
  SettingsPatch patch;
  patch.ad_domain = std::optional<std::string>("corp.example.com");
  patch.signup_network_restriction = std::vector<std::string>{"10.0.0.0/8", "fd00::/8"};
  EXPECT_EQ(fields_of(feature_violations(patch, Features{})),
            (std::vector<std::string>{"ad_domain", "signup_network_restriction"}));

  Features ldap_only;
  ldap_only.ldap = true;
  EXPECT_EQ(fields_of(feature_violations(patch, ldap_only)),
            std::vector<std::string>{"signup_network_restriction"});

  Features others;
  others.netkes = others.group_permissions = others.email_as_username = true;
  EXPECT_EQ(feature_violations(patch, others).size(), 2U);
}

TEST(FeatureViolations, OtherKeysNeedNoFeature) {
  SettingsPatch patch;
  patch.omva_url = std::optional<std::string>("https://omva.example.com/");
  patch.support_email = std::optional<std::string>("help@example.com");
  patch.share_link_ttl = 60;
  patch.sharing_enabled = false;
  patch.api_version = std::optional<std::string>("console 4.2");
  EXPECT_TRUE(feature_violations(patch, Features{}).empty());
}

TEST(ApplySettings, DefaultsMatchTheSpec) {
  Settings settings;
  EXPECT_EQ(settings.omva_url, std::nullopt);
  EXPECT_EQ(settings.support_email, std::nullopt);
  EXPECT_EQ(settings.share_link_ttl, 10080);
  EXPECT_EQ(settings.autopurge_interval, 0);  // off: 0 rather than A.8's null (Part C)
  EXPECT_EQ(settings.purgehold_duration, 0);
  EXPECT_EQ(settings.ad_domain, std::nullopt);
  EXPECT_TRUE(settings.signup_network_restriction.empty());
  EXPECT_EQ(settings.versionpurge_interval, 0);
  EXPECT_EQ(settings.admin_email, std::nullopt);
  EXPECT_TRUE(settings.sharing_enabled);
  EXPECT_EQ(settings.api_version, std::nullopt);
}

TEST(ApplySettings, EmptyPatchChangesNothing) {
  Settings settings;
  settings.omva_url = "https://omva.example.com/";
  settings.share_link_ttl = 5;
  settings.signup_network_restriction = {"10.0.0.0/8"};
  Settings before = settings;
  apply(settings, SettingsPatch{});
  EXPECT_EQ(settings, before);
}

TEST(ApplySettings, SetsEveryKeyGiven) {
  SettingsPatch patch;
  patch.omva_url = std::optional<std::string>("https://omva.example.com/");
  patch.support_email = std::optional<std::string>("help@example.com");
  patch.share_link_ttl = 60;
  patch.autopurge_interval = std::optional<std::int64_t>(30);
  patch.purgehold_duration = 3600;
  patch.ad_domain = std::optional<std::string>("corp.example.com");
  patch.signup_network_restriction = std::vector<std::string>{"10.0.0.0/8", "fd00::/8"};
  patch.versionpurge_interval = std::optional<std::int64_t>(90);
  patch.admin_email = std::optional<std::string>("admin@example.com");
  patch.sharing_enabled = false;
  patch.api_version = std::optional<std::string>("console 4.2");

  Settings settings;
  apply(settings, patch);
  EXPECT_EQ(settings.omva_url, "https://omva.example.com/");
  EXPECT_EQ(settings.support_email, "help@example.com");
  EXPECT_EQ(settings.share_link_ttl, 60);
  EXPECT_EQ(settings.autopurge_interval, 30);
  EXPECT_EQ(settings.purgehold_duration, 3600);
  EXPECT_EQ(settings.ad_domain, "corp.example.com");
  EXPECT_EQ(settings.signup_network_restriction,
            (std::vector<std::string>{"10.0.0.0/8", "fd00::/8"}));
  EXPECT_EQ(settings.versionpurge_interval, 90);
  EXPECT_EQ(settings.admin_email, "admin@example.com");
  EXPECT_FALSE(settings.sharing_enabled);
  EXPECT_EQ(settings.api_version, "console 4.2");
}

TEST(ApplySettings, LeavesAbsentKeysAlone) {
  Settings settings;
  settings.support_email = "help@example.com";
  settings.autopurge_interval = 14;
  settings.sharing_enabled = false;
  SettingsPatch patch;
  patch.share_link_ttl = 1;
  apply(settings, patch);
  EXPECT_EQ(settings.share_link_ttl, 1);
  EXPECT_EQ(settings.support_email, "help@example.com");
  EXPECT_EQ(settings.autopurge_interval, 14);
  EXPECT_FALSE(settings.sharing_enabled);
}

// Null turns the purge intervals off, which is 0.
TEST(ApplySettings, NullClearsNullableKeys) {
  Settings settings;
  settings.omva_url = "https://omva.example.com/";
  settings.support_email = "help@example.com";
  settings.autopurge_interval = 14;
  settings.ad_domain = "corp.example.com";
  settings.versionpurge_interval = 90;
  settings.admin_email = "admin@example.com";
  settings.api_version = "v1";
  settings.signup_network_restriction = {"10.0.0.0/8"};

  SettingsPatch patch;
  patch.omva_url = std::optional<std::string>();
  patch.support_email = std::optional<std::string>();
  patch.autopurge_interval = std::optional<std::int64_t>();
  patch.ad_domain = std::optional<std::string>();
  patch.versionpurge_interval = std::optional<std::int64_t>();
  patch.admin_email = std::optional<std::string>();
  patch.api_version = std::optional<std::string>();
  patch.signup_network_restriction = std::vector<std::string>{};
  apply(settings, patch);
  EXPECT_EQ(settings, Settings{});
}

}  // namespace
}  // namespace accountsd::domain
