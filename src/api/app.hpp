// The Accounts API as one request -> response function: routing, authentication, error mapping.
#pragma once

#include <atomic>
#include <boost/url/params_view.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "api/answer_cache.hpp"
#include "auth/authenticator.hpp"
#include "auth/signup_limiter.hpp"
#include "billing/card_processor.hpp"
#include "domain/console_session.hpp"
#include "domain/netblock.hpp"
#include "http/handler_turn.hpp"
#include "http/message.hpp"
#include "http/router.hpp"
#include "store/database.hpp"

namespace accountsd::metrics {
class Scrape;
}

namespace accountsd::api {

struct AppConfig {
  std::string api_root = "/apis/accounts/v1";
  std::string internal_root = "/internal/v1";
  // Bearer token of the storage service for /internal/v1; empty refuses every such call.
  std::string service_token;
  // Peers whose X-Forwarded-For is believed (B.3).
  std::vector<domain::Netblock> trusted_proxies;
  // The body limit of POST /partner/backup (C.3); every other route keeps the server's default.
  std::size_t max_backup_bytes = 64 * 1024 * 1024;
  // Rows per piece of a streamed unpaged list (A.1): what one such answer holds in memory at a
  // time (500 users are ~210 KB of JSON).
  std::size_t list_page_rows = 500;
  // Self-signups allowed per client address and per brand (B.3).
  auth::SignupLimits signup_limits{};
  // The most body text that whole answers of cached routes (Route::cached) may keep in
  // memory; 0 keeps none (api/answer_cache.hpp).
  std::size_t answer_cache_bytes = 64 * 1024 * 1024;
  // How long a console session lasts from its sign-in (serve --console-session-hours).
  std::chrono::seconds console_session_lifetime = std::chrono::hours(12);
  // Development: serve the console's files from this folder (console/app) as they are on disk,
  // instead of the copy built into the binary, so that an edit shows at the next reload.
  std::string console_dir;
  // The server answers over TLS: the session cookie is marked Secure, so a browser never sends it
  // over plain HTTP.
  bool secure_cookies = false;
};

// What the endpoints share: storage, the card processor, configuration.
struct Services {
  store::Database& database;
  billing::CardProcessor& cards;
  auth::Authenticator& authenticator;
  AppConfig config;
  // Counts self-signups; App makes one from config.signup_limits unless given one.
  std::shared_ptr<auth::SignupLimiter> signups{};
  // What GET /metrics answers (metrics::Scrape); null when this server shows no metrics.
  const metrics::Scrape* metrics = nullptr;
};

// Who may call a route.
enum class Access {
  partner,          // HTTP Basic of a partner
  partner_if_sent,  // no credentials needed, but Basic credentials that are sent must be right
  signup,           // a partner's Basic credentials, or none at all (self-signup)
  service,          // the storage service's Bearer token
  anyone,           // no credentials, and any that are sent are ignored (GET /metrics)
  console,          // the web console's session cookie alone (GET, DELETE /console/session)
  sign_in,          // a partner's username and password in the JSON body (POST /console/session)
};
// The partner routes (partner, partner_if_sent, signup) also take the console's session cookie in
// place of Basic credentials when no Authorization header is sent (api/console_session.hpp).

// One call of an endpoint: the request, its decoded path parameters and query, and the caller.
struct Call {
  // Not const: a handler may consume the body, or wipe secrets in it once they are used.
  http::Request& request;
  const http::PathParams& path;
  boost::urls::params_view query;
  Services& services;
  store::PartnerId partner = 0;  // set for Access::partner routes, and signup ones with credentials
  // The console session that let the call in, when its cookie did.
  std::optional<domain::ConsoleSession> session{};

