// Fuzzes whole HTTP requests: bytes -> Beast parser -> Request -> api::App (routing, auth,
// handlers).
#include <spdlog/spdlog.h>

#include <sodium.h>

#include <boost/asio/ip/address.hpp>
#include <boost/beast/core/buffers_prefix.hpp>
#include <boost/json/parse.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <string_view>

#include "api/app.hpp"
#include "auth/authenticator.hpp"
#include "auth/password.hpp"
#include "billing/sandbox_card_processor.hpp"
#include "domain/netblock.hpp"
#include "http/request_parser.hpp"
#include "store/database.hpp"

namespace {

namespace bhttp = boost::beast::http;
using namespace accountsd;

// The partners the seeds log in as (Authorization: Basic base64(username:password)).
constexpr const char* kPassword = "fuzz-password-1";
constexpr const char* kServiceToken = "fuzz-service-token";

struct World {
  std::filesystem::path dir;
  std::unique_ptr<store::Database> store;
  std::unique_ptr<billing::SandboxCardProcessor> cards;
  std::unique_ptr<auth::Authenticator> authenticator;
  std::unique_ptr<api::App> app;
  http::ServerLimits limits;
  // Partner ids and password hashes, restored after an input changes a password (A.5), so
  // that the seeds' credentials keep working for every later input.
  std::vector<std::pair<store::PartnerId, std::string>> passwords;
};

// Deliberately never destroyed: LeakSanitizer sees it as reachable, and exit() needs no order.
World* world = nullptr;

void remove_database() {
  std::error_code ignored;
  if (world) std::filesystem::remove_all(world->dir, ignored);
}

[[noreturn]] void fail(const char* what, const http::Request& request,
                       const http::Response& response) {
  std::fprintf(stderr, "invariant broken: %s\n%s %s -> %d\n%s\n", what, request.method.c_str(),
               request.target.c_str(), response.status, response.body.c_str());
  std::abort();
}

// What must hold for every response, whatever the request.
void check(const http::Request& request, const http::Response& response) {
  if (response.status < 100 || response.status > 599)
    fail("status out of range", request, response);
  if (response.status >= 500) fail("5xx for a request", request, response);
  for (const auto& [name, value] : response.headers) {
    if ((name + value).find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
      fail("CR, LF or NUL in a response header", request, response);
  }
  if (response.status < 300) return;
  boost::system::error_code ec;
  auto body = boost::json::parse(response.body, ec);
  if (ec) return;
  const auto* object = body.if_object();
  const auto* reason = object ? object->if_contains("reason") : nullptr;
  if (!reason || !reason->is_string())
    fail("error body without a string reason", request, response);
}

void add_partner(const char* username, domain::BillingMode mode, const domain::Features& features) {
  domain::NewPartner partner;
  partner.username = username;
  partner.name = std::string(username) + " Corp";
  partner.group = partner.name;  // users are added to it
  partner.password_hash = auth::hash_password(kPassword);
  partner.billing_mode = mode;
  partner.features = features;
  auto id = world->store->partners().create_partner(partner);
  world->passwords.emplace_back(id, partner.password_hash);

  // A few users with devices and shares, so that the seeds' paths name real objects.
  auto group = world->store->directory().groups(id, std::nullopt).at(0);
  std::vector<domain::NewUser> users;
  for (int i = 1; i <= 3; ++i) {
    domain::NewUser user;
    user.username = "user" + std::to_string(i);
    user.name = "User " + std::to_string(i);
    user.email = "user" + std::to_string(i) + "@example.com";
    user.group_id = group.group_id;
    user.plan_id = group.plan_id;
    user.creation_time = 1764201600;
    user.share_id = user.username;
    user.devices.push_back({"laptop", 512, 1764201600, 1764201600, std::nullopt});
    user.shares.push_back({"holiday", "Holiday pictures", "", 1764201600, 1764201600, true});
    users.push_back(std::move(user));
  }
  world->store->directory().insert_users(id, users);
}

// Handles one complete message the way http::Server does, and checks the response.
void serve(http::BeastParser& parser) {
  auto request = http::to_request(parser.get(), boost::asio::ip::make_address("127.0.0.1"), "fuzz");
  // Deferred steps (Argon2id) run here in place of the server's worker pool.
  auto response = http::complete_inline(world->app->handle(request));
  // A streamed body (an unpaged list) is produced whole here, as the server would send it.
  if (response.stream) {
    for (bool more = true; more;) {
      std::string piece;
      more = response.stream(piece);
      response.body += piece;
    }
    boost::system::error_code ec;
    boost::json::parse(response.body, ec);
    if (ec) fail("a streamed body that is not JSON", request, response);
  }
  // Shows what the seeds reach: FUZZ_VERBOSE=1 http_request_fuzzer -runs=0 corpus/...
  static const bool verbose = std::getenv("FUZZ_VERBOSE") != nullptr;
  if (verbose)
    std::fprintf(stderr, "%s %s -> %d %.200s\n", request.method.c_str(), request.target.c_str(),
                 response.status, response.body.c_str());
  check(request, response);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (sodium_init() < 0) std::abort();
  spdlog::set_level(spdlog::level::err);
  // Cheap Argon2id, as in the API tests: every wrong password costs one verification.
  auth::set_hash_cost(auth::HashCost::minimal);
  world = new World;
  char dir_template[] = "/tmp/accountsd-fuzz-XXXXXX";
  if (!mkdtemp(dir_template)) std::abort();
  world->dir = dir_template;
  std::atexit(remove_database);
  world->store = store::open_store("sqlite:" + (world->dir / "accounts.db").string(),
                                   {.synchronous = store::Synchronous::normal});
  add_partner("alpha", domain::BillingMode::invoice, {});
  add_partner("beta", domain::BillingMode::prepaid,
              {.netkes = true,
               .ldap = true,
               .group_permissions = true,
               .signup_restrictions = true,
               .email_as_username = true});
  world->cards = std::make_unique<billing::SandboxCardProcessor>();
  // No lockouts: once a mutated password locked "alpha" out, every later input would get 429
  // and never reach a handler. The throttle has its own unit tests.
  constexpr auto unlimited = std::numeric_limits<std::size_t>::max();
  world->authenticator = std::make_unique<auth::Authenticator>(
      world->store->partners(), auth::ThrottleLimits{.per_username_address = unlimited,
                                                     .per_address = unlimited,
                                                     .slow_username_after = unlimited,
                                                     .window = std::chrono::seconds(1)});
  api::AppConfig config;
  config.service_token = kServiceToken;
  // Nor signup limits, for the same reason.
  config.signup_limits = {.per_address = unlimited, .per_brand = unlimited};
  // The peer is 127.0.0.1, so X-Forwarded-For is parsed too (B.3).
  config.trusted_proxies.push_back(*domain::parse_netblock("127.0.0.0/8"));
  world->app = std::make_unique<api::App>(
      api::Services{*world->store, *world->cards, *world->authenticator, config});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  // One connection: pipelined requests are served in turn until the bytes run out, a request
  // is malformed or one says Connection: close.
  for (bool keep_alive = true; keep_alive && !rest.empty();) {
    http::BeastParser parser;
    http::apply_limits(parser, world->limits);
    boost::system::error_code ec;
    while (!parser.is_done()) {
      auto used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
      rest.remove_prefix(used);
      if (ec && ec != bhttp::error::need_more) break;
      ec = {};
      if (parser.is_done()) break;
      // Beast takes a header only whole: no progress on everything left means the client
      // closed mid-request, which Beast reports as a partial message and the server as a 400.
      if (used == 0 || rest.empty()) {
        parser.put_eof(ec);
        if (!ec && !parser.is_done()) ec = bhttp::error::partial_message;
        break;
      }
    }
    // Body or header limits (413, 431) and malformed requests (400) close the connection.
    if (ec) break;
    keep_alive = parser.get().keep_alive();
    serve(parser);
  }
  for (const auto& [id, hash] : world->passwords) {
    auto partner = world->store->partners().find_partner(id);
    auto stored = world->store->partners().credentials(partner->username);
    if (stored->password_hash != hash) world->store->partners().set_password_hash(id, hash);
  }
  return 0;
}
