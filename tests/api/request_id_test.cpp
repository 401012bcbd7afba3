// X-Request-Id (issue 14): every response carries one, the client's own when it sent a sane one
// (1 to 128 visible ASCII characters), otherwise one the server made; answers the server gives
// before any handler carry one too.
#include <set>
#include <string>

#include "support/api_fixture.hpp"

namespace accountsd::testing {
namespace {

class RequestIdTest : public ApiTest {};

TEST_F(RequestIdTest, EveryAnswerCarriesAFreshIdWhenTheClientSentNone) {
  std::set<std::string> ids;
  for (const auto& reply : {get("/partner/quota"), get("/no/such/endpoint"),
                            request("GET", "/partner/quota", "", std::nullopt),
                            post("/partner/settings", "{not json")}) {
    auto id = reply.header("x-request-id");
    EXPECT_FALSE(id.empty()) << reply.status << " " << reply.body;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 4u);
}

TEST_F(RequestIdTest, AClientsSaneIdIsEchoed) {
  const std::string id = "console-7f3a/2026-12-02T00:00:00Z#1";
  auto reply = request("GET", "/partner/quota", "", alpha, {{"X-Request-Id", id}});
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.header("x-request-id"), id);
  auto refused = request("GET", "/partner/quota", "", std::nullopt, {{"X-Request-Id", id}});
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(refused.header("x-request-id"), id);
  const std::string longest(128, 'r');
  EXPECT_EQ(request("GET", "/ping", "", alpha, {{"X-Request-Id", longest}}).header("x-request-id"),
            longest);
}

TEST_F(RequestIdTest, AnInsaneIdIsReplaced) {
  for (const auto& sent :
       {std::string(129, 'r'), std::string("two words"), std::string("caf\xc3\xa9")}) {
    auto reply = request("GET", "/ping", "", alpha, {{"X-Request-Id", sent}});
    EXPECT_EQ(reply.status, 200);
    auto id = reply.header("x-request-id");
    EXPECT_FALSE(id.empty());
    EXPECT_NE(id, sent);
  }
}

TEST_F(RequestIdTest, AnAnswerBeforeAnyHandlerCarriesOne) {
  // Past the body limit: refused as soon as the headers are in.
  auto reply = raw_exchange(std::string("POST ") + kRoot +
                            "/partner/settings HTTP/1.1\r\nHost: x\r\nX-Request-Id: big-1\r\n"
                            "Content-Length: 100000000\r\n\r\n");
  EXPECT_NE(reply.find(" 413 "), std::string::npos) << reply;
  EXPECT_NE(reply.find("X-Request-Id: big-1\r\n"), std::string::npos) << reply;
}

}  // namespace
}  // namespace accountsd::testing
