#include "domain/netblock.hpp"
#include "support/api_fixture.hpp"

namespace accountsd::testing {
namespace {

class PingTest : public ApiTest {};

TEST_F(PingTest, AnswersPongWithoutCredentials) {
  auto reply = request("GET", "/ping", "", std::nullopt);
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.json, boost::json::value("pong"));
  EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8");
}

TEST_F(PingTest, AnswersPongWithValidCredentials) {
  auto reply = get("/ping");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.json, boost::json::value("pong"));
}

TEST_F(PingTest, RefusesWrongCredentials) {
  auto reply = request("GET", "/ping", "", Login{"alpha", "wrong-password"});
  EXPECT_EQ(reply.status, 401);
  EXPECT_TRUE(reply.json.at("reason").is_string());
  EXPECT_EQ(reply.header("www-authenticate"), "Basic realm=\"accounts\"");
}

TEST_F(PingTest, AcceptsTrailingSlash) {
  EXPECT_EQ(request("GET", "/ping/", "", std::nullopt).status, 200);
}

// Behind a trusted proxy (127.0.0.1, where the fixture's requests come from), as A.2 describes.
class PingBehindProxyTest : public ApiTest {
 protected:
  void configure(api::AppConfig& config) override {
    ApiTest::configure(config);
    config.trusted_proxies.push_back(*domain::parse_netblock("127.0.0.1/32"));
  }
  Reply ping_from(const std::string& client, const std::optional<Login>& login) {
    return request("GET", "/ping", "", login, {{"X-Forwarded-For", client}});
  }
};

TEST_F(PingBehindProxyTest, FailedPingsCountAgainstTheForwardedClientNotTheProxy) {
  // 100 failures from one client address: the address limit of A.2, each username once.
  for (int i = 1; i <= 100; ++i) {
    auto reply = ping_from("203.0.113.7", Login{"guess-" + std::to_string(i), "wrong-password"});
    ASSERT_EQ(reply.status, 401) << "failure " << i << ": " << reply.body;
  }
  // That client is locked out, on ping and everywhere else...
  EXPECT_EQ(ping_from("203.0.113.7", alpha).status, 429);
  EXPECT_EQ(
      request("GET", "/partner/quota", "", alpha, {{"X-Forwarded-For", "203.0.113.7"}}).status,
      429);
  // ...and the other clients of the same proxy are not.
  auto other = ping_from("198.51.100.20", alpha);
  EXPECT_EQ(other.status, 200) << other.body;
  EXPECT_EQ(other.json, boost::json::value("pong"));
  EXPECT_EQ(request("GET", "/ping", "", alpha).status, 200) << "the proxy's own address";
}

}  // namespace
}  // namespace accountsd::testing
