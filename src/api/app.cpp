#include "api/app.hpp"

#include <spdlog/spdlog.h>

#include <sodium.h>

#include <algorithm>
#include <boost/beast/core/string.hpp>
#include <boost/url/parse.hpp>

#include "api/console_files.hpp"
#include "api/console_session.hpp"
#include "api/forwarded_for.hpp"
#include "api/idempotency.hpp"
#include "api/store_outcomes.hpp"
#include "domain/clock.hpp"
#include "domain/text.hpp"
#include "http/error_response.hpp"
#include "store/audit_context.hpp"

namespace accountsd::api {
namespace {

// Accepts only "Bearer <the configured token>", compared in constant time.
void check_service_token(std::string_view authorization, const std::string& token) {
  constexpr std::string_view scheme = "Bearer ";
  bool ok = !token.empty() && authorization.size() == scheme.size() + token.size() &&
            boost::beast::iequals(authorization.substr(0, scheme.size()), scheme) &&
            sodium_memcmp(authorization.data() + scheme.size(), token.data(), token.size()) == 0;
  if (!ok) throw Error(ErrorKind::unauthorized, "this endpoint takes the storage service's token");
}

}  // namespace

namespace {

bool from_trusted_proxy(const Call& call) {
  const auto& proxies = call.services.config.trusted_proxies;
  return std::any_of(proxies.begin(), proxies.end(),
                     [&](const auto& block) { return domain::contains(block, call.request.peer); });
}

}  // namespace

boost::asio::ip::address client_address(const Call& call) {
  const auto& peer = call.request.peer;
  if (!from_trusted_proxy(call)) return peer;
  return forwarded_client(call.request.headers).value_or(peer);
}

std::string client_address_text(const Call& call) {
  if (from_trusted_proxy(call)) {
    if (auto forwarded = forwarded_client(call.request.headers)) return forwarded->to_string();
  }
  return call.request.peer_string();
}

namespace {

// Who makes the changes of a request that may write, as the audit log names them.
store::AuditContext audit_context(const Call& call, Access access) {
  store::AuditContext context;
  context.actor = access == Access::service  ? "service"
                  : call.partner != 0        ? "partner"
                  : access == Access::signup ? "signup"
                                             : "anonymous";
  context.address = client_address_text(call);
  context.request_id = call.request.request_id;
  return context;
}

// A deferred answer's later steps run outside dispatch: each under the request's context too.
http::Response audit_later_steps(http::Response response, store::AuditContext context) {
  if (!response.deferred) return response;
  auto& deferred = *response.deferred;
  deferred.then = [then = std::move(deferred.then), context = std::move(context)]() mutable {
    store::AuditScope audited(context);
    return audit_later_steps(then(), context);
  };
  return response;
}

// Whom a large body's place is taken for (http::Response::large_body_holder), on the routes that
// take one (routes.cpp): the storage service, whose one token makes it one holder, or the partner
// by its id, whether Basic credentials or a console session let it in, so that signing in both
// ways wins it no second share.
std::string large_body_holder(const Call& call, Access access) {
  return access == Access::service ? "service" : "partner " + std::to_string(call.partner);
}

}  // namespace

bool reads_only(const http::Request& request) {
  return request.method == "GET" || request.method == "HEAD";
}

http::HandlerTurn write_turn(store::Transactions& transactions) {
  http::HandlerTurn turn;
  turn.try_take = [&transactions](const http::Request& request) {
    return reads_only(request) || transactions.try_take_write_turn();
  };
  turn.when_free = [&transactions](UniqueFunction<void()> wake) {
    transactions.when_write_turn_free(std::move(wake));
  };
  turn.give_back = [&transactions](const http::Request& request) {
    if (!reads_only(request)) transactions.give_back_write_turn();
  };
  return turn;
}

namespace {

// Whether a route lets a partner in with the console's session cookie.
bool takes_session(Access access) {
  return access == Access::partner || access == Access::partner_if_sent ||
         access == Access::signup || access == Access::console;
}

// The console session token a request is let in with: its cookie, on the console's own routes,
// and on a partner's routes when it sends no Authorization header (which alone decides when
// sent, so that scripts keep Basic). Empty: none.
std::string_view console_token(Access access, const http::Request& request) {
  if (!takes_session(access)) return {};
  if (access != Access::console && !request.header("Authorization").empty()) return {};
  return session_cookie(request);
}

}  // namespace

App::App(Services services) : App(services, make_routes(services)) {}

App::App(Services services, http::Router<Route> routes)
    : services_(std::move(services)),
      routes_(std::move(routes)),
      answers_(std::make_unique<AnswerCache>(services_.config.answer_cache_bytes)) {
  if (!services_.signups)
    services_.signups = std::make_shared<auth::SignupLimiter>(services_.config.signup_limits);
}

namespace {

// Percent-encodes the few characters that consoles send raw in queries ("bytes_stored>100")
// but RFC 3986 does not allow, so that Boost.URL accepts the target.
std::string lenient_target(std::string_view raw) {
  std::string out;
  for (char c : raw) {
    if (std::string_view("<>\"{}|\\^` ").find(c) != std::string_view::npos ||
        static_cast<unsigned char>(c) >= 0x80) {
      char escaped[4];
      std::snprintf(escaped, sizeof escaped, "%%%02X", static_cast<unsigned char>(c));
      out += escaped;
    } else {
      out += c;
    }
  }
  return out;
}

// The parsed target; `lenient` keeps the text it views when the raw one needed lenient_target.
std::optional<boost::urls::url_view> parse_target(std::string_view raw, std::string& lenient) {
  auto url = boost::urls::parse_origin_form(raw);
  if (!url) {
    lenient = lenient_target(raw);
    url = boost::urls::parse_origin_form(lenient);
  }
  if (!url) return std::nullopt;
  return *url;
}

// The decoded path segments the router matches; a trailing slash adds none.
std::vector<std::string> route_segments(boost::urls::url_view url) {
  std::vector<std::string> segments;
  for (auto segment : url.segments()) segments.push_back(segment);
  if (!segments.empty() && segments.back().empty()) segments.pop_back();
  return segments;
}

// route_segments of a target whose path holds only unreserved characters, '@' and '/' (nearly
// every request; '@' is in every email that names a user, and a path may hold it as it is):
// such a path is valid origin-form with nothing to decode, so it is split as it is, without a
// URL parse. Anything else (a percent sign, a sub-delimiter, a dot segment, no leading
// '/'): nullopt.
// A query is not looked at here; dispatch parses it.
std::optional<std::vector<std::string>> plain_route_segments(std::string_view raw) {
  auto path = raw.substr(0, raw.find('?'));
  if (path.empty() || path.front() != '/' || path.starts_with("//")) return std::nullopt;
  for (char c : path) {
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                            c == '~' || c == '/' || c == '@';
    if (!unreserved) return std::nullopt;
  }
  std::vector<std::string> segments;
  for (std::size_t from = 1;;) {
    auto slash = path.find('/', from);
    auto segment = path.substr(from, slash == std::string_view::npos ? slash : slash - from);
    // Dot segments are left to the URL parser, which has rules of its own for them.
    if (segment == "." || segment == "..") return std::nullopt;
    segments.emplace_back(segment);
    if (slash == std::string_view::npos) break;
    from = slash + 1;
  }
  if (segments.back().empty()) segments.pop_back();
  return segments;
}

}  // namespace

http::ResolvedRoute App::resolve(std::string_view method, std::string_view raw) const {
  auto segments = plain_route_segments(raw);
  if (!segments) {
    std::string lenient;
    auto target = parse_target(raw, lenient);
    // Unparsable: no route, and dispatch answers 400.
    if (!target) return {};
    segments = route_segments(*target);
  }
  http::ResolvedRoute resolved{routes_.match(method, *segments), std::nullopt};
  if (resolved.match.found()) resolved.body_limit = routes_[resolved.match.index].body_limit;
  return resolved;
}

http::Response App::dispatch(http::Request& request, std::optional<store::PartnerId> verified,
                             bool speculate) {
  const auto& match = *request.route;
  // A found route means the target parsed when it was resolved: it is parsed again only for a
  // miss's answer or for its query, which most calls do not have.
  std::string lenient;
  std::optional<boost::urls::url_view> target;
  if (!match.found() || request.target.find('?') != std::string::npos) {
    target = parse_target(request.target, lenient);
    if (!target) throw bad_request("malformed request target");
  }
  if (!match.found()) {
    if (!match.path_known) throw not_found("no such endpoint: " + std::string(target->path()));
    Error error(ErrorKind::method_not_allowed, request.method + " is not allowed here");
    error.allow = match.allow;
    throw error;
  }
  const auto& route = routes_[match.index];
  Call call{request, match.params, target ? target->params() : boost::urls::params_view(),
            services_};
  // A GET's reads (credentials included) share one snapshot; writes open their own transaction.
  std::optional<store::ReadSnapshot> snapshot;
  if (reads_only(request)) snapshot.emplace(services_.database.transactions());
  // Only a GET: it has nothing to undo when its credentials turn out changed.
  speculate = speculate && snapshot;
  bool speculated = false;
  auto access = route.access;
  auto authorization = request.header("Authorization");
  const bool optional = access == Access::partner_if_sent || access == Access::signup;
  const auto token = console_token(access, request);
  if (verified) {
    call.partner = *verified;
  } else if (access == Access::console || !token.empty()) {
    enter_session(call, token);
  } else if (access == Access::partner || (optional && !authorization.empty()) ||
             access == Access::sign_in) {
    // Failures count against the client, not against a trusted proxy that every client shares.
    // A sign-in's credentials come in its body, and go through the same checks as Basic ones.
    auto login = access == Access::sign_in
                     ? services_.authenticator.authenticate(read_sign_in(request.body),
                                                            client_address_text(call))
                     : services_.authenticator.authenticate(authorization,
                                                            client_address_text(call), speculate);
    if (auto* partner = std::get_if<store::PartnerId>(&login)) {
      call.partner = *partner;
      speculated = speculate;
    } else if (auto* later = std::get_if<auth::LoginLater>(&login)) {
      // Other verifications decide this one: ask again after a wait, on a timer.
      http::Deferred deferred;
      deferred.delay = later->after;
      deferred.then = [this, &request] { return dispatch(request, std::nullopt); };
      return http::defer(std::move(deferred));
    } else {
      // Not in the credential cache: verify on the worker pool, then route again with the
      // partner it found (or answer its 401).
      auto pending =
          std::make_shared<auth::PendingLogin>(std::get<auth::PendingLogin>(std::move(login)));
      http::Deferred deferred;
      deferred.delay = pending->delay();
      deferred.work = [pending] { pending->verify(); };
      deferred.then = [this, &request, pending] { return dispatch(request, pending->partner()); };
      return http::defer(std::move(deferred));
    }
  } else if (access == Access::service) {
    check_service_token(authorization, services_.config.service_token);
  }
  // The caller may send its large body now; the route's handler sees it once it is whole.
  if (request.awaiting_body) {
    http::Response go_on;
    go_on.status = 100;
    go_on.large_body_holder = large_body_holder(call, access);
    return go_on;
  }
  // Nothing but the handler's one statement reads now: no credentials to read, or only a check
  // that travels with it.
  if (snapshot && route.reads_once && (verified || speculated))
    services_.database.transactions().expect_one_read();
  if (!speculated) {
    if (reads_only(request)) return answer(route, call);
    // What this request changes, the audit log's triggers record as its (and its later steps').
    auto context = audit_context(call, access);
    store::AuditScope audited(context);
    // Keys are a partner's: a self-signup (no credentials) runs as it would without one.
    if (route.idempotent && call.partner != 0) {
      if (auto key = idempotency_key(request))
        return audit_later_steps(answer_once(route, call, std::string(*key)), std::move(context));
    }
    return audit_later_steps(answer(route, call), std::move(context));
  }
  // Nothing is answered before the credentials are confirmed: not data, and not a client error
  // either. (Other failures answer 500 or 503 and say nothing of the partner's data.)
  std::exception_ptr refused;
  try {
    auto response = answer(route, call);
    services_.database.transactions().settle_checks();
    return response;
  } catch (const Error&) {
    refused = std::current_exception();
  } catch (const store::Refusal&) {
    refused = std::current_exception();
  }
  services_.database.transactions().settle_checks();
  std::rethrow_exception(refused);
}

http::Response App::answer(const Route& route, Call& call) {
  if (!route.cached || call.partner == 0 || call.request.method != "GET")
    return route.handler(call);
  // After authentication, whose read began the snapshot.
  auto version = services_.database.transactions().snapshot_version();
  if (!version) return route.handler(call);
  if (auto kept = answers_->find(call.partner, call.request.target, version->now))
    return std::move(*kept);
  auto response = route.handler(call);
  // Kept only when nothing changed between the snapshot's start and the end of its reads, so
  // that the number it is kept under is one that no other state of the data has.
  auto read_at = services_.database.transactions().snapshot_version();
  if (version->before == version->now && read_at && read_at->before == version->now &&
      read_at->now == version->now)
    answers_->keep(call.partner, call.request.target, version->now, response);
  return response;
}

namespace {

http::Response answer_error(const http::Request& request, const Error& error) {
  // Escaped: a message may quote what a client sent, and a newline would forge a log line.
  if (error.kind() == ErrorKind::internal)
    spdlog::error("request {}: {}", request.request_id, domain::escape_controls(error.what()));
  return http::error_response(error, request.request_id);
}

// A request with a key that never finished is taken for lost after this long: its outcome is
// unknown, so it is not run again, and the client is told so.
constexpr std::int64_t kAbandonedKeySeconds = 60;
// One claim in this many also deletes a batch of keys past their day.
constexpr std::uint64_t kPruneKeysEvery = 64;
constexpr int kPruneKeysBatch = 100;

// The answer a key kept, sent again.
http::Response replayed(const store::RequestKeys::Answer& answer) {
  http::Response response;
  response.status = answer.status;
  response.body = answer.body;
  if (!answer.content_type.empty())
    response.headers.emplace_back("Content-Type", answer.content_type);
  if (!answer.location.empty()) response.headers.emplace_back("Location", answer.location);
  response.headers.emplace_back("Idempotent-Replayed", "true");
  return response;
}

// Makes `deferred`'s work keep its exception for the continuation to rethrow, so that it is
// answered like any other error there.
std::shared_ptr<std::exception_ptr> keep_work_failure(http::Deferred& deferred) {
  auto failure = std::make_shared<std::exception_ptr>();
  // Left empty when empty: a wait alone never takes a place in the worker pool.
  if (deferred.work) {
    deferred.work = [work = std::move(deferred.work), failure]() mutable {
      try {
        work();
      } catch (...) {
        *failure = std::current_exception();
      }
    };
  }
  return failure;
}

}  // namespace

http::Response App::answer_once(const Route& route, Call& call, std::string key) {
  // Now, while the body is whole: a handler may consume or wipe it.
  auto fingerprint = request_fingerprint(call.request);
  auto digest = key_digest(key);
  return keep_answer(call.request, call.partner,
                     {std::move(key), std::move(digest), std::move(fingerprint)},
                     [&route, &call] { return route.handler(call); });
}

http::Response App::keep_answer(http::Request& request, store::PartnerId partner, KeyedCall keyed,
                                UniqueFunction<http::Response()> step) {
  using Keys = store::RequestKeys;
  auto& keys = services_.database.request_keys();
  const auto now = domain::now_seconds();
  // Claimed for each step, in the step's own write request, and freed again when the step
  // defers: a deferred step the server then drops (its worker pool full) leaves no claim behind.
  // A repeat that comes between two steps runs its own first step; only one makes the change.
  auto claim =
      keys.claim(partner, keyed.digest, keyed.fingerprint, now, now - kIdempotencyKeySeconds);
  if (auto* answer = std::get_if<Keys::Answer>(&claim)) {
    auto body = open_answer(answer->body, keyed.key);
    // Sealed with this very key, whose digest found it: only a corrupt row fails.
    if (!body) throw std::runtime_error("the answer kept for an Idempotency-Key does not open");
    answer->body = std::move(*body);
    return replayed(*answer);
  }
  if (std::holds_alternative<Keys::Mismatch>(claim)) {
    return answer_error(
        request, Error(ErrorKind::unprocessable,
                       "this Idempotency-Key was sent with a different request (method, path or "
                       "body) within the last 24 hours; send a new key for a new request"));
  }
  if (auto* flight = std::get_if<Keys::InFlight>(&claim)) {
    if (now - flight->since < kAbandonedKeySeconds) {
      Error busy = conflict("a request with this Idempotency-Key is in progress; retry shortly",
                            {"Idempotency-Key"});
      busy.retry_after = 1;
      return answer_error(request, busy);
    }
    return answer_error(request,
                        conflict("a request with this Idempotency-Key began but never finished, "
                                 "and whether it took effect is unknown: check, then send a new "
                                 "key",
                                 {"Idempotency-Key"}));
  }
  if (prune_keys_.fetch_add(1, std::memory_order_relaxed) % kPruneKeysEvery == 0)
    keys.prune(now - kIdempotencyKeySeconds, kPruneKeysBatch);
  auto response = respond(request, step);
  if (auto deferred = response.deferred) {
    keys.release(partner, keyed.digest);
    auto failure = keep_work_failure(*deferred);
    deferred->then = [this, &request, partner, keyed = std::move(keyed),
                      then = std::move(deferred->then), failure]() mutable {
      return keep_answer(request, partner, keyed, [&then, failure]() -> http::Response {
        if (*failure) std::rethrow_exception(*failure);
        return then();
      });
    };
    return response;
  }
  // In the same write request as the change (its commit, with group commit on SQLite).
  if (response.status >= 500 || response.stream || response.shared_body) {
    keys.release(partner, keyed.digest);
  } else {
    keys.finish(partner, keyed.digest,
                {response.status, std::string(response.header("Content-Type")),
                 std::string(response.header("Location")), seal_answer(response.body, keyed.key)});
  }
  return response;
}

http::Response App::handle(http::Request& request) {
  if (!request.route) request.route = resolve(request.method, request.target).match;
  return handle_step(request, [this, &request] {
    try {
      return dispatch(request, std::nullopt, true);
    } catch (const store::CredentialsChanged&) {
      // Authenticated again from the database, below: outside the handler, since that may
      // suspend the fiber.
    }
    return dispatch(request, std::nullopt, false);
  });
}

http::Response App::handle_step(http::Request& request, UniqueFunction<http::Response()> step) {
  http::Response response;
  {
    // A GET's writes, if any, are its own; any other method's join the store's write batch
    // (group commit) until the step ends, and the step's reads after its write see it.
    std::optional<store::WriteRequest> writing;
    if (!reads_only(request)) writing.emplace(services_.database.transactions());
    response = respond(request, step);
  }
  // The console's pages and its session answers, whatever their status, carry its headers.
  if (!response.deferred && is_console_target(request.target)) add_console_headers(response);
  if (auto deferred = response.deferred) {
    auto failure = keep_work_failure(*deferred);
    deferred->then = [this, &request, then = std::move(deferred->then), failure]() mutable {
      return handle_step(request, [&then, failure]() -> http::Response {
        if (*failure) std::rethrow_exception(*failure);
        return then();
      });
    };
  }
  // Whatever the outcome, a change this step committed must reach the disk before the
  // response goes out (group commit; 0 when nothing was committed or the commit was durable).
  response.durable_ticket = services_.database.transactions().take_commit_ticket();
  return response;
}

bool App::from_console(const http::Request& request) const {
  // A page's script says so (the console does): its 401 must not make the browser open a Basic
  // login dialog, which it would even after the session cookie is gone.
  if (!request.header("X-Requested-With").empty()) return true;
  if (!request.route || !request.route->found()) return false;
  auto access = routes_[request.route->index].access;
  return access == Access::console || access == Access::sign_in ||
         !console_token(access, request).empty();
}

http::Response App::respond(http::Request& request, UniqueFunction<http::Response()>& step) {
  try {
    return step();
  } catch (Error& error) {
    if (error.kind() == ErrorKind::unauthorized && from_console(request)) error.challenge = false;
    return answer_error(request, error);
  } catch (const store::Refusal& refusal) {
    return answer_error(request, to_error(refusal));
  } catch (const store::Unavailable& unavailable) {
    spdlog::warn("request {}: {}", request.request_id, domain::escape_controls(unavailable.what()));
    return answer_error(request, to_error(unavailable));
  } catch (const std::exception& e) {
    spdlog::error("request {} failed: {}", request.request_id, domain::escape_controls(e.what()));
    return http::error_response(Error(ErrorKind::internal, "internal error"), request.request_id);
  }
}

}  // namespace accountsd::api
