// `accountsd serve` writes its log to stdout in blocks: every request still gets its line, and
// none is left behind when the server stops, nor when a warning is logged. A line names the
// route's template, never the path sent.
#include <gtest/gtest.h>

#include <string>

#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/sqlite_checks.hpp"

namespace accountsd::testing {
namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(ServeLogTest, EveryRequestHasItsLineOnceTheServerStops) {
  TempDatabase temp;
  ServerProcess server(temp.dir / "serve.log");
  auto port = server.start("sqlite:" + temp.path);
  ASSERT_NE(port, 0) << server.log();
  // The start-up line is out at once: scripts and supervisors wait for it.
  EXPECT_NE(server.log().find("accountsd listening on"), std::string::npos) << server.log();
  constexpr int kPings = 300;
  for (int i = 0; i < kPings; ++i)
    ASSERT_EQ(http_request(port, "GET", "/apis/accounts/v1/ping", "", std::nullopt).status, 200);
  EXPECT_EQ(http_request(port, "GET", "/apis/accounts/v1/partner/quota", "", std::nullopt).status,
            401);
  EXPECT_EQ(server.stop(), 0) << server.log();
  auto log = server.log();
  EXPECT_EQ(count(log, "GET /apis/accounts/v1/ping 200 "), std::size_t(kPings));
  EXPECT_EQ(count(log, "GET /apis/accounts/v1/partner/quota 401 "), 1u);
  // In order: the stop comes after every request's line.
  EXPECT_GT(log.find("accountsd stopped"), log.rfind("GET /apis/accounts/v1/partner/quota 401"));
}

TEST(ServeLogTest, ALineNamesTheRouteTemplateNotThePathSent) {
  TempDatabase temp;
  ServerProcess server(temp.dir / "serve.log");
  auto port = server.start("sqlite:" + temp.path);
  ASSERT_NE(port, 0) << server.log();
  EXPECT_EQ(
      http_request(port, "GET", "/apis/accounts/v1/users/secret-user?x=1", "", std::nullopt).status,
      401);
  EXPECT_EQ(http_request(port, "POST", "/apis/accounts/v1/users/secret-user/shares/secret-room",
                         "{}", std::nullopt)
                .status,
            401);
  EXPECT_EQ(http_request(port, "GET", "/secret-path", "", std::nullopt).status, 404);
  EXPECT_EQ(server.stop(), 0) << server.log();
  auto log = server.log();
  EXPECT_EQ(count(log, "GET /apis/accounts/v1/users/{u} 401 "), 1u) << log;
  EXPECT_EQ(count(log, "POST /apis/accounts/v1/users/{u}/shares/{room_key} 401 "), 1u) << log;
  EXPECT_EQ(count(log, "GET (unmatched) 404 "), 1u) << log;
  EXPECT_EQ(log.find("secret"), std::string::npos) << log;
}

}  // namespace
}  // namespace accountsd::testing
