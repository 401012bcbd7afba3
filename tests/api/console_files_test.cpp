// Issue 15: the web console's files, embedded in the server and served under /console/: the
// redirect of the bare name, content types, revalidation by ETag, HEAD, unknown files, and the
// security headers every /console answer carries. (Not API operations: kept out of the OpenAPI
// check's records.)
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

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

// A server under another --api-root tells the page its root: the one meta tag changes, escaped
// as an attribute value, and so does the ETag (a browser must not keep the default's page).
class ConsoleFilesOtherRootTest : public ConsoleFilesTest {
 protected:
  void configure(api::AppConfig& config) override {
    ConsoleFilesTest::configure(config);
    config.api_root = "/api/a&b\"";
  }
};

TEST_F(ConsoleFilesOtherRootTest, TheIndexNamesThisServersApiRoot) {
  auto reply = fetch("GET", "/console/");
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto built_in = index_html();
  const std::string meta = R"(name="accountsd-api-root" content=")";
  ASSERT_NE(built_in.find(meta + "/apis/accounts/v1\""), std::string::npos);
  EXPECT_NE(reply.body.find(meta + "/api/a&amp;b&quot;\""), std::string::npos) << reply.body;
  EXPECT_EQ(reply.body.find("/apis/accounts/v1"), std::string::npos);
  EXPECT_EQ(reply.body.size(), built_in.size() - 17 + 18);
  EXPECT_EQ(reply.header("content-length"), std::to_string(reply.body.size()));
  auto etag = reply.header("etag");
  EXPECT_FALSE(etag.empty());
  EXPECT_EQ(fetch("GET", "/console/index.html", {{"If-None-Match", etag}}).status, 304);
  // The other files are as built.
  EXPECT_EQ(fetch("GET", "/console/style.css").status, 200);
}

// serve --console-dir: the files come from a folder at each request, so an edit shows at the next
// load; nothing outside the folder can be named.
class ConsoleDirTest : public ConsoleFilesTest {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("console-dir-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(root_ / "app" / "js");
    write("app/index.html", "<meta name=\"accountsd-api-root\" content=\"/apis/accounts/v1\">");
    write("app/js/main.js", "first");
    write("secret.txt", "not the console's");
    ConsoleFilesTest::SetUp();
  }
  void TearDown() override {
    ConsoleFilesTest::TearDown();
    std::filesystem::remove_all(root_);
  }
  void configure(api::AppConfig& config) override {
    ConsoleFilesTest::configure(config);
    config.console_dir = (root_ / "app").string();
  }
  void write(const std::string& path, const std::string& text) {
    std::ofstream(root_ / path, std::ios::binary | std::ios::trunc) << text;
  }
  std::filesystem::path root_;
};

TEST_F(ConsoleDirTest, ServesTheFolderAsItIsNow) {
  auto index = fetch("GET", "/console/");
  ASSERT_EQ(index.status, 200) << index.body;
  EXPECT_EQ(index.body, "<meta name=\"accountsd-api-root\" content=\"/apis/accounts/v1\">");
  expect_console_headers(index);
  auto first = fetch("GET", "/console/js/main.js");
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(first.body, "first");
  EXPECT_EQ(first.header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(fetch("GET", "/console/js/main.js", {{"If-None-Match", first.header("etag")}}).status,
            304);
  write("app/js/main.js", "second");
  auto second = fetch("GET", "/console/js/main.js", {{"If-None-Match", first.header("etag")}});
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(second.body, "second");
  EXPECT_NE(second.header("etag"), first.header("etag"));
}

TEST_F(ConsoleDirTest, NamesNothingOutsideTheFolder) {
  for (const char* target :
       {"/console/../secret.txt", "/console/%2e%2e/secret.txt", "/console/js/..%2f..%2fsecret.txt",
        "/console/js//main.js", "/console/./js/main.js", "/console/nope.js", "/console/js"}) {
    auto reply = fetch("GET", target);
    EXPECT_EQ(reply.status, 404) << target << ": " << reply.body;
    EXPECT_EQ(reply.body.find("not the console's"), std::string::npos) << target;
  }
}

}  // namespace
}  // namespace accountsd::testing
