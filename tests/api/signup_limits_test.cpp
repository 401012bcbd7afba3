// B.3's self-signup limits: 20 attempts per client address and 600 per brand an hour, counted
// whatever the outcome; 429 with Retry-After beyond either.
#include <charconv>
#include <string>

#include "domain/netblock.hpp"
#include "support/api_fixture.hpp"

namespace accountsd::testing {
namespace {

// Trusts X-Forwarded-For from 127.0.0.1, so each test can play many client addresses.
class SignupLimitsTest : public ApiTest {
 protected:
  void configure(api::AppConfig& config) override {
    ApiTest::configure(config);
    config.trusted_proxies.push_back(*domain::parse_netblock("127.0.0.1/32"));
    config.signup_limits.per_brand = per_brand;
  }
  Reply signup_from(const std::string& client, const std::string& brand,
                    const std::string& username) {
    boost::json::object body{{"brand", brand},
                             {"username", username},
                             {"name", "User " + username},
                             {"email", username + "@example.com"}};
    return request("POST", "/users/", boost::json::serialize(body), std::nullopt,
                   {{"X-Forwarded-For", client}});
  }
  static long long retry_after(const Reply& reply) {
    auto text = reply.header("retry-after");
    long long seconds = -1;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    return ec == std::errc() && end == text.data() + text.size() && !text.empty() ? seconds : -1;
  }
  std::int64_t user_count(const Login& login) {
    return get_as(login, "/users/?action=user_count").json.at("user_count").as_int64();
  }
  std::size_t per_brand = 600;
};

TEST_F(SignupLimitsTest, TheTwentyFirstAttemptFromOneAddressInAnHourIsRefused) {
  // Every outcome counts: created, taken, malformed, unknown brand.
  for (int i = 0; i < 20; ++i) {
    Reply reply;
    switch (i % 4) {
      case 0:
        reply = signup_from("203.0.113.5", "alpha", "user" + std::to_string(i));
        break;
      case 1:
        reply = signup_from("203.0.113.5", "alpha", "user0");
        break;
      case 2:
        reply = signup_from("203.0.113.5", "alpha", "");
        break;
      case 3:
        reply = signup_from("203.0.113.5", "no-such-brand", "x" + std::to_string(i));
        break;
    }
    EXPECT_NE(reply.status, 429) << "attempt " << i + 1 << ": " << reply.body;
  }
  auto refused = signup_from("203.0.113.5", "alpha", "late");
  EXPECT_EQ(refused.status, 429) << refused.body;
  EXPECT_GT(retry_after(refused), 3000);
  EXPECT_LE(retry_after(refused), 3600);
  ASSERT_TRUE(refused.json.is_object()) << refused.body;
  EXPECT_TRUE(refused.json.at("reason").is_string());
  EXPECT_EQ(user_count(alpha), 5);  // users 0, 4, 8, 12 and 16; "late" was not created
  // Another address is not affected, nor are partners' own creations from the same one.
  EXPECT_EQ(signup_from("203.0.113.6", "alpha", "late").status, 200);
  auto own = request("POST", "/users/",
                     R"({"username": "own", "name": "Own", "email": "own@example.com"})", alpha,
                     {{"X-Forwarded-For", "203.0.113.5"}});
  EXPECT_EQ(own.status, 200) << own.body;
}

class SmallBrandLimitTest : public SignupLimitsTest {
 protected:
  SmallBrandLimitTest() { per_brand = 30; }
};

TEST_F(SmallBrandLimitTest, AttemptsBeyondTheBrandsLimitAreRefused) {
  // 30 attempts for alpha from three addresses, ten each (under the 20 per address).
  for (int i = 0; i < 30; ++i) {
    auto reply = signup_from("198.51.100." + std::to_string(i / 10), "alpha",
                             i % 2 ? "user" + std::to_string(i) : "user1");
    EXPECT_NE(reply.status, 429) << "attempt " << i + 1 << ": " << reply.body;
  }
  auto refused = signup_from("198.51.100.200", "alpha", "late");
  EXPECT_EQ(refused.status, 429) << refused.body;
  EXPECT_GT(retry_after(refused), 0);
  EXPECT_LE(retry_after(refused), 3600);
  // Another brand is not affected.
  EXPECT_EQ(signup_from("198.51.100.200", "beta", "late").status, 200);
}

TEST(SignupLimitDefaults, AreTheSpecs) {
  api::AppConfig config;
  EXPECT_EQ(config.signup_limits.per_address, 20u);
  EXPECT_EQ(config.signup_limits.per_brand, 600u);
  EXPECT_EQ(config.signup_limits.window, std::chrono::hours(1));
}

}  // namespace
}  // namespace accountsd::testing
