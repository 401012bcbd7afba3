#include "api/handlers.hpp"

namespace accountsd::api {

// "pong" without credentials or with valid ones; wrong credentials are 401 (A.2), which the
// route's Access::partner_if_sent makes the App check before this runs.
http::Response get_ping(Call&) {
  return http::json_response(200, "pong");
}

}  // namespace accountsd::api
