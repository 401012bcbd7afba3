// GET /metrics (issue 13): requests by route template, method and status, latency histograms
// that agree with them, failed logins and throttling, commits, open connections and build info;
// no credentials needed and no partner data shown; a 404 when the server shows no metrics; and
// `promtool check metrics` accepts a real scrape.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>

#include "metrics/build_info.hpp"
#include "support/api_fixture.hpp"
#include "support/metrics_text.hpp"

namespace accountsd::testing {
namespace {

using Labels = std::map<std::string, std::string>;

constexpr const char* kRequests = "accountsd_http_requests_total";
constexpr const char* kLatency = "accountsd_http_request_duration_seconds";

class MetricsTest : public ApiTest {
 protected:
  bool serve_metrics() override { return true; }

  MetricsText scrape() {
    auto reply = request_target("GET", "/metrics", "", std::nullopt);
    EXPECT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    return MetricsText(reply.body);
  }
  // Requests counted for the method, route template and status between two scrapes.
  static double counted(const MetricsText& before, const MetricsText& after,
                        const std::string& method, const std::string& route,
                        const std::string& status) {
    Labels labels{{"method", method}, {"route", route}, {"status", status}};
    return after.value(kRequests, labels) - before.value(kRequests, labels);
  }
  static std::string route(const std::string& path) { return std::string(kRoot) + path; }
  // Some of every kind of answer: 200s, a 404 of a route and of no route, a 401, a 405, a write.
  void make_traffic() {
    ASSERT_EQ(request("GET", "/ping", "", std::nullopt).status, 200);
    ASSERT_EQ(get("/partner/quota").status, 200);
    ASSERT_EQ(get("/users/nobody-here").status, 404);
    ASSERT_EQ(get("/nope").status, 404);
    ASSERT_EQ(request("GET", "/partner/quota", "", std::nullopt).status, 401);
    ASSERT_EQ(request("DELETE", "/ping", "", std::nullopt).status, 405);
    ASSERT_EQ(post("/partner/settings", R"({"api_version": "2"})").status, 200);
  }
};

TEST_F(MetricsTest, CountsRequestsByRouteTemplateMethodAndStatus) {
  auto before = scrape();
  for (int i = 0; i < 3; ++i) ASSERT_EQ(request("GET", "/ping", "", std::nullopt).status, 200);
  ASSERT_EQ(get("/users/nobody-here").status, 404);
  ASSERT_EQ(get("/users/nobody-either").status, 404);
  ASSERT_EQ(request("GET", "/partner/quota", "", std::nullopt).status, 401);
  ASSERT_EQ(request("DELETE", "/ping", "", std::nullopt).status, 405);
  ASSERT_EQ(get("/nope").status, 404);
  // Any token is a method; a label takes only the usual ones.
  ASSERT_EQ(request("BREW", "/nope", "", std::nullopt).status, 404);
  auto after = scrape();

  EXPECT_EQ(counted(before, after, "GET", route("/ping"), "200"), 3);
  EXPECT_EQ(counted(before, after, "GET", route("/users/{u}"), "404"), 2);
  EXPECT_EQ(counted(before, after, "GET", route("/partner/quota"), "401"), 1);
  EXPECT_EQ(counted(before, after, "DELETE", "(unmatched)", "405"), 1);
  EXPECT_EQ(counted(before, after, "GET", "(unmatched)", "404"), 1);
  EXPECT_EQ(counted(before, after, "other", "(unmatched)", "404"), 1);
  // The first scrape: its own answer was ready before it was counted.
  EXPECT_EQ(counted(before, after, "GET", "/metrics", "200"), 1);
  // And nothing else.
  EXPECT_EQ(after.value(kRequests) - before.value(kRequests), 10);
}

TEST_F(MetricsTest, LatencyHistogramsAgreeWithTheCounts) {
  make_traffic();
  auto metrics = scrape();
  auto counts = metrics.samples(std::string(kLatency) + "_count");
  ASSERT_FALSE(counts.empty()) << metrics.text();
  for (const auto& count : counts) {
    SCOPED_TRACE(count.labels.at("method") + " " + count.labels.at("route"));
    EXPECT_EQ(count.labels.size(), 2u);
    auto buckets = metrics.samples(std::string(kLatency) + "_bucket", count.labels);
    ASSERT_GE(buckets.size(), 2u);
    std::sort(buckets.begin(), buckets.end(), [](const Sample& a, const Sample& b) {
      return std::stod(a.labels.at("le")) < std::stod(b.labels.at("le"));
    });
    for (std::size_t i = 1; i < buckets.size(); ++i)
      EXPECT_LE(buckets[i - 1].value, buckets[i].value) << "buckets are cumulative";
    EXPECT_EQ(buckets.back().labels.at("le"), "+Inf");
    EXPECT_EQ(buckets.back().value, count.value);
    // Each request is in the histogram of its route once, whatever its status.
    EXPECT_EQ(count.value, metrics.value(kRequests, count.labels));
    auto sum = metrics.value(std::string(kLatency) + "_sum", count.labels);
    EXPECT_GE(sum, 0);
    EXPECT_LT(sum, count.value * 10) << "no request took 10 s";
  }
}

TEST_F(MetricsTest, ShowsNoPartnerData) {
  ASSERT_EQ(get("/users/secret-user-name").status, 404);
  get("/groups/987654321");
  ASSERT_EQ(get_as(beta, "/partner/quota").status, 200);
  ASSERT_EQ(get_as({alpha.username, "wrong-password-0"}, "/partner/quota").status, 401);
  auto text = scrape().text();
  for (const auto& secret :
       {std::string("secret-user-name"), std::string("987654321"), alpha.username, beta.username,
        alpha.password, beta.password, std::string("wrong-password-0")}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in:\n" << text;
  }
}

TEST_F(MetricsTest, NeedsNoCredentialsAndIgnoresAnySent) {
  EXPECT_EQ(request_target("GET", "/metrics", "", std::nullopt).status, 200);
  EXPECT_EQ(request_target("GET", "/metrics", "", Login{"nobody", "wrong-password-1"}).status, 200);
  EXPECT_EQ(request_target("GET", "/metrics", "", alpha).status, 200);
  auto post = request_target("POST", "/metrics", "", std::nullopt);
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.header("allow"), "GET");
}

TEST_F(MetricsTest, CountsFailedLoginsAndThrottledLogins) {
  auto before = scrape();
  const Login wrong{alpha.username, "wrong-password-0"};
  // A.2: ten wrong guesses from one address, then that username is refused from there.
  for (int i = 0; i < 10; ++i) ASSERT_EQ(get_as(wrong, "/partner/quota").status, 401);
  ASSERT_EQ(get_as(wrong, "/partner/quota").status, 429);
  ASSERT_EQ(get_as(alpha, "/partner/quota").status, 429);
  auto after = scrape();
  EXPECT_EQ(
      after.value("accountsd_failed_logins_total") - before.value("accountsd_failed_logins_total"),
      10);
  Labels login{{"reason", "login"}};
  EXPECT_EQ(after.value("accountsd_throttled_requests_total", login) -
                before.value("accountsd_throttled_requests_total", login),
            2);
  EXPECT_EQ(counted(before, after, "GET", route("/partner/quota"), "401"), 10);
  EXPECT_EQ(counted(before, after, "GET", route("/partner/quota"), "429"), 2);
}

TEST_F(MetricsTest, CountsCommitsAndGroupCommitSyncs) {
  auto before = scrape();
  ASSERT_EQ(post("/partner/settings", R"({"api_version": "2"})").status, 200);
  ASSERT_EQ(post("/partner/settings", R"({"api_version": "3"})").status, 200);
  auto after = scrape();
  auto delta = [&](const std::string& name) { return after.value(name) - before.value(name); };
  EXPECT_GE(delta("accountsd_db_commit_duration_seconds_count"), 2);
  if (test_db().postgres()) {
    // Every commit is durable as it returns: no group commit.
    EXPECT_EQ(delta("accountsd_db_group_commit_batch_size_count"), 0);
  } else {
    // Each 200 waited for a sync that covered its commit.
    EXPECT_GE(delta("accountsd_db_group_commit_batch_size_count"), 1);
    EXPECT_GE(delta("accountsd_db_group_commit_batch_size_sum"), 2);
    EXPECT_EQ(delta("accountsd_db_group_commit_sync_duration_seconds_count"),
              delta("accountsd_db_group_commit_batch_size_count"));
  }
  // Shown at zero until the pool runs short.
  EXPECT_EQ(after.samples("accountsd_db_pool_timeouts_total").size(), 1u);
  EXPECT_EQ(after.samples("accountsd_db_pool_wait_duration_seconds_count").size(), 1u);
}

TEST_F(MetricsTest, CountsTheAnswerCachesHitsAndMisses) {
  auto before = scrape();
  // The first read on each I/O thread finds nothing kept. On PostgreSQL a commit anywhere in the
  // cluster (another test's) changes the data version: read until one read was kept and found.
  auto kept = [&] {
    return scrape().value("accountsd_answer_cache_hits_total") >
           before.value("accountsd_answer_cache_hits_total");
  };
  for (int i = 0; i < 50 && (i < 6 || !kept()); ++i) ASSERT_EQ(get("/plans").status, 200);
  auto after = scrape();
  auto delta = [&](const char* name) { return after.value(name) - before.value(name); };
  EXPECT_GE(delta("accountsd_answer_cache_misses_total"), 1);
  EXPECT_GE(delta("accountsd_answer_cache_hits_total"), 1);
  EXPECT_GT(after.value("accountsd_answer_cache_bytes"), 0);
}

TEST_F(MetricsTest, ShowsOpenConnections) {
  // The scrape's own connection is open while it is answered.
  EXPECT_GE(scrape().value("accountsd_open_connections"), 1);
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket idle(ioc);
  idle.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  // Accepted in the background: wait until the server has it.
  double open = 0;
  for (int i = 0; i < 200 && open < 2; ++i) {
    open = scrape().value("accountsd_open_connections");
    if (open < 2) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE(open, 2);
}

TEST_F(MetricsTest, ShowsBuildInfo) {
  auto info = scrape().samples("accountsd_build_info");
  ASSERT_EQ(info.size(), 1u);
  EXPECT_EQ(info[0].value, 1);
  EXPECT_EQ(info[0].labels.at("version"), metrics::build_info().version);
  EXPECT_FALSE(info[0].labels.at("commit").empty());
  EXPECT_FALSE(info[0].labels.at("compiler").empty());
}

// The path of `program` on PATH, or empty.
std::string find_program(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream folders(path ? path : "");
  for (std::string folder; std::getline(folders, folder, ':');) {
    auto candidate = std::filesystem::path(folder) / program;
    if (!folder.empty() && access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return {};
}

TEST_F(MetricsTest, PromtoolAcceptsTheScrape) {
  auto promtool = find_program("promtool");
  if (promtool.empty()) {
    // CI installs it (scripts/test): there the check must run, not be skipped.
    const char* required = std::getenv("ACCOUNTSD_REQUIRE_PROMTOOL");
    if (required && std::string(required) == "1")
      FAIL() << "promtool is not on PATH (Debian's prometheus package)";
    GTEST_SKIP() << "promtool is not on PATH; install Debian's prometheus package";
  }
  make_traffic();
  ASSERT_EQ(get_as({alpha.username, "wrong-password-0"}, "/partner/quota").status, 401);
  auto text = scrape().text();
  std::random_device rd;
  auto file = std::filesystem::temp_directory_path() /
              ("accountsd-metrics-" + std::to_string(rd()) + std::to_string(rd()));
  std::ofstream(file) << text;
  auto output = file.string() + ".out";
  auto command = promtool + " check metrics < " + file.string() + " > " + output + " 2>&1";
  int status = std::system(command.c_str());
  std::ifstream in(output);
  std::string said((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove(file);
  std::filesystem::remove(output);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << said << "\n" << text;
}

// Without metrics to show (serve --metrics-listen off or ADDR:PORT), /metrics is like any
// unknown path.
class MetricsOffTest : public ApiTest {};

TEST_F(MetricsOffTest, MetricsIsAnUnknownPath) {
  auto metrics = request_target("GET", "/metrics", "", std::nullopt);
  auto unknown = request_target("GET", "/metricz", "", std::nullopt);
  EXPECT_EQ(metrics.status, 404) << metrics.body;
  EXPECT_EQ(metrics.header("content-type"), unknown.header("content-type"));
  EXPECT_EQ(metrics.json.at("reason"), "no such endpoint: /metrics");
}

}  // namespace
}  // namespace accountsd::testing
