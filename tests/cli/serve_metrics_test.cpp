// `accountsd serve --metrics-listen`: GET /metrics on the API listener by default, on an address
// of its own (where the API listener then answers 404 for it), or off.
#include <gtest/gtest.h>

#include <memory>
#include <regex>
#include <string>

#include "support/http_client.hpp"
#include "support/metrics_text.hpp"
#include "support/server_process.hpp"
#include "support/sqlite_checks.hpp"
#include "support/test_database.hpp"
#include "support/unrecorded_replies.hpp"

namespace accountsd::testing {
namespace {

constexpr const char* kPing = "/apis/accounts/v1/ping";

class ServeMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override { db_ = std::make_unique<TestDatabase>(temp_.path); }
  // Starts the server with `extra` flags; its API port.
  unsigned short start(const std::vector<std::string>& extra) {
    auto port = server_.start(db_->url(), extra);
    EXPECT_NE(port, 0) << server_.log();
    return port;
  }
  // The port of the metrics listener that the log announces; 0 when there is none.
  unsigned short metrics_port() {
    static const std::regex announced(R"(metrics on http://127\.0\.0\.1:(\d+)/metrics)");
    std::smatch match;
    auto log = server_.log();
    if (!std::regex_search(log, match, announced)) return 0;
    return static_cast<unsigned short>(std::stoi(match[1]));
  }
  static Reply get(unsigned short port, const std::string& target) {
    return http_request(port, "GET", target, "", std::nullopt);
  }

  TempDatabase temp_;
  std::unique_ptr<TestDatabase> db_;
  ServerProcess server_{temp_.dir / "serve.log"};
};

TEST_F(ServeMetricsTest, ServesMetricsOnAnAddressOfItsOwn) {
  auto port = start({"--metrics-listen", "127.0.0.1:0"});
  ASSERT_NE(port, 0);
  auto own = metrics_port();
  ASSERT_NE(own, 0) << server_.log();
  ASSERT_NE(own, port);
  EXPECT_EQ(get(port, "/metrics").status, 404);
  ASSERT_EQ(get(port, kPing).status, 200);

  auto reply = get(own, "/metrics");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  MetricsText metrics(reply.body);
  // The API listener's requests, and not the metrics listener's own.
  EXPECT_EQ(metrics.value("accountsd_http_requests_total",
                          {{"method", "GET"}, {"route", kPing}, {"status", "200"}}),
            1);
  EXPECT_EQ(metrics.value("accountsd_http_requests_total",
                          {{"method", "GET"}, {"route", "(unmatched)"}, {"status", "404"}}),
            1);
  EXPECT_EQ(metrics.value("accountsd_http_requests_total"), 2);
  EXPECT_EQ(metrics.samples("accountsd_build_info").size(), 1u);
  // That listener serves nothing else; it is not the API that docs/openapi.json describes.
  {
    UnrecordedReplies not_the_api;
    EXPECT_EQ(get(own, kPing).status, 404);
  }
  EXPECT_EQ(server_.stop(), 0) << server_.log();
  // Its requests are in the access log like the API's.
  EXPECT_NE(server_.log().find("GET /metrics 200 "), std::string::npos) << server_.log();
}

TEST_F(ServeMetricsTest, ServesMetricsOnTheApiListenerByDefault) {
  auto port = start({});
  ASSERT_NE(port, 0);
  EXPECT_EQ(metrics_port(), 0) << server_.log();
  ASSERT_EQ(get(port, kPing).status, 200);
  auto reply = get(port, "/metrics");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(MetricsText(reply.body)
                .value("accountsd_http_requests_total", {{"route", kPing}, {"status", "200"}}),
            1);
}

TEST_F(ServeMetricsTest, OffServesNoMetrics) {
  auto port = start({"--metrics-listen", "off"});
  ASSERT_NE(port, 0);
  EXPECT_EQ(metrics_port(), 0) << server_.log();
  EXPECT_EQ(get(port, "/metrics").status, 404);
  EXPECT_EQ(get(port, kPing).status, 200);
}

TEST_F(ServeMetricsTest, RefusesAnAddressItCannotRead) {
  EXPECT_EQ(server_.start(db_->url(), {"--metrics-listen", "nowhere"}), 0);
  EXPECT_NE(server_.log().find("--metrics-listen"), std::string::npos) << server_.log();
}

}  // namespace
}  // namespace accountsd::testing
