// B.3 self-signup: POST /users/ without credentials and with "brand", the fields it refuses,
// signup network restrictions (403) and which address counts as the caller's (--trusted-proxy).
#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <string>
#include <vector>

#include "domain/netblock.hpp"
#include "support/api_fixture.hpp"
#include "support/json_checks.hpp"

namespace accountsd::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

constexpr const char* kBcrypt = "$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy";
constexpr const char* kRestricted =
    "Signups from your network are restricted; please contact help@alpha.example";

// The server trusts X-Forwarded-For from 127.0.0.1 only: requests the fixture sends come from
// 127.0.0.1 (a trusted proxy), and send_from("127.0.0.2", ...) plays an untrusted peer.
class SignupTest : public ApiTest {
 protected:
  void configure(api::AppConfig& config) override {
    ApiTest::configure(config);
    config.trusted_proxies.push_back(*domain::parse_netblock("127.0.0.1/32"));
  }

  std::int64_t default_group(store::PartnerId partner) {
    return directory().groups(partner).at(0).group_id;
  }
  std::int64_t unlimited_plan(store::PartnerId partner) {
    return directory().plans(partner).at(0).plan_id;
  }

  // A self-signup body for `brand` with username, name and email (and `extra` fields).
  static std::string body(const std::string& brand, const std::string& username,
                          boost::json::object extra = {}) {
    extra["brand"] = brand;
    if (!username.empty()) extra["username"] = username;
    if (!extra.contains("name")) extra["name"] = "User " + username;
    if (!extra.contains("email"))
      extra["email"] = (username.empty() ? "x" : username) + "@example.com";
    return boost::json::serialize(extra);
  }

  Reply signup(const std::string& json_body,
               const std::map<std::string, std::string>& headers = {}) {
    return request("POST", "/users/", json_body, std::nullopt, headers);
  }

  // POST /users/ without credentials over a connection whose local address is `source`.
  Reply signup_from(const std::string& source, const std::string& json_body,
                    const std::map<std::string, std::string>& headers = {}) {
    asio::io_context ioc;
    asio::ip::tcp::socket socket(ioc);
    socket.open(asio::ip::tcp::v4());
    socket.bind({asio::ip::make_address(source), 0});
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
    beast::tcp_stream stream(std::move(socket));
    bhttp::request<bhttp::string_body> req{bhttp::verb::post, std::string(kRoot) + "/users/", 11};
    req.set(bhttp::field::host, "127.0.0.1");
    for (const auto& [name, value] : headers) req.set(name, value);
    req.body() = json_body;
    req.prepare_payload();
    bhttp::write(stream, req);
    beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> res;
    bhttp::read(stream, buffer, res);
    Reply reply = recorded_reply("POST", std::string(req.target()), res);
    boost::system::error_code ec;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    return reply;
  }

  // Turns signup_restrictions on and sets support_email and the restricted netblocks.
  void restrict_signups(const Login& login, const std::string& partner,
                        const std::vector<std::string>& blocks) {
    set_partner(partner, [](domain::Partner& p) { p.features.signup_restrictions = true; });
    boost::json::array list;
    for (const auto& block : blocks) list.emplace_back(block);
    boost::json::object settings{{"support_email", "help@" + partner + ".example"},
                                 {"signup_network_restriction", list}};
    auto reply = post_as(login, "/partner/settings", boost::json::serialize(settings));
    ASSERT_EQ(reply.status, 200) << reply.body;
  }

  std::int64_t user_count(const Login& login) {
    auto reply = get_as(login, "/users/?action=user_count");
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.json.at("user_count").as_int64();
  }

  boost::json::value quota(const Login& login) {
    auto reply = get_as(login, "/partner/quota");
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.json;
  }

  static void expect_restricted(const Reply& reply, const std::string& reason = kRestricted) {
    EXPECT_EQ(reply.status, 403) << reply.body;
    EXPECT_EQ(reply.json, boost::json::value(boost::json::object{{"reason", reason}}))
        << reply.body;
  }
};

// --- creating a user --------------------------------------------------------------------------

