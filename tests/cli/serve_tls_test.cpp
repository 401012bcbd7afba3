// `accountsd serve --tls-cert/--tls-key` with the real binary: HTTPS served, bad TLS files refused
// at start-up, and the warning about clear-text credentials on a non-loopback plain listener.
#include <gtest/gtest.h>
#include <signal.h>
#include <sodium.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include "support/api_fixture.hpp"
#include "support/tls_certificate.hpp"

namespace accountsd::testing {
namespace {

constexpr const char* kPassword = "tls-password-123";
constexpr const char* kWarning = "clear text";

class ServeTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() /
           ("accountsd-serve-tls-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
    db_ = "sqlite:" + (dir_ / "db.sqlite").string();
    certificate_ = make_self_signed_certificate();
    certificate_.write_to(dir_);
    cert_ = (dir_ / "cert.pem").string();
    key_ = (dir_ / "key.pem").string();
  }
  void TearDown() override {
    stop();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  // Runs `accountsd ARGS --db DB` to completion; its exit status and output (stdout and stderr).
  std::pair<int, std::string> run(const std::string& args) {
    std::string command = std::string(ACCOUNTSD_BINARY) + " " + args + " --db " + db_ + " 2>&1";
    std::string out;
    FILE* pipe = popen(command.c_str(), "r");
    char buffer[4096];
    while (auto n = fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
    int status = pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
  }

  // Starts `accountsd serve ARGS`; its port once it says it listens (0 if it did not start).
  unsigned short start(const std::vector<std::string>& extra) {
    int out[2];
    if (pipe(out) != 0) return 0;
    std::vector<std::string> args{ACCOUNTSD_BINARY, "serve", "--db", db_, "--threads", "2"};
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
    static const std::regex listening(R"(listening on https?://[0-9.]+:(\d+)/)");
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

  std::filesystem::path dir_;
  std::string db_;
  TestCertificate certificate_;
  std::string cert_;
  std::string key_;
  pid_t child_ = -1;
  int log_fd_ = -1;
  std::string log_;
};

TEST_F(ServeTlsTest, ServesHttpsWithTheGivenCertificate) {
  auto in = dir_ / "password.txt";
  std::ofstream(in) << kPassword << "\n";
  auto [created, out] =
      run("partner create --username acme --name Acme --password-stdin < " + in.string());
  ASSERT_EQ(created, 0) << out;
  auto port = start({"--listen", "127.0.0.1:0", "--tls-cert", cert_, "--tls-key", key_});
  ASSERT_NE(port, 0) << log_;
  EXPECT_NE(log_.find("listening on https://127.0.0.1:"), std::string::npos) << log_;
  auto replies =
      https_exchange(port, certificate_.certificate_pem,
                     {https_get("/apis/accounts/v1/ping"),
                      https_get("/apis/accounts/v1/partner/quota", Login{"acme", kPassword})});
  EXPECT_EQ(replies.at(0).status, 200) << replies[0].body;
  EXPECT_EQ(replies.at(1).status, 200) << replies[1].body;
  EXPECT_EQ(stop(), 0) << log_;
  EXPECT_EQ(log_.find(kWarning), std::string::npos) << log_;
}

TEST_F(ServeTlsTest, BadTlsFilesFailAtStartUpWithAMessage) {
  std::ofstream(dir_ / "garbage.pem") << "not a certificate\n";
  std::ofstream(dir_ / "other-key.pem") << make_self_signed_certificate().key_pem;
  struct Case {
    std::string args;
    std::string message;
  };
  for (const auto& bad : {
           Case{"--tls-cert " + cert_ + " --tls-key " + (dir_ / "missing.pem").string(),
                "missing.pem"},
           Case{"--tls-cert " + cert_, "--tls-key"},
           Case{"--tls-key " + key_, "--tls-cert"},
           Case{"--tls-cert " + (dir_ / "garbage.pem").string() + " --tls-key " + key_,
                "is not a PEM certificate chain"},
           Case{"--tls-cert " + cert_ + " --tls-key " + (dir_ / "garbage.pem").string(),
                "is not an unencrypted PEM private key"},
           Case{"--tls-cert " + cert_ + " --tls-key " + (dir_ / "other-key.pem").string(),
                "does not match"},
       }) {
    auto [status, out] = run("serve --listen 127.0.0.1:0 " + bad.args);
    EXPECT_NE(status, 0) << bad.args << "\n" << out;
    EXPECT_NE(out.find(bad.message), std::string::npos) << bad.args << "\n" << out;
    EXPECT_EQ(out.find("listening"), std::string::npos) << out;
  }
}

TEST_F(ServeTlsTest, PlainHttpOnEveryInterfaceWarnsAboutClearTextCredentials) {
  ASSERT_NE(start({"--listen", "0.0.0.0:0"}), 0) << log_;
  EXPECT_EQ(stop(), 0) << log_;
  EXPECT_NE(log_.find(kWarning), std::string::npos) << log_;
  EXPECT_NE(log_.find("--tls-cert"), std::string::npos) << log_;
}

TEST_F(ServeTlsTest, NoWarningOnLoopbackOrWithTls) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--listen", "127.0.0.1:0"},
           {"--listen", "0.0.0.0:0", "--tls-cert", cert_, "--tls-key", key_}}) {
    ASSERT_NE(start(args), 0) << log_;
    EXPECT_EQ(stop(), 0) << log_;
    EXPECT_EQ(log_.find(kWarning), std::string::npos) << log_;
  }
}

}  // namespace
}  // namespace accountsd::testing
