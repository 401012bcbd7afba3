// B.3 GET /users/: paging, search, group_id, order_by, search_by (the console's forms, including
// recently_stopped_uploading) and ?action=user_count with the same filters.
#include <algorithm>
#include <ctime>
#include <string>
#include <vector>

#include "domain/clock.hpp"
#include "support/api_fixture.hpp"
#include "support/json_checks.hpp"

namespace accountsd::testing {
namespace {

using Names = std::vector<std::string>;

constexpr std::int64_t kGB = 1'000'000'000;

// Every field of the user object, the values order_by accepts.
const char* const kUserFields[] = {
    "avatar_id",        "username",      "name",        "email",        "group_id",
    "plan_id",          "storage_bytes", "bonus_bytes", "bytes_stored", "enabled",
    "purgehold_active", "creation_time", "last_login",  "share_id",     "num_devices",
    "num_shares",       "promo"};

// -1, 0 or 1 comparing two non-null JSON scalars of the same kind (int, string or bool).
int compare(const boost::json::value& a, const boost::json::value& b) {
  if (a.is_int64()) return a.as_int64() < b.as_int64() ? -1 : a.as_int64() > b.as_int64();
  if (a.is_bool()) return int(a.as_bool()) - int(b.as_bool());
  auto c = std::string_view(a.as_string()).compare(std::string_view(b.as_string()));
  return c < 0 ? -1 : c > 0;
}

class UserListingTest : public ApiTest {
 protected:
  std::int64_t default_group = 0;
  std::int64_t unlimited = 0;
  std::int64_t small = 0;
  std::int64_t sales = 0;

  // Five users with known values; every field of the user object is non-null and several are
  // tied, so that orderings and filters have something to tell apart.
  void add_sample_users() {
    default_group = directory().groups(alpha_id).at(0).group_id;
    unlimited = directory().plans(alpha_id).at(0).plan_id;
    small = directory().create_plan(alpha_id, "Small", 5 * kGB);
    auto reply = post("/groups/", R"({"name": "Sales", "plan_id": )" + std::to_string(small) +
                                      R"(, "webapi_enable": true, "check_domain": false})");
    ASSERT_EQ(reply.status, 201) << reply.body;
    sales = reply.json.at("group_id").as_int64();

    auto make = [](std::string username, std::string name, std::string email, std::int64_t group,
                   std::int64_t plan, std::int64_t bonus, std::int64_t stored, bool enabled,
                   std::int64_t created, std::int64_t login, std::string share_id,
                   std::string promo) {
      domain::NewUser u;
      u.username = std::move(username);
      u.name = std::move(name);
      u.email = std::move(email);
      u.group_id = group;
      u.plan_id = plan;
      u.bonus_bytes = bonus;
      u.bytes_stored = stored;
      u.enabled = enabled;
      u.creation_time = created;
      u.last_login = login;
      u.share_id = std::move(share_id);
      u.promo = std::move(promo);
      return u;
    };
    std::vector<domain::NewUser> users = {
        make("alice", "Alice Anders", "alice@example.com", default_group, unlimited, 0, 100, true,
             1000, 5000, "sa", "spring"),
        make("bob", "Bob Brown", "bob@corp.example", sales, small, 50, 300, false, 2000, 4000, "sb",
             "autumn"),
        make("carol", "Carol Xavier", "c@ALICEmail.org", sales, small, 50, 100, true, 3000, 3000,
             "sc", "spring"),
        make("dan_d", "Dan Dare", "dan@example.com", default_group, small, 0, 200, true, 2000, 6000,
             "sd", "winter"),
        make("erin", "Erin 100% Real", "erin@example.com", default_group, unlimited, 1000, 0, true,
             4000, 7000, "se", "b"),
    };
    users[1].devices.push_back({"laptop", 512, 1000, 4000, std::nullopt});
    users[1].devices.push_back({"phone", 600, 1000, 3500, std::nullopt});
    users[0].devices.push_back({"desktop", 512, 1000, 5000, std::nullopt});
    users[2].shares.push_back({"holiday", "Holiday", "", 3000, 3000, true});
    add_users(alpha_id, users);
    for (const char* u : {"carol", "dan_d"})
      ASSERT_EQ(post(std::string("/users/") + u, R"({"purgehold_active": true})").status, 200);
  }

