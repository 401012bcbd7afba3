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

}  // namespace
}  // namespace accountsd::testing
