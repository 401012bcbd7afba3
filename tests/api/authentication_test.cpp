// A.2: HTTP Basic authentication of every partner endpoint, and throttling of failed logins.
#include <sodium.h>

#include <charconv>
#include <string>
#include <vector>

#include "auth/password.hpp"
#include "support/api_fixture.hpp"

namespace accountsd::testing {
namespace {

struct Endpoint {
  std::string method;
  std::string path;
  std::string body;  // a body the endpoint would accept from an authenticated partner
};

// Every route of src/api/routes.cpp except ping, each also with its other trailing-slash form.
const std::vector<Endpoint>& partner_endpoints() {
  static const std::vector<Endpoint> endpoints = {
      {"GET", "/partner/billing", ""},
      {"POST", "/partner/billing",
       R"({"name": "Internet Widgets, Inc.", "address": ["123 Rue St."], "city": "Hogtown",
           "state": "FL", "postal_code": "10101", "country": "US"})"},
      {"POST", "/partner/password", R"("a-new-password-123")"},
      {"GET", "/partner/quota", ""},
      {"GET", "/partner/features", ""},
      {"GET", "/partner/settings", ""},
      {"POST", "/partner/settings", R"({"api_version": "intruder"})"},
      {"GET", "/shares/", ""},
      {"GET", "/clientrevisions/", ""},
      {"GET", "/partner/info", ""},
      {"GET", "/partner/backup", ""},
      {"POST", "/partner/backup",
       R"({"sha256": "d9cae0dbdbf078b2020e2abe5fcd74bc1edba83c35f6b8a86d638ed9b8d3d1f9",
           "data": "QUJD"})"},
      {"GET", "/partner/billing/", ""},
      {"POST", "/partner/password/", R"("another-password-456")"},
      {"GET", "/shares", ""},
      {"GET", "/clientrevisions", ""},
  };
  return endpoints;
}

std::string base64(const std::string& bytes) {
  std::string encoded(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL),
                      '\0');
  sodium_bin2base64(encoded.data(), encoded.size(),
                    reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  encoded.resize(std::strlen(encoded.c_str()));
  return encoded;
}

// The Retry-After header as a number of seconds, or -1 when it is not a plain integer.
long long retry_after_seconds(const Reply& reply) {
  std::string text = reply.header("retry-after");
  long long seconds = -1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return -1;
  return seconds;
}

class AuthenticationTest : public ApiTest {
 protected:
  // Asserts a 401 as A.1/A.2 describe it: challenge header and a JSON reason.
  static void expect_unauthorized(const Reply& reply) {
    EXPECT_EQ(reply.status, 401) << reply.body;
    EXPECT_EQ(reply.header("www-authenticate"), "Basic realm=\"accounts\"");
    EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8");
    ASSERT_TRUE(reply.json.is_object()) << reply.body;
    ASSERT_TRUE(reply.json.as_object().contains("reason")) << reply.body;
    EXPECT_TRUE(reply.json.at("reason").is_string());
  }

  // Asserts a 429 with a JSON reason and a Retry-After of 1 to 300 seconds (the 5-minute window).
  static void expect_throttled(const Reply& reply) {
    EXPECT_EQ(reply.status, 429) << reply.body;
    auto seconds = retry_after_seconds(reply);
    EXPECT_GT(seconds, 0) << "Retry-After: '" << reply.header("retry-after") << "'";
    EXPECT_LE(seconds, 300) << "Retry-After: '" << reply.header("retry-after") << "'";
    ASSERT_TRUE(reply.json.is_object()) << reply.body;
    ASSERT_TRUE(reply.json.as_object().contains("reason")) << reply.body;
    EXPECT_TRUE(reply.json.at("reason").is_string());
  }

  Reply send(const Endpoint& endpoint, const std::optional<Login>& login) {
    return request(endpoint.method, endpoint.path, endpoint.body, login);
  }

  Reply send_with_header(const Endpoint& endpoint, const std::string& authorization) {
    return request(endpoint.method, endpoint.path, endpoint.body, std::nullopt,
                   {{"Authorization", authorization}});
  }

  // Nothing that the unauthenticated POSTs above would have changed has changed.
  void expect_alpha_untouched() {
    auto billing = get("/partner/billing");
    ASSERT_EQ(billing.status, 200) << billing.body;  // the old password still works
    EXPECT_TRUE(billing.json.at("name").is_null());
    EXPECT_TRUE(billing.json.at("updated_at").is_null());
    auto settings = get("/partner/settings");
    ASSERT_EQ(settings.status, 200) << settings.body;
    EXPECT_TRUE(settings.json.at("api_version").is_null());
    EXPECT_EQ(get("/partner/backup").body, "null");
  }
};

