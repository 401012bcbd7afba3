#include "api/handlers.hpp"

namespace accountsd::api {

// "pong" without credentials or with valid ones; wrong credentials are 401 (A.2).
http::Response get_ping(Call& call) {
  auto authorization = call.request.header("Authorization");
  if (!authorization.empty()) {
    call.services.authenticator.authenticate(authorization, call.request.peer.to_string());
  }
  return http::json_response(200, "pong");
}

}  // namespace accountsd::api
