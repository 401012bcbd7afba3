// GET /openapi.json (issue 14): docs/openapi.json, served to anyone, describing every route.
#include <cctype>

#include "support/api_fixture.hpp"

namespace accountsd::testing {
namespace {

class OpenApiTest : public ApiTest {
 protected:
  // The route table then holds GET /metrics too, as `accountsd serve`'s does by default.
  bool serve_metrics() override { return true; }
};

TEST_F(OpenApiTest, ServesTheDocumentWithoutCredentials) {
  auto reply = request("GET", "/openapi.json", "", std::nullopt);
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.header("content-type"), "application/json; charset=utf-8");
  ASSERT_TRUE(reply.json.is_object());
  std::string_view version = reply.json.at("openapi").as_string();
  EXPECT_TRUE(version.starts_with("3.1")) << version;
  EXPECT_EQ(reply.json.at("servers").at(0).at("url"), kRoot);
}

TEST_F(OpenApiTest, IgnoresCredentials) {
  EXPECT_EQ(request("GET", "/openapi.json", "", alpha).status, 200);
  EXPECT_EQ(request("GET", "/openapi.json", "", Login{"alpha", "wrong-password"}).status, 200);
}

// Every route of the table, under its root (the API's, the storage service's or the server's),
// is an operation of the document.
TEST_F(OpenApiTest, DescribesEveryRoute) {
  auto document = request("GET", "/openapi.json", "", std::nullopt).json;
  const auto& paths = document.at("paths").as_object();
  const auto& routes = app().routes();
  const std::string internal_root = "/internal/v1";
  ASSERT_GT(routes.size(), 40u);
  for (std::size_t i = 0; i < routes.size(); ++i) {
    std::string path = routes.pattern(i);
    std::string root = "/";
    for (const std::string& prefix : {std::string(kRoot), internal_root}) {
      if (path.starts_with(prefix + "/")) {
        root = prefix;
        path.erase(0, prefix.size());
      }
    }
    // The console's files are pages for a browser, not operations (its session is one).
    if (path == "/console" || path == "/console/{file+}") continue;
    std::string method = routes.method(i);
    for (auto& c : method) c = char(std::tolower(static_cast<unsigned char>(c)));
    SCOPED_TRACE(routes.method(i) + " " + routes.pattern(i));
    const auto* item = paths.if_contains(path);
    ASSERT_NE(item, nullptr) << path << " is not in the document's paths";
    EXPECT_TRUE(item->as_object().contains(method));
    // Paths outside the API root name their own root.
    const auto* servers = item->as_object().if_contains("servers");
    if (root == kRoot) {
      EXPECT_EQ(servers, nullptr);
    } else {
      ASSERT_NE(servers, nullptr);
      EXPECT_EQ(servers->at(0).at("url").as_string(), root);
    }
  }
}

}  // namespace
}  // namespace accountsd::testing
