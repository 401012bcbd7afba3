// The OpenAPI 3.1 document of the API (docs/openapi.json), compiled into the server.
#pragma once

#include <string>
#include <string_view>

#include "api/app.hpp"

namespace accountsd::api {

// docs/openapi.json as it is in the source tree (generated at build time: CMakeLists.txt).
std::string_view openapi_json();

// The document as a server with these roots serves it: its servers name `api_root`, and the
// storage service's paths (B.5) `internal_root`.
std::string openapi_document(std::string_view api_root, std::string_view internal_root);

// GET /openapi.json: the document, as this server's configuration names its roots.
http::Response get_openapi(Call& call);

}  // namespace accountsd::api