TEST_F(AuthenticationTest, EveryPartnerEndpointRefusesAMissingAuthorization) {
  for (const auto& endpoint : partner_endpoints()) {
    SCOPED_TRACE(endpoint.method + " " + endpoint.path);
    expect_unauthorized(send(endpoint, std::nullopt));
  }
  expect_alpha_untouched();
}

TEST_F(AuthenticationTest, EveryPartnerEndpointRefusesAWrongPassword) {
  // Alternate between the partners so that neither reaches the 10-failure throttle.
  for (std::size_t i = 0; i < partner_endpoints().size(); ++i) {
    const auto& endpoint = partner_endpoints()[i];
    SCOPED_TRACE(endpoint.method + " " + endpoint.path);
    const Login& who = i % 2 == 0 ? alpha : beta;
    expect_unauthorized(send(endpoint, Login{who.username, who.password + "x"}));
  }
  expect_alpha_untouched();
}

TEST_F(AuthenticationTest, EveryPartnerEndpointRefusesAnotherPartnersPassword) {
  for (std::size_t i = 0; i < partner_endpoints().size(); i += 2) {
    const auto& endpoint = partner_endpoints()[i];
    SCOPED_TRACE(endpoint.method + " " + endpoint.path);
    expect_unauthorized(send(endpoint, Login{alpha.username, beta.password}));
  }
  expect_alpha_untouched();
}

TEST_F(AuthenticationTest, EveryPartnerEndpointRefusesAnUnknownUser) {
  for (std::size_t i = 0; i < partner_endpoints().size(); ++i) {
    const auto& endpoint = partner_endpoints()[i];
    SCOPED_TRACE(endpoint.method + " " + endpoint.path);
    expect_unauthorized(send(endpoint, Login{"nobody-" + std::to_string(i), alpha.password}));
  }
  expect_alpha_untouched();
}

TEST_F(AuthenticationTest, EveryPartnerEndpointRefusesAMalformedAuthorization) {
  const std::string right = alpha.username + ":" + alpha.password;
  const std::vector<std::string> malformed = {
      "Bearer " + base64(right),                           // not Basic
      "Digest " + base64(right),                           // not Basic
      base64(right),                                       // no scheme at all
      "Basic",                                             // no credentials
      "Basic ",                                            // no credentials
      "Basic !!!not*base64!!!",                            // bad base64
      "Basic " + base64(right).substr(1),                  // truncated base64
      "Basic " + base64(alpha.username + alpha.password),  // no colon
      "Basic " + base64(":" + alpha.password),             // empty username
  };
  for (const auto& endpoint : partner_endpoints()) {
    for (const auto& header : malformed) {
      SCOPED_TRACE(endpoint.method + " " + endpoint.path + " with Authorization: " + header);
      expect_unauthorized(send_with_header(endpoint, header));
    }
  }
  expect_alpha_untouched();
}

TEST_F(AuthenticationTest, AcceptsValidCredentialsOnEveryReadEndpoint) {
  for (const auto& endpoint : partner_endpoints()) {
    if (endpoint.method != "GET") continue;
    SCOPED_TRACE(endpoint.path);
    EXPECT_EQ(send(endpoint, alpha).status, 200);
    EXPECT_EQ(send(endpoint, beta).status, 200);
  }
}

TEST_F(AuthenticationTest, SchemeNameIsCaseInsensitive) {
  auto reply =
      request("GET", "/partner/quota", "", std::nullopt,
              {{"Authorization", "basic " + base64(alpha.username + ":" + alpha.password)}});
  EXPECT_EQ(reply.status, 200) << reply.body;
}

TEST_F(AuthenticationTest, TenFailuresLockTheUsernameEvenForTheRightPassword) {
  const Login wrong{alpha.username, "not-the-password"};
  for (int i = 1; i <= 10; ++i) {
    SCOPED_TRACE("failure " + std::to_string(i));
    expect_unauthorized(get_as(wrong, "/partner/quota"));
  }
  {
    SCOPED_TRACE("right password after 10 failures");
    expect_throttled(get_as(alpha, "/partner/quota"));
  }
  {
    SCOPED_TRACE("wrong password after 10 failures");
    expect_throttled(get_as(wrong, "/partner/quota"));
  }
  {
    SCOPED_TRACE("ping with the right password after 10 failures");
    expect_throttled(get_as(alpha, "/ping"));
  }
  {
    SCOPED_TRACE("another endpoint");
    expect_throttled(post_as(alpha, "/partner/password", R"("a-new-password-123")"));
  }
  // The throttled password change did not happen.
  auto stored = partners().credentials(alpha.username);
  ASSERT_TRUE(stored.has_value());
  EXPECT_TRUE(auth::verify_password(stored->password_hash, alpha.password));
}

