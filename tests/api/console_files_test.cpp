// Issue 15: the web console's files, embedded in the server and served under /console/: the
// redirect of the bare name, content types, revalidation by ETag, HEAD, unknown files, and the
// security headers every /console answer carries. (Not API operations: kept out of the OpenAPI
// check's records.)
#include <string>

#include "api/console_assets.hpp"
#include "api/console_files.hpp"
#include "support/api_fixture.hpp"
#include "support/unrecorded_replies.hpp"

namespace accountsd::testing {
namespace {

constexpr const char* kCsp =
    "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

class ConsoleFilesTest : public ApiTest {
 protected:
  Reply fetch(const std::string& method, const std::string& target,
              const std::map<std::string, std::string>& headers = {}) {
    UnrecordedReplies unrecorded;
    return request_target(method, target, "", std::nullopt, headers);
  }
  static void expect_console_headers(const Reply& reply) {
    EXPECT_EQ(reply.header("content-security-policy"), kCsp);
    EXPECT_EQ(reply.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(reply.header("referrer-policy"), "no-referrer");
  }
  static std::string index_html() {
    for (const auto& asset : api::console_assets())
      if (asset.path == "index.html") return std::string(asset.content);
    ADD_FAILURE() << "console/app/index.html is not embedded";
    return "";
  }
};

TEST_F(ConsoleFilesTest, TheBareNameRedirectsToTheFolder) {
  for (const char* method : {"GET", "HEAD"}) {
    auto reply = fetch(method, "/console");
    EXPECT_EQ(reply.status, 308) << method;
    EXPECT_EQ(reply.header("location"), "/console/");
    expect_console_headers(reply);
  }
}

TEST_F(ConsoleFilesTest, TheFolderIsTheIndexPage) {
  auto reply = fetch("GET", "/console/");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.body, index_html());
  EXPECT_EQ(reply.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(reply.header("cache-control"), "no-cache");
  EXPECT_EQ(reply.header("etag").size(), 34u) << reply.header("etag");
  expect_console_headers(reply);
  auto named = fetch("GET", "/console/index.html");
  EXPECT_EQ(named.body, reply.body);
  EXPECT_EQ(named.header("etag"), reply.header("etag"));
  // Without credentials, and with any that come: the files are no one's.
  EXPECT_EQ(fetch("GET", "/console/", {{"Authorization", "Basic bm9ib2R5Ondyb25n"}}).status, 200);
}

TEST_F(ConsoleFilesTest, AKnownETagIsAnswered304) {
  auto first = fetch("GET", "/console/index.html");
  const auto etag = first.header("etag");
  auto again = fetch("GET", "/console/index.html", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_EQ(again.body, "");
  EXPECT_EQ(again.header("etag"), etag);
  expect_console_headers(again);
  EXPECT_EQ(fetch("GET", "/console/index.html", {{"If-None-Match", "\"x\", W/" + etag}}).status,
            304);
  EXPECT_EQ(fetch("GET", "/console/index.html", {{"If-None-Match", "\"stale\""}}).status, 200);
}

TEST_F(ConsoleFilesTest, HeadHasTheHeadersAndNoBody) {
  auto reply = fetch("HEAD", "/console/");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "");
  EXPECT_EQ(reply.header("content-length"), std::to_string(index_html().size()));
  EXPECT_EQ(reply.header("content-type"), "text/html; charset=utf-8");
  expect_console_headers(reply);
  // The connection stays usable: the server wrote no body the client would misread.
  EXPECT_EQ(fetch("GET", "/console/").status, 200);
}

TEST_F(ConsoleFilesTest, AnUnknownFileIs404Json) {
  for (const char* target : {"/console/nope.js", "/console/js/nope.js", "/console/../index.html",
                             "/console/%2e%2e/openapi.json"}) {
    auto reply = fetch("GET", target);
    EXPECT_EQ(reply.status, 404) << target << ": " << reply.body;
    EXPECT_TRUE(reply.json.is_object() && reply.json.as_object().contains("reason")) << target;
    if (reply.status == 404) expect_console_headers(reply);
  }
  auto put = fetch("PUT", "/console/index.html");
  EXPECT_EQ(put.status, 405);
  expect_console_headers(put);
}

TEST_F(ConsoleFilesTest, NestedFilesAreRoutedByTheirWholePath) {
  auto match = app().resolve("GET", "/console/js/pages/users.js").match;
  ASSERT_TRUE(match.found());
  EXPECT_EQ(match.pattern, "/console/{file+}");
  EXPECT_EQ(match.params.get("file"), "js/pages/users.js");
  EXPECT_EQ(app().resolve("GET", "/console/session").match.pattern, "/console/session");
  EXPECT_EQ(app().resolve("HEAD", "/console/").match.pattern, "/console");
}

TEST(ConsoleContentTypeTest, ComesFromTheExtension) {
  EXPECT_EQ(api::console_content_type("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(api::console_content_type("js/app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(api::console_content_type("app.CSS"), "text/css; charset=utf-8");
  EXPECT_EQ(api::console_content_type("logo.svg"), "image/svg+xml");
  EXPECT_EQ(api::console_content_type("logo.png"), "image/png");
  EXPECT_EQ(api::console_content_type("data/x.json"), "application/json");
  EXPECT_EQ(api::console_content_type("favicon.ico"), "image/x-icon");
  EXPECT_EQ(api::console_content_type("fonts/a.woff2"), "font/woff2");
  EXPECT_EQ(api::console_content_type("README"), "application/octet-stream");
  EXPECT_EQ(api::console_content_type(".js"), "application/octet-stream");
}

TEST(ConsoleAssetsTest, AreSortedByPathForLookup) {
  auto assets = api::console_assets();
  ASSERT_FALSE(assets.empty());
  for (std::size_t i = 1; i < assets.size(); ++i) EXPECT_LT(assets[i - 1].path, assets[i].path);
}

}  // namespace
}  // namespace accountsd::testing
