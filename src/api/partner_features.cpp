#include "api/handlers.hpp"

namespace accountsd::api {

http::Response get_features(Call& call) {
  auto features = call.partners().features(call.partner);
  boost::json::object body;
  for (auto name : domain::kFeatureNames) body[name] = *features.flag(name);
  return http::json_response(200, body);
}

}  // namespace accountsd::api
