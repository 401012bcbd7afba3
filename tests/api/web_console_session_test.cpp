// Issue 15: the web console's sessions. Signing in with the partner's API credentials (the same
// throttle as Basic), the cookie and its attributes, the API through the cookie with a CSRF token
// for changes, signing out, and the ends a password change and an expiry put to sessions.
#include <string>

#include "auth/console_token.hpp"
#include "domain/clock.hpp"
#include "domain/netblock.hpp"
#include "support/api_fixture.hpp"
#include "support/json_checks.hpp"

namespace accountsd::testing {
namespace {

constexpr const char* kSessionPath = "/console/session";

// What a browser holds after signing in: the cookie's token and the CSRF token the page keeps.
struct Session {
  std::string token;
  std::string csrf;
};

std::string sign_in_body(const Login& login) {
  return boost::json::serialize(
      boost::json::object{{"username", login.username}, {"password", login.password}});
}

class WebSessionTest : public ApiTest {
 protected:
  void configure(api::AppConfig& config) override {
    ApiTest::configure(config);
    // Clients' addresses vary through X-Forwarded-For, as in the throttle's own tests.
    config.trusted_proxies.push_back(*domain::parse_netblock("127.0.0.1/32"));
  }

  Reply sign_in_reply(const Login& login, const std::string& client = "192.0.2.1") {
    return request_target("POST", kSessionPath, sign_in_body(login), std::nullopt,
                          {{"X-Forwarded-For", client}});
  }
  Session sign_in(const Login& login) {
    auto reply = sign_in_reply(login);
    EXPECT_EQ(reply.status, 200) << reply.body;
    return {cookie_value(reply.header("set-cookie")),
            reply.json.is_object() ? std::string(reply.json.at("csrf_token").as_string()) : ""};
  }
  // The session cookie's value in a Set-Cookie header.
  static std::string cookie_value(const std::string& set_cookie) {
    const std::string prefix = "accountsd_session=";
    EXPECT_TRUE(set_cookie.starts_with(prefix)) << set_cookie;
    return set_cookie.substr(prefix.size(), set_cookie.find(';') - prefix.size());
  }
  // `method` on an API path with the session's cookie (and its CSRF token when `csrf`).
  Reply with_cookie(const std::string& method, const std::string& target, const Session& session,
                    const std::string& body = "", bool csrf = false,
                    const std::optional<Login>& login = std::nullopt) {
    std::map<std::string, std::string> headers{
        {"Cookie", "theme=dark; accountsd_session=" + session.token}};
    if (csrf) headers["X-CSRF-Token"] = session.csrf;
    return request_target(method, target, body, login, headers);
  }
  Reply api_with_cookie(const std::string& method, const std::string& path, const Session& session,
                        const std::string& body = "", bool csrf = false) {
    return with_cookie(method, std::string(kRoot) + path, session, body, csrf);
  }
  std::int64_t session_rows(store::PartnerId partner) {
    return test_db().integer("SELECT count(*) FROM console_sessions WHERE partner_id = " +
                             std::to_string(partner));
  }
};

TEST_F(WebSessionTest, SigningInSetsAStrictHttpOnlyCookieAndAnswersTheSession) {
  const auto before = domain::now_seconds();
  auto reply = sign_in_reply(alpha);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.at("username"), "alpha");
  const auto csrf = std::string(reply.json.at("csrf_token").as_string());
  EXPECT_EQ(csrf.size(), 43u);
  const auto expires_at = reply.json.at("expires_at").as_int64();
  EXPECT_GE(expires_at, before + 12 * 3600);
  EXPECT_LE(expires_at, domain::now_seconds() + 12 * 3600);

  const auto set_cookie = reply.header("set-cookie");
  const auto token = cookie_value(set_cookie);
  EXPECT_EQ(token.size(), 43u) << "32 random bytes, base64url without padding";
  EXPECT_EQ(
      token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos);
  EXPECT_NE(token, csrf);
  EXPECT_EQ(set_cookie.substr(set_cookie.find(';')),
            "; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict");
  EXPECT_EQ(reply.header("www-authenticate"), "");
  EXPECT_NE(reply.header("content-security-policy"), "");

  // The database knows the session by the token's SHA-256 alone.
  EXPECT_EQ(test_db().integer("SELECT count(*) FROM console_sessions WHERE token_hash = '" +
                              sha256_hex(token) + "' AND partner_id = " + std::to_string(alpha_id) +
                              " AND expires_at = " + std::to_string(expires_at)),
            1);
  EXPECT_EQ(test_db().integer("SELECT count(*) FROM console_sessions WHERE token_hash = '" + token +
                              "' OR csrf_token = '" + token + "'"),
            0);

