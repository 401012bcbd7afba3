// A.1: GET /users/ and GET /shares/ without `limit` stream their answer chunked, a page of rows at
// a time (three rows a page here), and it is the same list that paged requests return together.
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <string>
#include <vector>

#include "support/api_fixture.hpp"
#include "support/json_checks.hpp"

namespace accountsd::testing {
namespace {

constexpr std::size_t kPageRows = 3;

class StreamedListTest : public ApiTest {
 protected:
  void configure(api::AppConfig& config) override {
    ApiTest::configure(config);
    config.list_page_rows = kPageRows;
  }

  // Eleven users in two groups; fields vary and repeat (ties), some are null, every third user
  // has shares: enough for several pages and every ordering to differ.
  void add_sample_users() {
    auto group = directory().groups(alpha_id).front();
    auto plan = directory().create_plan(alpha_id, "Small", 5'000'000'000);
    domain::Group other;
    other.name = "Other";
    other.plan_id = plan;
    other_group_ = directory().create_group(alpha_id, other);
    std::vector<domain::NewUser> users;
    for (int i = 0; i < 11; ++i) {
      domain::NewUser u;
      u.username = "user" + std::to_string((i * 7) % 11);
      u.name = "Name " + std::string(1, char('a' + (i * 5) % 11));
      u.email = u.username + "@example.com";
      u.group_id = i % 2 ? other_group_ : group.group_id;
      u.plan_id = i % 2 ? plan : group.plan_id;
      u.bonus_bytes = (i % 3) * 10;
      u.bytes_stored = (i % 4) * 100;
      u.enabled = i % 5 != 0;
      u.creation_time = 1000 + (i % 6) * 10;
      if (i % 4) u.last_login = 5000 + i;
      if (i % 3) u.share_id = "s" + std::to_string(i);
      if (i % 2) u.promo = "promo" + std::to_string(i % 3);
      if (i % 3 == 0) {
        for (const char* room : {"zz", "aa"}) {
          domain::Share share;
          share.room_key = room + std::to_string(i);
          share.name = "Share";
          share.creation_time = 1700000000;
          u.shares.push_back(share);
        }
      }
      users.push_back(std::move(u));
    }
    add_users(alpha_id, users);
  }

  // The whole list at `path` + `query` without a limit; checks that it came chunked.
  boost::json::array unpaged(const std::string& path, const std::string& query) {
    auto reply = get(path + "?" + query);
    EXPECT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.header("transfer-encoding"), "chunked");
    EXPECT_EQ(reply.header("content-length"), "");
    EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8");
    if (!reply.json.is_array()) {
      ADD_FAILURE() << reply.body;
      return {};
    }
    return reply.json.as_array();
  }

  // The same list from pages of `limit` from `start` on, joined; paged answers keep their
  // Content-Length.
  boost::json::array paged(const std::string& path, const std::string& query, int limit,
                           int start = 0) {
    boost::json::array all;
    for (int offset = start;; offset += limit) {
      auto reply = get(path + "?" + query + "&limit=" + std::to_string(limit) +
                       "&offset=" + std::to_string(offset));
      EXPECT_EQ(reply.status, 200) << reply.body;
      EXPECT_NE(reply.header("content-length"), "");
      if (!reply.json.is_array()) {
        ADD_FAILURE() << reply.body;
        return all;
      }
      for (const auto& item : reply.json.as_array()) all.push_back(item);
      if (reply.json.as_array().size() < std::size_t(limit)) return all;
    }
  }

