// The web console's session cookie: finding it in a request and letting a call in as the partner
// of the session it names (App::dispatch), and reading the sign-in form.
#pragma once

#include <string_view>

#include "api/app.hpp"
#include "auth/authenticator.hpp"

namespace accountsd::api {

// The cookie's name; its value is the session's token (auth/console_token.hpp).
constexpr std::string_view kSessionCookie = "accountsd_session";
// The header that a cookie-authenticated request that changes something echoes the session's
// CSRF token in.
constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

// The session cookie's value in `request`'s Cookie header, or empty when it has none.
std::string_view session_cookie(const http::Request& request);
// Lets `call` in as the partner of the unexpired session that `token` names (call.partner and
// call.session). Throws 401 when there is none, and 403 when the request may change something
// (any method but GET and HEAD) without the session's CSRF token in X-CSRF-Token: another site
// can make a browser send the cookie, but cannot read the token to send with it.
void enter_session(Call& call, std::string_view token);
// The username and password of a sign-in (POST /console/session): a JSON object with exactly
// those two strings, else 400. Parses `body` for read_sign_in(JsonParams&) (body_readers.hpp).
auth::BasicCredentials read_sign_in(std::string_view body);

}  // namespace accountsd::api