  // A reloaded page asks who is signed in, and gets the same answer (its CSRF token back).
  auto again = with_cookie("GET", kSessionPath, {token, ""});
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json, reply.json);
  EXPECT_EQ(again.header("referrer-policy"), "no-referrer");
}

TEST_F(WebSessionTest, AWrongPasswordIs401WithoutABasicChallenge) {
  for (const Login& wrong : {Login{"alpha", "not-the-password"}, Login{"nobody", "whatever-1"}}) {
    auto reply = sign_in_reply(wrong);
    EXPECT_EQ(reply.status, 401) << reply.body;
    EXPECT_TRUE(reply.json.at("reason").is_string());
    EXPECT_EQ(reply.header("www-authenticate"), "") << "a browser would open its own dialog";
    EXPECT_EQ(reply.header("set-cookie"), "");
  }
  EXPECT_EQ(session_rows(alpha_id), 0);
}

TEST_F(WebSessionTest, SignInsAreThrottledWithBasicLogins) {
  const Login wrong{"alpha", "not-the-password"};
  // Ten failures from one address, half of them through Basic: A.2's allowance for the pair.
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(sign_in_reply(wrong, "198.51.100.7").status, 401);
    EXPECT_EQ(
        request("GET", "/partner/quota", "", wrong, {{"X-Forwarded-For", "198.51.100.7"}}).status,
        401);
  }
  auto refused = sign_in_reply(alpha, "198.51.100.7");
  EXPECT_EQ(refused.status, 429) << refused.body;
  EXPECT_NE(refused.header("retry-after"), "");
  // Basic from there is refused as well: one throttle.
  EXPECT_EQ(
      request("GET", "/partner/quota", "", alpha, {{"X-Forwarded-For", "198.51.100.7"}}).status,
      429);
  // Elsewhere the owner signs in.
  EXPECT_EQ(sign_in_reply(alpha, "198.51.100.8").status, 200);
}

TEST_F(WebSessionTest, ASignInBodyIsExactlyAUsernameAndAPassword) {
  auto send = [&](const std::string& body) {
    return request_target("POST", kSessionPath, body, std::nullopt);
  };
  expect_invalid(send(R"({"username": "alpha", "password": "alpha-password-1", "remember": 1})"),
                 {"remember"});
  expect_invalid(send(R"({"username": 7, "password": "alpha-password-1"})"), {"username"});
  expect_invalid(send(R"({"username": "alpha", "password": ["x"]})"), {"password"});
  expect_invalid(send(R"({"username": "alpha"})"), {"password"});
  expect_invalid(send(""), {"username", "password"});
  EXPECT_EQ(send(R"("alpha:alpha-password-1")").status, 400);
  EXPECT_EQ(send("{not json").status, 400);
  EXPECT_EQ(session_rows(alpha_id), 0);
}

TEST_F(WebSessionTest, WithoutAValidCookieTheSessionIs401WithoutAChallenge) {
  auto none = request_target("GET", kSessionPath, "", std::nullopt);
  EXPECT_EQ(none.status, 401) << none.body;
  EXPECT_EQ(none.header("www-authenticate"), "");
  auto forged = with_cookie("GET", kSessionPath, {"bm90LWEtc2Vzc2lvbi10b2tlbg", ""});
  EXPECT_EQ(forged.status, 401) << forged.body;
  EXPECT_EQ(forged.header("www-authenticate"), "");
  // Basic credentials do not open a console session.
  EXPECT_EQ(request_target("GET", kSessionPath, "", alpha).status, 401);
}

TEST_F(WebSessionTest, AScriptOfAPageGetsItsApi401WithoutAChallenge) {
  // After sign-out the console has no cookie left; its 401 must still not open the browser's
  // Basic dialog. It says it is a page's script with X-Requested-With.
  const std::string quota = std::string(kRoot) + "/partner/quota";
  auto from_page =
      request_target("GET", quota, "", std::nullopt, {{"X-Requested-With", "accountsd-console"}});
  EXPECT_EQ(from_page.status, 401) << from_page.body;
  EXPECT_EQ(from_page.header("www-authenticate"), "");
  auto from_script = request_target("GET", quota, "", std::nullopt);
  EXPECT_EQ(from_script.status, 401) << from_script.body;
  EXPECT_NE(from_script.header("www-authenticate"), "") << "A.1's 401 for everyone else";
}

