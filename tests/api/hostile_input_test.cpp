// Hostile input (issue 5, item 3): request smuggling attempts, invalid UTF-8, very deep JSON, huge
// numbers, NUL characters and path traversal each get a 4xx, never a 500, and change nothing.
#include <string>

#include "support/api_fixture.hpp"

namespace accountsd::testing {
namespace {

class HostileInputTest : public ApiTest {
 protected:
  // The status code of the first response in `response`, 0 if there is none.
  static int first_status(const std::string& response) {
    if (response.rfind("HTTP/1.1 ", 0) != 0 || response.size() < 12) return 0;
    return std::stoi(response.substr(9, 3));
  }
  std::string settings_post(const std::string& headers, const std::string& body) {
    return raw_exchange("POST " + std::string(kRoot) + "/partner/settings HTTP/1.1\r\nHost: x\r\n" +
                        "Authorization: " + basic_authorization(alpha) + "\r\n" + headers + "\r\n" +
                        body);
  }
  std::int64_t ttl() { return json(get("/partner/settings").body).at("share_link_ttl").as_int64(); }
  void expect_refused(const Reply& reply, const std::string& what) {
    EXPECT_GE(reply.status, 400) << what << ": " << reply.body;
    EXPECT_LT(reply.status, 500) << what << ": " << reply.body;
    EXPECT_TRUE(reply.json.is_object() && reply.json.as_object().contains("reason"))
        << what << ": " << reply.body;
  }
};

TEST_F(HostileInputTest, ConflictingContentLengthAndChunkedIsRefused) {
  std::string body = "5\r\n{\"sha\r\n0\r\n\r\n";
  auto response = settings_post(
      "Content-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n",
      body);
  int status = first_status(response);
  EXPECT_GE(status, 400) << response;
  EXPECT_LT(status, 500) << response;
  EXPECT_EQ(ttl(), 10080);
}

TEST_F(HostileInputTest, TwoDifferentContentLengthsAreRefused) {
  auto response =
      settings_post("Content-Type: application/json\r\nContent-Length: 22\r\nContent-Length: 5\r\n",
                    "{\"share_link_ttl\": 77}");
  int status = first_status(response);
  EXPECT_GE(status, 400) << response;
  EXPECT_LT(status, 500) << response;
  EXPECT_EQ(ttl(), 10080);
}

TEST_F(HostileInputTest, ASmuggledSecondRequestIsNeverServed) {
  // A body that hides a second request; whatever the server makes of it, the hidden write must
  // not happen.
  std::string hidden =
      "POST " + std::string(kRoot) +
      "/partner/settings HTTP/1.1\r\nHost: x\r\nAuthorization: " + basic_authorization(alpha) +
      "\r\nContent-Type: application/json\r\nContent-Length: 22\r\n\r\n"
      "{\"share_link_ttl\": 99}";
  auto response =
      settings_post("Content-Length: 0\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n" + hidden);
  EXPECT_NE(first_status(response), 500) << response;
  EXPECT_EQ(response.find("HTTP/1.1 500"), std::string::npos) << response;
  EXPECT_EQ(ttl(), 10080);
}

TEST_F(HostileInputTest, InvalidUtf8InABodyIs400) {
  auto reply = post("/partner/settings", "{\"support_email\": \"a\xff\xfe@example.com\"}");
  expect_refused(reply, "invalid UTF-8");
  EXPECT_EQ(reply.status, 400);
}

TEST_F(HostileInputTest, TenThousandDeepJsonIs400) {
  std::string deep = std::string(10000, '[') + std::string(10000, ']');
  auto reply = post("/partner/settings", deep);
  expect_refused(reply, "deep array");
  EXPECT_EQ(reply.status, 400);
  std::string objects;
  for (int i = 0; i < 10000; ++i) objects += "{\"a\":";
  objects += "1" + std::string(10000, '}');
  expect_refused(post("/partner/settings", objects), "deep object");
}

TEST_F(HostileInputTest, HugeNumbersAre400AndChangeNothing) {
  for (const std::string& number : {std::string(400, '9'), std::string("1e400"),
                                    std::string("-1e400"), std::string("18446744073709551616"),
                                    std::string("9223372036854775808"), std::string("1.5")}) {
    auto reply = post("/partner/settings", "{\"share_link_ttl\": " + number + "}");
    expect_refused(reply, number);
    EXPECT_EQ(reply.status, 400) << number;
  }
  EXPECT_EQ(ttl(), 10080);
}

TEST_F(HostileInputTest, PathTraversalInAUserNameIs404) {
  for (const std::string& u : {std::string("..%2F..%2Fetc%2Fpasswd"), std::string("%2e%2e"),
                               std::string("..%2Fpartner%2Fquota"), std::string("%2F")}) {
    auto reply = get("/users/" + u);
    EXPECT_EQ(reply.status, 404) << u << ": " << reply.body;
    EXPECT_TRUE(reply.json.is_object() && reply.json.as_object().contains("reason")) << u;
  }
  auto raw = raw_exchange("GET " + std::string(kRoot) +
                          "/users/../../partner/quota HTTP/1.1\r\nHost: x\r\nAuthorization: " +
                          basic_authorization(alpha) + "\r\nConnection: close\r\n\r\n");
  int status = first_status(raw);
  EXPECT_GE(status, 400) << raw;
  EXPECT_LT(status, 500) << raw;
}

TEST_F(HostileInputTest, NulInAStringIs400NamingTheField) {
  auto before = get("/partner/settings").body;
  auto reply = post("/partner/settings", R"({"api_version": "v1\u0000rest"})");
  ASSERT_EQ(reply.status, 400) << reply.body;
  EXPECT_NE(std::string(reply.json.at("reason").as_string()).find("NUL"), std::string::npos)
      << reply.body;
  EXPECT_EQ(reply.json.at("invalid"), json(R"(["api_version"])"));
  // In a list of strings, the list's field is named.
  reply = post("/partner/settings", R"({"share_link_ttl": 5,
                                        "signup_network_restriction": ["10.0.0.0/8\u0000"]})");
  ASSERT_EQ(reply.status, 400) << reply.body;
  EXPECT_EQ(reply.json.at("invalid"), json(R"(["signup_network_restriction"])"));
  EXPECT_EQ(get("/partner/settings").body, before);
}

TEST_F(HostileInputTest, NulInAKeyOrAsARawByteIs400) {
  auto before = get("/partner/settings").body;
  auto reply = post("/partner/settings", R"({"share_link_ttl\u0000": 5})");
  expect_refused(reply, "NUL in a key");
  EXPECT_EQ(reply.status, 400);
  // Unescaped, a NUL byte is a control character JSON does not allow inside a string.
  reply = post("/partner/settings", std::string("{\"api_version\": \"v\0\"}", 20));
  expect_refused(reply, "raw NUL byte");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(get("/partner/settings").body, before);
}

TEST_F(HostileInputTest, NulInAUsernameOrPasswordIs400AndChangesNothing) {
  auto reply = post("/users/", R"({"username": "eve\u0000admin", "name": "Eve",
                                   "email": "eve@example.com"})");
  ASSERT_EQ(reply.status, 400) << reply.body;
  EXPECT_EQ(reply.json.at("invalid"), json(R"(["username"])"));
  EXPECT_EQ(get("/users/eve").status, 404);

  reply = request("POST", "/partner/password", R"("new-password\u0000-tail")", alpha);
  ASSERT_EQ(reply.status, 400) << reply.body;
  EXPECT_EQ(reply.json.at("invalid"), json(R"(["password"])"));
  EXPECT_EQ(get("/partner/quota").status, 200) << "the old password must still work";
}

}  // namespace
}  // namespace accountsd::testing
