#include "api/body_readers.hpp"
#include "api/handlers.hpp"
#include "api/json_body.hpp"
#include "api/password_hashing.hpp"
#include "auth/password.hpp"

namespace accountsd::api {

// The body is one JSON string, the new password (A.5).
std::string read_password(std::string_view body) {
  auto not_a_string = [] {
    return bad_request("body must be a JSON string: the new password", {"password"});
  };
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) throw not_a_string();
  boost::json::value value;
  try {
    value = parse_json(body);
  } catch (const Error& error) {
    // The whole body is the password field, so malformed JSON names it like any other problem.
    throw bad_request(error.what(), {"password"});
  }
  if (!value.is_string()) throw not_a_string();
  std::string_view password = value.get_string();
  if (auto problem = auth::password_problem(password)) throw bad_request(*problem, {"password"});
  return std::string(password);
}

http::Response post_password(Call& call) {
  auto password = read_password(call.request.body);
  // With its appliance key's hash: an OpenManage appliance set up afresh signs in with the key of
  // the password typed (Part C).
  return with_partner_password_hashes(
      std::move(password),
      [&partners = call.partners(), partner = call.partner](domain::PasswordHashes hashes) {
        partners.set_password_hashes(partner, hashes);
        return http::json_response(200, boost::json::object());
      });
}

}  // namespace accountsd::api