TEST_F(SignupTest, CreatesAUserOfTheBrandInItsDefaultGroup) {
  auto reply = signup(R"({"brand": "alpha", "username": "sam", "name": "Sam Spade",
                          "email": "sam@example.com", "promo": "RADIO"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8");
  const auto& o = reply.json.as_object();
  EXPECT_EQ(o.size(), 3u) << reply.body;
  EXPECT_EQ(o.at("username"), "sam");
  ASSERT_TRUE(o.contains("temp_password") && o.at("temp_password").is_string()) << reply.body;
  EXPECT_FALSE(o.at("temp_password").as_string().empty());
  expect_user_shape(o.at("user"));
  const auto& u = o.at("user").as_object();
  EXPECT_EQ(u.at("username"), "sam");
  EXPECT_EQ(u.at("name"), "Sam Spade");
  EXPECT_EQ(u.at("email"), "sam@example.com");
  EXPECT_EQ(u.at("group_id").as_int64(), default_group(alpha_id));
  EXPECT_EQ(u.at("plan_id").as_int64(), unlimited_plan(alpha_id));
  EXPECT_EQ(u.at("bonus_bytes").as_int64(), 0);
  EXPECT_EQ(u.at("enabled"), true);

  // The brand's partner sees the user; the other partner does not.
  auto fetched = get("/users/sam");
  EXPECT_EQ(fetched.status, 200);
  EXPECT_EQ(fetched.json, o.at("user"));
  EXPECT_EQ(get_as(beta, "/users/sam").status, 404);
  EXPECT_EQ(quota(alpha).at("bytes_allocated").as_int64(), 1000000001000000000);
  EXPECT_EQ(quota(beta).at("bytes_allocated").as_int64(), 0);
}

TEST_F(SignupTest, SignsUpIntoTheNamedBrandOnly) {
  auto reply = signup(body("beta", "sam"));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.at("user").at("group_id").as_int64(), default_group(beta_id));
  EXPECT_EQ(get_as(beta, "/users/sam").status, 200);
  EXPECT_EQ(get("/users/sam").status, 404);
  EXPECT_EQ(user_count(alpha), 0);
  EXPECT_EQ(user_count(beta), 1);
}

TEST_F(SignupTest, AGivenBcryptHashMeansNoTemporaryPassword) {
  auto reply = signup(body("alpha", "sam", {{"password_bcrypt", kBcrypt}}));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_FALSE(reply.json.as_object().contains("temp_password")) << reply.body;
  EXPECT_EQ(reply.json.as_object().size(), 2u) << reply.body;
  expect_user_shape(reply.json.at("user"));

  expect_invalid(signup(body("alpha", "tom", {{"password_bcrypt", "hunter2"}})),
                 {"password_bcrypt"});
  EXPECT_EQ(get("/users/tom").status, 404);
}

TEST_F(SignupTest, GroupPlanAndBonusAreRefused) {
  auto group = default_group(alpha_id);
  auto plan = unlimited_plan(alpha_id);
  auto before = quota(alpha);
  expect_invalid(signup(body("alpha", "sam", {{"group_id", group}})), {"group_id"});
  expect_invalid(signup(body("alpha", "sam", {{"plan_id", plan}})), {"plan_id"});
  expect_invalid(signup(body("alpha", "sam", {{"bonus_bytes", 0}})), {"bonus_bytes"});
  expect_invalid(
      signup(body("alpha", "sam", {{"group_id", group}, {"plan_id", plan}, {"bonus_bytes", 5}})),
      {"group_id", "plan_id", "bonus_bytes"});
  EXPECT_EQ(get("/users/sam").status, 404);
  EXPECT_EQ(user_count(alpha), 0);
  EXPECT_EQ(quota(alpha), before);
}

TEST_F(SignupTest, AnUnknownOrMissingBrandIs400) {
  expect_invalid(signup(body("gamma", "sam")), {"brand"});
  expect_invalid(signup(body("", "sam")), {"brand"});
  expect_invalid(signup(R"({"brand": 7, "username": "sam", "name": "Sam",
                            "email": "sam@example.com"})"),
                 {"brand"});
  expect_invalid(signup(R"({"username": "sam", "name": "Sam", "email": "sam@example.com"})"),
                 {"brand"});
  EXPECT_EQ(signup("").status, 400);
  EXPECT_EQ(user_count(alpha), 0);
  EXPECT_EQ(user_count(beta), 0);
}