  // The usernames GET /users/ + `query` lists, in order; checks every user object's types.
  Names list(const std::string& query) {
    auto reply = get("/users/" + query);
    EXPECT_EQ(reply.status, 200) << query << ": " << reply.body;
    EXPECT_TRUE(reply.json.is_array()) << query << ": " << reply.body;
    if (!reply.json.is_array()) return {};
    Names out;
    for (const auto& u : reply.json.as_array()) {
      expect_user_shape(u);
      out.emplace_back(u.at("username").as_string());
    }
    return out;
  }

  boost::json::array objects(const std::string& query) {
    auto reply = get("/users/" + query);
    EXPECT_EQ(reply.status, 200) << query << ": " << reply.body;
    return reply.json.is_array() ? reply.json.as_array() : boost::json::array{};
  }

  // GET /users/?action=user_count with `filters` ("&search=..."), checking the body's shape.
  std::int64_t count(const std::string& filters = "") {
    auto reply = get("/users/?action=user_count" + filters);
    EXPECT_EQ(reply.status, 200) << filters << ": " << reply.body;
    EXPECT_TRUE(reply.json.is_object() && reply.json.as_object().size() == 1 &&
                reply.json.as_object().contains("user_count") &&
                reply.json.at("user_count").is_int64())
        << reply.body;
    if (!reply.json.is_object() || !reply.json.as_object().contains("user_count")) return -1;
    return reply.json.at("user_count").as_int64();
  }

  static Names sorted(Names names) {
    std::sort(names.begin(), names.end());
    return names;
  }

  void expect_bad(const std::string& query, const std::string& field) {
    auto reply = get("/users/" + query);
    EXPECT_EQ(reply.status, 400) << query << ": " << reply.body;
    ASSERT_TRUE(reply.json.is_object()) << query << ": " << reply.body;
    EXPECT_TRUE(reply.json.as_object().contains("reason") && reply.json.at("reason").is_string());
    ASSERT_TRUE(reply.json.as_object().contains("invalid")) << reply.body;
    EXPECT_EQ(strings(reply.json.at("invalid")), Names{field}) << query << ": " << reply.body;
  }

  void put_device(const std::string& user, const std::string& device,
                  std::optional<std::int64_t> last_backup_complete) {
    boost::json::object body{
        {"client_revision", 512}, {"last_login", nullptr}, {"last_backup_complete", nullptr}};
    if (last_backup_complete) body["last_backup_complete"] = *last_backup_complete;
    auto reply = internal("PUT", "/partners/alpha/users/" + user + "/devices/" + device,
                          boost::json::serialize(body));
    ASSERT_EQ(reply.status, 200) << reply.body;
  }

  void create_user(const std::string& username) {
    auto reply =
        post("/users/", R"({"username": ")" + username + R"(", "name": "User )" + username +
                            R"(", "email": ")" + username + R"(@example.com"})");
    ASSERT_EQ(reply.status, 200) << reply.body;
  }
};

const Names kAll = {"alice", "bob", "carol", "dan_d", "erin"};

// --- listing and paging -----------------------------------------------------------------------

TEST_F(UserListingTest, EmptyPartnerListsNobody) {
  EXPECT_EQ(list(""), Names{});
  EXPECT_EQ(count(), 0);
}

TEST_F(UserListingTest, ListsEveryUserByAvatarIdWithFullObjects) {
  add_sample_users();
  auto users = objects("");
  ASSERT_EQ(users.size(), 5u);
  for (std::size_t i = 1; i < users.size(); ++i)
    EXPECT_LT(users[i - 1].at("avatar_id").as_int64(), users[i].at("avatar_id").as_int64());
  EXPECT_EQ(list(""), kAll);
  EXPECT_EQ(list("").size(), 5u);
  // Each listed object is what GET /users/<u> shows.
  for (const auto& u : users) {
    auto one = get("/users/" + std::string(u.at("username").as_string()));
    EXPECT_EQ(one.json, u);
  }
  const auto& bob = users[1].as_object();
  EXPECT_EQ(bob.at("group_id").as_int64(), sales);
  EXPECT_EQ(bob.at("plan_id").as_int64(), small);
  EXPECT_EQ(bob.at("storage_bytes").as_int64(), 5 * kGB);
  EXPECT_EQ(bob.at("bonus_bytes").as_int64(), 50);
  EXPECT_EQ(bob.at("bytes_stored").as_int64(), 300);
  EXPECT_EQ(bob.at("enabled"), false);
  EXPECT_EQ(bob.at("creation_time").as_int64(), 2000);
  EXPECT_EQ(bob.at("last_login").as_int64(), 4000);
  EXPECT_EQ(bob.at("share_id"), "sb");
  EXPECT_EQ(bob.at("num_devices").as_int64(), 2);
  EXPECT_EQ(bob.at("num_shares").as_int64(), 0);
  EXPECT_EQ(bob.at("promo"), "autumn");
  EXPECT_EQ(bob.at("share_identifier"), "sb");
  EXPECT_EQ(bob.at("share_rooms"), boost::json::array());
  // A user with shares lists their room keys (C.6).
  EXPECT_EQ(users[2].at("share_rooms"), json(R"(["holiday"])"));
  // Query parameters the endpoint does not define are ignored.
  EXPECT_EQ(list("?colour=red&page=2"), kAll);
  EXPECT_EQ(count(), 5);
}

