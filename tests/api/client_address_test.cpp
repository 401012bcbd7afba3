// A.2 client address (issue 17, findings 2 and 2b): behind a trusted proxy the caller is the last
// hop of all X-Forwarded-For lines together; a last hop that is not a bare address is a 400,
// never the proxy's own address.
#include <string>

#include "domain/netblock.hpp"
#include "support/api_fixture.hpp"
#include "support/json_checks.hpp"

namespace accountsd::testing {
namespace {

// The server trusts X-Forwarded-For from 127.0.0.1, where the fixture's requests come from.
class ClientAddressTest : public ApiTest {
 protected:
  void configure(api::AppConfig& config) override {
    ApiTest::configure(config);
    config.trusted_proxies.push_back(*domain::parse_netblock("127.0.0.1/32"));
  }

  void SetUp() override {
    ApiTest::SetUp();
    set_partner("alpha", [](domain::Partner& p) { p.features.signup_restrictions = true; });
    auto reply = post("/partner/settings",
                      R"({"signup_network_restriction": ["9.9.9.0/24", "2001:db8::/32"]})");
    ASSERT_EQ(reply.status, 200) << reply.body;
  }

  // A self-signup for `username` with `headers` (whole lines, each ending in \r\n) sent as
  // written, so that a header may come twice; the status of the answer.
  int signup_with_lines(const std::string& username, const std::string& headers) {
    std::string body = R"({"brand": "alpha", "username": ")" + username +
                       R"(", "name": "N", "email": ")" + username + R"(@example.com"})";
    auto response = raw_exchange(
        "POST " + std::string(kRoot) + "/users/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" +
        headers + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    if (response.rfind("HTTP/1.1 ", 0) != 0) return 0;
    return std::stoi(response.substr(9, 3));
  }

  Reply signup(const std::string& username, const std::string& forwarded_for) {
    std::string body = R"({"brand": "alpha", "username": ")" + username +
                       R"(", "name": "N", "email": ")" + username + R"(@example.com"})";
    return request("POST", "/users/", body, std::nullopt, {{"X-Forwarded-For", forwarded_for}});
  }
};

TEST_F(ClientAddressTest, EveryForwardedForLineCountsAndTheLastHopIsTheCaller) {
  // Finding 2: judged by the first line, 9.9.9.9 signed up from a restricted network.
  EXPECT_EQ(signup_with_lines("u1", "X-Forwarded-For: 1.2.3.4\r\nX-Forwarded-For: 9.9.9.9\r\n"),
            403);
  EXPECT_EQ(signup_with_lines("u2", "X-Forwarded-For: 9.9.9.9\r\nX-Forwarded-For: 1.2.3.4\r\n"),
            200);
  EXPECT_EQ(signup_with_lines(
                "u3", "X-Forwarded-For: 1.2.3.4, 5.6.7.8\r\nx-forwarded-for: 7.7.7.7, 9.9.9.9\r\n"),
            403);
  // An empty element is skipped, as HTTP lists allow; the last address still decides.
  EXPECT_EQ(signup_with_lines("u4", "X-Forwarded-For: 9.9.9.9\r\nX-Forwarded-For: ,\r\n"), 403);
  EXPECT_EQ(get("/users/u1").status, 404);
  EXPECT_EQ(get("/users/u2").status, 200);
}

TEST_F(ClientAddressTest, ALastHopThatIsNotABareAddressIsRefused) {
  // Finding 2b: these fell back to the proxy's own address (200 instead of 403).
  for (const char* hop : {"9.9.9.9:1234", "[2001:db8::1]:80", "[2001:db8::1]", "garbage",
                          "1.2.3.4, 9.9.9.9:1234", "9.9.9", "9.9.9.9 1.2.3.4"}) {
    auto reply = signup("u1", hop);
    expect_invalid(reply, {"X-Forwarded-For"});
    EXPECT_NE(reply.json.at("reason").as_string().find("bare IPv4 or IPv6"), std::string::npos)
        << reply.body;
  }
  expect_invalid(signup("u1", " , "), {"X-Forwarded-For"});
  EXPECT_EQ(get("/users/u1").status, 404);
}

TEST_F(ClientAddressTest, ABareIpv6LastHopIsTheCaller) {
  EXPECT_EQ(signup("u1", "2001:db8::1").status, 403);
  EXPECT_EQ(signup("u2", " 2001:db8::1 ").status, 403);
  EXPECT_EQ(signup("u3", "2001:db9::1").status, 200);
  EXPECT_EQ(signup("u4", "9.9.9.9, 2001:db9::1").status, 200);
}

TEST_F(ClientAddressTest, AMalformedHopIsRefusedBeforeAnyLoginIsCounted) {
  // The throttle counts failures by this address: a malformed one must not count against the
  // proxy's, nor let anyone guess without being counted.
  Login wrong{"alpha", "not-the-password"};
  for (int i = 0; i < 15; ++i) {
    auto reply = request("GET", "/partner/quota", "", wrong, {{"X-Forwarded-For", "9.9.9.9:1"}});
    expect_invalid(reply, {"X-Forwarded-For"});
  }
  EXPECT_EQ(request("GET", "/partner/quota", "", alpha, {{"X-Forwarded-For", "1.2.3.4"}}).status,
            200);
  EXPECT_EQ(get("/partner/quota").status, 200);
}

}  // namespace
}  // namespace accountsd::testing
