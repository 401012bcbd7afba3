// The server over TLS: real TLS clients (Beast and curl) verify its certificate and are served
// like plain HTTP clients; plain HTTP, garbage and unfinished handshakes are dropped.
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdio>
#include <random>

#include <sys/wait.h>

#include "http/tls.hpp"
#include "support/api_fixture.hpp"
#include "support/tls_certificate.hpp"

namespace accountsd::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using namespace std::chrono_literals;

// ApiTest's store and partners, served by a second server that speaks TLS with a read timeout
// of 1 s (ApiTest's own plain server runs beside it, unused).
class TlsTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() /
           ("accountsd-tls-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
    certificate_ = make_self_signed_certificate();
    certificate_.write_to(dir_);
    cards_ = std::make_unique<billing::SandboxCardProcessor>();
    authenticator_ = std::make_unique<auth::Authenticator>(partners());
    api::AppConfig config;
    configure(config);
    app_ = std::make_unique<api::App>(api::Services{database(), *cards_, *authenticator_, config});
    http::ServerLimits limits;
    limits.read_timeout = 1s;
    tls_server_ = std::make_unique<http::Server>(
        [this](http::Request& request) { return app_->handle(request); }, limits);
    tls_server_->set_durability_waiter(
        [this](std::uint64_t ticket, UniqueFunction<void(bool)> done) {
          wait_durable(ticket, std::move(done));
        });
    tls_server_->set_tls(
        http::make_tls_context((dir_ / "cert.pem").string(), (dir_ / "key.pem").string()));
    tls_port = tls_server_->listen({asio::ip::make_address("127.0.0.1"), 0}).port();
    tls_server_->start(2);
  }
  void TearDown() override {
    if (tls_server_) tls_server_->stop();
    tls_server_.reset();
    app_.reset();
    authenticator_.reset();
    cards_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
    ApiTest::TearDown();
  }

  std::vector<Reply> https(const std::vector<HttpsRequest>& requests) {
    return https_exchange(tls_port, certificate_.certificate_pem, requests);
  }

  // What a raw TCP client sending `bytes` to the TLS port reads until the server closes (or
  // `timeout` passes), and how long that took.
  struct RawResult {
    std::string received;
    bool closed_by_server = false;
    std::chrono::steady_clock::duration elapsed{};
  };
  RawResult raw_tls_port(const std::string& bytes, std::chrono::seconds timeout = 10s) {
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.connect({asio::ip::make_address("127.0.0.1"), tls_port});
    auto started = std::chrono::steady_clock::now();
    stream.expires_after(timeout);
    RawResult result;
    if (!bytes.empty()) asio::async_write(stream, asio::buffer(bytes), [](auto, auto) {});
    std::array<char, 4096> chunk;
    std::function<void(boost::system::error_code, std::size_t)> on_read =
        [&](boost::system::error_code ec, std::size_t n) {
          result.received.append(chunk.data(), n);
          if (!ec) return stream.async_read_some(asio::buffer(chunk), on_read);
          result.closed_by_server = ec != beast::error::timeout;
          result.elapsed = std::chrono::steady_clock::now() - started;
        };
    stream.async_read_some(asio::buffer(chunk), on_read);
    ioc.run();
    return result;
  }

  std::filesystem::path dir_;
  TestCertificate certificate_;
  unsigned short tls_port = 0;
  std::unique_ptr<billing::SandboxCardProcessor> cards_;
  std::unique_ptr<auth::Authenticator> authenticator_;
  std::unique_ptr<api::App> app_;
  std::unique_ptr<http::Server> tls_server_;
};

// Runs `command` through the shell; its exit status and standard output.
std::pair<int, std::string> shell(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return {-1, out};
  char buffer[4096];
  while (auto n = fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

TEST_F(TlsTest, VerifiedClientIsServedOverOneKeepAliveConnection) {
  auto replies = https({https_get(std::string(kRoot) + "/ping"),
                        https_get(std::string(kRoot) + "/partner/quota", alpha)});
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0].status, 200) << replies[0].body;
  EXPECT_EQ(replies[1].status, 200) << replies[1].body;
  EXPECT_TRUE(replies[1].json.as_object().contains("bytes_available")) << replies[1].body;
  EXPECT_NE(replies[1].header("connection"), "close");
}

TEST_F(TlsTest, WrongCredentialsAre401AsOverPlainHttp) {
  auto replies =
      https({https_get(std::string(kRoot) + "/partner/quota", Login{"alpha", "not-the-password"})});
  EXPECT_EQ(replies.at(0).status, 401);
}

