#include <gtest/gtest.h>
#include <sodium.h>

#include <string>
#include <vector>

#include "auth/authenticator.hpp"

namespace accountsd::auth {
namespace {

class ParseBasicTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_GE(sodium_init(), 0); }

  // Standard (padded) base64 of `text`, as RFC 7617 clients send it.
  static std::string base64(std::string_view text) {
    std::string out(sodium_base64_ENCODED_LEN(text.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(text.data()),
                      text.size(), sodium_base64_VARIANT_ORIGINAL);
    out.resize(out.size() - 1);  // the terminating NUL
    return out;
  }
};

TEST_F(ParseBasicTest, DecodesUsernameAndPassword) {
  EXPECT_EQ(base64("alpha:s3cret"), "YWxwaGE6czNjcmV0");
  auto credentials = parse_basic("Basic " + base64("alpha:s3cret"));
  ASSERT_TRUE(credentials.has_value());
  EXPECT_EQ(credentials->username, "alpha");
  EXPECT_EQ(credentials->password, "s3cret");
}

TEST_F(ParseBasicTest, SchemeIsCaseInsensitive) {
  for (std::string scheme : {"basic", "BASIC", "bAsIc"}) {
    auto credentials = parse_basic(scheme + " " + base64("alpha:s3cret"));
    ASSERT_TRUE(credentials.has_value()) << scheme;
    EXPECT_EQ(credentials->username, "alpha");
    EXPECT_EQ(credentials->password, "s3cret");
  }
}

TEST_F(ParseBasicTest, ToleratesExtraSpacesAroundTheCredentials) {
  for (std::string header :
       {"Basic   " + base64("alpha:s3cret"), "Basic " + base64("alpha:s3cret") + "  "}) {
    auto credentials = parse_basic(header);
    ASSERT_TRUE(credentials.has_value()) << header;
    EXPECT_EQ(credentials->username, "alpha");
    EXPECT_EQ(credentials->password, "s3cret");
  }
}

TEST_F(ParseBasicTest, PasswordMayContainColons) {
  auto credentials = parse_basic("Basic " + base64("alpha:pa:ss:word:"));
  ASSERT_TRUE(credentials.has_value());
  EXPECT_EQ(credentials->username, "alpha");
  EXPECT_EQ(credentials->password, "pa:ss:word:");
}

TEST_F(ParseBasicTest, PasswordMayBeEmptyOrUtf8) {
  auto empty = parse_basic("Basic " + base64("alpha:"));
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(empty->username, "alpha");
  EXPECT_EQ(empty->password, "");

  auto utf8 = parse_basic("Basic " + base64("j\xC3\xBCrgen:p\xC3\xA4ss w\xC3\xB6rd"));
  ASSERT_TRUE(utf8.has_value());
  EXPECT_EQ(utf8->username, "j\xC3\xBCrgen");
  EXPECT_EQ(utf8->password, "p\xC3\xA4ss w\xC3\xB6rd");
}

TEST_F(ParseBasicTest, RefusesBadBase64) {
  for (std::string header :
       {"Basic !!!!", "Basic YWxwaGE6czNjcmV0!", "Basic YWxwaGE6czNjcmV", "Basic YWxw aGE6czNjcmV0",
        "Basic ====", "Basic YWxwaGE6czNjcmV0===="}) {
    EXPECT_FALSE(parse_basic(header).has_value()) << header;
  }
}

TEST_F(ParseBasicTest, RefusesMissingColon) {
  EXPECT_FALSE(parse_basic("Basic " + base64("alphas3cret")).has_value());
}

TEST_F(ParseBasicTest, RefusesEmptyUsername) {
  EXPECT_FALSE(parse_basic("Basic " + base64(":s3cret")).has_value());
  EXPECT_FALSE(parse_basic("Basic " + base64(":")).has_value());
}

TEST_F(ParseBasicTest, RefusesOtherSchemesAndMissingCredentials) {
  for (const std::string& header : std::vector<std::string>{
           "", "Basic", "Basic ", "Basic    ", "Bearer " + base64("alpha:s3cret"),
           "Basic" + base64("alpha:s3cret"), base64("alpha:s3cret"), "Digest username=\"alpha\""}) {
    EXPECT_FALSE(parse_basic(header).has_value()) << header;
  }
}

}  // namespace
}  // namespace accountsd::auth
