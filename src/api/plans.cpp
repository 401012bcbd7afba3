#include "api/handlers.hpp"
#include "api/representations.hpp"

namespace accountsd::api {

// B.1: the partner's plans.
http::Response get_plans(Call& call) {
  return json_list_response(call.directory().plans(call.partner), plan_json);
}

}  // namespace accountsd::api
