// The console's sessions: POST /console/session signs in (App::dispatch has checked the
// credentials by then, as it checks Basic ones), GET says who is signed in, DELETE signs out.
#include "api/console_session.hpp"

#include <sodium.h>

#include "api/body_readers.hpp"
#include "api/handlers.hpp"
#include "api/json_body.hpp"
#include "api/params.hpp"
#include "auth/console_token.hpp"
#include "domain/clock.hpp"

namespace accountsd::api {
namespace {

// Expired sessions a sign-in deletes, at most: each sign-in clears up after a few others, so the
// table holds little more than the live ones without a pass over all of it.
constexpr int kPruneBatch = 100;

// 401 without WWW-Authenticate: the console is a browser's page, and a Basic challenge would
// make the browser open its own login dialog over it.
Error signed_out(std::string reason) {
  Error error(ErrorKind::unauthorized, std::move(reason));
  error.challenge = false;
  return error;
}

// The cookie attributes every Set-Cookie of the session shares: sent to every path of this
// server (the console's pages and the API), never read by scripts, never sent by another site.
std::string cookie(std::string_view value, std::string_view max_age, bool secure) {
  std::string text(kSessionCookie);
  text += '=';
  text += value;
  text += "; Path=/; Max-Age=";
  text += max_age;
  text += "; HttpOnly; SameSite=Strict";
  if (secure) text += "; Secure";
  return text;
}

http::Response session_answer(Call& call, const domain::ConsoleSession& session) {
  auto partner = call.partners().find_partner(session.partner);
  if (!partner) throw signed_out("partner no longer exists");
  boost::json::object body;
  body["username"] = partner->username;
  body["csrf_token"] = session.csrf_token;
  body["expires_at"] = session.expires_at;
  return http::json_response(200, body);
}

}  // namespace

std::string_view session_cookie(const http::Request& request) {
  std::string_view rest = request.header("Cookie");
  while (!rest.empty()) {
    auto end = rest.find(';');
    auto pair = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    auto equals = pair.find('=');
    if (equals != std::string_view::npos && pair.substr(0, equals) == kSessionCookie) {
      auto value = pair.substr(equals + 1);
      while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
      return value;
    }
  }
  return {};
}

void enter_session(Call& call, std::string_view token) {
  if (token.empty()) throw signed_out("not signed in; sign in at POST /console/session");
  const auto hash = auth::console_token_hash(token);
  auto& sessions = call.services.database.console_sessions();
  auto session = sessions.find(hash);
  const auto now = domain::now_seconds();
  if (session && session->expired(now)) {
    // Deleted at once where the request may write; a GET's read snapshot leaves it to the
    // pruning of sign-ins.
    if (call.request.method != "GET" && call.request.method != "HEAD") sessions.end(hash);
    session.reset();
  }
  if (!session) throw signed_out("not signed in, or the session has ended; sign in again");
  if (call.request.method != "GET" && call.request.method != "HEAD" &&
      !auth::tokens_equal(call.request.header(kCsrfHeader), session->csrf_token)) {
    throw Error(ErrorKind::forbidden,
                "a console request that changes something must send the "
                "session's csrf_token in X-CSRF-Token");
  }
  call.partner = session->partner;
  call.session = std::move(*session);
}

auth::BasicCredentials read_sign_in(JsonParams& params) {
  auto username = params.string("username", {1, 1024}, true);
  auto password = params.string("password", {1, 1024}, true, domain::TextKind::multi_line);
  params.finish();
  return {std::move(*username), std::move(*password)};
}

auth::BasicCredentials read_sign_in(std::string_view body) {
  return read_body(body, [](JsonParams& params) { return read_sign_in(params); });
}

// Reached once App::dispatch has verified the body's credentials (call.partner).
http::Response post_console_session(Call& call) {
  // The password has served: it lingers in no buffer of ours.
  sodium_memzero(call.request.body.data(), call.request.body.size());
  const auto& config = call.services.config;
  auto& sessions = call.services.database.console_sessions();
  const auto now = domain::now_seconds();
  sessions.prune(now, kPruneBatch);
  domain::ConsoleSession session{call.partner, auth::new_console_token(), now,
                                 now + config.console_session_lifetime.count()};
  auto token = auth::new_console_token();
  sessions.create(auth::console_token_hash(token), session);
  auto response = session_answer(call, session);
  response.headers.emplace_back(
      "Set-Cookie", cookie(token, std::to_string(config.console_session_lifetime.count()),
                           config.secure_cookies));
  return response;
}

http::Response get_console_session(Call& call) {
  return session_answer(call, *call.session);
}

http::Response delete_console_session(Call& call) {
  call.services.database.console_sessions().end(
      auth::console_token_hash(session_cookie(call.request)));
  http::Response response;
  response.status = 204;
  response.headers.emplace_back("Set-Cookie", cookie("", "0", call.services.config.secure_cookies));
  return response;
}

}  // namespace accountsd::api