  std::int64_t other_group_ = 0;
};

TEST_F(StreamedListTest, AnEmptyListIsAnEmptyArray) {
  EXPECT_EQ(unpaged("/users/", ""), boost::json::array());
  EXPECT_EQ(unpaged("/shares/", ""), boost::json::array());
  add_sample_users();
  EXPECT_EQ(unpaged("/users/", "search=nobody"), boost::json::array());
  EXPECT_EQ(unpaged("/users/", "offset=11"), boost::json::array());
  EXPECT_EQ(unpaged("/shares/", "offset=4"), boost::json::array());
  // Another partner's users are not this one's.
  auto beta = request("GET", "/users/", "", this->beta);
  EXPECT_EQ(beta.json, json("[]"));
}

TEST_F(StreamedListTest, UsersInEveryOrderAndFilterAreThePagesJoined) {
  add_sample_users();
  const char* const fields[] = {
      "avatar_id",        "username",      "name",        "email",        "group_id",
      "plan_id",          "storage_bytes", "bonus_bytes", "bytes_stored", "enabled",
      "purgehold_active", "creation_time", "last_login",  "share_id",     "num_devices",
      "num_shares",       "promo"};
  const std::string filters[] = {"", "search=USER1", "group_id=" + std::to_string(other_group_),
                                 "search_by=bytes_stored>100",
                                 "search_by=enabled=1,last_login%3C5008&search=name"};
  for (const char* field : fields) {
    for (const std::string sign : {"", "-"}) {
      for (const auto& filter : filters) {
        auto query = "order_by=" + sign + field + "&" + filter;
        SCOPED_TRACE(query);
        auto all = unpaged("/users/", query);
        EXPECT_EQ(all, paged("/users/", query, 2));
        if (filter.empty()) {
          EXPECT_EQ(all.size(), 11u);
        }
      }
    }
  }
  // An offset without a limit: the rest of the list from there.
  auto all = unpaged("/users/", "order_by=name");
  auto rest = unpaged("/users/", "order_by=name&offset=4");
  EXPECT_EQ(rest, boost::json::array(all.begin() + 4, all.end()));
}

TEST_F(StreamedListTest, WholePagesAndAPartPageAreAllThere) {
  add_sample_users();
  // 3, 6, 9 and 11 users: lists that end on a page boundary and lists that do not.
  for (int offset : {8, 5, 2, 0}) {
    auto query = "offset=" + std::to_string(offset);
    SCOPED_TRACE(query);
    EXPECT_EQ(unpaged("/users/", query).size(), std::size_t(11 - offset));
    EXPECT_EQ(unpaged("/users/", query), paged("/users/", "", 4, offset));
  }
}

TEST_F(StreamedListTest, SharesFromEveryOffsetAreThePagesJoined) {
  add_sample_users();
  auto all = unpaged("/shares/", "");
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all, paged("/shares/", "", 1));
  EXPECT_EQ(all, paged("/shares/", "", 3));
  for (const auto& user : all) EXPECT_EQ(user.at("shares").as_array().size(), 2u);
  for (int offset = 1; offset <= 5; ++offset) {
    auto query = "offset=" + std::to_string(offset);
    SCOPED_TRACE(query);
    EXPECT_EQ(unpaged("/shares/", query), paged("/shares/", "", 2, offset));
  }
}

TEST_F(StreamedListTest, RefusalsComeBeforeAnythingIsStreamed) {
  add_sample_users();
  for (const char* query : {"order_by=colour", "search_by=colour=1", "offset=-1"}) {
    SCOPED_TRACE(query);
    auto reply = get(std::string("/users/?") + query);
    EXPECT_EQ(reply.status, 400) << reply.body;
    EXPECT_EQ(reply.header("transfer-encoding"), "");
  }
  auto shares = get("/shares/?offset=x");
  EXPECT_EQ(shares.status, 400);
  auto anonymous = request("GET", "/users/", "", std::nullopt);
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.header("transfer-encoding"), "");
  auto count = get("/users/?action=user_count");
  EXPECT_EQ(count.json, json(R"({"user_count": 11})"));
  EXPECT_EQ(count.header("transfer-encoding"), "");
}

