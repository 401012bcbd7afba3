// The audit log records every change (issue 14): each writing route of the table, walked here,
// leaves an entry under its request's X-Request-Id with the actor and the client's address, in
// the change's own transaction; secrets never enter it.
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "support/api_fixture.hpp"

namespace accountsd::testing {
namespace {

namespace bj = boost::json;

class AuditCoverageTest : public ApiTest {
 protected:
  // Sends a request under our own X-Request-Id; the API's root is prepended to `path`, or the
  // storage service's when `service`.
  Reply send(const std::string& request_id, const std::string& method, const std::string& path,
             const std::string& body, bool service = false) {
    if (service)
      return request_target(method, "/internal/v1" + path, body, std::nullopt,
                            {{"Authorization", std::string("Bearer ") + kServiceToken},
                             {"X-Request-Id", request_id}});
    return request(method, path, body, alpha, {{"X-Request-Id", request_id}});
  }
  // Entries whose request id is `request_id` and whose other columns satisfy `where`.
  std::int64_t entries(const std::string& request_id, const std::string& where = "TRUE") {
    return test_db().integer("SELECT count(*) FROM audit_log WHERE request_id = '" + request_id +
                             "' AND (" + where + ")");
  }
  std::int64_t entries_holding(const std::string& text) {
    return test_db().integer("SELECT count(*) FROM audit_log WHERE CAST(changes AS TEXT) LIKE '%" +
                             text + "%' OR coalesce(request_id, '') LIKE '%" + text + "%'");
  }
  // SQL for the text of `field`'s `side` ("before" or "after") in an entry's changes, which
  // both backends keep as JSON text.
  std::string change(const std::string& field, const std::string& side) {
    std::string json = test_db().postgres() ? "CAST(changes AS jsonb)" : "changes";
    return json + " -> '" + field + "' ->> '" + side + "'";
  }
  std::int64_t plan_id() { return directory().plans(alpha_id).at(0).plan_id; }
  std::string last_id(const Reply& reply) {
    auto location = reply.header("location");
    return location.substr(location.rfind('/') + 1);
  }
};

// One request that changes something, per writing route ("METHOD pattern", the pattern under its
// root), in an order where each finds what it needs.
struct Step {
  std::string route;
  std::string method;
  std::function<std::string()> path;  // computed when the step runs (ids from earlier steps)
  std::function<std::string()> body;
  bool service = false;
  std::string action;  // the action its entry must name
};

TEST_F(AuditCoverageTest, EveryWritingRouteLeavesAnEntry) {
  std::string data = "YXBwbGlhbmNlIGJhY2t1cA==";
  const auto hex = sha256_hex(data);
  std::string group;
  std::string policy;
  auto fixed = [](std::string text) { return [text] { return text; }; };
  const std::string user_base = "/partners/alpha/users/walker";
  std::vector<Step> steps = {
      {"POST /partner/billing", "POST", fixed("/partner/billing"),
       fixed(R"({"name": "Acme", "address": ["1 Way"], "city": "Sitka", "state": "AL",
                 "postal_code": "99099", "country": "US"})"),
       false, "billing.update"},
      {"POST /partner/settings", "POST", fixed("/partner/settings"),
       fixed(R"({"support_email": "help@acme.example"})"), false, "settings.update"},
      {"POST /partner/backup", "POST", fixed("/partner/backup"),
       fixed(bj::serialize(bj::object{{"sha256", hex}, {"data", data}})), false, "backup.create"},
      {"POST /groups/", "POST", fixed("/groups/"),
       [&] {
         return bj::serialize(bj::object{{"name", "Walkers"},
                                         {"plan_id", plan_id()},
                                         {"webapi_enable", true},
                                         {"check_domain", false}});
       },
       false, "group.create"},
      {"POST /groups/{id}", "POST", [&] { return "/groups/" + group; },
       fixed(R"({"name": "Runners"})"), false, "group.update"},
      {"POST /devicepolicies/", "POST", fixed("/devicepolicies/"), fixed(R"({"name": "Laptops"})"),
       false, "policy.create"},
      {"POST /devicepolicies/{id}", "POST", [&] { return "/devicepolicies/" + policy; },
       fixed(R"({"name": "Desktops"})"), false, "policy.update"},
      {"POST /users/", "POST", fixed("/users/"),
       fixed(R"({"username": "walker", "name": "Wal", "email": "wal@example.com"})"), false,
       "user.create"},
      {"POST /users/{u}", "POST", fixed("/users/walker"), fixed(R"({"name": "Walt"})"), false,
       "user.update"},
      {"PUT /partners/{partner}/users/{u}/devices/{name}", "PUT",
       fixed(user_base + "/devices/laptop"),
       fixed(R"({"client_revision": 512, "last_login": 1764201600})"), true, "device.create"},
      {"PUT /partners/{partner}/users/{u}/shares/{room_key}", "PUT",
       fixed(user_base + "/shares/holiday"), fixed(R"({"name": "Holiday", "enabled": true})"), true,
       "share.create"},
      {"POST /users/{u}/shares/{room_key}", "POST",
       fixed("/users/walker/shares/holiday?action=disable"), fixed(""), false, "share.update"},
      {"PUT /partners/{partner}/users/{u}/usage", "PUT", fixed(user_base + "/usage"),
       fixed(R"({"bytes_stored": 5})"), true, "user.update"},
      {"DELETE /partners/{partner}/users/{u}/shares/{room_key}", "DELETE",
       fixed(user_base + "/shares/holiday"), fixed(""), true, "share.delete"},
      {"DELETE /partners/{partner}/users/{u}/devices/{name}", "DELETE",
       fixed(user_base + "/devices/laptop"), fixed(""), true, "device.delete"},
      {"DELETE /users/{u}", "DELETE", fixed("/users/walker"), fixed(""), false, "user.delete"},
      {"DELETE /devicepolicies/{id}", "DELETE", [&] { return "/devicepolicies/" + policy; },
       fixed(""), false, "policy.delete"},
      {"DELETE /groups/{id}", "DELETE", [&] { return "/groups/" + group; }, fixed(""), false,
       "group.delete"},
      // Last: alpha's later requests would need the new password.
      {"POST /partner/password", "POST", fixed("/partner/password"),
       fixed(R"("a-new-password-42")"), false, "password.update"},
  };

