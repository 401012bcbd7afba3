// A.11 partner usernames: which may name a new partner, and the form they are unique in.
#include "domain/partner.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace accountsd::domain
