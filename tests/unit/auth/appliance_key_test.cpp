// OpenManage's appliance key (Part C): what the console derives from the password its
// administrator types and sends as the partner's API password.
#include "auth/appliance_key.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <string>

#include "auth/password.hpp"

namespace accountsd::auth {
namespace {

class ApplianceKeyTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_GE(sodium_init(), 0); }
};

// Each expected key was computed by another implementation of bcrypt, pyca/bcrypt 3.2.2
// (Debian's python3-bcrypt), following netkes' hash_password step by step: salt
// "$2a$14$" + base64(sha256(password)[:16]) without "=", "+" made "."; the key is what
// follows the salt in bcrypt's answer.
TEST_F(ApplianceKeyTest, MatchesTheConsolesDerivation) {
  EXPECT_EQ(appliance_key("correct horse battery staple"), "qOCCPbX.HY8XHW/Y4AtL5rFEaF2ipju");
  EXPECT_EQ(appliance_key("xYXAx46z7ckpqMYoX6uRJZNb"), "NXgNLbHAZsTGJv.bCbtQzWDyMTD64B2");
  // Its salt's base64 is "09EA7+I1fW4kWLXhOSTvwA": the "+" is bcrypt's ".".
  EXPECT_EQ(appliance_key("plus-salt-8"), "vtLxCb9sgwb8Fdoy8p2gLS0/RbRt6N6");
  // bcrypt takes the first 72 bytes.
  EXPECT_EQ(appliance_key(std::string(80, 'y')), "I/OxtVvX5Dt4.K4izsg7F5Mek6EC4fy");
  // UTF-8 bytes, as typed.
  EXPECT_EQ(appliance_key("p\xC3\xA4ssw\xC3\xB6rd-\xC3\xBCn\xC3\xAF"
                          "code"),
            "OQpueJRNHiFke1ROru.UnFtV.MUEX9i");
}

TEST_F(ApplianceKeyTest, APasswordWithANulOrOver254BytesHasNone) {
  EXPECT_EQ(appliance_key(std::string("before\0after", 12)), std::nullopt);
  EXPECT_EQ(appliance_key(std::string(254, 'x')), "bl5MufqKoSMegoO/iRmqIThu5DPAeke");
  EXPECT_EQ(appliance_key(std::string(255, 'x')), std::nullopt);
  EXPECT_EQ(appliance_key(std::string(1024, 'x')), std::nullopt);
}

TEST_F(ApplianceKeyTest, ItsShapeIsThirtyOneCharactersOfBcryptsAlphabet) {
  EXPECT_TRUE(looks_like_appliance_key("qOCCPbX.HY8XHW/Y4AtL5rFEaF2ipju"));
  EXPECT_FALSE(looks_like_appliance_key("qOCCPbX.HY8XHW/Y4AtL5rFEaF2ipj"));    // 30
  EXPECT_FALSE(looks_like_appliance_key("qOCCPbX.HY8XHW/Y4AtL5rFEaF2ipjuu"));  // 32
  EXPECT_FALSE(looks_like_appliance_key("qOCCPbX+HY8XHW/Y4AtL5rFEaF2ipju"));   // '+'
  EXPECT_FALSE(looks_like_appliance_key("qOCCPbX HY8XHW/Y4AtL5rFEaF2ipju"));   // ' '
  EXPECT_FALSE(looks_like_appliance_key(""));
}

TEST_F(ApplianceKeyTest, APartnersPasswordIsStoredWithItsKeysHash) {
  set_hash_cost(HashCost::minimal);
  auto hashes = hash_partner_password("correct horse battery staple");
  EXPECT_TRUE(verify_password(hashes.password, "correct horse battery staple"));
  EXPECT_FALSE(verify_password(hashes.password, "qOCCPbX.HY8XHW/Y4AtL5rFEaF2ipju"));
  ASSERT_TRUE(hashes.appliance_key.has_value());
  EXPECT_TRUE(verify_password(*hashes.appliance_key, "qOCCPbX.HY8XHW/Y4AtL5rFEaF2ipju"));
  EXPECT_FALSE(verify_password(*hashes.appliance_key, "correct horse battery staple"));
  EXPECT_FALSE(hash_partner_password(std::string("nul\0inside", 10)).appliance_key.has_value());
}

}  // namespace
}  // namespace accountsd::auth
