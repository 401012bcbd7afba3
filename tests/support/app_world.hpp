// An App without a server, over a fresh SQLite database in a temporary folder: for unit tests
// that hand requests to App::handle or App::resolve themselves.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "api/app.hpp"
#include "billing/sandbox_card_processor.hpp"
#include "store/database.hpp"
#include "support/sqlite_checks.hpp"

namespace accountsd::testing {

class AppWorld {
 public:
  // Serves `routes`, or every endpoint of the spec (api::make_routes) when not given.
  explicit AppWorld(std::optional<http::Router<api::Route>> routes = std::nullopt);
  ~AppWorld();
  AppWorld(const AppWorld&) = delete;
  AppWorld& operator=(const AppWorld&) = delete;

  store::Database& store() { return *store_; }
  // Adds a partner who signs in with `username` and `password` (hashed at the cost set now).
  store::PartnerId add_partner(const std::string& username, const std::string& password,
                               domain::BillingMode billing = domain::BillingMode::invoice);
  api::App& app() { return *app_; }

 private:
  TempDatabase db_;  // outlives the store
  std::unique_ptr<store::Database> store_;
  billing::SandboxCardProcessor cards_;
  std::unique_ptr<auth::Authenticator> authenticator_;
  std::unique_ptr<api::App> app_;
};

}  // namespace accountsd::testing