TEST_F(WebSessionTest, TheCookieReadsTheApiAsThePartner) {
  auto session = sign_in(alpha);
  auto quota = api_with_cookie("GET", "/partner/quota", session);
  EXPECT_EQ(quota.status, 200) << quota.body;
  EXPECT_EQ(quota.json, get("/partner/quota").json);
  auto info = api_with_cookie("GET", "/partner/info", session);
  ASSERT_EQ(info.status, 200) << info.body;
  EXPECT_EQ(info.json.at("brand_identifier"), "alpha");
  // Cached list reads too, as the same partner's.
  EXPECT_EQ(api_with_cookie("GET", "/groups/", session).json, get("/groups/").json);
}

TEST_F(WebSessionTest, AChangeByCookieNeedsTheCsrfToken) {
  auto session = sign_in(alpha);
  const std::string change = R"({"support_email": "help@alpha.example"})";
  auto before = get("/partner/settings");
  auto without = api_with_cookie("POST", "/partner/settings", session, change);
  EXPECT_EQ(without.status, 403) << without.body;
  EXPECT_TRUE(without.json.at("reason").is_string());
  auto wrong = with_cookie("POST", std::string(kRoot) + "/partner/settings", {session.token, ""},
                           change, false);
  EXPECT_EQ(wrong.status, 403);
  auto other = sign_in(beta);
  auto borrowed =
      api_with_cookie("POST", "/partner/settings", {session.token, other.csrf}, change, true);
  EXPECT_EQ(borrowed.status, 403) << "another session's token is no token";
  EXPECT_EQ(get("/partner/settings").json, before.json) << "nothing changed";

  auto with = api_with_cookie("POST", "/partner/settings", session, change, true);
  ASSERT_EQ(with.status, 200) << with.body;
  EXPECT_EQ(get("/partner/settings").json.at("support_email"), "help@alpha.example");
  // The audit log names the partner, as for Basic.
  auto audit = api_with_cookie("GET", "/partner/audit?action=settings.update", session);
  ASSERT_EQ(audit.status, 200) << audit.body;
  const auto& entries = audit.json.at("entries").as_array();
  ASSERT_EQ(entries.size(), 1u) << audit.body;
  EXPECT_EQ(entries[0].at("actor"), "partner");
  EXPECT_EQ(entries[0].at("request_id"), boost::json::value(with.header("x-request-id")));
}

TEST_F(WebSessionTest, BasicAloneDecidesWhenSent) {
  auto session = sign_in(alpha);
  auto as_beta = with_cookie("GET", std::string(kRoot) + "/partner/info", session, "", false, beta);
  ASSERT_EQ(as_beta.status, 200) << as_beta.body;
  EXPECT_EQ(as_beta.json.at("brand_identifier"), "beta");
  const Login wrong{"alpha", "not-the-password"};
  auto refused =
      with_cookie("GET", std::string(kRoot) + "/partner/info", session, "", false, wrong);
  EXPECT_EQ(refused.status, 401);
  EXPECT_NE(refused.header("www-authenticate"), "") << "a script's failure keeps A.1's 401";
  // A change with Basic needs no CSRF token, cookie or not.
  auto changed = with_cookie("POST", std::string(kRoot) + "/partner/settings", session,
                             R"({"support_email": "basic@alpha.example"})", false, alpha);
  EXPECT_EQ(changed.status, 200) << changed.body;
}