TEST_F(TlsTest, WritesAreAcknowledgedOverTls) {
  auto replies = https(
      {https_post(std::string(kRoot) + "/partner/settings", R"({"share_link_ttl": 55})", alpha),
       https_get(std::string(kRoot) + "/partner/settings", alpha)});
  ASSERT_EQ(replies.at(0).status, 200) << replies[0].body;
  EXPECT_EQ(replies.at(1).json.at("share_link_ttl").as_int64(), 55);
}

TEST_F(TlsTest, OversizedBodyIs413OverTls) {
  auto replies = https({https_post(std::string(kRoot) + "/partner/settings",
                                   std::string(1024 * 1024 + 1, ' '), alpha)});
  EXPECT_EQ(replies.at(0).status, 413);
}

TEST_F(TlsTest, CurlVerifiesTheCertificateAndIsServed) {
  if (shell("command -v curl").first != 0) GTEST_SKIP() << "curl is not installed";
  std::string url = "https://127.0.0.1:" + std::to_string(tls_port) + kRoot + "/partner/quota";
  auto [status, out] = shell("curl -sS --cacert " + (dir_ / "cert.pem").string() +
                             " -u alpha:alpha-password-1 -w '\\n%{http_code}' " + url + " 2>&1");
  EXPECT_EQ(status, 0) << out;
  EXPECT_TRUE(out.ends_with("\n200")) << out;
  // Without the certificate curl refuses the server: the check above was a real verification.
  auto [refused, why] = shell("curl -sS -o /dev/null " + url + " 2>&1");
  // 60: the certificate could not be verified (77 when the system has no CA bundle at all).
  EXPECT_TRUE(refused == 60 || refused == 77) << refused << ": " << why;
}

TEST_F(TlsTest, PlainHttpOnTheTlsPortIsDropped) {
  auto result = raw_tls_port(std::string("GET ") + kRoot + "/ping HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(result.closed_by_server);
  EXPECT_EQ(result.received.find("HTTP/1.1"), std::string::npos) << result.received;
  EXPECT_EQ(https({https_get(std::string(kRoot) + "/ping")}).at(0).status, 200);
}

TEST_F(TlsTest, GarbageOnTheTlsPortIsDropped) {
  std::string garbage;
  std::mt19937 random(5);
  for (int i = 0; i < 4096; ++i) garbage.push_back(char(random()));
  // A TLS record header announcing a handshake, then nonsense.
  for (const auto& bytes : {garbage, std::string("\x16\x03\x01\x00\x10", 5) + garbage}) {
    auto result = raw_tls_port(bytes);
    EXPECT_TRUE(result.closed_by_server);
  }
  EXPECT_EQ(https({https_get(std::string(kRoot) + "/ping")}).at(0).status, 200);
}

TEST_F(TlsTest, UnfinishedHandshakeIsDroppedAfterTheReadTimeout) {
  // Silent after connecting, and silent after the first bytes of a ClientHello record.
  for (const auto& bytes : {std::string(), std::string("\x16\x03\x01\x02\x00\x01", 6)}) {
    auto result = raw_tls_port(bytes);
    EXPECT_TRUE(result.closed_by_server);
    EXPECT_GE(result.elapsed, 900ms);
    EXPECT_LT(result.elapsed, 5s);
  }
  EXPECT_EQ(https({https_get(std::string(kRoot) + "/ping")}).at(0).status, 200);
}

TEST_F(TlsTest, StopClosesIdleTlsConnections) {
  asio::io_context ioc;
  asio::ssl::context context(asio::ssl::context::tls_client);
  context.add_certificate_authority(asio::buffer(certificate_.certificate_pem));
  context.set_verify_mode(asio::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(ioc, context);
  beast::get_lowest_layer(stream).connect({asio::ip::make_address("127.0.0.1"), tls_port});
  stream.handshake(asio::ssl::stream_base::client);
  auto started = std::chrono::steady_clock::now();
  tls_server_->stop();
  // The server ends the idle connection at once (close_notify), long before any timeout.
  beast::get_lowest_layer(stream).expires_after(10s);
  std::array<char, 64> chunk;
  boost::system::error_code read_ec;
  stream.async_read_some(asio::buffer(chunk),
                         [&](boost::system::error_code ec, std::size_t) { read_ec = ec; });
  ioc.run();
  EXPECT_NE(read_ec, beast::error::timeout);
  EXPECT_TRUE(read_ec) << "the server sent data after stop()";
  tls_server_.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

}  // namespace
}  // namespace accountsd::testing
