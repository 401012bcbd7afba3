// GET /openapi.json: the document that describes every route of this server.
#include "api/openapi.hpp"

#include <boost/json.hpp>

namespace accountsd::api {
namespace {

// The storage service's root as docs/openapi.json names it (AppConfig's default).
constexpr std::string_view kDocumentInternalRoot = "/internal/v1";

// Points each entry of a `servers` list at this server's root.
void point_servers(boost::json::value* servers, std::string_view from, std::string_view to) {
  if (servers == nullptr || !servers->is_array()) return;
  for (auto& server : servers->get_array()) {
    auto* url = server.is_object() ? server.get_object().if_contains("url") : nullptr;
    if (url && url->is_string() && (from.empty() || url->get_string() == from)) *url = to;
  }
}

}  // namespace

std::string openapi_document(std::string_view api_root, std::string_view internal_root) {
  auto document = boost::json::parse(openapi_json());
  auto& root = document.as_object();
  point_servers(root.if_contains("servers"), {}, api_root);
  for (auto& [path, item] : root.at("paths").as_object())
    point_servers(item.as_object().if_contains("servers"), kDocumentInternalRoot, internal_root);
  return boost::json::serialize(document);
}

// Built at each call: it is rarely asked for.
http::Response get_openapi(Call& call) {
  const auto& config = call.services.config;
  return http::raw_json_response(200, openapi_document(config.api_root, config.internal_root));
}

}  // namespace accountsd::api
