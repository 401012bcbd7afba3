#include "auth/password.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <string>

namespace accountsd::auth {
namespace {

class PasswordTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_GE(sodium_init(), 0);
    set_hash_cost(HashCost::minimal);
  }
};

std::string repeat(std::string_view unit, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += unit;
  return out;
}

TEST_F(PasswordTest, AcceptsEightToTenTwentyFourCharacters) {
  EXPECT_EQ(password_problem("12345678"), std::nullopt);
  EXPECT_EQ(password_problem("s3cret-and-long"), std::nullopt);
  EXPECT_EQ(password_problem(std::string(1024, 'x')), std::nullopt);
  EXPECT_EQ(password_problem("  pass word  "), std::nullopt);
}

TEST_F(PasswordTest, RefusesTooShortOrTooLong) {
  for (std::string password : {std::string(), std::string("1234567"), std::string(1025, 'x')}) {
    auto problem = password_problem(password);
    ASSERT_TRUE(problem.has_value()) << password.size();
    EXPECT_EQ(*problem, "password must be 8 to 1024 characters");
  }
}

TEST_F(PasswordTest, CountsLengthInCodePoints) {
  // Seven 3-byte characters are 21 bytes but only 7 characters.
  EXPECT_TRUE(password_problem(repeat("\xE6\x97\xA5", 7)).has_value());
  EXPECT_EQ(password_problem(repeat("\xE6\x97\xA5", 8)), std::nullopt);
  // 1024 two-byte characters are 2048 bytes and still allowed; one more is too many.
  EXPECT_EQ(password_problem(repeat("\xC3\xA9", 1024)), std::nullopt);
  EXPECT_TRUE(password_problem(repeat("\xC3\xA9", 1025)).has_value());
}

TEST_F(PasswordTest, RefusesOnlyWhitespace) {
  for (std::string password : {"          ", "\t\t\t\t\t\t\t\t", " \t\r\n\v\f  \n"}) {
    auto problem = password_problem(password);
    ASSERT_TRUE(problem.has_value());
    EXPECT_EQ(*problem, "password must not be only whitespace");
  }
}

TEST_F(PasswordTest, HashIsArgon2idAndVerifies) {
  auto hash = hash_password("s3cret-and-long");
  EXPECT_TRUE(hash.starts_with("$argon2id$")) << hash;
  EXPECT_EQ(hash.find("s3cret-and-long"), std::string::npos);
  EXPECT_TRUE(verify_password(hash, "s3cret-and-long"));
}

TEST_F(PasswordTest, WrongPasswordDoesNotVerify) {
  auto hash = hash_password("s3cret-and-long");
  EXPECT_FALSE(verify_password(hash, "s3cret-and-lonG"));
  EXPECT_FALSE(verify_password(hash, "s3cret-and-lon"));
  EXPECT_FALSE(verify_password(hash, ""));
}

TEST_F(PasswordTest, SamePasswordGetsADifferentSaltEachTime) {
  auto first = hash_password("s3cret-and-long");
  auto second = hash_password("s3cret-and-long");
  EXPECT_NE(first, second);
  EXPECT_TRUE(verify_password(first, "s3cret-and-long"));
  EXPECT_TRUE(verify_password(second, "s3cret-and-long"));
}

TEST_F(PasswordTest, GarbageHashNeverVerifies) {
  EXPECT_FALSE(verify_password("", "s3cret-and-long"));
  EXPECT_FALSE(verify_password("not a hash", "s3cret-and-long"));
  EXPECT_FALSE(verify_password("$argon2id$v=19$m=8,t=1,p=1$", "s3cret-and-long"));
}

TEST_F(PasswordTest, HandlesBinaryAndMultibytePasswords) {
  std::string password("pass\0word\xC3\xA9", 11);
  auto hash = hash_password(password);
  EXPECT_TRUE(verify_password(hash, password));
  EXPECT_FALSE(verify_password(hash, "pass"));
}

TEST_F(PasswordTest, GeneratedPasswordsAreAcceptableAndDistinct) {
  auto first = generate_password();
  auto second = generate_password();
  EXPECT_EQ(password_problem(first), std::nullopt);
  EXPECT_GE(first.size(), 16U);
  EXPECT_NE(first, second);
}

}  // namespace
}  // namespace accountsd::auth
