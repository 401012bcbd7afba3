// A GET let in on cached credentials is confirmed by the store with its first read (in the same
// round trip on PostgreSQL): a password changed meanwhile, by this server or another on the same
// database, refuses the old one at the next request, and nothing of that request is answered.
#include <atomic>
#include <thread>
#include <vector>

#include "auth/password.hpp"
#include "support/api_fixture.hpp"

namespace accountsd::testing {
namespace {

class CachedCredentialsTest : public ApiTest {
 protected:
  // Lets alpha in once (its credentials are then cached), then changes its stored hash the way
  // another server on the database would: in the store, unseen by this server's cache.
  void change_password_elsewhere(const std::string& password) {
    ASSERT_EQ(get("/partner/quota").status, 200);
    partners().set_password_hash(alpha_id, auth::hash_password(password));
  }
};

TEST_F(CachedCredentialsTest, AChangedPasswordRefusesTheCachedOneAtTheNextGet) {
  change_password_elsewhere("changed-elsewhere-1");
  auto old = get("/partner/quota");
  EXPECT_EQ(old.status, 401) << old.body;
  EXPECT_EQ(old.header("www-authenticate"), "Basic realm=\"accounts\"");
  EXPECT_FALSE(old.json.is_object() && old.json.as_object().contains("bytes_used")) << old.body;
  auto now = get_as({alpha.username, "changed-elsewhere-1"}, "/partner/quota");
  EXPECT_EQ(now.status, 200) << now.body;
  EXPECT_TRUE(now.json.at("bytes_used").is_int64()) << now.body;
}

TEST_F(CachedCredentialsTest, AnUnchangedPasswordRehashedIsStillLetIn) {
  // A new salt: the cache cannot vouch for it, the database's hash is verified again.
  change_password_elsewhere(alpha.password);
  auto reply = get("/partner/quota");
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_TRUE(reply.json.at("bytes_used").is_int64()) << reply.body;
  // And cached again, against the new hash.
  EXPECT_EQ(get("/partner/features").status, 200);
}

TEST_F(CachedCredentialsTest, NoClientErrorIsAnsweredBeforeTheCredentialsAreConfirmed) {
  change_password_elsewhere("changed-elsewhere-2");
  // Refused before any read (a malformed parameter), and after one (no such user): either way
  // the old password is what the client hears about.
  auto malformed = get("/users/?limit=many");
  EXPECT_EQ(malformed.status, 401) << malformed.body;
  auto missing = get("/users/nobody@example.com");
  EXPECT_EQ(missing.status, 401) << missing.body;
  // With the new password, the same requests are answered as such.
  const Login now{alpha.username, "changed-elsewhere-2"};
  EXPECT_EQ(get_as(now, "/users/?limit=many").status, 400);
  EXPECT_EQ(get_as(now, "/users/nobody@example.com").status, 404);
}

TEST_F(CachedCredentialsTest, OnlyTheChangedPartnerIsRefused) {
  ASSERT_EQ(get_as(beta, "/partner/quota").status, 200);
  ASSERT_EQ(get("/partner/quota").status, 200);
  partners().set_password_hash(beta_id, auth::hash_password("beta-new"));
  EXPECT_EQ(get("/partner/quota").status, 200);  // another partner's change changes nothing
  EXPECT_EQ(get_as(beta, "/partner/quota").status, 401);
}

TEST_F(CachedCredentialsTest, WritesCheckTheDatabaseBeforeTheyChangeAnything) {
  change_password_elsewhere("changed-elsewhere-3");
  auto refused = post("/partner/settings", R"({"api_version": "old password"})");
  EXPECT_EQ(refused.status, 401) << refused.body;
  auto settings = get_as({alpha.username, "changed-elsewhere-3"}, "/partner/settings");
  ASSERT_EQ(settings.status, 200) << settings.body;
  EXPECT_TRUE(settings.json.at("api_version").is_null()) << settings.body;
}

// One verification worker, with room for every request below to wait.
class ColdCredentialsTest : public CachedCredentialsTest {
 protected:
  http::ServerLimits server_limits() override {
    auto limits = ApiTest::server_limits();
    limits.worker_threads = 1;
    limits.worker_queue = 16;
    return limits;
  }
};

TEST_F(ColdCredentialsTest, RequestsArrivingTogetherOnUncachedCredentialsVerifyThemOnce) {
  // A production-cost hash, so that the first verification is still running when the others
  // queue behind it.
  auth::set_hash_cost(auth::HashCost::interactive);
  partners().set_password_hash(alpha_id, auth::hash_password(alpha.password));
  auth::set_hash_cost(auth::HashCost::minimal);
  constexpr int kRequests = 6;
  std::vector<Reply> replies(kRequests);
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  auto before = auth::verifications_made();
  for (int i = 0; i < kRequests; ++i) {
    threads.emplace_back([&, i] {
      while (!go) std::this_thread::yield();
      replies[i] = get("/partner/quota");
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  for (const auto& reply : replies) EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(auth::verifications_made() - before, 1u);
}

}  // namespace
}  // namespace accountsd::testing
