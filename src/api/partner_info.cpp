// C.2 GET /partner/info: the partner's company name, brand identifier and creation time.
#include "api/handlers.hpp"

namespace accountsd::api {

http::Response get_partner_info(Call& call) {
  auto partner = call.partners().find_partner(call.partner);
  if (!partner) throw Error(ErrorKind::unauthorized, "partner no longer exists");
  boost::json::object body;
  body["company_name"] = partner->name;
  // The brand of self-signup and of share links is the partner's username.
  body["brand_identifier"] = partner->username;
  body["creation_time"] = partner->created_at;
  return http::json_response(200, body);
}

}  // namespace accountsd::api
