// A.5: POST /partner/password changes the partner's API password, effective at once.
#include <string>
#include <vector>

#include "auth/appliance_key.hpp"
#include "support/api_fixture.hpp"

namespace accountsd::testing {
namespace {

// `count` copies of `unit`.
std::string repeat(const std::string& unit, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) out += unit;
  return out;
}

// The JSON text of a string value.
std::string quoted(const std::string& text) {
  return boost::json::serialize(boost::json::value(text));
}

class PartnerPasswordTest : public ApiTest {
 protected:
  // Changes alpha's password to `password` and checks the 200 {} answer.
  void change_to(const std::string& password) {
    auto reply = post("/partner/password", quoted(password));
    ASSERT_EQ(reply.status, 200) << reply.body;
    ASSERT_TRUE(reply.json.is_object()) << reply.body;
    EXPECT_TRUE(reply.json.as_object().empty()) << reply.body;
    EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8");
  }

  // Checks a 400 for `body` naming the password, and that alpha's password is unchanged.
  void expect_refused(const std::string& body,
                      const std::map<std::string, std::string>& headers = {}) {
    auto reply = request("POST", "/partner/password", body, alpha, headers);
    EXPECT_EQ(reply.status, 400) << reply.body;
    ASSERT_TRUE(reply.json.is_object()) << reply.body;
    ASSERT_TRUE(reply.json.as_object().contains("reason")) << reply.body;
    EXPECT_TRUE(reply.json.at("reason").is_string());
    ASSERT_TRUE(reply.json.as_object().contains("invalid")) << reply.body;
    ASSERT_TRUE(reply.json.at("invalid").is_array()) << reply.body;
    EXPECT_EQ(reply.json.at("invalid"), json(R"(["password"])")) << reply.body;
    auto after = get("/partner/quota");
    EXPECT_EQ(after.status, 200) << "the old password must still work";
  }
};

TEST_F(PartnerPasswordTest, ChangeAnswersAnEmptyObject) {
  auto reply = post("/partner/password", R"("s3cret-and-long")");
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json, json("{}"));
  EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8");
}

TEST_F(PartnerPasswordTest, OldPasswordFailsOnTheVeryNextRequest) {
  // Use the old password first so that it is remembered by the credential cache.
  ASSERT_EQ(get("/partner/quota").status, 200);
  ASSERT_EQ(get("/partner/features").status, 200);
  change_to("s3cret-and-long");

  auto old_reply = get("/partner/quota");
  EXPECT_EQ(old_reply.status, 401) << old_reply.body;
  EXPECT_EQ(old_reply.header("www-authenticate"), "Basic realm=\"accounts\"");
  EXPECT_EQ(get("/ping").status, 401);
  EXPECT_EQ(post("/partner/password", quoted(alpha.password + "-again")).status, 401);

  const Login renewed{alpha.username, "s3cret-and-long"};
  EXPECT_EQ(get_as(renewed, "/partner/quota").status, 200);
}

TEST_F(PartnerPasswordTest, NewPasswordWorksAtOnce) {
  change_to("s3cret-and-long");
  const Login renewed{alpha.username, "s3cret-and-long"};
  auto ping = get_as(renewed, "/ping");
  EXPECT_EQ(ping.status, 200);
  EXPECT_EQ(ping.json, boost::json::value("pong"));
  EXPECT_EQ(get_as(renewed, "/partner/billing").status, 200);
  EXPECT_EQ(get("/ping").status, 401);
  EXPECT_EQ(get("/partner/billing").status, 401);
}

TEST_F(PartnerPasswordTest, ChangeIsRepeatableAndOnlyTheLatestWorks) {
  change_to("first-new-password");
  const Login first{alpha.username, "first-new-password"};
  ASSERT_EQ(get_as(first, "/partner/quota").status, 200);
  auto reply = post_as(first, "/partner/password", quoted("second-new-password"));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(get_as(first, "/partner/quota").status, 401);
  EXPECT_EQ(get("/partner/quota").status, 401);
  EXPECT_EQ(get_as(Login{alpha.username, "second-new-password"}, "/partner/quota").status, 200);
}

TEST_F(PartnerPasswordTest, ChangeAffectsOnlyTheCallingPartner) {
  change_to("s3cret-and-long");
  EXPECT_EQ(get_as(beta, "/partner/quota").status, 200);
  // beta cannot log in with alpha's new password.
  EXPECT_EQ(get_as(Login{beta.username, "s3cret-and-long"}, "/partner/quota").status, 401);
}