TEST_F(UserListingTest, LimitAndOffsetPage) {
  add_sample_users();
  EXPECT_EQ(list("?limit=2"), (Names{"alice", "bob"}));
  EXPECT_EQ(list("?limit=2&offset=2"), (Names{"carol", "dan_d"}));
  EXPECT_EQ(list("?offset=2&limit=2&"), (Names{"carol", "dan_d"}));
  EXPECT_EQ(list("?limit=2&offset=4"), (Names{"erin"}));
  EXPECT_EQ(list("?offset=3"), (Names{"dan_d", "erin"}));
  EXPECT_EQ(list("?offset=5"), Names{});
  EXPECT_EQ(list("?offset=500&limit=10"), Names{});
  EXPECT_EQ(list("?limit=0"), Names{});
  EXPECT_EQ(list("?limit=100"), kAll);
  EXPECT_EQ(list("?limit=1&order_by=-bytes_stored"), (Names{"bob"}));
  EXPECT_EQ(list("?limit=2&offset=1&order_by=creation_time"), (Names{"bob", "dan_d"}));
}

TEST_F(UserListingTest, BadPagingIs400) {
  add_sample_users();
  for (const char* bad : {"-1", "abc", "1.5", "", "1e2", "%201", "99999999999999999999"}) {
    expect_bad(std::string("?limit=") + bad, "limit");
    expect_bad(std::string("?offset=") + bad, "offset");
  }
  expect_bad("?limit=1&limit=2", "limit");
  expect_bad("?offset=1&offset=1", "offset");
  expect_bad("?action=user_count&offset=-3", "offset");
}

// --- search and group_id ----------------------------------------------------------------------

TEST_F(UserListingTest, SearchMatchesNameUsernameOrEmailIgnoringCase) {
  add_sample_users();
  EXPECT_EQ(list("?search=ALICE"), (Names{"alice", "carol"}));  // username/name, and an email
  EXPECT_EQ(list("?search=alice"), (Names{"alice", "carol"}));
  EXPECT_EQ(list("?search=brown"), (Names{"bob"}));      // name only
  EXPECT_EQ(list("?search=corp.ex"), (Names{"bob"}));    // email only
  EXPECT_EQ(list("?search=an_d"), (Names{"dan_d"}));     // username only
  EXPECT_EQ(list("?search=Dan%20D"), (Names{"dan_d"}));  // percent-encoded space
  EXPECT_EQ(list("?search=example.com"), (Names{"alice", "dan_d", "erin"}));
  EXPECT_EQ(list("?search=nobody-like-this"), Names{});
  // Characters that are wildcards in SQL LIKE match only themselves.
  EXPECT_EQ(list("?search=%25"), (Names{"erin"}));
  EXPECT_EQ(list("?search=_"), (Names{"dan_d"}));
  EXPECT_EQ(list("?search=a%25"), Names{});
  EXPECT_EQ(count("&search=ALICE"), 2);
  EXPECT_EQ(count("&search=_"), 1);
  expect_bad("?search=", "search");
  expect_bad("?search=a&search=b", "search");
}