  // The store's roles that handlers use; transactions are the app's alone.
  store::PartnerStore& partners() const { return services.database.partners(); }
  store::Directory& directory() const { return services.database.directory(); }
  store::Usage& usage() const { return services.database.usage(); }
  store::AuditLog& audit_log() const { return services.database.audit_log(); }
};

// The caller's address (A.2): the TCP peer, or the last X-Forwarded-For hop when the peer is a
// trusted proxy; 400 when that hop is not a bare address (api/forwarded_for.hpp).
boost::asio::ip::address client_address(const Call& call);
// The same as text: the peer's as the server formatted it for the connection, unless a trusted
// proxy forwarded another.
std::string client_address_text(const Call& call);

using Handler = http::Response (*)(Call&);

struct Route {
  Access access;
  Handler handler;
  // The most body the route takes; nullopt: the server's default (http::ServerLimits).
  std::optional<std::size_t> body_limit;
  // A GET whose whole answer may be kept and sent again while the partner's data is unchanged
  // (AnswerCache): its answer depends on nothing but the partner, the target, the data and
  // (within a second) the clock.
  bool cached = false;
  // A creating POST that takes an Idempotency-Key (api/idempotency.hpp): a repeat of a
  // partner's request with the same key gets the first answer again instead of running again.
  bool idempotent = false;
  // A GET whose handler reads with one statement: once the credentials are known or checked
  // with that statement, it needs no snapshot of its own (Transactions::expect_one_read).
  bool reads_once = false;
};

// Registers every endpoint of the spec, and GET /metrics when `services` has metrics to show;
// defined in api/routes.cpp.
http::Router<Route> make_routes(const Services& services);
// GET /metrics alone: the table of a listener of its own (serve --metrics-listen ADDR:PORT).
http::Router<Route> make_metrics_routes();
// Reads and changes nothing (GET, HEAD): one read snapshot, no write request
// (store::WriteRequest), and so no turn in the write batch to take first.
bool reads_only(const http::Request& request);
// The turn a request that may write takes before its handler runs (http::Server::
// set_handler_turn): with group commit on SQLite, the write batch's, which admits one request at
// a time, so that an I/O thread that finds it held serves other connections meanwhile instead of
// blocking at the handler's first use of the store (docs/benchmarks.md, change 12).
http::HandlerTurn write_turn(store::Transactions& transactions);

class App {
 public:
  // Serves make_routes(services).
  explicit App(Services services);
  App(Services services, http::Router<Route> routes);
  // The response, with the ticket of any commit it made (http::Response::durable_ticket). A
  // request that needs Argon2id (a login not in the credential cache, a password to hash) gets
  // an http::Deferred response whose steps are handled the same way. A request that awaits its
  // large body (http::Request::awaiting_body: the server's body gate) gets 100 once its caller is
  // authenticated as the route asks, naming the caller as the holder of its large-body place,
  // else the answer it would get without the body (401...).
  http::Response handle(http::Request& request);
  // The route that `method` and the raw `target` reach and its body limit, for the server to
  // resolve once a request's headers are in (http::Server::set_route_resolver) and store on the
  // request; handle() resolves a request that comes without.
  http::ResolvedRoute resolve(std::string_view method, std::string_view target) const;
  // The route table, in the order that http::RouteMatch::index counts.
  const http::Router<Route>& routes() const { return routes_; }
  // The whole answers kept for Route::cached routes.
  const AnswerCache& answers() const { return *answers_; }

 private:
  // One step of a request: `step`'s response with errors mapped and the step's commit ticket;
  // a deferred response's work and continuation wrapped to be handled the same way.
  http::Response handle_step(http::Request& request, UniqueFunction<http::Response()> step);
  http::Response respond(http::Request& request, UniqueFunction<http::Response()>& step);

  // Whether a 401 to `request` goes to a browser's script (X-Requested-With, as the console
  // sends), to a route of the console's own, or to a partner route reached with the session
  // cookie and no Authorization header: then it names no Basic challenge, which a browser would
  // answer with a login dialog of its own.
  bool from_console(const http::Request& request) const;
  // Runs the handler of the route `request` reached. `verified`: the partner a deferred login
  // found. With `speculate`, a GET may be let in on cached credentials that its first read confirms
  // (Authenticator::authenticate); store::CredentialsChanged then says to dispatch again without.
  http::Response dispatch(http::Request& request, std::optional<store::PartnerId> verified,
                          bool speculate = false);
  // The route's handler, or the answer kept for the same call (Route::cached).
  http::Response answer(const Route& route, Call& call);
  // The route's handler run once for the partner's Idempotency-Key `key`, or the answer it gave
  // the first time (Route::idempotent).
  http::Response answer_once(const Route& route, Call& call, std::string key);
  // An Idempotency-Key and the fingerprint of the request that sent it.
  struct KeyedCall {
    std::string key;          // as sent: it seals the answer (seal_answer)
    std::string digest;       // what the store knows the key by (key_digest)
    std::string fingerprint;  // request_fingerprint
  };
  // `step`'s response (errors mapped) once the key is claimed, kept as the answer to the key
  // once it is final (a 5xx frees the key instead); or the key's answer, or why it is busy.
  http::Response keep_answer(http::Request& request, store::PartnerId partner, KeyedCall keyed,
                             UniqueFunction<http::Response()> step);
  Services services_;
  http::Router<Route> routes_;
  std::unique_ptr<AnswerCache> answers_;
  std::atomic<std::uint64_t> prune_keys_{0};  // claims of idempotency keys, for pruning
};

}  // namespace accountsd::api
