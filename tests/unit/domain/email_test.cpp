#include "domain/email.hpp"

#include <gtest/gtest.h>

#include <string>

namespace accountsd::domain {
namespace {

TEST(IsValidEmail, AcceptsOrdinaryAddresses) {
  for (const char* address :
       {"support@example.com", "a@b.co", "first.last@example.co.uk", "user+tag@mail.example.org",
        "USER@EXAMPLE.COM", "x_y-z@sub-domain.example.com", "1234@123.example",
        "o'brien@example.ie"}) {
    EXPECT_TRUE(is_valid_email(address)) << address;
  }
}

TEST(IsValidEmail, AcceptsEveryAtextCharacter) {
  EXPECT_TRUE(is_valid_email("!#$%&'*+/=?^_`{|}~.-@example.com"));
  EXPECT_TRUE(is_valid_email("a!b#c$d%e&f'g*h+i/j=k?l^m_n`o{p|q}r~s-t@example.com"));
}

TEST(IsValidEmail, RejectsMissingOrExtraAt) {
  EXPECT_FALSE(is_valid_email("support.example.com"));
  EXPECT_FALSE(is_valid_email("a@b@example.com"));
  EXPECT_FALSE(is_valid_email("a@@example.com"));
  EXPECT_FALSE(is_valid_email("@"));
  EXPECT_FALSE(is_valid_email(""));
}

TEST(IsValidEmail, RejectsBadLocalParts) {
  for (const char* address :
       {"@example.com", ".a@example.com", "a.@example.com", "a..b@example.com", "a b@example.com",
        "\"a b\"@example.com", "a(b)@example.com", "a,b@example.com", "a;b@example.com",
        "a<b>@example.com", "a[b]@example.com", "a\\b@example.com", "a:b@example.com",
        "\tab@example.com", "caf\xC3\xA9@example.com"}) {
    EXPECT_FALSE(is_valid_email(address)) << address;
  }
  EXPECT_FALSE(is_valid_email(std::string_view("a\0b@example.com", 15)));
}

TEST(IsValidEmail, RejectsBadDomains) {
  for (const char* address :
       {"a@", "a@localhost", "a@example", "a@.example.com", "a@example..com", "a@example.com.",
        "a@-example.com", "a@example-.com", "a@exa_mple.com", "a@exa mple.com", "a@[192.0.2.1]",
        "a@example.com ", " a@example.com", "a@b\xC3\xA9.com"}) {
    EXPECT_FALSE(is_valid_email(address)) << address;
  }
}

TEST(IsValidEmail, LocalPartUpToSixtyFourCharacters) {
  EXPECT_TRUE(is_valid_email(std::string(64, 'a') + "@example.com"));
  EXPECT_FALSE(is_valid_email(std::string(65, 'a') + "@example.com"));
}

TEST(IsValidEmail, WholeAddressUpTo254Characters) {
  // 64 + 1 + (63 + 1 + 63 + 1 + 61) = 254
  const std::string domain =
      std::string(63, 'b') + "." + std::string(63, 'c') + "." + std::string(61, 'd');
  const std::string at_limit = std::string(64, 'a') + "@" + domain;
  ASSERT_EQ(at_limit.size(), 254U);
  EXPECT_TRUE(is_valid_email(at_limit));
  EXPECT_FALSE(is_valid_email(std::string(64, 'a') + "@" + domain + "d"));
}

}  // namespace
}  // namespace accountsd::domain
