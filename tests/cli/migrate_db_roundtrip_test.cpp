// Issue 12: `accountsd migrate-db` keeps every answer. A demo data set with a row of each kind
// the API and the storage service write (support/migrate_db_fixture.hpp) is served from SQLite
// and asked every GET the API has, for each partner: lists under their filters, orders and pages;
// each group, policy and sampled user with its devices, shares and the policy its devices apply;
// the operator's read commands too. Then it is copied into PostgreSQL and served from there:
// every answer must be the same, status and body. Writes through PostgreSQL then get ids past
// every id SQLite gave.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "auth/appliance_key.hpp"
#include "domain/user_fields.hpp"
#include "support/http_client.hpp"
#include "support/migrate_db_fixture.hpp"
#include "support/postgres_server.hpp"
#include "support/server_process.hpp"
#include "support/sqlite_checks.hpp"

namespace accountsd::testing {
namespace {

const std::string kInternal = "/internal/v1/partners/";

// `text` percent-encoded for a path segment or a query value.
std::string encode(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += char(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// One GET: whose credentials it carries (a partner's username, or "" for the storage service's
// token) and its target from the server's root.
struct Request {
  std::string partner;
  std::string target;
};

std::string describe(const Request& request) {
  return (request.partner.empty() ? "service" : request.partner) + " GET " + request.target;
}

// What is compared of an answer: its status and body. Headers are not (Date, request ids).
struct Answer {
  int status = 0;
  std::string body;
  boost::json::value json;  // null unless the body is JSON
};

// Where two JSON values first differ ("[12].last_login: 5 vs null"), or "" when they are equal.
std::string first_difference(const boost::json::value& a, const boost::json::value& b,
                             const std::string& at) {
  if (a.is_array() && b.is_array()) {
    const auto& x = a.as_array();
    const auto& y = b.as_array();
    for (std::size_t i = 0; i < std::min(x.size(), y.size()); ++i) {
      auto difference = first_difference(x[i], y[i], at + "[" + std::to_string(i) + "]");
      if (!difference.empty()) return difference;
    }
    if (x.size() == y.size()) return "";
    return at + ": " + std::to_string(x.size()) + " items vs " + std::to_string(y.size());
  }
  if (a.is_object() && b.is_object()) {
    for (const auto& [key, value] : a.as_object()) {
      const auto* other = b.as_object().if_contains(key);
      if (!other) return at + "." + std::string(key) + ": only in SQLite's";
      auto difference = first_difference(value, *other, at + "." + std::string(key));
      if (!difference.empty()) return difference;
    }
    for (const auto& [key, value] : b.as_object())
      if (!a.as_object().contains(key))
        return at + "." + std::string(key) + ": only in PostgreSQL's";
    return "";
  }
  if (a == b) return "";
  return (at.empty() ? "body" : at) + ": " + boost::json::serialize(a) + " vs " +
         boost::json::serialize(b);
}

// The GETs of one survey and their answers, in order; the requests are chosen from the answers
// of the first server (the groups, policies and users it lists) and replayed to the second.
class Survey {
 public:
  Survey(unsigned short port, std::map<std::string, Login> logins)
      : port_(port), logins_(std::move(logins)) {}

  const Answer& get(const std::string& partner, const std::string& target) {
    requests_.push_back({partner, target});
    answers_.push_back(ask(requests_.back()));
    return answers_.back();
  }
  // The same requests, to a server on `port`.
  std::deque<Answer> replay(unsigned short port) {
    port_ = port;
    std::deque<Answer> out;
    for (const auto& request : requests_) out.push_back(ask(request));
    return out;
  }
  const std::vector<Request>& requests() const { return requests_; }
  const std::deque<Answer>& answers() const { return answers_; }

 private:
  Answer ask(const Request& request) {
    auto reply =
        request.partner.empty()
            ? http_request(
                  port_, "GET", request.target, "", std::nullopt,
                  {{"Authorization", std::string("Bearer ") + MigrateDbFixture::kServiceToken}})
            : http_request(port_, "GET", request.target, "", logins_.at(request.partner));
    EXPECT_NE(reply.status, 500) << describe(request) << ": " << reply.body;
    return {reply.status, reply.body, reply.json};
  }

  unsigned short port_;
  std::map<std::string, Login> logins_;
  std::vector<Request> requests_;
  std::deque<Answer> answers_;  // where get()'s references stay valid
};

// Expects `after`, the answers of `survey`'s requests replayed, to be its own, naming the route
// and where the body differs on a difference.
void expect_the_same_answers(const Survey& survey, const std::deque<Answer>& after) {
  const auto& before = survey.answers();
  ASSERT_EQ(after.size(), before.size());
  for (std::size_t i = 0; i < before.size(); ++i) {
    const auto route = describe(survey.requests()[i]);
    EXPECT_EQ(after[i].status, before[i].status) << route;
    if (after[i].body == before[i].body) continue;
    auto difference = first_difference(before[i].json, after[i].json, "");
    if (!difference.empty())
      ADD_FAILURE() << route << " answers differently from PostgreSQL: " << difference;
    else
      ADD_FAILURE() << route << " answers differently from PostgreSQL in other bytes:\nSQLite:     "
                    << before[i].body.substr(0, 500)
                    << "\nPostgreSQL: " << after[i].body.substr(0, 500);
  }
}

// Every GET of the partner API (routes.cpp) for `partner`, and the storage service's policy GET
// for a sample of its users. The GETs whose answers depend on the time they are asked (filters
// relative to now) are not asked but added to `clock`, the others are asked of `survey`.
void survey_partner(Survey& survey, std::vector<Request>& clock, const std::string& partner) {
  const std::string root = MigrateDbFixture::kRoot;
  auto api = [&](const std::string& path) -> const Answer& {
    return survey.get(partner, root + path);
  };
  auto api_now = [&](const std::string& path) { clock.push_back({partner, root + path}); };
  auto array = [](const Answer& answer) {
    return answer.json.is_array() ? answer.json.as_array() : boost::json::array();
  };
  for (const char* path : {"/ping", "/partner/info", "/partner/quota", "/partner/features",
                           "/partner/settings", "/partner/billing", "/partner/backup", "/plans",
                           "/plans/", "/devicepreferences", "/shares", "/clientrevisions"})
    api(path);

  // Groups, each by itself, and group searches: case-insensitive beyond ASCII, and LIKE's
  // wildcards taken literally.
  const auto groups = array(api("/groups/"));
  for (const auto& group : groups) api("/groups/" + boost::json::serialize(group.at("group_id")));
  for (const char* search : {"e", "SAL", "équipe", "ÉQUIPE", "%", "_", "\\", "'", "ü"})
    api("/groups/?search=" + encode(search));
  api("/groups/999999999");

  for (const auto& policy : array(api("/devicepolicies/")))
    api("/devicepolicies/" + boost::json::serialize(policy.at("id")));
  api("/devicepolicies/999999999");

  // Users: every order, both ways, as a streamed list; pages; searches; filters.
  const auto users = array(api("/users/"));
  domain::for_each_user_field([&](const auto& field) {
    for (const char* direction : {"", "-"}) {
      const std::string order = direction + std::string(field.name);
      api("/users/?order_by=" + encode(order));
      api("/users/?order_by=" + encode(order) + "&limit=15&offset=30");
    }
  });
  for (std::size_t offset = 0; offset <= users.size() + 50; offset += 50)
    api("/users/?limit=50&offset=" + std::to_string(offset));
  for (const char* page : {"?limit=0", "?offset=7", "?limit=9&offset=3&order_by=-last_login",
                           "?limit=25&offset=25&order_by=name&search=a"})
    api("/users/" + std::string(page));
  for (const char* search : {"lovelace", "ADA",        "user00001", "@EXAMPLE.com",
                             "zoë",      "ZOË",        "ångström",  "ÅNGSTRÖM",
                             "日本",     "%",          "_",         "\\",
                             "'",        "-lee",       "e",         "ÉMILE",
                             "kelvin",   "STRASSE",    "ß",         "istanbul",
                             "ı",        "\u01C6emal", "jane_",     "0%_"})
    api("/users/?search=" + encode(search));
  for (const auto& group : groups)
    api("/users/?group_id=" + boost::json::serialize(group.at("group_id")));
  api("/users/?group_id=999999999");

  // search_by: around values the users hold (a median, an exact value), and the console's forms.
  auto median = [&](const char* field) -> std::string {
    std::vector<std::int64_t> values;
    for (const auto& user : users)
      if (user.at(field).is_int64()) values.push_back(user.at(field).as_int64());
    if (values.empty()) return "0";
    std::sort(values.begin(), values.end());
    return std::to_string(values[values.size() / 2]);
  };
  std::vector<std::string> conditions = {"enabled=1",
                                         "enabled=0",
                                         "purgehold_active=0",
                                         "purgehold_active=1",
                                         "bonus_bytes>0",
                                         "bonus_bytes=0",
                                         "enabled=1,bonus_bytes>0,bytes_stored>1"};
  // A flag compared with other numbers than its own, as SQLite compares the 0 or 1 it stores.
  for (const char* flag : {"enabled<1", "enabled>0", "enabled=2", "enabled<2", "enabled>-1",
                           "purgehold_active<1", "purgehold_active>0", "purgehold_active=-1"})
    conditions.push_back(flag);
  for (const char* field : {"bytes_stored", "creation_time", "last_login", "bonus_bytes"})
    for (const char* op : {"=", "<", ">"})
      conditions.push_back(field + std::string(op) + median(field));
  for (const auto& group : groups) {
    conditions.push_back("group_id=" + boost::json::serialize(group.at("group_id")));
    conditions.push_back("plan_id=" + boost::json::serialize(group.at("plan_id")));
  }
  std::sort(conditions.begin(), conditions.end());
  conditions.erase(std::unique(conditions.begin(), conditions.end()), conditions.end());
  for (const auto& condition : conditions) {
    api("/users/?search_by=" + encode(condition));
    api("/users/?search_by=" + encode(condition) + "&order_by=-bytes_stored&limit=10");
    api("/users/?action=user_count&search_by=" + encode(condition));
  }
  for (const char* stopped : {"2592000|1209600", "0|63072000", "0|0"}) {
    const auto condition = encode(std::string("recently_stopped_uploading=") + stopped);
    api_now("/users/?search_by=" + condition);
    api_now("/users/?action=user_count&search_by=" + condition + "%2Cenabled%3D1");
  }
  for (const char* count : {"", "&search=e", "&search=%C3%85NGSTR%C3%96M", "&group_id=999999999"})
    api("/users/?action=user_count" + std::string(count));

  // About twenty users, every user of a small partner: each by itself (also by its email in
  // upper case), its devices and shares, and the policy its devices apply.
  const std::size_t step = std::max<std::size_t>(1, users.size() / 20);
  for (std::size_t i = 0; i < users.size(); i += step) {
    const auto username = std::string(users[i].at("username").as_string());
    const auto user = "/users/" + encode(username);
    api(user);
    std::string email(users[i].at("email").as_string());
    std::transform(email.begin(), email.end(), email.begin(),
                   [](unsigned char c) { return char(std::toupper(c)); });
    api("/users/" + encode(email));
    api(user + "/devices");
    api(user + "/shares");
    for (const auto& share : array(api(user + "/shares/")))
      api(user + "/shares/" + encode(std::string(share.at("room_key").as_string())));
    api(user + "/shares/no-such-room");
    survey.get("", kInternal + partner + "/users/" + encode(username) + "/policy");
  }
  api("/users/nobody");
  survey.get("", kInternal + partner + "/users/nobody/policy");

  // Every share of the brand, whole and in pages.
  const auto with_shares = array(api("/shares/")).size();
  for (std::size_t offset = 0; offset <= with_shares + 20; offset += 20)
    api("/shares/?limit=20&offset=" + std::to_string(offset));
  api("/shares/?limit=0");

  for (const char* query :
       {"", "?min_revision=520", "?max_revision=540", "?min_revision=520&max_revision=540",
        "?min_revision=9999", "?max_revision=-1&max_days_since_login=-1"})
    api("/clientrevisions/" + std::string(query));
  for (const char* query :
       {"?max_days_since_login=0", "?max_days_since_login=7", "?max_days_since_login=30",
        "?max_days_since_login=365", "?min_revision=510&max_days_since_login=100"})
    api_now("/clientrevisions/" + std::string(query));
}

class MigrateDbRoundTripTest : public MigrateDbFixture {
 protected:
  // The operator's read commands (partner show says what partner list does), each with what it
  // prints from `db`: acme's backups, the replaced one binary (make_a_backup_binary), and vide's,
  // which it has not.
  std::vector<std::pair<std::string, Outcome>> operator_answers(const std::string& db) {
    std::vector<std::pair<std::string, Outcome>> out;
    for (const char* command : {"partner list --json", "outbox list --json", "partner backup acme",
                                "partner backup acme --previous", "partner backup vide"})
      out.emplace_back(command, accountsd(std::string(command) + " --db " + db));
    return out;
  }

  // Users of acme at the edges of sorting, searching and summing, written through the server on
  // `port`: names in mixed letter case and scripts (titlecase, the Kelvin sign, a capital dotted
  // I, ß), LIKE's wildcards and a backslash, promo null, empty and set; a disabled user, one
  // held from purging, allocations and usage that saturate the quota sums; devices that never
  // logged in, shares whose room keys sort by letter case; signup restrictions; and a user of
  // demo (email_as_username) whose username is numbered.
  void add_edge_cases(unsigned short port, const Login& demo) {
    auto call = [&](const std::string& method, const std::string& path, const std::string& body) {
      auto reply = http_request(port, method, kRoot + path, body, kAcme);
      EXPECT_LT(reply.status, 300) << method << " " << path << ": " << reply.body;
    };
    auto report = [&](const std::string& user, const std::string& path, const std::string& body) {
      auto reply =
          http_request(port, "PUT", kInternal + "acme/users/" + encode(user) + path, body,
                       std::nullopt, {{"Authorization", std::string("Bearer ") + kServiceToken}});
      EXPECT_LT(reply.status, 300) << user << path << ": " << reply.body;
    };
    struct Edge {
      const char* username;
      const char* name;
      const char* email;
      std::optional<const char*> promo;
    };
    const Edge edges[] = {
        {"émile", "émile Zola", "Emile.Zola@Example.COM", "été"},
        {"Émile", "Émile Durand", "emile.durand@example.com", std::nullopt},
        {"alice", "alice", "alice@EXAMPLE.org", "b"},
        {"Bob", "Bob", "BOB@example.org", "B"},
        {"k-sign", "\u212AELVIN", "kelvin@example.com", ""},
        {"under_score", "100% Jane_Doe", "100%_off@example.com", "%"},
        {"back\\slash", "O'Brien \\ Sons", "o'brien@example.com", "'"},
        {"straße", "STRASSE Straße ß", "strasse@example.com", std::nullopt},
        {"İstanbul", "İSTANBUL ı", "istanbul@example.com", "İ"},
        {"dz", "\u01C5emal", "dz@example.com", "\u01C6"},
    };
    for (const auto& edge : edges) {
      boost::json::object user{
          {"username", edge.username}, {"name", edge.name}, {"email", edge.email}};
      if (edge.promo) user["promo"] = *edge.promo;
      call("POST", "/users/", boost::json::serialize(user));
    }
    call("POST", "/users/alice", R"({"enabled": false, "bonus_bytes": 5000000000000000000})");
    call("POST", "/users/Bob", R"({"purgehold_active": true, "bonus_bytes": 1})");
    report("dz", "/usage", R"({"bytes_stored": 9000000000000000000})");
    report("Bob", "/usage", R"({"bytes_stored": 9000000000000000000})");
    report("émile", "/devices/Zeta", R"({"client_revision": 2147483648})");
    report("émile", "/devices/alpha", R"({"client_revision": 0, "last_login": 0})");
    for (const char* room : {"Zeta", "alpha", "%C3%89lan", "_", "a%20b"})
      report("émile", std::string("/shares/") + room, R"({"name": "Partage", "enabled": true})");
    call("POST", "/partner/settings",
         R"({"signup_network_restriction": ["10.1.2.3/8", "2001:db8::1", "192.168.0.0/16"]})");
    auto numbered = http_request(port, "POST", kRoot + std::string("/users/"),
                                 R"({"name": "Numéro", "email": "numero@example.com"})", demo);
    EXPECT_EQ(numbered.status, 200) << numbered.body;
    EXPECT_EQ(numbered.json.at("username"), "user-1") << numbered.body;
  }

  // The largest id SQLite ever gave in `table`, even if its row has gone.
  std::int64_t largest_id_given(const std::string& table, const std::string& column) {
    ReadOnlyDatabase source(temp_.path);
    return std::max(
        sqlite_integer(source.get(), "SELECT coalesce(max(" + column + "), 0) FROM " + table),
        sqlite_integer(
            source.get(),
            "SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = '" + table + "'"));
  }
};

TEST_F(MigrateDbRoundTripTest, EveryAnswerIsTheSameServedFromPostgreSQLAfterTheCopy) {
  ACCOUNTSD_REQUIRE_POSTGRES(url);
  create_acme();
  // More users than a streamed list holds in a page (AppConfig::list_page_rows).
  auto demo_password = create_demo(600);
  fill_through_the_api(demo_password);
  make_a_backup_binary();
  // No quota, so that acme's allocations may saturate its sums, and the features that
  // add_edge_cases uses.
  ASSERT_EQ(
      accountsd("partner set acme --bytes-available none --enable signup_restrictions --db " + db_)
          .status,
      0);
  ASSERT_EQ(accountsd("partner set demo --enable email_as_username --db " + db_).status, 0);
  // A partner with nothing yet: no group, billing or backup.
  const Login vide{"vide", "vide-password-1"};
  ASSERT_EQ(accountsd("partner create --username vide --name Vide --password-stdin --db " + db_,
                      vide.password + "\n")
                .status,
            0);
  // Besides the partners: acme's username in another letter case, and a wrong password.
  const std::map<std::string, Login> logins = {{"acme", kAcme},
                                               {"demo", {"demo", demo_password}},
                                               {"vide", vide},
                                               {"ACME", {"ACME", kAcme.password}},
                                               {"wrong", {"acme", "not-the-password"}}};
  const std::vector<std::string> partners = {"acme", "demo", "vide"};

  ServerProcess server(temp_.dir / "serve.log");
  auto port = server.start(db_, serve_arguments());
  ASSERT_NE(port, 0) << server.log();
  add_edge_cases(port, logins.at("demo"));
  Survey survey(port, logins);
  std::vector<Request> relative_to_now;
  for (const auto& partner : partners) survey_partner(survey, relative_to_now, partner);
  survey.get("", kInternal + "nobody/users/zoe/policy");
  survey.get("ACME", kRoot + std::string("/partner/info"));
  survey.get("wrong", kRoot + std::string("/partner/info"));
  Survey clock(port, logins);
  for (const auto& request : relative_to_now) clock.get(request.partner, request.target);
  ASSERT_EQ(server.stop(), 0) << server.log();

  ScratchDatabase target(url);
  auto run = migrate_db(target.url());
  ASSERT_EQ(run.status, 0) << run.out << run.err;
  port = server.start(target.url(), serve_arguments());
  ASSERT_NE(port, 0) << server.log();
  // No answer may differ. Only headers do (Date, request ids), and they are not compared. The
  // answers of `clock` are asked last of SQLite and first of PostgreSQL, a few seconds apart:
  // they would differ only if a device's last login or backup lay within those seconds of one
  // of their bounds, which the demo's times, spread over two years, make unlikely to a few in
  // ten thousand.
  expect_the_same_answers(clock, clock.replay(port));
  expect_the_same_answers(survey, survey.replay(port));
  EXPECT_GT(survey.answers().size() + clock.answers().size(), 800u)
      << "the survey asks fewer questions than it should";
  // migrate-db only reads its source, so the operator commands may read it now.
  const auto operator_before = operator_answers(db_);
  const auto operator_after = operator_answers(target.url());
  ASSERT_EQ(operator_after.size(), operator_before.size());
  for (std::size_t i = 0; i < operator_before.size(); ++i) {
    const auto& [command, sqlite] = operator_before[i];
    const auto& postgres = operator_after[i].second;
    EXPECT_EQ(postgres.status, sqlite.status) << command << ": " << postgres.err;
    EXPECT_TRUE(postgres.out == sqlite.out)
        << command
        << " prints differently from PostgreSQL:\nSQLite:     " << sqlite.out.substr(0, 300)
        << "\nPostgreSQL: " << postgres.out.substr(0, 300);
  }

  // The appliance key stored with acme's password (partner create) came along: an OpenManage
  // appliance given the password signs in to the copy as it did before it.
  EXPECT_EQ(http_request(port, "GET", kRoot + std::string("/ping"), "",
                         Login{kAcme.username, *auth::appliance_key(kAcme.password)})
                .status,
            200);

  // Ids continue past every id SQLite gave, those of rows since deleted included (C.7).
  auto post = [&](const std::string& path, const std::string& body) {
    auto reply = http_request(port, "POST", kRoot + path, body, kAcme);
    EXPECT_LT(reply.status, 300) << path << ": " << reply.body;
    return reply.json;
  };
  auto created =
      post("/users/", R"({"username": "new", "name": "New", "email": "new@example.com"})");
  EXPECT_GT(created.at("user").at("avatar_id").as_int64(), largest_id_given("users", "avatar_id"));
  auto plan_id = boost::json::serialize(created.at("user").at("plan_id"));
  auto group = post("/groups/", R"({"name": "Nouveau", "plan_id": )" + plan_id +
                                    R"(, "webapi_enable": true, "check_domain": false})");
  EXPECT_GT(group.at("group_id").as_int64(), largest_id_given("groups", "group_id"));
  auto policy = post("/devicepolicies/", R"({"name": "Nouvelle"})");
  EXPECT_GT(policy.at("id").as_int64(), largest_id_given("device_policies", "policy_id"));
  auto device = http_request(port, "PUT", kInternal + "acme/users/new/devices/laptop",
                             R"({"client_revision": 600})", std::nullopt,
                             {{"Authorization", std::string("Bearer ") + kServiceToken}});
  ASSERT_EQ(device.status, 200) << device.body;
  EXPECT_GT(device.json.at("device_id").as_int64(), largest_id_given("devices", "device_id"));
  // Numbered usernames continue too.
  auto numbered =
      http_request(port, "POST", kRoot + std::string("/users/"),
                   R"({"name": "Suivant", "email": "suivant@example.com"})", logins.at("demo"));
  ASSERT_EQ(numbered.status, 200) << numbered.body;
  EXPECT_EQ(numbered.json.at("username"), "user-2") << numbered.body;
  ASSERT_EQ(
      accountsd("plan create --partner acme --name Neuf --storage-bytes 1 --db " + target.url())
          .status,
      0);
  auto plans = http_request(port, "GET", kRoot + std::string("/plans"), "", kAcme).json;
  ASSERT_TRUE(plans.is_array()) << plans;
  EXPECT_GT(plans.as_array().back().at("plan_id").as_int64(), largest_id_given("plans", "plan_id"))
      << plans;
  EXPECT_EQ(server.stop(), 0) << server.log();
}

}  // namespace
}  // namespace accountsd::testing
