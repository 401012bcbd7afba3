#include "api/handlers.hpp"

namespace accountsd::api {

http::Response get_features(Call& call) {
  auto features = call.partners().features(call.partner);
  boost::json::object body;
  for (const auto& feature : domain::kFeatures) body[feature.name] = features.*feature.flag;
  return http::json_response(200, body);
}

}  // namespace accountsd::api
