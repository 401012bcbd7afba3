// `accountsd serve` in each --synchronous mode: writes are acknowledged (the default, group
// commit, needs serve to give the server the store's durability waiter, or every write is a 500)
// and reach the database.
#include <gtest/gtest.h>
#include <sodium.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/sqlite_checks.hpp"

namespace accountsd::testing {
namespace {

const Login kAcme{"acme", "durable-password-1"};

class ServeDurabilityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    db_ = "sqlite:" + temp_.path;
    ASSERT_EQ(
        run_accountsd("partner create --username acme --name Acme --password-stdin --db " + db_,
                      kAcme.password + "\n", temp_.dir / "password.txt"),
        0);
  }

  // POST /partner/settings as acme; the status and body.
  static Reply post_settings(unsigned short port, const std::string& body) {
    return http_request(port, "POST", "/apis/accounts/v1/partner/settings", body, kAcme);
  }

  TempDatabase temp_;
  std::string db_;
  ServerProcess server_{temp_.dir / "serve.log"};
};

TEST_F(ServeDurabilityTest, EveryModeAcknowledgesWritesThatThenPersist) {
  struct Mode {
    std::vector<std::string> args;
    const char* logged;
    int ttl;
  };
  for (const auto& mode :
       {Mode{{}, "synchronous=group", 61}, Mode{{"--synchronous", "full"}, "synchronous=full", 62},
        Mode{{"--synchronous", "normal"}, "synchronous=normal", 63}}) {
    auto port = server_.start(db_, mode.args);
    ASSERT_NE(port, 0) << server_.log();
    EXPECT_NE(server_.log().find(mode.logged), std::string::npos) << server_.log();
    for (int i = 0; i < 3; ++i) {
      auto reply =
          post_settings(port, R"({"share_link_ttl": )" + std::to_string(mode.ttl + i) + "}");
      EXPECT_EQ(reply.status, 200) << mode.logged << ": " << reply.body;
    }
    EXPECT_EQ(server_.stop(), 0) << server_.log();
  }
  // The last write of the last run, read by a fresh process after every server has gone.
  auto port = server_.start(db_);
  ASSERT_NE(port, 0) << server_.log();
  auto reply = post_settings(port, "{}");
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json.at("share_link_ttl"), boost::json::value(65)) << reply.body;
}

TEST_F(ServeDurabilityTest, AnUnknownModeIsRefused) {
  EXPECT_NE(run_accountsd("serve --synchronous sometimes --db " + db_, "", temp_.dir / "in.txt"),
            0);
}

}  // namespace
}  // namespace accountsd::testing