TEST_F(SignupTest, TheUsualFieldRulesApply) {
  expect_invalid(signup(R"({"brand": "alpha", "name": "Sam", "email": "sam@example.com"})"),
                 {"username"});
  expect_invalid(signup(body("alpha", "sam", {{"email", "sam at example"}})), {"email"});
  expect_invalid(signup(body("alpha", "sam", {{"name", ""}})), {"name"});
  expect_invalid(signup(body("alpha", "sam", {{"enabled", true}})), {"enabled"});
  ASSERT_EQ(signup(body("alpha", "sam")).status, 200);
  expect_conflict(signup(body("alpha", "sam", {{"email", "other@example.com"}})), {"username"});
  expect_conflict(signup(body("alpha", "tom", {{"email", "sam@example.com"}})), {"email"});
  EXPECT_EQ(user_count(alpha), 1);
}

TEST_F(SignupTest, EmailAsUsernameBrandsNeedNoUsername) {
  set_partner("alpha", [](domain::Partner& p) { p.features.email_as_username = true; });
  auto reply = signup(R"({"brand": "alpha", "name": "Sam", "email": "sam@example.com"})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  ASSERT_TRUE(reply.json.at("username").is_string());
  std::string username(reply.json.at("username").as_string());
  EXPECT_FALSE(username.empty());
  EXPECT_EQ(get("/users/" + username).json.at("email"), "sam@example.com");
  // beta does not have the feature.
  expect_invalid(signup(R"({"brand": "beta", "name": "Sam", "email": "sam@example.com"})"),
                 {"username"});
}

TEST_F(SignupTest, ASignupBeyondBytesAvailableIs402) {
  set_partner("alpha", [](domain::Partner& p) { p.bytes_available = 1'000'000'000; });
  auto reply = signup(body("alpha", "sam"));
  EXPECT_EQ(reply.status, 402) << reply.body;
  EXPECT_TRUE(reply.json.is_object() && reply.json.at("reason").is_string()) << reply.body;
  EXPECT_EQ(user_count(alpha), 0);
  EXPECT_EQ(quota(alpha).at("bytes_allocated").as_int64(), 0);
}

TEST_F(SignupTest, WrongCredentialsAre401NotASignup) {
  auto reply = request("POST", "/users/", body("alpha", "sam"), Login{"alpha", "wrong-password"});
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.header("www-authenticate"), "Basic realm=\"accounts\"");
  EXPECT_EQ(user_count(alpha), 0);
}

// --- network restrictions ---------------------------------------------------------------------

TEST_F(SignupTest, ASignupFromARestrictedNetworkIs403) {
  restrict_signups(alpha, "alpha", {"10.0.0.0/8", "127.0.0.0/8"});
  auto before = quota(alpha);
  expect_restricted(signup(body("alpha", "sam")));
  expect_restricted(signup_from("127.0.0.2", body("alpha", "sam")));
  EXPECT_EQ(get("/users/sam").status, 404);
  EXPECT_EQ(user_count(alpha), 0);
  EXPECT_EQ(quota(alpha), before);

  // The partner itself may still create users from that network.
  auto reply = post("/users/", R"({"username": "sam", "name": "Sam", "email": "sam@example.com"})");
  EXPECT_EQ(reply.status, 200) << reply.body;
}

TEST_F(SignupTest, ABareAddressRestrictsThatAddressOnly) {
  restrict_signups(alpha, "alpha", {"127.0.0.2"});
  expect_restricted(signup_from("127.0.0.2", body("alpha", "sam")));
  EXPECT_EQ(signup(body("alpha", "tom")).status, 200);  // from 127.0.0.1
  EXPECT_EQ(user_count(alpha), 1);
}

TEST_F(SignupTest, OtherNetworksMaySignUp) {
  restrict_signups(alpha, "alpha", {"10.0.0.0/8", "192.168.0.0/16", "2001:db8::/32"});
  auto reply = signup(body("alpha", "sam"));
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(signup_from("127.0.0.2", body("alpha", "tom")).status, 200);
  EXPECT_EQ(user_count(alpha), 2);
}

TEST_F(SignupTest, WithoutTheFeatureTheSameNetworkMaySignUp) {
  restrict_signups(alpha, "alpha", {"127.0.0.0/8"});
  expect_restricted(signup(body("alpha", "sam")));
  set_partner("alpha", [](domain::Partner& p) { p.features.signup_restrictions = false; });
  // The list is still stored, but only partners with the feature have it enforced.
  auto settings = get("/partner/settings");
  ASSERT_EQ(settings.status, 200);
  EXPECT_EQ(settings.json.at("signup_network_restriction"), json(R"(["127.0.0.0/8"])"));
  auto reply = signup(body("alpha", "sam"));
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(signup_from("127.0.0.2", body("alpha", "tom")).status, 200);
  EXPECT_EQ(user_count(alpha), 2);
}

TEST_F(SignupTest, RestrictionsBelongToOnePartner) {
  restrict_signups(beta, "beta", {"127.0.0.0/8"});
  expect_restricted(signup(body("beta", "sam")),
                    "Signups from your network are restricted; please contact help@beta.example");
  EXPECT_EQ(signup(body("alpha", "sam")).status, 200);
  EXPECT_EQ(user_count(alpha), 1);
  EXPECT_EQ(user_count(beta), 0);
}

TEST_F(SignupTest, TheReasonNamesTheCurrentSupportEmail) {
  restrict_signups(alpha, "alpha", {"127.0.0.0/8"});
  ASSERT_EQ(post("/partner/settings", R"({"support_email": "desk@alpha.example"})").status, 200);
  expect_restricted(signup(body("alpha", "sam")),
                    "Signups from your network are restricted; please contact desk@alpha.example");
}

// --- the caller's address ---------------------------------------------------------------------

TEST_F(SignupTest, ATrustedProxysLastForwardedForHopIsTheCaller) {
  restrict_signups(alpha, "alpha", {"203.0.113.0/24"});
  // From 127.0.0.1 (trusted) without X-Forwarded-For, the peer itself is the caller.
  EXPECT_EQ(signup(body("alpha", "u1")).status, 200);
  expect_restricted(signup(body("alpha", "u2"), {{"X-Forwarded-For", "203.0.113.9"}}));
  // Only the last hop counts: the ones before it are whatever the client claimed.
  expect_restricted(
      signup(body("alpha", "u3"), {{"X-Forwarded-For", "198.51.100.1, 203.0.113.9"}}));
  EXPECT_EQ(signup(body("alpha", "u4"), {{"X-Forwarded-For", "203.0.113.9, 198.51.100.1"}}).status,
            200);
  EXPECT_EQ(signup(body("alpha", "u5"), {{"X-Forwarded-For", "203.0.113.9,198.51.100.1"}}).status,
            200);
  EXPECT_EQ(get("/users/u2").status, 404);
  EXPECT_EQ(get("/users/u3").status, 404);
  EXPECT_EQ(user_count(alpha), 3);
}

// Found while fuzzing: a zone index made an IPv6 address match no netblock at all.
TEST_F(SignupTest, AScopedForwardedForAddressIsStillRestricted) {
  restrict_signups(alpha, "alpha", {"fe80::/10"});
  expect_restricted(signup(body("alpha", "u1"), {{"X-Forwarded-For", "fe80::1%1"}}));
  EXPECT_EQ(signup(body("alpha", "u2"), {{"X-Forwarded-For", "2001:db8::1%1"}}).status, 200);
  EXPECT_EQ(user_count(alpha), 1);
}

TEST_F(SignupTest, ATrustedProxysForwardedForReplacesItsOwnAddress) {
  restrict_signups(alpha, "alpha", {"127.0.0.0/8"});
  expect_restricted(signup(body("alpha", "u1")));
  EXPECT_EQ(signup(body("alpha", "u2"), {{"X-Forwarded-For", "198.51.100.1"}}).status, 200);
  expect_restricted(signup(body("alpha", "u3"), {{"X-Forwarded-For", "198.51.100.1, 127.0.0.9"}}));
  EXPECT_EQ(user_count(alpha), 1);
}

TEST_F(SignupTest, AnUntrustedPeersForwardedForIsIgnored) {
  restrict_signups(alpha, "alpha", {"203.0.113.0/24"});
  // 127.0.0.2 is not a trusted proxy: its claim to forward for 203.0.113.9 is ignored.
  auto reply = signup_from("127.0.0.2", body("alpha", "u1"), {{"X-Forwarded-For", "203.0.113.9"}});
  EXPECT_EQ(reply.status, 200) << reply.body;

  restrict_signups(alpha, "alpha", {"127.0.0.0/8"});
  // ... and it cannot escape a restriction on its own address by claiming another one.
  expect_restricted(
      signup_from("127.0.0.2", body("alpha", "u2"), {{"X-Forwarded-For", "198.51.100.1"}}));
  EXPECT_EQ(get("/users/u1").status, 200);
  EXPECT_EQ(get("/users/u2").status, 404);
  EXPECT_EQ(user_count(alpha), 1);
}

}  // namespace
}  // namespace accountsd::testing
