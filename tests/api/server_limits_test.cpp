#include "support/api_fixture.hpp"

namespace accountsd::testing {
namespace {

class ServerLimitsTest : public ApiTest {};

std::string status_line(const std::string& response) {
  return response.substr(0, response.find("\r\n"));
}

std::string body_of(const std::string& response) {
  auto start = response.find("\r\n\r\n");
  return start == std::string::npos ? "" : response.substr(start + 4);
}

TEST_F(ServerLimitsTest, BodyOverOneMebibyteIs413) {
  std::string body(1024 * 1024 + 1, ' ');
  auto reply = post("/partner/settings", body);
  EXPECT_EQ(reply.status, 413);
  EXPECT_TRUE(reply.json.at("reason").is_string());
}

TEST_F(ServerLimitsTest, DeclaredOversizedBodyIsRefusedBeforeItArrives) {
  auto response = raw_exchange(std::string("POST ") + kRoot +
                               "/partner/settings HTTP/1.1\r\nHost: x\r\nContent-Length: "
                               "5000000\r\n\r\n{");
  EXPECT_EQ(status_line(response), "HTTP/1.1 413 Payload Too Large");
}

TEST_F(ServerLimitsTest, BodyOfExactlyOneMebibyteIsAccepted) {
  std::string body = "{\"share_link_ttl\": 77}";
  body.resize(1024 * 1024, ' ');
  auto reply = post("/partner/settings", body);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.at("share_link_ttl").as_int64(), 77);
}

TEST_F(ServerLimitsTest, OversizedHeadersAreRefusedWith431) {
  auto response =
      raw_exchange(std::string("GET ") + kRoot + "/ping HTTP/1.1\r\nHost: x\r\nX-Big: " +
                   std::string(32 * 1024, 'a') + "\r\n\r\n");
  EXPECT_EQ(status_line(response), "HTTP/1.1 431 Request Header Fields Too Large");
  EXPECT_TRUE(json(body_of(response)).at("reason").is_string());
}

TEST_F(ServerLimitsTest, MalformedRequestIs400) {
  auto response = raw_exchange("GARBAGE\x01 / HTTP/1.1\r\n\r\n");
  EXPECT_EQ(status_line(response), "HTTP/1.1 400 Bad Request");
}

TEST_F(ServerLimitsTest, EarlyAnswersSpeakTheVersionOfTheRequest) {
  auto too_large = raw_exchange(std::string("POST ") + kRoot +
                                "/partner/settings HTTP/1.0\r\nHost: x\r\nContent-Length: "
                                "5000000\r\n\r\n{");
  EXPECT_EQ(status_line(too_large), "HTTP/1.0 413 Payload Too Large");
  auto malformed = raw_exchange(std::string("GET ") + kRoot +
                                "/ping HTTP/1.0\r\nHost: x\r\nno colon in this line\r\n\r\n");
  EXPECT_EQ(status_line(malformed), "HTTP/1.0 400 Bad Request");
  EXPECT_TRUE(json(body_of(malformed)).at("reason").is_string());
  // Where the request line never parsed, the version is unknown: HTTP/1.1 it is.
  EXPECT_EQ(status_line(raw_exchange("GARBAGE\x01 / HTTP/1.0\r\n\r\n")),
            "HTTP/1.1 400 Bad Request");
}

TEST_F(ServerLimitsTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  std::string ping = std::string("GET ") + kRoot + "/ping HTTP/1.1\r\nHost: x\r\n";
  auto response = raw_exchange(ping + "\r\n" + ping + "\r\n" + ping + "Connection: close\r\n\r\n");
  std::size_t count = 0;
  for (auto pos = response.find("HTTP/1.1 200 OK"); pos != std::string::npos;
       pos = response.find("HTTP/1.1 200 OK", pos + 1))
    ++count;
  EXPECT_EQ(count, 3u);
}

TEST_F(ServerLimitsTest, ExpectContinueGetsAnInterimResponse) {
  auto response = raw_exchange(std::string("POST ") + kRoot +
                               "/partner/password HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                               "Expect: 100-continue\r\nContent-Length: 2\r\n\r\n{}");
  EXPECT_EQ(status_line(response), "HTTP/1.1 100 Continue");
  EXPECT_NE(response.find("HTTP/1.1 401 Unauthorized"), std::string::npos);
}

TEST_F(ServerLimitsTest, SilentClientIsDisconnectedAfterTheReadTimeout) {
  // The fixture's read timeout is 3 s; an incomplete request must not hold the connection.
  auto response = raw_exchange("GET /ping HTTP/1.1\r\n", std::chrono::seconds(20));
  EXPECT_EQ(response, "");
  EXPECT_EQ(get("/ping").status, 200);
}

TEST_F(ServerLimitsTest, NonJsonErrorsStillCarryJsonReasons) {
  auto reply = request("GET", "/no/such/thing", "", std::nullopt);
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8");
  EXPECT_TRUE(reply.json.at("reason").is_string());
}

}  // namespace
}  // namespace accountsd::testing
