// The server with handlers in fibers (ServerLimits::fibers, as the PostgreSQL backend runs it),
// here over SQLite: plain answers, answers deferred to the worker pool (a login's Argon2id),
// durable writes and streamed lists all come back as they do inline.
#include <gtest/gtest.h>

#include <string>

#include "support/api_fixture.hpp"

namespace accountsd::testing {
namespace {

class FiberHandlersTest : public ApiTest {
 protected:
  http::ServerLimits server_limits() override {
    auto limits = ApiTest::server_limits();
    limits.fibers = true;
    return limits;
  }
};

TEST_F(FiberHandlersTest, EveryKindOfAnswerComesBackFromAFiber) {
  // A cold login: verified on the worker pool, then answered from a fiber.
  auto quota = get("/partner/quota");
  ASSERT_EQ(quota.status, 200) << quota.body;
  EXPECT_TRUE(quota.json.as_object().contains("bytes_available"));

  EXPECT_EQ(request("GET", "/partner/quota", "", Login{"alpha", "wrong-password"}).status, 401);

  for (int i = 0; i < 30; ++i) {
    auto name = "fiber" + std::to_string(i);
    auto created = post("/users/", R"({"username": ")" + name + R"(", "name": "F", "email": ")" +
                                       name + R"(@example.com"})");
    ASSERT_EQ(created.status, 200) << created.body;  // answered once durable
  }
  // Unpaged: streamed chunk by chunk, each piece produced in a fiber.
  auto listed = get("/users/");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.header("transfer-encoding"), "chunked");
  EXPECT_EQ(listed.json.as_array().size(), 30u);

  auto missing = get("/users/nobody");
  EXPECT_EQ(missing.status, 404);
  EXPECT_TRUE(missing.json.as_object().contains("reason"));
}

}  // namespace
}  // namespace accountsd::testing
