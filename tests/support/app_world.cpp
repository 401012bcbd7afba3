#include "support/app_world.hpp"

#include <utility>

namespace accountsd::testing {

AppWorld::AppWorld(std::optional<http::Router<api::Route>> routes)
    : store_(store::open_store("sqlite:" + db_.path)),
      authenticator_(std::make_unique<auth::Authenticator>(store_->partners())) {
  api::Services services{*store_, cards_, *authenticator_, api::AppConfig{}};
  app_ = routes ? std::make_unique<api::App>(services, std::move(*routes))
                : std::make_unique<api::App>(services);
}

AppWorld::~AppWorld() {
  // Before the store it uses.
  app_.reset();
  authenticator_.reset();
}

}  // namespace accountsd::testing
