// A.10 GET /clientrevisions/: devices counted per client revision, with revision and login filters.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "support/api_fixture.hpp"

namespace accountsd::testing {
namespace {

constexpr std::int64_t kDay = 86400;

std::int64_t now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class ClientRevisionsTest : public ApiTest {
 protected:
  struct Device {
    std::int64_t revision;
    std::optional<std::int64_t> last_login;
  };

  // Devices spread over users; recent = logged in a day ago, old = 40 days ago, never = null.
  void SetUp() override {
    ApiTest::SetUp();
    const std::int64_t t = now();
    recent_ = t - kDay;
    old_ = t - 40 * kDay;
    devices_ = {
        {512, recent_}, {512, old_},       {512, std::nullopt}, {100, recent_},  {300, old_},
        {300, old_},    {7, std::nullopt}, {1024, recent_},     {1024, recent_}, {0, recent_},
    };
    std::vector<domain::NewUser> users;
    for (std::size_t i = 0; i < devices_.size(); ++i) {
      if (i % 3 == 0) {
        domain::NewUser u;
        u.username = "user" + std::to_string(i);
        u.name = u.username;
        u.email = u.username + "@example.com";
        u.group_id = directory().groups(alpha_id).front().group_id;
        u.plan_id = directory().plans(alpha_id).front().plan_id;
        u.creation_time = t - 100 * kDay;
        users.push_back(u);
      }
      domain::NewDevice d;
      d.name = "device" + std::to_string(i);
      d.client_revision = devices_[i].revision;
      d.creation_time = t - 100 * kDay;
      d.last_login = devices_[i].last_login;
      users.back().devices.push_back(d);
    }
    add_users(alpha_id, users);
  }

  // What the endpoint should answer, computed from the devices added.
  boost::json::value expected(std::int64_t min, std::optional<std::int64_t> max,
                              std::optional<std::int64_t> since) const {
    std::map<std::int64_t, std::int64_t> counts;
    for (const auto& d : devices_) {
      if (d.revision < min || (max && d.revision > *max)) continue;
      if (since && (!d.last_login || *d.last_login < *since)) continue;
      ++counts[d.revision];
    }
    boost::json::array out;
    for (const auto& [revision, count] : counts)
      out.push_back(boost::json::object{{"revision", revision}, {"count", count}});
    return out;
  }

  Reply census(const std::string& query) {
    auto reply = get("/clientrevisions/" + query);
    EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8");
    return reply;
  }

  void expect_bad_query(const std::string& query, const std::vector<std::string>& fields) {
    SCOPED_TRACE(query);
    auto reply = census("?" + query);
    EXPECT_EQ(reply.status, 400) << reply.body;
    ASSERT_TRUE(reply.json.is_object()) << reply.body;
    ASSERT_TRUE(reply.json.at("reason").is_string());
    std::vector<std::string> invalid;
    for (const auto& item : reply.json.at("invalid").as_array())
      invalid.emplace_back(item.as_string());
    EXPECT_EQ(invalid, fields) << reply.body;
  }

  std::vector<Device> devices_;
  std::int64_t recent_ = 0;
  std::int64_t old_ = 0;
};

TEST_F(ClientRevisionsTest, CountsEveryDevicePerRevisionAscending) {
  auto reply = census("");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json, json(R"([{"revision": 0, "count": 1}, {"revision": 7, "count": 1},
                                 {"revision": 100, "count": 1}, {"revision": 300, "count": 2},
                                 {"revision": 512, "count": 3}, {"revision": 1024, "count": 2}])"));
  EXPECT_EQ(reply.json, expected(0, std::nullopt, std::nullopt));
  for (const auto& row : reply.json.as_array()) {
    EXPECT_EQ(row.as_object().size(), 2u);
    EXPECT_TRUE(row.at("revision").is_int64());
    EXPECT_TRUE(row.at("count").is_int64());
  }
}

TEST_F(ClientRevisionsTest, NoDevicesIsAnEmptyList) {
  auto reply = get_as(beta, "/clientrevisions/");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json, json("[]"));
}