TEST_F(WebSessionTest, SigningOutEndsTheSession) {
  auto session = sign_in(alpha);
  auto forged = with_cookie("DELETE", kSessionPath, session);
  EXPECT_EQ(forged.status, 403) << "signing out is a change: it needs the CSRF token";
  auto out = with_cookie("DELETE", kSessionPath, session, "", true);
  ASSERT_EQ(out.status, 204) << out.body;
  EXPECT_EQ(out.body, "");
  EXPECT_EQ(out.header("set-cookie"),
            "accountsd_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
  EXPECT_EQ(session_rows(alpha_id), 0);
  auto after = api_with_cookie("GET", "/partner/quota", session);
  EXPECT_EQ(after.status, 401) << after.body;
  EXPECT_EQ(after.header("www-authenticate"), "") << "a browser's request";
  EXPECT_EQ(with_cookie("GET", kSessionPath, session).status, 401);
  EXPECT_EQ(with_cookie("DELETE", kSessionPath, session, "", true).status, 401);
}

TEST_F(WebSessionTest, APasswordChangeEndsEverySessionOfThatPartnerOnly) {
  auto first = sign_in(alpha);
  auto second = sign_in(alpha);
  auto other = sign_in(beta);
  auto changed =
      api_with_cookie("POST", "/partner/password", first, R"("alpha-password-new")", true);
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(api_with_cookie("GET", "/partner/quota", first).status, 401);
  EXPECT_EQ(api_with_cookie("GET", "/partner/quota", second).status, 401);
  EXPECT_EQ(session_rows(alpha_id), 0);
  EXPECT_EQ(api_with_cookie("GET", "/partner/quota", other).status, 200);
  // The operator's `partner passwd` goes through the same store call.
  partners().set_password_hash(beta_id, "$argon2id$not-a-real-hash");
  EXPECT_EQ(api_with_cookie("GET", "/partner/quota", other).status, 401);
  // The new password signs in.
  EXPECT_EQ(sign_in_reply({"alpha", "alpha-password-new"}).status, 200);
}

TEST_F(WebSessionTest, AnExpiredSessionIsRefusedAndDeleted) {
  const std::string token = auth::new_console_token();
  const auto now = domain::now_seconds();
  database().console_sessions().create(auth::console_token_hash(token),
                                       {alpha_id, "csrf-of-an-old-session", now - 100, now - 1});
  const Session old{token, "csrf-of-an-old-session"};
  auto read = api_with_cookie("GET", "/partner/quota", old);
  EXPECT_EQ(read.status, 401) << read.body;
  EXPECT_EQ(with_cookie("GET", kSessionPath, old).status, 401);
  EXPECT_EQ(session_rows(alpha_id), 1) << "a read leaves it to pruning";
  auto change = api_with_cookie("POST", "/partner/settings", old, "{}", true);
  EXPECT_EQ(change.status, 401) << change.body;
  EXPECT_EQ(session_rows(alpha_id), 0) << "a request that may write deletes it";

  // A sign-in prunes expired sessions, anyone's.
  database().console_sessions().create(auth::console_token_hash(auth::new_console_token()),
                                       {beta_id, "x", now - 100, now - 1});
  sign_in(alpha);
  EXPECT_EQ(session_rows(beta_id), 0);
  EXPECT_EQ(session_rows(alpha_id), 1);
}

TEST_F(WebSessionTest, ACookieReadsOnlyItsOwnPartnersData) {
  auto of_alpha = sign_in(alpha);
  auto of_beta = sign_in(beta);
  auto created = request("POST", "/users/",
                         R"({"username": "bee", "name": "Bee", "email": "bee@example.com"})", beta);
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(api_with_cookie("GET", "/users/bee", of_beta).status, 200);
  EXPECT_EQ(api_with_cookie("GET", "/users/bee", of_alpha).status, 404);
  EXPECT_EQ(api_with_cookie("GET", "/partner/info", of_alpha).json.at("brand_identifier"), "alpha");
  // A user created through the console is its partner's, not a self-signup.
  auto made =
      api_with_cookie("POST", "/users/", of_alpha,
                      R"({"username": "ant", "name": "Ant", "email": "ant@example.com"})", true);
  ASSERT_EQ(made.status, 200) << made.body;
  EXPECT_EQ(get_as(alpha, "/users/ant").status, 200);
  EXPECT_EQ(get_as(beta, "/users/ant").status, 404);
}

TEST_F(WebSessionTest, TheStorageServiceNeverTakesTheCookie) {
  auto session = sign_in(alpha);
  auto reply = with_cookie(
      "GET", "/internal/v1/partners/" + std::to_string(alpha_id) + "/users/nobody/policy", session);
  EXPECT_EQ(reply.status, 401) << reply.body;
}

// Under TLS (serve --tls-cert) the cookie is Secure; the lifetime is serve's flag.
class WebSessionSecureTest : public WebSessionTest {
 protected:
  void configure(api::AppConfig& config) override {
    WebSessionTest::configure(config);
    config.secure_cookies = true;
    config.console_session_lifetime = std::chrono::hours(2);
  }
};

TEST_F(WebSessionSecureTest, TheCookieIsSecureAndLastsTheConfiguredTime) {
  auto reply = sign_in_reply(alpha);
  ASSERT_EQ(reply.status, 200) << reply.body;
  const auto set_cookie = reply.header("set-cookie");
  EXPECT_EQ(set_cookie.substr(set_cookie.find(';')),
            "; Path=/; Max-Age=7200; HttpOnly; SameSite=Strict; Secure");
  EXPECT_LE(reply.json.at("expires_at").as_int64(), domain::now_seconds() + 7200);
  Session session{cookie_value(set_cookie), std::string(reply.json.at("csrf_token").as_string())};
  auto out = with_cookie("DELETE", kSessionPath, session, "", true);
  EXPECT_EQ(out.header("set-cookie"),
            "accountsd_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict; Secure");
}

}  // namespace
}  // namespace accountsd::testing