TEST_F(UserListingTest, SearchIgnoresTheCaseOfNonAsciiLetters) {
  create_user("zoe");
  ASSERT_EQ(post("/users/zoe", R"({"name": "Zo\u00EB \u00C6r\u00F8"})").status, 200);  // Zoë Ærø
  create_user("zed");
  EXPECT_EQ(list("?search=zo%C3%AB"), (Names{"zoe"}));       // "zoë", as stored
  EXPECT_EQ(list("?search=ZO%C3%8B"), (Names{"zoe"}));       // "ZOË"
  EXPECT_EQ(list("?search=%C3%A6R%C3%98"), (Names{"zoe"}));  // "æRØ"
  EXPECT_EQ(count("&search=ZO%C3%8B"), 1);
}

// SQLite reads the users its trigram index lists for a search of three characters or more
// (migration 020): every answer is the scan's, whatever the search's length, case or syntax.
TEST_F(UserListingTest, SearchAnswersAsAScanWhateverItsLengthCaseAndSyntax) {
  auto make = [&](const Login& login, const std::string& username, const std::string& name,
                  const std::string& email) {
    boost::json::object body{{"username", username}, {"name", name}, {"email", email}};
    auto reply = post_as(login, "/users/", boost::json::serialize(body));
    ASSERT_EQ(reply.status, 200) << reply.body;
  };
  make(alpha, "elodie", "\xC3\xA9lodie \xC3\x9Cnal", "elodie@example.com");  // "élodie Ünal"
  make(alpha, "quoted", "Ann \"Quote\" Star*Pct%Under_", "q@corp.example");
  make(alpha, "nearor", "near or and not", "n@corp.example");
  make(beta, "elodie", "\xC3\x89lodie Beta", "elodie@beta.example");   // "Élodie Beta"
  EXPECT_EQ(list("?search=%C3%89"), (Names{"elodie"}));                // "É"
  EXPECT_EQ(list("?search=%C3%89L"), (Names{"elodie"}));               // "ÉL"
  EXPECT_EQ(list("?search=%C3%89LO"), (Names{"elodie"}));              // "ÉLO"
  EXPECT_EQ(list("?search=%C3%89LODIE%20%C3%BC"), (Names{"elodie"}));  // "ÉLODIE ü"
  EXPECT_EQ(count("&search=%C3%89LODIE"), 1);                          // not beta's Élodie
  EXPECT_EQ(list("?search=odie"), (Names{"elodie"}));
  EXPECT_EQ(list("?search=%22"), (Names{"quoted"}));              // a double quote
  EXPECT_EQ(list("?search=%22quote%22%20s"), (Names{"quoted"}));  // "quote" s
  EXPECT_EQ(list("?search=n%20%22q"), (Names{"quoted"}));
  EXPECT_EQ(list("?search=%22%22"), Names{});
  EXPECT_EQ(list("?search=*"), (Names{"quoted"}));
  EXPECT_EQ(list("?search=star*pct"), (Names{"quoted"}));
  EXPECT_EQ(list("?search=r*"), (Names{"quoted"}));
  EXPECT_EQ(list("?search=ar*"), (Names{"quoted"}));  // not "near", a prefix query
  EXPECT_EQ(list("?search=pct%25under_"), (Names{"quoted"}));
  EXPECT_EQ(list("?search=%25u"), (Names{"quoted"}));
  EXPECT_EQ(list("?search=r_"), (Names{"quoted"}));
  EXPECT_EQ(list("?search=NEAR"), (Names{"nearor"}));
  EXPECT_EQ(list("?search=NEAR%20OR"), (Names{"nearor"}));
  EXPECT_EQ(list("?search=%20OR%20"), (Names{"nearor"}));
  EXPECT_EQ(list("?search=NEAR(ann)"), Names{});
  EXPECT_EQ(list("?search=ann%20OR%20near"), Names{});
  EXPECT_EQ(list("?search=corp.example&order_by=-username"), (Names{"quoted", "nearor"}));
  EXPECT_EQ(count("&search=corp.example"), 2);
  EXPECT_EQ(count("&search=p.e"), 2);

  // A change of name or email is found by the new text, no longer by the old.
  ASSERT_EQ(
      post("/users/elodie", R"({"name": "Ren\u00E9e Zola", "email": "rz@corp.example"})").status,
      200);
  EXPECT_EQ(list("?search=%C3%89LODIE"), Names{});
  EXPECT_EQ(list("?search=elodie@"), Names{});
  EXPECT_EQ(list("?search=REN%C3%89E"), (Names{"elodie"}));  // "RENÉE"
  EXPECT_EQ(list("?search=rz@corp"), (Names{"elodie"}));
  EXPECT_EQ(count("&search=corp.example"), 3);
  // A deleted user is gone.
  ASSERT_EQ(request("DELETE", "/users/nearor", "", alpha).status, 204);
  EXPECT_EQ(list("?search=near"), Names{});
  EXPECT_EQ(count("&search=corp.example"), 2);
  // The other partner's users were never counted, and its own search finds its own.
  auto beta_found = get_as(beta, "/users/?search=%C3%A9LODIE");
  ASSERT_EQ(beta_found.status, 200) << beta_found.body;
  ASSERT_EQ(beta_found.json.as_array().size(), 1u) << beta_found.body;
  EXPECT_EQ(beta_found.json.as_array()[0].at("email").as_string(), "elodie@beta.example");
}

