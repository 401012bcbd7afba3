// The document as a server with other roots serves it (api/openapi.hpp).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "api/openapi.hpp"

namespace accountsd::api {
namespace {

TEST(OpenApiDocumentTest, NamesTheServersRoots) {
  auto document = boost::json::parse(openapi_document("/accounts", "/service/v2")).as_object();
  EXPECT_EQ(document.at("servers").at(0).at("url"), "/accounts");
  const auto& paths = document.at("paths").as_object();
  EXPECT_EQ(paths.at("/partners/{partner}/users/{u}/usage").at("servers").at(0).at("url"),
            "/service/v2");
  // The server's own root stays: /metrics is not under either.
  EXPECT_EQ(paths.at("/metrics").at("servers").at(0).at("url"), "/");
}

TEST(OpenApiDocumentTest, IsTheEmbeddedDocument) {
  auto embedded = boost::json::parse(openapi_json());
  auto served = boost::json::parse(openapi_document("/apis/accounts/v1", "/internal/v1"));
  EXPECT_EQ(served, embedded);
}

}  // namespace
}  // namespace accountsd::api
