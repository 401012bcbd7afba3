// App::resolve: a target is routed the same whether its path is split as it is (the common
// case) or parsed and percent-decoded as a URL.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "api/app.hpp"
#include "billing/sandbox_card_processor.hpp"
#include "store/database.hpp"

namespace accountsd::api {
namespace {

class ResolveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() /
           ("accountsd-resolve-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
    store_ = store::open_store("sqlite:" + (dir_ / "accounts.db").string());
    authenticator_ = std::make_unique<auth::Authenticator>(store_->partners());
    app_ = std::make_unique<App>(Services{*store_, cards_, *authenticator_, AppConfig{}});
  }
  void TearDown() override {
    app_.reset();
    authenticator_.reset();
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  http::ResolvedRoute resolve(const std::string& method, const std::string& path) {
    return app_->resolve(method, "/apis/accounts/v1" + path);
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Database> store_;
  billing::SandboxCardProcessor cards_;
  std::unique_ptr<auth::Authenticator> authenticator_;
  std::unique_ptr<App> app_;
};

TEST_F(ResolveTest, AnEmailInThePathRoutesAsItsPercentEncodedForm) {
  auto raw = resolve("GET", "/users/joe@example.com");
  auto encoded = resolve("GET", "/users/joe%40example.com");
  ASSERT_TRUE(raw.match.found());
  ASSERT_TRUE(encoded.match.found());
  EXPECT_EQ(raw.match.index, encoded.match.index);
  EXPECT_EQ(raw.match.pattern, "/apis/accounts/v1/users/{u}");
  EXPECT_EQ(raw.match.params.get("u"), "joe@example.com");
  EXPECT_EQ(encoded.match.params.get("u"), "joe@example.com");
  auto shares = resolve("GET", "/users/joe@example.com/shares/");
  ASSERT_TRUE(shares.match.found());
  EXPECT_EQ(shares.match.params.get("u"), "joe@example.com");
}

TEST_F(ResolveTest, DotSegmentsAndEncodedSlashesStillGoThroughTheParser) {
  // "%2F" decodes to a slash inside one segment: not a second segment.
  auto slash = resolve("GET", "/users/a%2Fb");
  ASSERT_TRUE(slash.match.found());
  EXPECT_EQ(slash.match.params.get("u"), "a/b");
  EXPECT_FALSE(resolve("GET", "/users/joe@example.com/nothing/here").match.found());
}

}  // namespace
}  // namespace accountsd::api