TEST_F(UserListingTest, GroupIdFilters) {
  add_sample_users();
  EXPECT_EQ(list("?group_id=" + std::to_string(sales)), (Names{"bob", "carol"}));
  EXPECT_EQ(list("?group_id=" + std::to_string(default_group)), (Names{"alice", "dan_d", "erin"}));
  EXPECT_EQ(list("?group_id=987654"), Names{});
  EXPECT_EQ(count("&group_id=" + std::to_string(sales)), 2);
  expect_bad("?group_id=abc", "group_id");
  expect_bad("?group_id=", "group_id");
  expect_bad("?group_id=1&group_id=2", "group_id");
}

// --- order_by ---------------------------------------------------------------------------------

TEST_F(UserListingTest, OrderByKnownFields) {
  add_sample_users();
  EXPECT_EQ(list("?order_by=bytes_stored"), (Names{"erin", "alice", "carol", "dan_d", "bob"}));
  EXPECT_EQ(list("?order_by=creation_time"), (Names{"alice", "bob", "dan_d", "carol", "erin"}));
  EXPECT_EQ(list("?order_by=-last_login"), (Names{"erin", "dan_d", "alice", "bob", "carol"}));
  EXPECT_EQ(list("?order_by=last_login"), (Names{"carol", "bob", "alice", "dan_d", "erin"}));
  EXPECT_EQ(list("?order_by=name"), kAll);
  EXPECT_EQ(list("?order_by=-name"), (Names{"erin", "dan_d", "carol", "bob", "alice"}));
  EXPECT_EQ(list("?order_by=email"), (Names{"alice", "bob", "carol", "dan_d", "erin"}));
  EXPECT_EQ(list("?order_by=promo"), (Names{"bob", "erin", "alice", "carol", "dan_d"}));
  EXPECT_EQ(list("?order_by=-promo"), (Names{"dan_d", "carol", "alice", "erin", "bob"}));
  auto by_devices = list("?order_by=-num_devices");
  ASSERT_EQ(by_devices.size(), 5u);
  EXPECT_EQ(by_devices[0], "bob");
  EXPECT_EQ(by_devices[1], "alice");
  EXPECT_EQ(list("?order_by=-avatar_id"), (Names{"erin", "dan_d", "carol", "bob", "alice"}));
  auto descending = list("?order_by=-bytes_stored");
  ASSERT_EQ(descending.size(), 5u);
  EXPECT_EQ(descending[0], "bob");
  EXPECT_EQ(descending[1], "dan_d");
  EXPECT_EQ(sorted({descending[2], descending[3]}), (Names{"alice", "carol"}));
  EXPECT_EQ(descending[4], "erin");
}

TEST_F(UserListingTest, OrderByEveryFieldBothWaysWithTiesByAvatarId) {
  add_sample_users();
  for (const char* field : kUserFields) {
    for (bool descending : {false, true}) {
      std::string order = std::string(descending ? "-" : "") + field;
      auto users = objects("?order_by=" + order);
      ASSERT_EQ(users.size(), 5u) << order;
      for (std::size_t i = 1; i < users.size(); ++i) {
        const auto& a = users[i - 1];
        const auto& b = users[i];
        int c = compare(a.at(field), b.at(field));
        EXPECT_LE(descending ? -c : c, 0) << order << " at " << i;
        // Ties go by avatar_id; ascending order breaks them ascending.
        if (c == 0 && !descending) {
          EXPECT_LT(a.at("avatar_id").as_int64(), b.at("avatar_id").as_int64())
              << order << " at " << i;
        }
      }
      // The order is total, so pages of one concatenate to the whole listing.
      boost::json::array paged;
      for (int offset = 0; offset < 5; ++offset) {
        auto page = objects("?order_by=" + order + "&limit=1&offset=" + std::to_string(offset));
        ASSERT_EQ(page.size(), 1u) << order;
        paged.push_back(page[0]);
      }
      EXPECT_EQ(paged, users) << order;
    }
  }
}