TEST_F(AuthenticationTest, NineFailuresDoNotLockTheUsername) {
  const Login wrong{alpha.username, "not-the-password"};
  for (int i = 1; i <= 9; ++i) expect_unauthorized(get_as(wrong, "/partner/quota"));
  EXPECT_EQ(get_as(alpha, "/partner/quota").status, 200);
  // The tenth failure is still an ordinary 401; only the attempt after it is throttled.
  expect_unauthorized(get_as(wrong, "/partner/quota"));
  expect_throttled(get_as(alpha, "/partner/quota"));
}

TEST_F(AuthenticationTest, AUsernameLockoutDoesNotAffectOtherUsernames) {
  const Login wrong{alpha.username, "not-the-password"};
  for (int i = 0; i < 10; ++i) expect_unauthorized(get_as(wrong, "/partner/quota"));
  expect_throttled(get_as(alpha, "/partner/quota"));

  auto beta_reply = get_as(beta, "/partner/quota");
  EXPECT_EQ(beta_reply.status, 200) << beta_reply.body;
  auto beta_ping = get_as(beta, "/ping");
  EXPECT_EQ(beta_ping.status, 200);
  EXPECT_EQ(beta_ping.json, boost::json::value("pong"));
  // beta's own failures are counted separately: a wrong password is an ordinary 401.
  expect_unauthorized(get_as(Login{beta.username, "not-the-password"}, "/partner/quota"));
  EXPECT_EQ(get_as(beta, "/partner/quota").status, 200);
  // An unknown username is not locked either.
  expect_unauthorized(get_as(Login{"nobody", "whatever-it-is"}, "/partner/quota"));
}

TEST_F(AuthenticationTest, UnknownUsernamesAreThrottledLikeKnownOnes) {
  const Login ghost{"nobody", "whatever-it-is"};
  for (int i = 0; i < 10; ++i) expect_unauthorized(get_as(ghost, "/partner/features"));
  expect_throttled(get_as(ghost, "/partner/features"));
  EXPECT_EQ(get_as(alpha, "/partner/features").status, 200);
}

TEST_F(AuthenticationTest, RequestsWithoutCredentialsDoNotCountAsFailures) {
  // More than both limits (10 per username, 100 per address) of requests without credentials.
  for (int i = 0; i < 110; ++i) {
    auto reply = request("GET", "/partner/quota", "", std::nullopt);
    ASSERT_EQ(reply.status, 401) << "request " << i << ": " << reply.body;
  }
  auto reply = get_as(alpha, "/partner/quota");
  EXPECT_EQ(reply.status, 200) << reply.body;
  // And the username's own allowance is intact: nine failures still leave it usable.
  for (int i = 0; i < 9; ++i)
    expect_unauthorized(get_as(Login{alpha.username, "not-the-password"}, "/partner/quota"));
  EXPECT_EQ(get_as(alpha, "/partner/quota").status, 200);
}

TEST_F(AuthenticationTest, AHundredFailuresFromOneAddressBlockEveryone) {
  // All test traffic comes from 127.0.0.1; each username fails once, far below its own limit.
  for (int i = 1; i <= 99; ++i) {
    auto reply = get_as(Login{"guess-" + std::to_string(i), "guessed-password"}, "/partner/quota");
    ASSERT_EQ(reply.status, 401) << "failure " << i << ": " << reply.body;
  }
  EXPECT_EQ(get_as(alpha, "/partner/quota").status, 200) << "99 failures must not block yet";
  expect_unauthorized(get_as(Login{"guess-100", "guessed-password"}, "/partner/quota"));

  {
    SCOPED_TRACE("alpha, right password");
    expect_throttled(get_as(alpha, "/partner/quota"));
  }
  {
    SCOPED_TRACE("beta, right password");
    expect_throttled(get_as(beta, "/partner/billing"));
  }
  {
    SCOPED_TRACE("a username never tried before");
    expect_throttled(get_as(Login{"fresh-name", "guessed-password"}, "/partner/quota"));
  }
  {
    SCOPED_TRACE("ping with credentials");
    expect_throttled(get_as(beta, "/ping"));
  }
  // Ping without credentials is not a login attempt and still answers.
  auto ping = request("GET", "/ping", "", std::nullopt);
  EXPECT_EQ(ping.status, 200);
  EXPECT_EQ(ping.json, boost::json::value("pong"));
}

}  // namespace
}  // namespace accountsd::testing
