// `accountsd serve` in each --synchronous mode: writes are acknowledged (the default, group
// commit, needs serve to give the server the store's durability waiter, or every write is a 500)
// and reach the database.
#include <gtest/gtest.h>
#include <signal.h>
#include <sodium.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include "support/api_fixture.hpp"

namespace accountsd::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

constexpr const char* kPassword = "durable-password-1";

class ServeDurabilityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() /
           ("accountsd-serve-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
    db_ = "sqlite:" + (dir_ / "db.sqlite").string();
    auto in = dir_ / "password.txt";
    std::ofstream(in) << kPassword << "\n";
    std::string command = std::string(ACCOUNTSD_BINARY) +
                          " partner create --username acme --name Acme --password-stdin --db " +
                          db_ + " < " + in.string() + " > /dev/null 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0);
  }
  void TearDown() override {
    stop();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  // Starts `accountsd serve` with `extra` arguments; returns its port (0 if it did not start).
  unsigned short start(const std::vector<std::string>& extra) {
    int out[2];
    if (pipe(out) != 0) return 0;
    std::vector<std::string> args{ACCOUNTSD_BINARY, "serve", "--listen",  "127.0.0.1:0",
                                  "--db",           db_,     "--threads", "2"};
    args.insert(args.end(), extra.begin(), extra.end());
    child_ = fork();
    if (child_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      dup2(out[1], STDERR_FILENO);
      close(out[0]);
      std::vector<char*> argv;
      for (auto& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      execv(ACCOUNTSD_BINARY, argv.data());
      _exit(127);
    }
    close(out[1]);
    log_fd_ = out[0];
    log_.clear();
    std::smatch match;
    static const std::regex listening(R"(listening on http://127\.0\.0\.1:(\d+)/)");
    while (!std::regex_search(log_, match, listening)) {
      char buffer[512];
      auto n = read(log_fd_, buffer, sizeof buffer);
      if (n <= 0) return 0;
      log_.append(buffer, std::size_t(n));
    }
    return static_cast<unsigned short>(std::stoi(match[1]));
  }

  // SIGTERM, then the exit status (-1 if it did not exit normally); collects the rest of the log.
  int stop() {
    if (child_ <= 0) return -1;
    kill(child_, SIGTERM);
    char buffer[512];
    while (true) {
      auto n = read(log_fd_, buffer, sizeof buffer);
      if (n <= 0) break;
      log_.append(buffer, std::size_t(n));
    }
    close(log_fd_);
    int status = 0;
    waitpid(child_, &status, 0);
    child_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  // POST /partner/settings as acme; the status and body.
  static std::pair<int, std::string> post_settings(unsigned short port, const std::string& body) {
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.connect({asio::ip::make_address("127.0.0.1"), port});
    bhttp::request<bhttp::string_body> req{bhttp::verb::post, "/apis/accounts/v1/partner/settings",
                                           11};
    req.set(bhttp::field::host, "127.0.0.1");
    req.set(bhttp::field::authorization, basic_authorization({"acme", kPassword}));
    req.set(bhttp::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    bhttp::write(stream, req);
    beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> res;
    bhttp::read(stream, buffer, res);
    return {res.result_int(), res.body()};
  }

  std::filesystem::path dir_;
  std::string db_;
  pid_t child_ = -1;
  int log_fd_ = -1;
  std::string log_;
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
    auto port = start(mode.args);
    ASSERT_NE(port, 0) << log_;
    EXPECT_NE(log_.find(mode.logged), std::string::npos) << log_;
    for (int i = 0; i < 3; ++i) {
      auto [status, body] =
          post_settings(port, R"({"share_link_ttl": )" + std::to_string(mode.ttl + i) + "}");
      EXPECT_EQ(status, 200) << mode.logged << ": " << body;
    }
    EXPECT_EQ(stop(), 0) << log_;
  }
  // The last write of the last run, read by a fresh process after every server has gone.
  auto port = start({});
  ASSERT_NE(port, 0) << log_;
  auto [status, body] = post_settings(port, "{}");
  EXPECT_EQ(status, 200) << body;
  EXPECT_EQ(boost::json::parse(body).at("share_link_ttl"), boost::json::value(65)) << body;
}

TEST_F(ServeDurabilityTest, AnUnknownModeIsRefused) {
  std::string command = std::string(ACCOUNTSD_BINARY) + " serve --synchronous sometimes --db " +
                        db_ + " > /dev/null 2>&1";
  EXPECT_NE(std::system(command.c_str()), 0);
}

}  // namespace
}  // namespace accountsd::testing