TEST_F(UserListingTest, TiesAreBrokenByAvatarId) {
  add_sample_users();
  // alice and carol store 100 bytes each; bob and dan_d were created at 2000; bob, carol and
  // dan_d are on the Small plan; nobody but alice and bob has devices.
  EXPECT_EQ(list("?order_by=bytes_stored&search_by=bytes_stored=100"), (Names{"alice", "carol"}));
  EXPECT_EQ(list("?order_by=plan_id&search_by=plan_id=" + std::to_string(small)),
            (Names{"bob", "carol", "dan_d"}));
  EXPECT_EQ(list("?order_by=num_devices"), (Names{"carol", "dan_d", "erin", "alice", "bob"}));
  EXPECT_EQ(list("?order_by=purgehold_active"), (Names{"alice", "bob", "erin", "carol", "dan_d"}));
}

TEST_F(UserListingTest, BadOrderByIs400) {
  add_sample_users();
  for (const char* bad : {"bogus", "-", "--name", "+name", "Name", "name,email", "password_bcrypt",
                          "last_backup_complete", "partner_id", "", "name%20"})
    expect_bad(std::string("?order_by=") + bad, "order_by");
  expect_bad("?order_by=name&order_by=email", "order_by");
}

// --- search_by --------------------------------------------------------------------------------

TEST_F(UserListingTest, SearchByFiltersOnEachField) {
  add_sample_users();
  auto g = std::to_string(sales);
  auto p = std::to_string(small);
  EXPECT_EQ(list("?search_by=enabled=0"), (Names{"bob"}));
  EXPECT_EQ(list("?search_by=enabled=1"), (Names{"alice", "carol", "dan_d", "erin"}));
  EXPECT_EQ(list("?search_by=purgehold_active=1"), (Names{"carol", "dan_d"}));
  EXPECT_EQ(list("?search_by=purgehold_active=0"), (Names{"alice", "bob", "erin"}));
  // A flag compares as the 0 or 1 it is, with any number.
  EXPECT_EQ(list("?search_by=enabled>0"), (Names{"alice", "carol", "dan_d", "erin"}));
  EXPECT_EQ(list("?search_by=enabled<1"), (Names{"bob"}));
  EXPECT_EQ(list("?search_by=enabled=2"), Names{});
  EXPECT_EQ(list("?search_by=enabled<5"), kAll);
  EXPECT_EQ(list("?search_by=purgehold_active>-1"), kAll);
  EXPECT_EQ(count("&search_by=purgehold_active>1"), 0);
  EXPECT_EQ(list("?search_by=group_id=" + g), (Names{"bob", "carol"}));
  EXPECT_EQ(list("?search_by=plan_id=" + p), (Names{"bob", "carol", "dan_d"}));
  EXPECT_EQ(list("?search_by=bytes_stored>100"), (Names{"bob", "dan_d"}));
  EXPECT_EQ(list("?search_by=bytes_stored<100"), (Names{"erin"}));
  EXPECT_EQ(list("?search_by=bytes_stored=100"), (Names{"alice", "carol"}));
  EXPECT_EQ(list("?search_by=bonus_bytes>0"), (Names{"bob", "carol", "erin"}));
  EXPECT_EQ(list("?search_by=bonus_bytes=1000"), (Names{"erin"}));
  EXPECT_EQ(list("?search_by=creation_time<2500"), (Names{"alice", "bob", "dan_d"}));
  EXPECT_EQ(list("?search_by=creation_time>3000"), (Names{"erin"}));
  EXPECT_EQ(list("?search_by=creation_time=2000"), (Names{"bob", "dan_d"}));
  EXPECT_EQ(list("?search_by=last_login>4500"), (Names{"alice", "dan_d", "erin"}));
  EXPECT_EQ(list("?search_by=last_login<4000"), (Names{"carol"}));
  EXPECT_EQ(list("?search_by=bytes_stored>-1"), kAll);
}

