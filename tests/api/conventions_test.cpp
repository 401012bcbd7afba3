// A.1 conventions that hold across endpoints: 404 and 405 bodies, Allow, trailing slashes and the
// response content type.
#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "support/api_fixture.hpp"

namespace accountsd::testing {
namespace {

constexpr const char* kJson = "application/json; charset=utf-8";

// The methods of an Allow header ("GET, POST"), sorted.
std::vector<std::string> allowed(const std::string& header) {
  std::vector<std::string> out;
  std::stringstream in(header);
  std::string item;
  while (std::getline(in, item, ',')) {
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) out.push_back(item);
  }
  std::sort(out.begin(), out.end());
  return out;
}

class ConventionsTest : public ApiTest {
 protected:
  void expect_error_body(const Reply& reply, int status) {
    EXPECT_EQ(reply.status, status) << reply.body;
    EXPECT_EQ(reply.header("content-type"), kJson);
    ASSERT_TRUE(reply.json.is_object()) << reply.body;
    ASSERT_TRUE(reply.json.as_object().contains("reason")) << reply.body;
    ASSERT_TRUE(reply.json.at("reason").is_string()) << reply.body;
    EXPECT_FALSE(reply.json.at("reason").as_string().empty());
  }
};

TEST_F(ConventionsTest, UnknownPathIs404WithReason) {
  for (const char* path : {"/nope", "/partner", "/partner/", "/partner/nope", "/partner/quota/x",
                           "/shares/x/y", "/PARTNER/QUOTA", "/clientrevision"}) {
    SCOPED_TRACE(path);
    expect_error_body(get(path), 404);
    expect_error_body(post(path, "{}"), 404);
  }
}

TEST_F(ConventionsTest, PathOutsideTheRootIs404) {
  auto reply =
      raw_exchange("GET /partner/quota HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 404", 0), 0u) << reply;
}

TEST_F(ConventionsTest, WrongMethodIs405WithAllow) {
  struct Case {
    std::string method;
    std::string path;
    std::vector<std::string> allow;
  };
  for (const auto& c : std::vector<Case>{
           {"POST", "/partner/quota", {"GET"}},
           {"DELETE", "/partner/quota/", {"GET"}},
           {"PUT", "/partner/settings", {"GET", "POST"}},
           {"DELETE", "/partner/settings/", {"GET", "POST"}},
           {"PATCH", "/partner/billing", {"GET", "POST"}},
           {"GET", "/partner/password", {"POST"}},
           {"PUT", "/partner/features", {"GET"}},
           {"POST", "/shares", {"GET"}},
           {"DELETE", "/shares/", {"GET"}},
           {"POST", "/clientrevisions", {"GET"}},
           {"PUT", "/clientrevisions/", {"GET"}},
           {"POST", "/ping", {"GET"}},
       }) {
    SCOPED_TRACE(c.method + " " + c.path);
    auto reply = request(c.method, c.path, "{}", alpha);
    expect_error_body(reply, 405);
    EXPECT_EQ(allowed(reply.header("allow")), c.allow) << reply.header("allow");
  }
}

TEST_F(ConventionsTest, PathsWorkWithAndWithoutTrailingSlash) {
  for (const char* path : {"/partner/quota", "/partner/features", "/partner/settings",
                           "/partner/billing", "/shares", "/clientrevisions", "/ping"}) {
    SCOPED_TRACE(path);
    auto without = get(path);
    auto with = get(std::string(path) + "/");
    EXPECT_EQ(without.status, 200) << without.body;
    EXPECT_EQ(with.status, 200) << with.body;
    EXPECT_EQ(without.json, with.json);
    EXPECT_FALSE(without.json.is_null()) << without.body;
  }
  // POST too.
  auto reply = post("/partner/settings/", R"({"share_link_ttl": 33})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(get("/partner/settings").json.at("share_link_ttl"), boost::json::value(33));
}

// Plain paths are split without a URL parse (App::resolve); percent-encoded ones go through the
// parser. Both must reach the same route.
TEST_F(ConventionsTest, PercentEncodedPathsReachTheSameRouteAsPlainOnes) {
  for (const auto& [plain, encoded] : std::vector<std::pair<std::string, std::string>>{
           {"/ping", "/p%69ng"},
           {"/partner/quota", "/partner/%71uota"},
           {"/partner/settings/", "/p%61rtner/settings/"},
           {"/shares/", "/%73hares/"}}) {
    SCOPED_TRACE(plain + " " + encoded);
    auto a = get(plain);
    auto b = get(encoded);
    EXPECT_EQ(a.status, 200) << a.body;
    EXPECT_EQ(b.status, a.status) << b.body;
    EXPECT_EQ(b.json, a.json);
  }
}

TEST_F(ConventionsTest, SuccessResponsesAreJsonUtf8) {
  for (const char* path : {"/partner/quota", "/partner/features", "/partner/settings",
                           "/partner/billing", "/shares/", "/clientrevisions/", "/ping"}) {
    SCOPED_TRACE(path);
    auto reply = get(path);
    EXPECT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.header("content-type"), kJson);
  }
  auto reply = post("/partner/settings", "{}");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.header("content-type"), kJson);
}

TEST_F(ConventionsTest, ErrorResponsesAreJsonUtf8) {
  expect_error_body(get("/does/not/exist"), 404);
  expect_error_body(request("PUT", "/partner/quota", "", alpha), 405);
  expect_error_body(request("GET", "/partner/quota", "", std::nullopt), 401);
  expect_error_body(request("GET", "/partner/quota", "", Login{"alpha", "not-the-password"}), 401);
  auto reply = post("/partner/settings", R"({"share_link_ttl": "8"})");
  expect_error_body(reply, 400);
  EXPECT_EQ(reply.json.at("invalid"), json(R"(["share_link_ttl"])"));
  expect_error_body(get("/shares/?limit=-1"), 400);
  expect_error_body(get("/clientrevisions/?min_revision=abc"), 400);
}

TEST_F(ConventionsTest, BadRequestsAlwaysListInvalidFields) {
  for (const auto& [path, body] : std::vector<std::pair<std::string, std::string>>{
           {"/partner/settings", "[1]"},
           {"/partner/settings", "{\"a\": "},
           {"/partner/settings", "{\"share_link_ttl\": 1e2}"},
       }) {
    SCOPED_TRACE(body);
    auto reply = post(path, body);
    expect_error_body(reply, 400);
    ASSERT_TRUE(reply.json.as_object().contains("invalid")) << reply.body;
    EXPECT_TRUE(reply.json.at("invalid").is_array()) << reply.body;
  }
}

}  // namespace
}  // namespace accountsd::testing