TEST_F(ClientRevisionsTest, RevisionBoundsAreInclusive) {
  struct Case {
    std::string query;
    std::int64_t min;
    std::optional<std::int64_t> max;
  };
  for (const auto& c : std::vector<Case>{
           {"?min_revision=100", 100, std::nullopt},
           {"?min_revision=101", 101, std::nullopt},
           {"?max_revision=300", 0, 300},
           {"?max_revision=299", 0, 299},
           {"?min_revision=100&max_revision=512", 100, 512},
           {"?min_revision=300&max_revision=300", 300, 300},
           {"?min_revision=301&max_revision=511", 301, 511},
           {"?max_revision=0", 0, 0},
           {"?min_revision=0&max_revision=-1", 0, std::nullopt},
           {"?min_revision=512&max_revision=-1", 512, std::nullopt},
           {"?min_revision=2000", 2000, std::nullopt},
       }) {
    SCOPED_TRACE(c.query);
    auto reply = census(c.query);
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.json, expected(c.min, c.max, std::nullopt));
  }
  // Spot checks of the computed expectations.
  EXPECT_EQ(census("?min_revision=300&max_revision=300").json,
            json(R"([{"revision": 300, "count": 2}])"));
  EXPECT_EQ(census("?min_revision=301&max_revision=511").json, json("[]"));
}

TEST_F(ClientRevisionsTest, MaxBelowMinIsRefused) {
  expect_bad_query("min_revision=300&max_revision=299", {"max_revision"});
  expect_bad_query("min_revision=1&max_revision=0", {"max_revision"});
}

TEST_F(ClientRevisionsTest, MaxDaysSinceLoginCountsRecentDevicesOnly) {
  auto reply = census("?max_days_since_login=30");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json, expected(0, std::nullopt, now() - 30 * kDay));
  // Revision 300 only has old devices and 7 only a never-logged-in one: both are absent.
  EXPECT_EQ(reply.json, json(R"([{"revision": 0, "count": 1}, {"revision": 100, "count": 1},
                                 {"revision": 512, "count": 1}, {"revision": 1024, "count": 2}])"));

  reply = census("?max_days_since_login=100");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json, expected(0, std::nullopt, now() - 100 * kDay));

  // Combined with revision bounds.
  reply = census("?max_days_since_login=30&min_revision=100&max_revision=512");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json, json(R"([{"revision": 100, "count": 1}, {"revision": 512, "count": 1}])"));

  // A huge day count reaches back past every login but still leaves out devices never logged in.
  reply = census("?max_days_since_login=9223372036854775807");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json, expected(0, std::nullopt, old_ - 1));
}

TEST_F(ClientRevisionsTest, MinusOneDaysCountsEveryDevice) {
  auto reply = census("?max_days_since_login=-1");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json, expected(0, std::nullopt, std::nullopt));
  EXPECT_EQ(reply.json, census("").json);
}

TEST_F(ClientRevisionsTest, BadParametersAreRefused) {
  for (const char* name : {"min_revision", "max_revision", "max_days_since_login"}) {
    const std::string n = name;
    for (const char* bad :
         {"=-2", "=abc", "=1.5", "=", "", "=1&", "=%201", "=99999999999999999999"}) {
      std::string query = n + bad;
      if (std::string(bad) == "=1&") query += n + "=2";  // repeated
      expect_bad_query(query, {n});
    }
  }
  expect_bad_query("min_revision=-1", {"min_revision"});
  expect_bad_query("min_revision=x&max_days_since_login=-5",
                   {"min_revision", "max_days_since_login"});
}

TEST_F(ClientRevisionsTest, UndefinedQueryParametersAreIgnored) {
  auto reply = census("?revision=abc&limit=-1&foo");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json, census("").json);
}

TEST_F(ClientRevisionsTest, PathWorksWithAndWithoutTrailingSlash) {
  auto with = get("/clientrevisions/?min_revision=100");
  auto without = get("/clientrevisions?min_revision=100");
  ASSERT_EQ(with.status, 200) << with.body;
  ASSERT_EQ(without.status, 200) << without.body;
  EXPECT_EQ(with.json, without.json);
  EXPECT_EQ(without.json, expected(100, std::nullopt, std::nullopt));
}

TEST_F(ClientRevisionsTest, RefusesOtherMethodsAndMissingCredentials) {
  auto reply = post("/clientrevisions/", "{}");
  EXPECT_EQ(reply.status, 405) << reply.body;
  EXPECT_EQ(reply.header("allow"), "GET");
  EXPECT_EQ(request("GET", "/clientrevisions/", "", std::nullopt).status, 401);
}

}  // namespace
}  // namespace accountsd::testing
