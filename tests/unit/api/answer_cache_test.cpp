// AnswerCache: an answer is found only under the partner, target and data version it was kept
// under, for its lifetime, and the cache stays within its bytes.
#include "api/answer_cache.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace accountsd::api {
namespace {

http::Response answer(std::string body, int status = 200) {
  http::Response response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "application/json");
  response.body = std::move(body);
  return response;
}

TEST(AnswerCacheTest, FoundUnderItsPartnerTargetAndVersionOnly) {
  AnswerCache cache(1 << 20);
  cache.keep(1, "/users/?limit=2", 7, answer("[1,2]"));
  auto found = cache.find(1, "/users/?limit=2", 7);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->status, 200);
  ASSERT_TRUE(found->shared_body);
  EXPECT_EQ(*found->shared_body, "[1,2]");
  EXPECT_TRUE(found->body.empty());
  ASSERT_EQ(found->headers.size(), 1u);
  EXPECT_EQ(found->headers[0].second, "application/json");
  EXPECT_FALSE(cache.find(2, "/users/?limit=2", 7));  // another partner
  EXPECT_FALSE(cache.find(1, "/users/?limit=3", 7));  // another target
  EXPECT_FALSE(cache.find(1, "/users/?limit=2", 8));  // the data changed since
  auto counts = cache.counts();
  EXPECT_EQ(counts.hits, 1u);
  EXPECT_EQ(counts.misses, 3u);
}

TEST(AnswerCacheTest, KeepsOnlyCompleteSuccessfulAnswers) {
  AnswerCache cache(1 << 20);
  cache.keep(1, "/a", 1, answer("{}", 404));
  EXPECT_FALSE(cache.find(1, "/a", 1));
  auto streamed = answer("");
  streamed.stream = [](std::string&) { return false; };
  cache.keep(1, "/b", 1, streamed);
  EXPECT_FALSE(cache.find(1, "/b", 1));
  auto unsynced = answer("{}");
  unsynced.durable_ticket = 3;
  cache.keep(1, "/c", 1, unsynced);
  EXPECT_FALSE(cache.find(1, "/c", 1));
}

TEST(AnswerCacheTest, AnAnswerExpiresAfterItsLifetime) {
  AnswerCache cache(1 << 20, std::chrono::milliseconds(30));
  cache.keep(1, "/users/", 1, answer("[]"));
  EXPECT_TRUE(cache.find(1, "/users/", 1));
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  EXPECT_FALSE(cache.find(1, "/users/", 1));
}

TEST(AnswerCacheTest, ANewerAnswerReplacesTheKeptOne) {
  AnswerCache cache(1 << 20);
  cache.keep(1, "/users/", 1, answer("[1]"));
  cache.keep(1, "/users/", 2, answer("[1,2]"));
  EXPECT_FALSE(cache.find(1, "/users/", 1));
  auto found = cache.find(1, "/users/", 2);
  ASSERT_TRUE(found);
  EXPECT_EQ(*found->shared_body, "[1,2]");
}

TEST(AnswerCacheTest, StaysWithinItsBytes) {
  constexpr std::size_t kMax = 64 * 1024;
  AnswerCache cache(kMax);
  const std::string body(1000, 'x');
  for (int i = 0; i < 1000; ++i) {
    cache.keep(1, "/users/?offset=" + std::to_string(i), 5, answer(body));
    ASSERT_LE(cache.counts().bytes, kMax);
  }
  // The latest is there; most of the first ones made way.
  EXPECT_TRUE(cache.find(1, "/users/?offset=999", 5));
  int kept = 0;
  for (int i = 0; i < 1000; ++i)
    kept += cache.find(1, "/users/?offset=" + std::to_string(i), 5) ? 1 : 0;
  EXPECT_GT(kept, 0);
  EXPECT_LT(kept, 70);
}

TEST(AnswerCacheTest, ZeroBytesKeepsNothing) {
  AnswerCache cache(0);
  cache.keep(1, "/users/", 1, answer("[]"));
  EXPECT_FALSE(cache.find(1, "/users/", 1));
}

TEST(AnswerCacheTest, AnAnswerTooBigForItsShareIsNotKept) {
  AnswerCache cache(64 * 1024);
  cache.keep(1, "/users/", 1, answer(std::string(10 * 1024, 'x')));
  EXPECT_FALSE(cache.find(1, "/users/", 1));
  EXPECT_EQ(cache.counts().bytes, 0u);
}

}  // namespace
}  // namespace accountsd::api
