// POST /partner/billing wipes the card number and security code from the request it is handed,
// whatever the outcome: the body must not hold them until the request ends (A.3).
#include <gtest/gtest.h>
#include <sodium.h>

#include <memory>
#include <string>

#include "auth/password.hpp"
#include "support/app_world.hpp"
#include "support/http_client.hpp"

namespace accountsd::api {
namespace {

constexpr const char* kPassword = "alpha-password-1";

class CardWipeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    auth::set_hash_cost(auth::HashCost::minimal);
    world_ = std::make_unique<testing::AppWorld>();
    world_->add_partner("alpha", kPassword, domain::BillingMode::prepaid);
  }

  // Sends a prepaid billing update with `number` and `code` (and `country`) to the App, and
  // returns what is left of the request afterwards, with the status.
  std::pair<int, http::Request> post_card(const std::string& number, const std::string& code,
                                          const std::string& country = "US") {
    http::Request request;
    request.method = "POST";
    request.target = "/apis/accounts/v1/partner/billing";
    request.headers.emplace_back("Authorization",
                                 testing::basic_authorization({"alpha", kPassword}));
    request.body = R"({"name": "Acme", "address": ["1 Speed Way"], "city": "Sitka",
                       "state": "AL", "postal_code": "99099", "country": ")" +
                   country + R"(", "card_number": ")" + number + R"(", "security_code": ")" + code +
                   R"(", "expiration_month": 8, "expiration_year": 2099})";
    request.peer = boost::asio::ip::make_address("127.0.0.1");
    request.request_id = "card-wipe";
    // The login is not cached yet: its verification is deferred, run here in place of a server.
    auto response = http::complete_inline(world_->app().handle(request));
    return {response.status, std::move(request)};
  }

  static void expect_no_card_data(const http::Request& request, const std::string& number,
                                  const std::string& code) {
    EXPECT_EQ(request.body.find(number), std::string::npos) << "card number left in the body";
    EXPECT_EQ(request.body.find("\"" + code + "\""), std::string::npos)
        << "security code left in the body";
  }

 private:
  // Made in SetUp, once the hashing cost is set.
  std::unique_ptr<testing::AppWorld> world_;
};

TEST_F(CardWipeTest, AnApprovedCardLeavesNoCopyInTheRequest) {
  auto [status, request] = post_card("4111 1111 1111 1111", "737");
  EXPECT_EQ(status, 200);
  expect_no_card_data(request, "4111 1111 1111 1111", "737");
}

TEST_F(CardWipeTest, ARefusedCardLeavesNoCopyInTheRequest) {
  auto [status, request] = post_card("4000000000000002", "123");
  EXPECT_EQ(status, 409);
  expect_no_card_data(request, "4000000000000002", "123");
}

TEST_F(CardWipeTest, AnInvalidRequestLeavesNoCopyInTheRequest) {
  auto [status, request] = post_card("378282246310005", "1234", "Nowhere");
  EXPECT_EQ(status, 400);
  expect_no_card_data(request, "378282246310005", "1234");
}

}  // namespace
}  // namespace accountsd::api
