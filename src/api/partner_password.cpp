#include "api/handlers.hpp"
#include "api/json_body.hpp"
#include "auth/password.hpp"

namespace accountsd::api {

// The body is one JSON string, the new password (A.5).
http::Response post_password(Call& call) {
  const auto& body = call.request.body;
  if (body.find_first_not_of(" \t\r\n") == std::string::npos)
    throw bad_request("body must be a JSON string: the new password", {"password"});
  auto value = parse_json(body);
  if (!value.is_string())
    throw bad_request("body must be a JSON string: the new password", {"password"});
  std::string_view password = value.get_string();
  if (auto problem = auth::password_problem(password)) throw bad_request(*problem, {"password"});
  call.services.store.set_password_hash(call.partner, auth::hash_password(password));
  return http::json_response(200, boost::json::object());
}

}  // namespace accountsd::api
