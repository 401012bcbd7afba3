// App::resolve: a target is routed the same whether its path is split as it is (the common
// case) or parsed and percent-decoded as a URL.
#include <gtest/gtest.h>

#include <string>

#include "support/app_world.hpp"

namespace accountsd::api {
namespace {

class ResolveTest : public ::testing::Test {
 protected:
  http::ResolvedRoute resolve(const std::string& method, const std::string& path) {
    return world_.app().resolve(method, "/apis/accounts/v1" + path);
  }

  testing::AppWorld world_;
};

TEST_F(ResolveTest, AnEmailInThePathRoutesAsItsPercentEncodedForm) {
  auto raw = resolve("GET", "/users/joe@example.com");
  auto encoded = resolve("GET", "/users/joe%40example.com");
  ASSERT_TRUE(raw.match.found());
  ASSERT_TRUE(encoded.match.found());
  EXPECT_EQ(raw.match.index, encoded.match.index);
  EXPECT_EQ(raw.match.pattern, "/apis/accounts/v1/users/{u}");
  EXPECT_EQ(raw.match.params.get("u"), "joe@example.com");
  EXPECT_EQ(encoded.match.params.get("u"), "joe@example.com");
  auto shares = resolve("GET", "/users/joe@example.com/shares/");
  ASSERT_TRUE(shares.match.found());
  EXPECT_EQ(shares.match.params.get("u"), "joe@example.com");
}

TEST_F(ResolveTest, DotSegmentsAndEncodedSlashesStillGoThroughTheParser) {
  // "%2F" decodes to a slash inside one segment: not a second segment.
  auto slash = resolve("GET", "/users/a%2Fb");
  ASSERT_TRUE(slash.match.found());
  EXPECT_EQ(slash.match.params.get("u"), "a/b");
  EXPECT_FALSE(resolve("GET", "/users/joe@example.com/nothing/here").match.found());
}

}  // namespace
}  // namespace accountsd::api
