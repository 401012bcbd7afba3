#include "support/app_world.hpp"

#include <utility>

#include "auth/password.hpp"

namespace accountsd::testing {

AppWorld::AppWorld(std::optional<http::Router<api::Route>> routes)
    : store_(store::open_store("sqlite:" + db_.path)),
      authenticator_(std::make_unique<auth::Authenticator>(store_->partners())) {
  api::Services services{*store_, cards_, *authenticator_, api::AppConfig{}};
  app_ = routes ? std::make_unique<api::App>(services, std::move(*routes))
                : std::make_unique<api::App>(services);
}

store::PartnerId AppWorld::add_partner(const std::string& username, const std::string& password,
                                       domain::BillingMode billing) {
  domain::NewPartner partner;
  partner.username = username;
  partner.name = username + " Corp";
  partner.password_hash = auth::hash_password(password);
  partner.billing_mode = billing;
  return store_->partners().create_partner(partner);
}

AppWorld::~AppWorld() {
  // Before the store it uses.
  app_.reset();
  authenticator_.reset();
}

}  // namespace accountsd::testing