TEST_F(UserListingTest, SearchByCombinesConditionsAndAcceptsEncodedForms) {
  add_sample_users();
  EXPECT_EQ(list("?search_by=bytes_stored>50,enabled=1"), (Names{"alice", "carol", "dan_d"}));
  EXPECT_EQ(list("?search_by=bytes_stored%3E50%2Cenabled%3D1"), (Names{"alice", "carol", "dan_d"}));
  EXPECT_EQ(list("?search_by=bytes_stored%3C300,bytes_stored%3E0"),
            (Names{"alice", "carol", "dan_d"}));
  EXPECT_EQ(list("?search_by=creation_time>1000,creation_time<4000,enabled=1"),
            (Names{"carol", "dan_d"}));
  EXPECT_EQ(list("?search_by=enabled=0,enabled=1"), Names{});
  EXPECT_EQ(count("&search_by=bytes_stored>50,enabled=1"), 3);
  EXPECT_EQ(count("&search_by=enabled=0"), 1);
}

TEST_F(UserListingTest, FiltersCombineWithEachOtherAndWithPaging) {
  add_sample_users();
  auto d = std::to_string(default_group);
  // search "example": alice, bob (corp.example), dan_d, erin; the default group: alice, dan_d,
  // erin; something stored: alice, dan_d.
  std::string filters = "search=example&group_id=" + d + "&search_by=bytes_stored>0";
  EXPECT_EQ(list("?" + filters), (Names{"alice", "dan_d"}));
  EXPECT_EQ(list("?" + filters + "&order_by=-bytes_stored"), (Names{"dan_d", "alice"}));
  EXPECT_EQ(list("?" + filters + "&order_by=-bytes_stored&limit=1&offset=1"), (Names{"alice"}));
  EXPECT_EQ(count("&" + filters), 2);
  // user_count counts every match, whatever page a listing would show.
  EXPECT_EQ(count("&" + filters + "&order_by=-bytes_stored"), 2);
}

TEST_F(UserListingTest, BadSearchByIs400) {
  add_sample_users();
  for (const char* bad : {"username=bob",
                          "name=Bob",
                          "bytes_stored",
                          "bytes_stored>",
                          "bytes_stored>abc",
                          "bytes_stored>1.5",
                          "bytes_stored!=5",
                          "bytes_stored>=5",
                          "enabled=true",
                          "=5",
                          "bytes_stored>5,",
                          "bytes_stored>5,,enabled=1",
                          ",enabled=1",
                          "storage_bytes>5",
                          "last_backup_complete>5",
                          "partner_id=1",
                          "recently_stopped_uploading=5",
                          "recently_stopped_uploading=a|b",
                          "recently_stopped_uploading=-1|5",
                          "recently_stopped_uploading=|5",
                          "recently_stopped_uploading=5|",
                          "recently_stopped_uploading>5|10",
                          "bytes_stored>99999999999999999999"}) {
    expect_bad(std::string("?search_by=") + bad, "search_by");
    expect_bad(std::string("?action=user_count&search_by=") + bad, "search_by");
  }
  expect_bad("?search_by=", "search_by");
  expect_bad("?search_by=enabled=1&search_by=enabled=0", "search_by");
}

