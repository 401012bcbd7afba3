#include "support/api_fixture.hpp"

#include <sodium.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <random>

#include "api/app_metrics.hpp"
#include "auth/password.hpp"
#include "metrics/scrape.hpp"

namespace accountsd::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

boost::json::value json(const std::string& text) {
  return boost::json::parse(text);
}

std::string sha256_hex(const std::string& text) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  char hex[2 * sizeof digest + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

ApiTest::ApiTest() = default;
// Here, where the metrics' types are complete.
ApiTest::~ApiTest() = default;

void ApiTest::SetUp() {
  ASSERT_GE(sodium_init(), 0);
  auth::set_hash_cost(auth::HashCost::minimal);
  std::random_device rd;
  dir_ = std::filesystem::temp_directory_path() /
         ("accountsd-test-" + std::to_string(rd()) + std::to_string(rd()));
  std::filesystem::create_directories(dir_);
  test_db_ = std::make_unique<TestDatabase>((dir_ / "accounts.db").string());
  database_ = store::open_store(test_db_->url(), store_options());
  for (const auto* login : {&alpha, &beta}) {
    domain::NewPartner partner;
    partner.username = login->username;
    partner.name = login->username + " Corp";
    // One group each, as a console would make at first login: the default group of most tests.
    partner.group = partner.name;
    partner.password_hash = auth::hash_password(login->password);
    auto id = database_->partners().create_partner(partner);
    (login == &alpha ? alpha_id : beta_id) = id;
  }
  cards_ = std::make_unique<billing::SandboxCardProcessor>();
  authenticator_ = std::make_unique<auth::Authenticator>(database_->partners());
  authenticator_->share_failures(database_->login_failures());
  api::AppConfig config;
  configure(config);
  api::Services services{*database_, *cards_, *authenticator_, config};
  if (serve_metrics()) {
    scrape_ = std::make_unique<metrics::Scrape>();
    services.metrics = scrape_.get();
  }
  app_ = std::make_unique<api::App>(services);
  auto limits = server_limits();
  // As `accountsd serve` runs on PostgreSQL: handlers in fibers, which its waits suspend.
  if (test_db_->postgres()) limits.fibers = true;
  server_ = std::make_unique<http::Server>(
      [this](http::Request& request) { return app_->handle(request); }, limits);
  // As `accountsd serve` wires it: each request routed once, its route's body limit applied.
  server_->set_route_resolver([this](std::string_view method, std::string_view target) {
    return app_->resolve(method, target);
  });
  server_->set_body_gate([this](http::Request& head) { return app_->handle(head); });
  if (scrape_) app_metrics_ = std::make_unique<api::AppMetrics>(*app_, *server_, *scrape_);
  server_->set_durability_waiter([this](std::uint64_t ticket, UniqueFunction<void(bool)> done) {
    wait_durable(ticket, std::move(done));
  });
  if (!test_db_->postgres()) server_->set_handler_turn(api::write_turn(database_->transactions()));
  server_->set_housekeeping([this] { database_->transactions().release_stale_snapshot(); },
                            std::chrono::milliseconds(10));
  port = server_->listen({asio::ip::make_address("127.0.0.1"), 0}).port();
  server_->start(2);
}

void ApiTest::TearDown() {
  if (server_) server_->stop();
  server_.reset();
  app_metrics_.reset();
  app_.reset();
  scrape_.reset();
  authenticator_.reset();
  database_.reset();
  test_db_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

Reply ApiTest::request(const std::string& method, const std::string& path, const std::string& body,
                       const std::optional<Login>& login,
                       const std::map<std::string, std::string>& headers) {
  return request_target(method, kRoot + path, body, login, headers);
}

Reply ApiTest::internal(const std::string& method, const std::string& path, const std::string& body,
                        const std::optional<std::string>& authorization) {
  return request_target(
      method, "/internal/v1" + path, body, std::nullopt,
      {{"Authorization", authorization.value_or(std::string("Bearer ") + kServiceToken)}});
}

Reply ApiTest::request_target(const std::string& method, const std::string& target,
                              const std::string& body, const std::optional<Login>& login,
                              const std::map<std::string, std::string>& headers) {
  return http_request(port, method, target, body, login, headers);
}

std::string ApiTest::raw_exchange(const std::string& bytes, std::chrono::milliseconds timeout) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect({asio::ip::make_address("127.0.0.1"), port});
  stream.expires_after(timeout);
  std::string received;
  asio::async_write(stream, asio::buffer(bytes), [](auto, auto) {});
  std::array<char, 4096> chunk;
  std::function<void(boost::system::error_code, std::size_t)> on_read =
      [&](boost::system::error_code ec, std::size_t n) {
        received.append(chunk.data(), n);
        if (!ec) stream.async_read_some(asio::buffer(chunk), on_read);
      };
  stream.async_read_some(asio::buffer(chunk), on_read);
  ioc.run();
  return received;
}

void ApiTest::add_users(store::PartnerId partner, const std::vector<domain::NewUser>& users) {
  database_->directory().insert_users(partner, users);
}

void ApiTest::set_partner(const std::string& username,
                          const std::function<void(domain::Partner&)>& change) {
  auto partner = database_->partners().find_partner(username);
  ASSERT_TRUE(partner.has_value());
  change(*partner);
  database_->partners().update_partner(*partner);
}

}  // namespace accountsd::testing
