// The route table: every endpoint, its method, who may call it, and its handler.
#include <stdexcept>

#include "api/app.hpp"
#include "api/handlers.hpp"
#include "api/openapi.hpp"

namespace accountsd::api {

// Where Prometheus scrapes; outside the API root, as scrapers expect.
constexpr const char* kMetricsPath = "/metrics";

http::Router<Route> make_routes(const Services& services) {
  const auto& config = services.config;
  http::Router<Route> routes;
  // A body larger than the default is read only once App::handle has let its caller in, from the
  // headers alone: a route that takes one must authenticate from them (not from its body, as a
  // sign-in does), and must not let strangers in, or anyone could hold the large-body places.
  auto check_large = [](Access access, std::optional<std::size_t> body_limit) {
    if (body_limit && access != Access::partner && access != Access::service)
      throw std::logic_error("a route with a body limit of its own must authenticate its caller");
  };
  auto add = [&](const char* method, const char* path, Access access, Handler handler,
                 std::optional<std::size_t> body_limit = std::nullopt) {
    check_large(access, body_limit);
    routes.add(method, config.api_root + path, Route{access, handler, body_limit});
  };
  // A creating POST that takes an Idempotency-Key (Route::idempotent).
  auto add_keyed = [&](const char* path, Access access, Handler handler,
                       std::optional<std::size_t> body_limit = std::nullopt) {
    check_large(access, body_limit);
    routes.add("POST", config.api_root + path, Route{access, handler, body_limit, false, true});
  };
  // A partner's read whose answer may be kept whole (Route::cached): the lists, and the
  // objects that consoles open from them.
  auto add_cached = [&](const char* path, Handler handler) {
    routes.add("GET", config.api_root + path, Route{Access::partner, handler, {}, true});
  };
  // A partner's read of one object whose handler makes one statement (Route::reads_once).
  auto add_object = [&](const char* path, Handler handler, bool cached = false) {
    Route route{Access::partner, handler, {}, cached};
    route.reads_once = true;
    routes.add("GET", config.api_root + path, route);
  };
  // The table is aligned by hand.
  // clang-format off
  // Part A: the partner's own account.
  add("GET",  "/ping",              Access::partner_if_sent, get_ping);
  // The OpenAPI document of every route here (docs/openapi.json), for anyone.
  add("GET",  "/openapi.json",      Access::anyone,  get_openapi);
  add("GET",  "/partner/billing",   Access::partner, get_billing);
  add_keyed(  "/partner/billing",   Access::partner, post_billing);
  add("POST", "/partner/password",  Access::partner, post_password);
  add_object( "/partner/quota",                      get_quota);
  add_object( "/partner/features",                   get_features);
  add_object( "/partner/settings",                   get_settings);
  add("POST", "/partner/settings",  Access::partner, post_settings);
  // Issue 14: the partner's own audit log.
  add("GET",  "/partner/audit",     Access::partner, get_audit);
  add_cached( "/shares/",                            get_shares);
  add_cached( "/clientrevisions/",                   get_client_revisions);

  // Part C: what management consoles read beyond Parts A and B.
  add_object( "/partner/info",                       get_partner_info);
  add("GET",  "/partner/backup",    Access::partner, get_backup);
  add_keyed(  "/partner/backup",    Access::partner, post_backup, config.max_backup_bytes);

  // Part B: plans, groups, users and their devices and shares.
  add_cached(   "/plans",                                         get_plans);
  add_cached(   "/groups/",                                       get_groups);
  add_keyed(    "/groups/",                      Access::partner, post_groups);
  add_object(   "/groups/{id}",                                   get_group, true);
  add("POST",   "/groups/{id}",                  Access::partner, post_group);
  add("DELETE", "/groups/{id}",                  Access::partner, delete_group);
  add_cached(   "/users/",                                        get_users);
  add_keyed(    "/users/",                       Access::signup,  post_users);
  add_object(   "/users/{u}",                                     get_user, true);
  add("POST",   "/users/{u}",                    Access::partner, post_user);
  add("DELETE", "/users/{u}",                    Access::partner, delete_user);
  add_cached(   "/users/{u}/devices",                             get_user_devices);
  add_cached(   "/users/{u}/shares/",                             get_user_shares);
  add_cached(   "/users/{u}/shares/{room_key}",                   get_user_share);
  add("POST",   "/users/{u}/shares/{room_key}",  Access::partner, post_user_share);

  // Part C.4-C.5: the device-preference catalogue and device policies.
  add("GET",    "/devicepreferences",            Access::partner, get_device_preferences);
  add_cached(   "/devicepolicies/",                               get_device_policies);
  add_keyed(    "/devicepolicies/",              Access::partner, post_device_policies);
  add_object(   "/devicepolicies/{id}",                           get_device_policy, true);
  add("POST",   "/devicepolicies/{id}",          Access::partner, post_device_policy);
  add("DELETE", "/devicepolicies/{id}",          Access::partner, delete_device_policy);

  // Part B.5: usage reports from the storage service; C.5: the policy a user's devices apply.
  auto internal = [&](const char* method, const char* path, Handler handler) {
    routes.add(method, config.internal_root + "/partners/{partner}/users/{u}" + path,
               Route{Access::service, handler, std::nullopt});
  };
  internal("PUT",    "/devices/{name}",     put_device);
  internal("DELETE", "/devices/{name}",     delete_device);
  internal("PUT",    "/shares/{room_key}",  put_share);
  internal("DELETE", "/shares/{room_key}",  delete_share);
  internal("PUT",    "/usage",              put_usage);
  internal("GET",    "/policy",             get_user_policy);
  // clang-format on

  // Issue 15: the web console, at the server's root like /metrics. Its session first: the files'
  // route would take /console/session too.
  // clang-format off
  routes.add("POST",   "/console/session", Route{Access::sign_in, post_console_session, {}});
  routes.add("GET",    "/console/session", Route{Access::console, get_console_session, {}});
  routes.add("DELETE", "/console/session", Route{Access::console, delete_console_session, {}});
  for (const char* method : {"GET", "HEAD"}) {
    routes.add(method, "/console",         Route{Access::anyone, get_console_index, {}});
    routes.add(method, "/console/{file+}", Route{Access::anyone, get_console_file, {}});
  }
  // clang-format on

  // Operations: Prometheus metrics on this listener (serve --metrics-listen api, the default).
  if (services.metrics) routes.add("GET", kMetricsPath, Route{Access::anyone, get_metrics, {}});
  return routes;
}

http::Router<Route> make_metrics_routes() {
  http::Router<Route> routes;
  routes.add("GET", kMetricsPath, Route{Access::anyone, get_metrics, {}});
  return routes;
}

}  // namespace accountsd::api
