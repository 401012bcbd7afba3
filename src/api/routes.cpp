// The route table: every endpoint, its method, who may call it, and its handler.
#include "api/app.hpp"
#include "api/handlers.hpp"

namespace accountsd::api {

http::Router<Route> make_routes(const AppConfig& config) {
  http::Router<Route> routes;
  auto add = [&](const char* method, const char* path, Access access, Handler handler) {
    routes.add(method, config.api_root + path, Route{access, handler});
  };
  // Part A: the partner's own account.
  add("GET",  "/ping",              Access::anyone,  get_ping);  // checks credentials if sent
  add("GET",  "/partner/billing",   Access::partner, get_billing);
  add("POST", "/partner/billing",   Access::partner, post_billing);
  add("POST", "/partner/password",  Access::partner, post_password);
  add("GET",  "/partner/quota",     Access::partner, get_quota);
  add("GET",  "/partner/features",  Access::partner, get_features);
  add("GET",  "/partner/settings",  Access::partner, get_settings);
  add("POST", "/partner/settings",  Access::partner, post_settings);
  add("GET",  "/shares/",           Access::partner, get_shares);
  add("GET",  "/clientrevisions/",  Access::partner, get_client_revisions);
  return routes;
}

}  // namespace accountsd::api