TEST_F(UserListingTest, RecentlyStoppedUploadingUsesTheLatestCompletedBackup) {
  create_user("joe");
  create_user("jim");
  create_user("kim");
  create_user("lee");
  auto now = std::int64_t(std::time(nullptr));
  constexpr std::int64_t hour = 3600, day = 86400;
  put_device("joe", "laptop", now - 2 * hour);
  put_device("jim", "laptop", now - 3 * day);
  put_device("jim", "old-desktop", now - 10 * day);
  put_device("kim", "laptop", std::nullopt);  // never completed a backup; lee has no device

  EXPECT_EQ(list("?search_by=recently_stopped_uploading=3600|10800"), (Names{"joe"}));
  EXPECT_EQ(list("?search_by=recently_stopped_uploading=3600%7C10800"), (Names{"joe"}));
  EXPECT_EQ(list("?search_by=recently_stopped_uploading=86400|604800"), (Names{"jim"}));
  EXPECT_EQ(list("?search_by=recently_stopped_uploading=0|100000000"), (Names{"joe", "jim"}));
  EXPECT_EQ(list("?search_by=recently_stopped_uploading=10800|86400"), Names{});
  EXPECT_EQ(count("&search_by=recently_stopped_uploading=0|100000000"), 2);

  // It combines with the other conditions.
  ASSERT_EQ(post("/users/joe", R"({"enabled": false})").status, 200);
  EXPECT_EQ(list("?search_by=enabled=1,recently_stopped_uploading=0|100000000"), (Names{"jim"}));
  EXPECT_EQ(count("&search_by=recently_stopped_uploading=0|100000000,enabled=0"), 1);

  // A newer backup on any device moves the user; an older device does not pull it back.
  put_device("jim", "old-desktop", now - 60);
  EXPECT_EQ(list("?search_by=recently_stopped_uploading=86400|604800"), Names{});
  EXPECT_EQ(list("?search_by=recently_stopped_uploading=0|3600"), (Names{"jim"}));
  put_device("jim", "laptop", now - 5 * day);
  EXPECT_EQ(list("?search_by=recently_stopped_uploading=0|3600"), (Names{"jim"}));
}

// C.7: consoles send the larger bound first ("2592000|1209600"); either order selects the same.
TEST_F(UserListingTest, RecentlyStoppedUploadingTakesTheBoundsInEitherOrder) {
  create_user("joe");
  create_user("jim");
  auto now = std::int64_t(std::time(nullptr));
  constexpr std::int64_t day = 86400;
  put_device("joe", "laptop", now - 20 * day);
  // 35 days, not 40: a bound exactly 40 days back would miss it whenever the server's clock had
  // moved on by a second since `now`.
  put_device("jim", "laptop", now - 35 * day);
  EXPECT_EQ(list("?search_by=recently_stopped_uploading=2592000|1209600"), (Names{"joe"}));
  EXPECT_EQ(list("?search_by=recently_stopped_uploading=1209600|2592000"), (Names{"joe"}));
  EXPECT_EQ(count("&search_by=recently_stopped_uploading=2592000|1209600"), 1);
  EXPECT_EQ(list("?search_by=recently_stopped_uploading=3456000|2592000"), (Names{"jim"}));
}

// Both bounds are included: a backup exactly A or exactly B seconds ago is selected.
TEST_F(UserListingTest, RecentlyStoppedUploadingIncludesBothBounds) {
  create_user("joe");
  constexpr std::int64_t low = 7200, high = 86400;
  for (std::int64_t age : {low, high}) {
    // The server's clock must read the same second as the test's, or the age is off by one: the
    // same clock, too (time() reads a coarse clock that can lag the server's by a tick).
    for (int attempt = 0; attempt < 5; ++attempt) {
      auto before = domain::now_seconds();
      put_device("joe", "laptop", before - age);
      auto forward = list("?search_by=recently_stopped_uploading=" + std::to_string(high) + "|" +
                          std::to_string(low));
      auto exact = list("?search_by=recently_stopped_uploading=" + std::to_string(age) + "|" +
                        std::to_string(age));
      if (domain::now_seconds() != before) continue;
      EXPECT_EQ(forward, (Names{"joe"})) << age;
      EXPECT_EQ(exact, (Names{"joe"})) << age;
      break;
    }
  }
  // Just outside either bound is not selected.
  auto now = domain::now_seconds();
  put_device("joe", "laptop", now - high - 100);
  EXPECT_EQ(list("?search_by=recently_stopped_uploading=7200|86400"), Names{});
  put_device("joe", "laptop", now - low + 100);
  EXPECT_EQ(list("?search_by=recently_stopped_uploading=7200|86400"), Names{});
}

// --- action -----------------------------------------------------------------------------------

TEST_F(UserListingTest, UserCountCountsAndBadActionIs400) {
  add_sample_users();
  EXPECT_EQ(count(), 5);
  auto reply = get("/users?action=user_count");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.json, json(R"({"user_count": 5})"));
  ASSERT_EQ(request("DELETE", "/users/bob", "", alpha).status, 204);
  EXPECT_EQ(count(), 4);
  EXPECT_EQ(count("&group_id=" + std::to_string(sales)), 1);
  expect_bad("?action=count", "action");
  expect_bad("?action=", "action");
  expect_bad("?action=user_count&action=user_count", "action");
}

}  // namespace
}  // namespace accountsd::testing