TEST_F(StreamedListTest, AStreamedAnswerLeavesTheConnectionReadyForTheNext) {
  add_sample_users();
  std::string auth = basic_authorization(alpha);
  std::string get_users = std::string("GET ") + kRoot + "/users/ HTTP/1.1\r\nHost: x\r\n" +
                          "Authorization: " + auth + "\r\n";
  auto text = raw_exchange(get_users + "\r\n" + get_users + "Connection: close\r\n\r\n");
  // Two whole chunked answers, each ending with its last chunk, on one connection.
  std::size_t first = text.find("HTTP/1.1 200");
  std::size_t second = text.find("HTTP/1.1 200", first + 1);
  ASSERT_NE(second, std::string::npos) << text.substr(0, 400);
  EXPECT_NE(text.substr(first, second - first).find("\r\n0\r\n\r\n"), std::string::npos);
  EXPECT_TRUE(text.ends_with("\r\n0\r\n\r\n"));
}

TEST_F(StreamedListTest, WritesDuringTheStreamDoNotChangeWhatItLists) {
  // 20 MB of users with a share each (10 KB names), more than the socket buffers hold: while the
  // client below does not read, the server waits with the rest of the list still in its cursor.
  auto group = directory().groups(alpha_id).front();
  std::vector<domain::NewUser> users;
  for (int i = 0; i < 2000; ++i) {
    domain::NewUser u;
    u.username = "big" + std::to_string(i);
    u.name = std::string(10'000, 'x') + std::to_string(i);
    u.email = u.username + "@example.com";
    u.group_id = group.group_id;
    u.plan_id = group.plan_id;
    u.creation_time = 1000;
    domain::Share share;
    share.room_key = "room";
    share.name = "Share";
    u.shares.push_back(share);
    users.push_back(std::move(u));
  }
  add_users(alpha_id, users);

  namespace asio = boost::asio;
  namespace bhttp = boost::beast::http;
  int round = 0;
  for (const std::string path : {"/users/", "/shares/"}) {
    SCOPED_TRACE(path);
    auto before = paged(path, "", 500);
    ASSERT_GT(before.size(), 1000u);

    asio::io_context ioc;
    boost::beast::tcp_stream stream(ioc);
    // A fixed receive buffer: the kernel would otherwise grow it (up to tcp_rmem's maximum).
    stream.socket().open(asio::ip::tcp::v4());
    stream.socket().set_option(asio::socket_base::receive_buffer_size(256 * 1024));
    stream.connect({asio::ip::make_address("127.0.0.1"), port});
    bhttp::request<bhttp::empty_body> get{bhttp::verb::get, kRoot + path, 11};
    get.set(bhttp::field::host, "127.0.0.1");
    get.set(bhttp::field::authorization, basic_authorization(alpha));
    bhttp::write(stream, get);
    boost::beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(boost::none);
    bhttp::read_header(stream, buffer, parser);
    ASSERT_EQ(parser.get().result_int(), 200);
    ASSERT_TRUE(parser.get().chunked());

    // Meanwhile: the last user deleted, the one before renamed, a new one added.
    auto last = std::string(before.back().at("username").as_string());
    auto second_last = std::string(before.at(before.size() - 2).at("username").as_string());
    EXPECT_EQ(request("DELETE", "/users/" + last, "", alpha).status, 204);
    EXPECT_EQ(post("/users/" + second_last, R"({"name": "Renamed"})").status, 200);
    auto late = "late" + std::to_string(round++);
    EXPECT_EQ(post("/users/", R"({"username": ")" + late + R"(", "name": "Late", "email": ")" +
                                  late + R"(@example.com"})")
                  .status,
              200);
    ASSERT_NE(paged(path, "", 500), before) << "the writes took effect";

    bhttp::read(stream, buffer, parser);
    ASSERT_GT(parser.get().body().size(), 8u * 1024 * 1024)
        << "more than the socket buffers could have held before the writes";
    EXPECT_TRUE(json(parser.get().body()) == boost::json::value(before))
        << "the list as it was when it began";
  }
}

}  // namespace
}  // namespace accountsd::testing