TEST_F(PartnerPasswordTest, AcceptsTheBodyWhateverTheContentType) {
  auto js = request("POST", "/partner/password", quoted("javascript-password"), alpha,
                    {{"Content-Type", "text/javascript"}});
  ASSERT_EQ(js.status, 200) << js.body;
  const Login second{alpha.username, "javascript-password"};
  EXPECT_EQ(get_as(second, "/partner/quota").status, 200);
  auto plain = request("POST", "/partner/password", quoted("json-typed-password"), second,
                       {{"Content-Type", "application/json"}});
  ASSERT_EQ(plain.status, 200) << plain.body;
  EXPECT_EQ(get_as(Login{alpha.username, "json-typed-password"}, "/partner/quota").status, 200);
}

TEST_F(PartnerPasswordTest, AcceptsEightCharacters) {
  change_to("12345678");
  EXPECT_EQ(get_as(Login{alpha.username, "12345678"}, "/partner/quota").status, 200);
}

TEST_F(PartnerPasswordTest, Accepts1024Characters) {
  const std::string password = repeat("abcdefgh", 128);
  ASSERT_EQ(password.size(), 1024U);
  change_to(password);
  EXPECT_EQ(get_as(Login{alpha.username, password}, "/partner/quota").status, 200);
}

TEST_F(PartnerPasswordTest, CountsCodePointsNotBytes) {
  // Eight two-byte characters: 16 bytes, 8 code points.
  const std::string eight = repeat("\xC3\xA9", 8);  // é
  change_to(eight);
  EXPECT_EQ(get_as(Login{alpha.username, eight}, "/partner/quota").status, 200);

  // 1024 two-byte characters are 2048 bytes but within the limit.
  const std::string long_one = repeat("\xC3\xA9", 1024);
  auto reply = post_as(Login{alpha.username, eight}, "/partner/password", quoted(long_one));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(get_as(Login{alpha.username, long_one}, "/partner/quota").status, 200);
}

TEST_F(PartnerPasswordTest, JsonEscapesAreDecoded) {
  auto reply = post("/partner/password", R"("\u00e9\u00e9\u00e9\u00e9-\"q\"-\\")");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(
      get_as(Login{alpha.username, "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9-\"q\"-\\"}, "/partner/quota")
          .status,
      200);
}

TEST_F(PartnerPasswordTest, PasswordMayContainColonsAndSpaces) {
  change_to("pass:word with spaces:");
  EXPECT_EQ(get_as(Login{alpha.username, "pass:word with spaces:"}, "/partner/quota").status, 200);
}

TEST_F(PartnerPasswordTest, RefusesAnObject) {
  expect_refused(R"({"password": "s3cret-and-long"})");
}

TEST_F(PartnerPasswordTest, RefusesANumber) {
  expect_refused("12345678");
}

TEST_F(PartnerPasswordTest, RefusesOtherNonStrings) {
  expect_refused("null");
  expect_refused("true");
  expect_refused(R"(["s3cret-and-long"])");
}

TEST_F(PartnerPasswordTest, RefusesAnEmptyBody) {
  expect_refused("");
  expect_refused("  \r\n");
}

TEST_F(PartnerPasswordTest, RefusesInvalidJson) {
  expect_refused("s3cret-and-long");
  expect_refused(R"("unterminated)");
  expect_refused(R"("two" "strings")");
  expect_refused("'single-quoted'");
}

TEST_F(PartnerPasswordTest, RefusesSevenCharacters) {
  expect_refused(quoted("1234567"));
  EXPECT_EQ(get_as(Login{alpha.username, "1234567"}, "/partner/quota").status, 401);
}

TEST_F(PartnerPasswordTest, RefusesSevenMultibyteCharacters) {
  // Seven three-byte characters: 21 bytes but only 7 code points.
  const std::string seven = repeat("\xE2\x82\xAC", 7);  // €
  expect_refused(quoted(seven));
  EXPECT_EQ(get_as(Login{alpha.username, seven}, "/partner/quota").status, 401);
}

TEST_F(PartnerPasswordTest, Refuses1025Characters) {
  const std::string password = repeat("abcdefgh", 128) + "i";
  expect_refused(quoted(password));
  EXPECT_EQ(get_as(Login{alpha.username, password}, "/partner/quota").status, 401);
  expect_refused(quoted(repeat("\xC3\xA9", 1025)));
}

TEST_F(PartnerPasswordTest, RefusesOnlyWhitespace) {
  expect_refused(quoted("        "));
  expect_refused(quoted(repeat(" ", 40)));
  expect_refused(quoted(" \t \n \r \t "));
  EXPECT_EQ(get_as(Login{alpha.username, "        "}, "/partner/quota").status, 401);
}

