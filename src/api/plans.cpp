#include "api/handlers.hpp"
#include "api/representations.hpp"

namespace accountsd::api {

// B.1: the partner's plans.
http::Response get_plans(Call& call) {
  boost::json::array body;
  for (const auto& plan : call.services.store.plans(call.partner)) body.push_back(plan_json(plan));
  return http::json_response(200, body);
}

}  // namespace accountsd::api
