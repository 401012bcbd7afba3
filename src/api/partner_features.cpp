#include "api/handlers.hpp"
#include "api/representations.hpp"

namespace accountsd::api {
namespace {

// Written straight to text, as every single-object read is (issue 13).
void write_features(http::JsonWriter& out, const domain::Features& features) {
  out.begin_object();
  for (const auto& feature : domain::kFeatures) out.member(feature.name, features.*feature.flag);
  out.end_object();
}

}  // namespace

http::Response get_features(Call& call) {
  return written_response(write_features, call.partners().features(call.partner));
}

}  // namespace accountsd::api
