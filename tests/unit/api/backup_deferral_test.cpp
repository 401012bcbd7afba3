// POST /partner/backup with a large body (one that holds a large-body place) takes the body
// apart, checks and hashes it as work for the server's worker pool, and stores it only in the
// step after: the first step, which runs on the I/O thread and as a write holds the write batch's
// turn, neither reads the body nor stores anything. What the work refuses is still a 400. A small
// body is answered at once, as before.
#include <gtest/gtest.h>
#include <sodium.h>

#include <memory>
#include <string>

#include "auth/password.hpp"
#include "domain/backup.hpp"
#include "support/app_world.hpp"
#include "support/http_client.hpp"

namespace accountsd::api {
namespace {

constexpr const char* kPassword = "alpha-password-1";

class BackupDeferralTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    auth::set_hash_cost(auth::HashCost::minimal);
    world_ = std::make_unique<testing::AppWorld>();
    partner_ = world_->add_partner("alpha", kPassword);
    // The first request's login is verified as deferred work too; after it, the credential cache
    // answers, and a deferral is the upload's own.
    auto warm = request("GET", "");
    ASSERT_EQ(http::complete_inline(world_->app().handle(warm)).status, 200);
  }

  http::Request request(const std::string& method, std::string body) {
    http::Request r;
    r.method = method;
    r.target = "/apis/accounts/v1/partner/backup";
    r.headers.emplace_back("Authorization", testing::basic_authorization({"alpha", kPassword}));
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = std::move(body);
    r.peer = boost::asio::ip::make_address("127.0.0.1");
    r.request_id = "backup-deferral";
    return r;
  }
  // An upload of `data` with `sha256`, as the server hands it over once its body is whole.
  http::Request upload(const std::string& data, const std::string& sha256, bool large) {
    auto r = request("POST", R"({"sha256": ")" + sha256 + R"(", "data": ")" + data + R"("})");
    r.holds_large_body = large;
    return r;
  }
  std::optional<domain::Backup> stored() {
    return world_->store().partners().backup(partner_, domain::BackupGeneration::current);
  }

  std::unique_ptr<testing::AppWorld> world_;
  store::PartnerId partner_ = 0;
};

TEST_F(BackupDeferralTest, ALargeUploadIsReadAndStoredOnlyInItsLaterSteps) {
  const std::string data(2 << 20, 'A');  // base64 text of 2 MiB
  auto r = upload(data, domain::sha256_hex(data), true);
  auto first = world_->app().handle(r);
  ASSERT_TRUE(first.deferred) << first.status << " " << first.body;
  EXPECT_TRUE(first.deferred->work) << "the checks are work for the worker pool";
  EXPECT_EQ(first.durable_ticket, 0u) << "the first step committed nothing";
  EXPECT_FALSE(stored()) << "nothing is stored before the checks";

  auto answer = http::complete_inline(std::move(first));
  EXPECT_EQ(answer.status, 200) << answer.body;
  auto backup = stored();
  ASSERT_TRUE(backup);
  EXPECT_EQ(backup->data, data);
  EXPECT_EQ(backup->sha256, domain::sha256_hex(data));
  auto body = boost::json::parse(answer.body).as_object();
  EXPECT_EQ(body.at("size").as_int64(), static_cast<std::int64_t>(data.size()));
  EXPECT_EQ(body.at("update_time").as_int64(), backup->update_time);
}

TEST_F(BackupDeferralTest, WhatTheChecksRefuseIsA400AndStoresNothing) {
  const std::string data(2 << 20, 'A');
  auto r = upload(data, std::string(64, '0'), true);
  auto answer = http::complete_inline(world_->app().handle(r));
  EXPECT_EQ(answer.status, 400) << answer.body;
  auto body = boost::json::parse(answer.body).as_object();
  EXPECT_EQ(body.at("invalid"), (boost::json::array{"sha256"})) << answer.body;
  EXPECT_FALSE(stored());

  auto not_json = request("POST", "{\"data\": ");
  not_json.holds_large_body = true;
  EXPECT_EQ(http::complete_inline(world_->app().handle(not_json)).status, 400);
  EXPECT_FALSE(stored());
}

TEST_F(BackupDeferralTest, ASmallUploadIsAnsweredAtOnce) {
  const std::string data = "c2VjcmV0";
  auto r = upload(data, domain::sha256_hex(data), false);
  auto answer = world_->app().handle(r);
  EXPECT_FALSE(answer.deferred);
  EXPECT_EQ(answer.status, 200) << answer.body;
  ASSERT_TRUE(stored());
  EXPECT_EQ(stored()->data, data);
}

}  // namespace
}  // namespace accountsd::api