TEST_F(PartnerPasswordTest, RefusesOnlyUnicodeWhitespace) {
  // No-break spaces, an ideographic space, an em space, a line separator: all whitespace.
  expect_refused(quoted(repeat("\xC2\xA0", 8)));
  expect_refused(quoted(repeat("\xE3\x80\x80", 8)));
  expect_refused(quoted(" \xC2\xA0 \xE2\x80\x83 \xE2\x80\xA8 \t"));
  // Whitespace around other characters is fine.
  change_to("\xC2\xA0pass word\xE3\x80\x80");
  EXPECT_EQ(get_as(Login{alpha.username, "\xC2\xA0pass word\xE3\x80\x80"}, "/partner/quota").status,
            200);
}

TEST_F(PartnerPasswordTest, OldPasswordStillWorksAfterEveryRefusal) {
  const std::vector<std::string> bodies = {
      R"({})", "8", "null", "", quoted("short"), quoted("         "), "{"};
  for (const auto& body : bodies) {
    SCOPED_TRACE(body);
    auto reply = post("/partner/password", body);
    EXPECT_EQ(reply.status, 400) << reply.body;
    EXPECT_EQ(get("/ping").status, 200);
  }
  EXPECT_EQ(get("/partner/quota").status, 200);
}

// Part C: an OpenManage appliance signs in with the appliance key of the password its
// administrator types (auth/appliance_key.hpp), and keeps it as its API password.
TEST_F(PartnerPasswordTest, TheApplianceKeyOfTheNewPasswordSignsInUntilTheNextChange) {
  change_to("s3cret-and-long");
  auto key = auth::appliance_key("s3cret-and-long");
  ASSERT_TRUE(key.has_value());
  const Login appliance{alpha.username, *key};
  auto ping = get_as(appliance, "/ping");
  EXPECT_EQ(ping.status, 200) << ping.body;
  EXPECT_EQ(ping.json, boost::json::value("pong"));
  EXPECT_EQ(get_as(appliance, "/partner/quota").status, 200);
  // The console changes the password signed in with the key.
  auto reply = request("POST", "/partner/password", quoted("another-s3cret"), appliance);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(get_as(appliance, "/ping").status, 401) << "the old key ends with its password";
  const Login renewed{alpha.username, *auth::appliance_key("another-s3cret")};
  EXPECT_EQ(get_as(renewed, "/ping").status, 200);
  EXPECT_EQ(get_as(Login{alpha.username, "another-s3cret"}, "/ping").status, 200);
}

TEST_F(PartnerPasswordTest, OnlyThePartnersOwnKeySignsIn) {
  // beta's password was set by the fixture with its hash alone: no key until it is set again.
  const Login beta_key{beta.username, *auth::appliance_key(beta.password)};
  EXPECT_EQ(get_as(beta_key, "/ping").status, 401);
  EXPECT_EQ(get_as(beta, "/ping").status, 200);
  change_to("s3cret-and-long");
  ASSERT_EQ(request("POST", "/partner/password", quoted(beta.password), beta).status, 200);
  const Login alpha_key{alpha.username, *auth::appliance_key("s3cret-and-long")};
  EXPECT_EQ(get_as(beta_key, "/ping").status, 200);
  EXPECT_EQ(get_as(alpha_key, "/ping").status, 200);
  // Each partner's key is its own, and another password's key is no key.
  EXPECT_EQ(get_as(Login{alpha.username, beta_key.password}, "/ping").status, 401);
  EXPECT_EQ(get_as(Login{beta.username, alpha_key.password}, "/ping").status, 401);
  EXPECT_EQ(
      get_as(Login{alpha.username, *auth::appliance_key("s3cret-and-longer")}, "/ping").status,
      401);
}

TEST_F(PartnerPasswordTest, APasswordWithoutAKeyEndsTheOldKey) {
  change_to("s3cret-and-long");
  const Login appliance{alpha.username, *auth::appliance_key("s3cret-and-long")};
  ASSERT_EQ(get_as(appliance, "/ping").status, 200);
  // Over 254 bytes: the console's bcrypt gives no key the server can compute.
  const std::string long_password = repeat("long-password-", 22);
  ASSERT_FALSE(auth::appliance_key(long_password).has_value());
  auto reply = request("POST", "/partner/password", quoted(long_password), appliance);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(get_as(appliance, "/ping").status, 401);
  EXPECT_EQ(get_as(Login{alpha.username, long_password}, "/ping").status, 200);
}

}  // namespace
}  // namespace accountsd::testing
