// A.11 partner usernames: which may name a new partner, and the form they are unique in.
#include "domain/partner.hpp"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

namespace accountsd::domain {
namespace {

TEST(PartnerUsername, TakesLettersDigitsAndAFewMarksStartingWithALetterOrDigit) {
  for (const char* name : {"acme", "ACME", "9lives", "a.b_c-d@e", "x", "a-"})
    EXPECT_FALSE(partner_username_problem(name)) << name;
  EXPECT_FALSE(partner_username_problem(std::string(64, 'a')));
}

TEST(PartnerUsername, RefusesWhatCouldReadAsAnOptionOrIsNotPlainAscii) {
  for (const char* name : {"-rf", "--help", ".hidden", "_x", "@x", "", "a b", "a:b", "a/b",
                           "caf\xC3\xA9", "a\nb", "a\x1b"})
    EXPECT_TRUE(partner_username_problem(name)) << name;
  EXPECT_TRUE(partner_username_problem(std::string(65, 'a')));
  EXPECT_NE(partner_username_problem("-rf")->find("starting with a letter or digit"),
            std::string::npos);
}

TEST(PartnerUsername, KeysFoldAsciiLetterCaseOnly) {
  EXPECT_EQ(partner_username_key("ALPHA"), partner_username_key("alpha"));
  EXPECT_EQ(partner_username_key("Acme.Corp-9"), "acme.corp-9");
  EXPECT_NE(partner_username_key("alpha"), partner_username_key("alpha2"));
}

// A.7: the features in the order the API lists them, each found by its name and flag.
TEST(Features, AreListedInTheApiOrderAndFoundByName) {
  std::vector<std::string_view> names;
  for (const auto& feature : kFeatures) names.push_back(feature.name);
  EXPECT_EQ(names, (std::vector<std::string_view>{"netkes", "ldap", "group_permissions",
                                                  "signup_restrictions", "email_as_username"}));
  for (const auto& feature : kFeatures) {
    ASSERT_EQ(find_feature(feature.name), &feature);
    Features only;
    only.*feature.flag = true;
    int on = 0;
    for (const auto& other : kFeatures) on += only.*other.flag ? 1 : 0;
    EXPECT_EQ(on, 1) << feature.name << " shares its flag with another feature";
  }
  EXPECT_EQ(find_feature("NETKES"), nullptr);
  EXPECT_EQ(find_feature("unknown"), nullptr);
}

}  // namespace
}  // namespace accountsd::domain
