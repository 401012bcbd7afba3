#include "api/handlers.hpp"

namespace accountsd::api {

// "pong" without credentials or with valid ones; wrong credentials are 401 (A.2).
http::Response get_ping(Call& call) {
  auto authorization = call.request.header("Authorization");
  if (!authorization.empty()) {
    // Failures count against the client, not against a trusted proxy that every client shares.
    call.services.authenticator.authenticate(authorization, client_address(call).to_string());
  }
  return http::json_response(200, "pong");
}

}  // namespace accountsd::api
