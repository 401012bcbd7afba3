// Test fixture: a real accountsd server on 127.0.0.1:0 over a temporary database (SQLite, or
// PostgreSQL when ACCOUNTSD_TEST_BACKEND=postgres: support/test_database.hpp), with two
// partners ("alpha" and "beta") and a small blocking HTTP client to talk to it.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "api/app.hpp"
#include "auth/authenticator.hpp"
#include "billing/sandbox_card_processor.hpp"
#include "http/server.hpp"
#include "store/database.hpp"
#include "support/http_client.hpp"
#include "support/test_database.hpp"

namespace accountsd::api {
class AppMetrics;
}
namespace accountsd::metrics {
class Scrape;
}

namespace accountsd::testing {

class ApiTest : public ::testing::Test {
 protected:
  static constexpr const char* kRoot = "/apis/accounts/v1";
  const Login alpha{"alpha", "alpha-password-1"};
  const Login beta{"beta", "beta-password-22"};

  static constexpr const char* kServiceToken = "test-service-token-0123456789";

  ApiTest();
  ~ApiTest() override;
  void SetUp() override;
  void TearDown() override;
  // Adjusts the server's configuration before it starts (trusted proxies, service token...).
  virtual void configure(api::AppConfig& config) { config.service_token = kServiceToken; }
  // How the store syncs commits: group commit, as `accountsd serve` does by default.
  // As `accountsd serve` opens it: group commit, read snapshots reused for 10 ms.
  virtual store::StoreOptions store_options() {
    return {.synchronous = store::Synchronous::group,
            .snapshot_reuse = std::chrono::milliseconds(10)};
  }
  // The server's limits; a short read timeout by default so that timeout tests run quickly.
  virtual http::ServerLimits server_limits() {
    http::ServerLimits limits;
    limits.read_timeout = std::chrono::seconds(3);
    return limits;
  }
  // The server's durability waiter: the store's, as `accountsd serve` wires it.
  virtual void wait_durable(std::uint64_t ticket, UniqueFunction<void(bool)> done) {
    database_->transactions().when_durable(ticket, std::move(done));
  }
  // Whether the server shows GET /metrics, as `accountsd serve` does by default (off here, so
  // that other suites' servers are as before).
  virtual bool serve_metrics() { return false; }
  // Sends `method` to an /internal/v1 path with the service token (or `authorization` if given).
  Reply internal(const std::string& method, const std::string& path, const std::string& body,
                 const std::optional<std::string>& authorization = std::nullopt);

  // Sends `method` to kRoot + `path` with `body`; `login` nullopt sends no Authorization.
  Reply request(const std::string& method, const std::string& path, const std::string& body,
                const std::optional<Login>& login,
                const std::map<std::string, std::string>& headers = {});
  // Like request(), but `target` is the whole request target (no API root prepended).
  Reply request_target(const std::string& method, const std::string& target,
                       const std::string& body, const std::optional<Login>& login,
                       const std::map<std::string, std::string>& headers = {});
  Reply get(const std::string& path) { return request("GET", path, "", alpha); }
  Reply post(const std::string& path, const std::string& body) {
    return request("POST", path, body, alpha);
  }
  Reply get_as(const Login& login, const std::string& path) {
    return request("GET", path, "", login);
  }
  Reply post_as(const Login& login, const std::string& path, const std::string& body) {
    return request("POST", path, body, login);
  }
  // Writes raw bytes on a fresh connection and returns everything read until the server closes
  // (or `timeout` passes).
  std::string raw_exchange(const std::string& bytes,
                           std::chrono::milliseconds timeout = std::chrono::seconds(5));

  store::Database& database() { return *database_; }
  store::PartnerStore& partners() { return database_->partners(); }
  store::Directory& directory() { return database_->directory(); }
  store::Usage& usage() { return database_->usage(); }
  store::Transactions& transactions() { return database_->transactions(); }
  store::PartnerId alpha_id = 0;
  store::PartnerId beta_id = 0;
  unsigned short port = 0;

  // Adds `count` users with devices and shares to a partner through the store (bulk path).
  void add_users(store::PartnerId partner, const std::vector<domain::NewUser>& users);
  // Restarts nothing; switches a partner's billing mode / features as the operator would.
  void set_partner(const std::string& username,
                   const std::function<void(domain::Partner&)>& change);
  // The SQLite database file the server uses (its -wal file sits beside it); SQLite runs only.
  std::filesystem::path db_path() const { return dir_ / "accounts.db"; }
  // The database under test, for what a test reads behind the store's back.
  TestDatabase& test_db() { return *test_db_; }
  // The server's application (its routes, its answer cache).
  const api::App& app() const { return *app_; }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<TestDatabase> test_db_;
  std::unique_ptr<store::Database> database_;
  std::unique_ptr<billing::SandboxCardProcessor> cards_;
  std::unique_ptr<auth::Authenticator> authenticator_;
  std::unique_ptr<metrics::Scrape> scrape_;
  std::unique_ptr<api::App> app_;
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<api::AppMetrics> app_metrics_;
};

// A JSON body from text, for assertions.
boost::json::value json(const std::string& text);
// SHA-256 of `text` as lowercase hex (libsodium's, not the server's): what an appliance backup
// upload names its data by.
std::string sha256_hex(const std::string& text);

}  // namespace accountsd::testing