  // Every route of the table that may write has a step: a new one fails here until it has.
  std::set<std::string> covered;
  for (const auto& step : steps) covered.insert(step.route);
  const auto& routes = app().routes();
  int writing = 0;
  for (std::size_t i = 0; i < routes.size(); ++i) {
    if (routes.method(i) == "GET" || routes.method(i) == "HEAD") continue;
    // Signing in and out of the console changes no partner data: only its session's row.
    if (routes.pattern(i) == "/console/session") continue;
    ++writing;
    std::string pattern = routes.pattern(i);
    for (const auto& root : {std::string(kRoot), std::string("/internal/v1")}) {
      if (pattern.starts_with(root)) {
        pattern = pattern.substr(root.size());
        break;
      }
    }
    EXPECT_TRUE(covered.contains(routes.method(i) + " " + pattern))
        << routes.method(i) << " " << pattern << " writes, and no step here shows its entry";
  }
  EXPECT_EQ(std::size_t(writing), steps.size());

  int n = 0;
  for (const auto& step : steps) {
    SCOPED_TRACE(step.route);
    const std::string id = "walk-" + std::to_string(++n);
    auto reply = send(id, step.method, step.path(), step.body(), step.service);
    ASSERT_LT(reply.status, 300) << reply.body;
    EXPECT_EQ(reply.header("x-request-id"), id);
    if (step.route == "POST /groups/") group = last_id(reply);
    if (step.route == "POST /devicepolicies/") policy = last_id(reply);
    const std::string actor = step.service ? "service" : "partner";
    EXPECT_GE(entries(id), 1) << "no entry for " << step.route;
    EXPECT_EQ(entries(id, "action = '" + step.action + "'"), 1) << step.action;
    // Every entry of the request names who made it and from where, and is the partner's.
    EXPECT_EQ(entries(id, "actor = '" + actor + "' AND address = '127.0.0.1' AND partner_id = " +
                              std::to_string(alpha_id)),
              entries(id));
  }
}

TEST_F(AuditCoverageTest, AnEntryHoldsTheChangedFieldsBeforeAndAfter) {
  ASSERT_EQ(
      send("named", "POST", "/partner/settings", R"({"support_email": "a@acme.example"})").status,
      200);
  ASSERT_EQ(
      send("renamed", "POST", "/partner/settings", R"({"support_email": "b@acme.example"})").status,
      200);
  EXPECT_EQ(entries("renamed", "action = 'settings.update' AND object = 'settings/" +
                                   std::to_string(alpha_id) + "' AND " +
                                   change("support_email", "before") + " = 'a@acme.example' AND " +
                                   change("support_email", "after") + " = 'b@acme.example'"),
            1);
  // Only what changed: the other settings are not in it.
  EXPECT_EQ(entries("renamed", "CAST(changes AS TEXT) LIKE '%share_link_ttl%'"), 0);
  // Nothing changed, nothing recorded.
  ASSERT_EQ(
      send("same", "POST", "/partner/settings", R"({"support_email": "b@acme.example"})").status,
      200);
  EXPECT_EQ(entries("same"), 0);
  // A refused change records nothing either.
  EXPECT_EQ(send("refused", "POST", "/partner/settings", R"({"support_email": 7})").status, 400);
  EXPECT_EQ(entries("refused"), 0);
}

TEST_F(AuditCoverageTest, SecretsNeverEnterIt) {
  set_partner("alpha", [](domain::Partner& p) { p.billing_mode = domain::BillingMode::prepaid; });
  auto card = bj::serialize(bj::object{{"name", "Acme"},
                                       {"address", bj::array{"1 Speed Way"}},
                                       {"city", "Sitka"},
                                       {"state", "AL"},
                                       {"postal_code", "99099"},
                                       {"country", "US"},
                                       {"card_number", "4012 8888 8888 1881"},
                                       {"security_code", "737"},
                                       {"expiration_month", 12},
                                       {"expiration_year", 2099}});
  auto billed = send("card", "POST", "/partner/billing", card);
  ASSERT_EQ(billed.status, 200) << billed.body;
  EXPECT_EQ(entries("card", "action = 'billing.update'"), 1);
  EXPECT_EQ(entries_holding("4012888888881881"), 0);
  EXPECT_EQ(entries_holding("4012 8888"), 0);
  // The security code is kept nowhere, so there is no field for it to change.
  EXPECT_EQ(entries("card", "CAST(changes AS TEXT) LIKE '%security%'"), 0);
  // The last four digits are the billing record's own, as GET /partner/billing shows them.
  EXPECT_EQ(entries("card", change("card_last4", "after") + " = '1881'"), 1);
  // The processor's token stands for the card: shown changed, never itself.
  EXPECT_EQ(entries("card", change("card_token", "after") + " = '<redacted>'"), 1);

  auto user = send("user", "POST", "/users/", R"({"username": "pat", "name": "Pat",
                                                  "email": "pat@example.com"})");
  ASSERT_EQ(user.status, 200) << user.body;
  std::string temporary(user.json.at("temp_password").as_string());
  EXPECT_EQ(entries("user", "action = 'user.create'"), 1);
  EXPECT_EQ(entries_holding(temporary), 0);

  // Last: alpha's later requests would need the new password.
  ASSERT_EQ(send("password", "POST", "/partner/password", R"("another-secret-77")").status, 200);
  EXPECT_EQ(entries("password", "action = 'password.update' AND " +
                                    change("password_hash", "before") + " = '<redacted>' AND " +
                                    change("password_hash", "after") + " = '<redacted>'"),
            1);
  EXPECT_EQ(entries_holding("another-secret-77"), 0);
  EXPECT_EQ(entries_holding("$argon2"), 0);
}

}  // namespace
}  // namespace accountsd::testing
