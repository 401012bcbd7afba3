// Idempotency-Key on the creating POSTs (issue 14): a repeat gets the first answer and runs
// nothing; another request under the same key is a 422; concurrent repeats run once; keys are
// per partner; a billing retry authorizes the card once; what is kept tells no secret.
#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/api_fixture.hpp"

namespace accountsd::testing {
namespace {

namespace bj = boost::json;

class IdempotencyTest : public ApiTest {
 protected:
  Reply keyed_post(const std::string& path, const std::string& body, const std::string& key,
                   const Login& login) {
    return request("POST", path, body, login, {{"Idempotency-Key", key}});
  }
  Reply keyed_post(const std::string& path, const std::string& body, const std::string& key) {
    return keyed_post(path, body, key, alpha);
  }
  std::size_t group_count(store::PartnerId partner) { return directory().groups(partner).size(); }
  static std::string group_body(const std::string& name, std::int64_t plan) {
    return bj::serialize(bj::object{
        {"name", name}, {"plan_id", plan}, {"webapi_enable", true}, {"check_domain", false}});
  }
  // How many kept keys hold `text` anywhere: in the key, the fingerprint or the answer.
  std::int64_t keys_holding(std::string text) {
    for (std::size_t at = 0; (at = text.find('\'', at)) != std::string::npos; at += 2)
      text.insert(at, 1, '\'');
    return test_db().integer(
        "SELECT count(*) FROM request_keys WHERE key || '|' || fingerprint || '|' || "
        "coalesce(body, '') LIKE '%" +
        text + "%'");
  }
  std::int64_t plan_of(store::PartnerId partner) {
    return directory().plans(partner).at(0).plan_id;
  }
  // Expects `again` to be `first` sent again: status, body and Location, marked replayed.
  static void expect_replay(const Reply& first, const Reply& again) {
    EXPECT_EQ(again.status, first.status) << again.body;
    EXPECT_EQ(again.body, first.body);
    EXPECT_EQ(again.header("location"), first.header("location"));
    EXPECT_EQ(again.header("content-type"), first.header("content-type"));
    EXPECT_EQ(again.header("idempotent-replayed"), "true");
    EXPECT_EQ(first.header("idempotent-replayed"), "");
  }
};

TEST_F(IdempotencyTest, ARepeatGetsTheFirstAnswerAndCreatesNothing) {
  const auto before = group_count(alpha_id);
  auto body = group_body("Sales", plan_of(alpha_id));
  auto first = keyed_post("/groups/", body, "create-sales-1");
  ASSERT_EQ(first.status, 201) << first.body;
  ASSERT_FALSE(first.header("location").empty());
  auto again = keyed_post("/groups/", body, "create-sales-1");
  expect_replay(first, again);
  EXPECT_EQ(group_count(alpha_id), before + 1);
  // Without the key the same body runs again (here: the name is taken).
  EXPECT_EQ(post("/groups/", body).status, 409);
}

TEST_F(IdempotencyTest, TheSameKeyForAnotherRequestIs422AndRunsNothing) {
  auto first = keyed_post("/groups/", group_body("Sales", plan_of(alpha_id)), "k-422");
  ASSERT_EQ(first.status, 201) << first.body;
  const auto after_first = group_count(alpha_id);
  auto other = keyed_post("/groups/", group_body("Marketing", plan_of(alpha_id)), "k-422");
  EXPECT_EQ(other.status, 422) << other.body;
  ASSERT_TRUE(other.json.is_object()) << other.body;
  EXPECT_TRUE(other.json.at("reason").is_string());
  EXPECT_NE(std::string(other.json.at("reason").as_string()).find("Idempotency-Key"),
            std::string::npos);
  // Another endpoint under the same key is another request too.
  auto policy = keyed_post("/devicepolicies/", R"({"name": "Laptops"})", "k-422");
  EXPECT_EQ(policy.status, 422) << policy.body;
  EXPECT_EQ(group_count(alpha_id), after_first);
  EXPECT_TRUE(get("/devicepolicies/").json.as_array().empty());
}

TEST_F(IdempotencyTest, KeysArePerPartner) {
  auto a = keyed_post("/groups/", group_body("Ops", plan_of(alpha_id)), "shared-key");
  ASSERT_EQ(a.status, 201) << a.body;
  // Beta's request under the same key is its own, with its own body.
  auto b = keyed_post("/groups/", group_body("Ops", plan_of(beta_id)), "shared-key", beta);
  ASSERT_EQ(b.status, 201) << b.body;
  EXPECT_EQ(b.header("idempotent-replayed"), "");
  EXPECT_NE(a.header("location"), b.header("location"));
}

TEST_F(IdempotencyTest, AnErrorAnswerIsKeptTooAndChangesNothing) {
  const auto before = group_count(alpha_id);
  auto first = keyed_post("/groups/", R"({"name": ""})", "bad-body");
  ASSERT_EQ(first.status, 400) << first.body;
  auto again = keyed_post("/groups/", R"({"name": ""})", "bad-body");
  EXPECT_EQ(group_count(alpha_id), before);
  expect_replay(first, again);
}

TEST_F(IdempotencyTest, AMalformedKeyIs400) {
  auto body = group_body("Sales", plan_of(alpha_id));
  for (const auto& key : {std::string(256, 'k'), std::string("caf\xc3\xa9")}) {
    auto reply = keyed_post("/groups/", body, key);
    EXPECT_EQ(reply.status, 400) << reply.body;
    ASSERT_TRUE(reply.json.is_object()) << reply.body;
    EXPECT_EQ(reply.json.at("invalid"), bj::array{"Idempotency-Key"}) << reply.body;
  }
  EXPECT_EQ(keyed_post("/groups/", body, std::string(255, 'k')).status, 201);
}

TEST_F(IdempotencyTest, EveryCreatingPostTakesAKey) {
  std::string data = "YXBwbGlhbmNlIGJhY2t1cA==";  // base64, as the appliance sends it
  const auto hex = sha256_hex(data);
  const std::vector<std::pair<std::string, std::string>> posts = {
      {"/groups/", group_body("Keyed", plan_of(alpha_id))},
      {"/users/", R"({"username": "keyed", "name": "Kay", "email": "kay@example.com"})"},
      {"/devicepolicies/", R"({"name": "Keyed policy"})"},
      {"/partner/billing", R"({"name": "Acme", "address": ["1 Way"], "city": "Sitka",
                               "state": "AL", "postal_code": "99099", "country": "US"})"},
      {"/partner/backup", bj::serialize(bj::object{{"sha256", hex}, {"data", data}})},
  };
  for (const auto& [path, body] : posts) {
    auto first = keyed_post(path, body, "every-" + path);
    EXPECT_LT(first.status, 300) << path << ": " << first.body;
    auto again = keyed_post(path, body, "every-" + path);
    SCOPED_TRACE(path);
    expect_replay(first, again);
  }
}

TEST_F(IdempotencyTest, ARetriedCardUpdateAuthorizesOnce) {
  set_partner("alpha", [](domain::Partner& p) { p.billing_mode = domain::BillingMode::prepaid; });
  auto body = bj::serialize(bj::object{{"name", "Acme"},
                                       {"address", bj::array{"1 Speed Way"}},
                                       {"city", "Sitka"},
                                       {"state", "AL"},
                                       {"postal_code", "99099"},
                                       {"country", "US"},
                                       {"card_number", "4012 8888 8888 1881"},
                                       {"security_code", "123"},
                                       {"expiration_month", 12},
                                       {"expiration_year", 2099}});
  auto first = keyed_post("/partner/billing", body, "charge-once");
  ASSERT_EQ(first.status, 200) << first.body;
  auto card = partners().billing(alpha_id).card;
  ASSERT_TRUE(card.has_value());
  const auto token = card->token;  // a new one at every approval of the sandbox processor
  auto again = keyed_post("/partner/billing", body, "charge-once");
  expect_replay(first, again);
  EXPECT_EQ(partners().billing(alpha_id).card->token, token);
  // The same key with another card is another request.
  auto other = body;
  other.replace(other.find("1881"), 4, "1882");
  EXPECT_EQ(keyed_post("/partner/billing", other, "charge-once").status, 422);
  EXPECT_EQ(partners().billing(alpha_id).card->token, token);

  // Nothing the database keeps for the key holds the card, the code or the answer in clear.
  ASSERT_GT(test_db().integer("SELECT count(*) FROM request_keys WHERE body IS NOT NULL"), 0);
  for (const char* secret : {"4012888888881881", "4012 8888 8888 1881", "charge-once", "Acme"})
    EXPECT_EQ(keys_holding(secret), 0) << secret;
}

TEST_F(IdempotencyTest, ANewUsersTemporaryPasswordIsKeptSealed) {
  auto body = R"({"username": "ann", "name": "Ann", "email": "ann@example.com"})";
  auto first = keyed_post("/users/", body, "ann-key");
  ASSERT_EQ(first.status, 200) << first.body;
  std::string password(first.json.at("temp_password").as_string());
  auto again = keyed_post("/users/", body, "ann-key");
  expect_replay(first, again);
  ASSERT_EQ(test_db().integer("SELECT count(*) FROM request_keys WHERE body IS NOT NULL"), 1);
  EXPECT_EQ(keys_holding(password), 0);
  EXPECT_EQ(keys_holding("ann@example.com"), 0);
}

TEST_F(IdempotencyTest, ConcurrentRepeatsRunOnce) {
  // The first step defers to Argon2id (the temporary password's hash), and repeats arrive
  // between the steps.
  auto body = R"({"username": "zed", "name": "Zed", "email": "zed@example.com"})";
  constexpr int kClients = 8;
  std::vector<Reply> replies(kClients);
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i)
    clients.emplace_back([&, i] { replies[i] = keyed_post("/users/", body, "zed-once"); });
  for (auto& client : clients) client.join();
  int created = 0;
  std::set<std::string> bodies;
  for (const auto& reply : replies) {
    if (reply.status == 200) {
      ++created;
      bodies.insert(reply.body);
    } else {
      EXPECT_EQ(reply.status, 409) << reply.body;
      EXPECT_EQ(reply.header("retry-after"), "1");
      EXPECT_EQ(reply.json.at("conflicts"), bj::array{"Idempotency-Key"}) << reply.body;
    }
  }
  EXPECT_GE(created, 1);
  EXPECT_EQ(bodies.size(), 1u);  // every 200 is the one answer
  auto listed = get("/users/?search=zed");
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.json.as_array().size(), 1u);
  // Once done, a repeat is answered the same.
  auto later = keyed_post("/users/", body, "zed-once");
  EXPECT_EQ(later.status, 200);
  EXPECT_EQ(later.body, *bodies.begin());
}

TEST_F(IdempotencyTest, AKeyFromASelfSignupIsIgnored) {
  auto body = R"({"brand": "alpha", "username": "self", "name": "Self",
                  "email": "self@example.com"})";
  auto reply = request("POST", "/users/", body, std::nullopt, {{"Idempotency-Key", "x"}});
  EXPECT_NE(reply.header("idempotent-replayed"), "true");
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(test_db().integer("SELECT count(*) FROM request_keys"), 0);
}

}  // namespace
}  // namespace accountsd::testing
