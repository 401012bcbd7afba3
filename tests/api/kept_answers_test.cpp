// Whole answers kept for list reads (api/answer_cache.hpp) are never stale: a read after a
// change, made through the API, through the store, or by another process on the same database,
// sees it; a partner never gets another's answer; credentials are checked first. On both
// backends (on PostgreSQL, TwoServersTest has a second server make the change).
#include <algorithm>
#include <atomic>
#include <future>
#include <string>
#include <vector>

#include "store/database.hpp"
#include "support/api_fixture.hpp"

namespace accountsd::testing {
namespace {

class KeptAnswersTest : public ApiTest {
 protected:
  std::vector<std::string> plan_names(const Login& login) {
    auto reply = get_as(login, "/plans");
    EXPECT_EQ(reply.status, 200) << reply.body;
    std::vector<std::string> names;
    if (!reply.json.is_array()) return names;
    for (const auto& plan : reply.json.as_array()) names.emplace_back(plan.at("name").as_string());
    return names;
  }
  bool has_plan(const Login& login, const std::string& name) {
    auto names = plan_names(login);
    return std::find(names.begin(), names.end(), name) != names.end();
  }
  std::uint64_t hits() const { return app().answers().counts().hits; }
};

TEST_F(KeptAnswersTest, ARepeatedListReadIsAnsweredAgainFromMemory) {
  auto first = get("/plans");
  ASSERT_EQ(first.status, 200) << first.body;
  auto before = hits();
  // The first read on the other I/O thread may miss. On PostgreSQL, so does any read after a
  // commit anywhere in the cluster (another test's): those are read again until 3 were kept.
  const int reads = test_db().postgres() ? 50 : 5;
  for (int i = 0; i < reads && hits() < before + 3; ++i) {
    auto again = get("/plans");
    ASSERT_EQ(again.status, 200);
    EXPECT_EQ(again.body, first.body);
    EXPECT_EQ(again.header("content-type"), first.header("content-type"));
  }
  EXPECT_GE(hits(), before + 3);
}

TEST_F(KeptAnswersTest, AChangeThroughTheStoreIsSeenAtTheNextRead) {
  plan_names(alpha);
  plan_names(alpha);
  directory().create_plan(alpha_id, "Through the store", 5'000'000'000);
  EXPECT_TRUE(has_plan(alpha, "Through the store"));
}

TEST_F(KeptAnswersTest, AChangeByAnotherProcessIsSeenAtTheNextRead) {
  plan_names(alpha);
  plan_names(alpha);
  // A store of its own on the same database, as an operator command or a second server has:
  // nothing in this process counts its commit.
  auto other = store::open_store(test_db().url());
  other->directory().create_plan(alpha_id, "From elsewhere", 5'000'000'000);
  EXPECT_TRUE(has_plan(alpha, "From elsewhere"));
  other->directory().create_plan(alpha_id, "From elsewhere again", 5'000'000'000);
  EXPECT_TRUE(has_plan(alpha, "From elsewhere again"));
}

TEST_F(KeptAnswersTest, AWriteThroughTheApiIsSeenByEveryReadAfterIt) {
  // Readers keep the page warm on both I/O threads meanwhile.
  std::atomic<bool> stop{false};
  std::vector<std::future<int>> readers;
  for (int r = 0; r < 2; ++r) {
    readers.push_back(std::async(std::launch::async, [this, &stop] {
      int failures = 0;
      while (!stop) failures += get("/groups/").status != 200;
      return failures;
    }));
  }
  const auto plan = std::to_string(directory().plans(alpha_id).at(0).plan_id);
  for (int i = 1; i <= 25; ++i) {
    auto name = "Group " + std::to_string(i);
    auto write = post("/groups/", R"({"name": ")" + name + R"(", "plan_id": )" + plan +
                                      R"(, "webapi_enable": true, "check_domain": false})");
    ASSERT_EQ(write.status, 201) << write.body;
    auto read = get("/groups/");
    ASSERT_EQ(read.status, 200) << read.body;
    bool found = false;
    for (const auto& group : read.json.as_array()) found |= group.at("name").as_string() == name;
    EXPECT_TRUE(found) << name << " missing from " << read.body;
  }
  stop = true;
  for (auto& reader : readers) EXPECT_EQ(reader.get(), 0);
}

TEST_F(KeptAnswersTest, APartnerNeverGetsAnotherPartnersAnswer) {
  directory().create_plan(alpha_id, "Alpha only", 5'000'000'000);
  directory().create_plan(beta_id, "Beta only", 5'000'000'000);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(has_plan(alpha, "Alpha only"));
    EXPECT_FALSE(has_plan(alpha, "Beta only"));
    EXPECT_TRUE(has_plan(beta, "Beta only"));
    EXPECT_FALSE(has_plan(beta, "Alpha only"));
  }
}

TEST_F(KeptAnswersTest, CredentialsAreCheckedBeforeAKeptAnswerIsSent) {
  ASSERT_EQ(get("/plans").status, 200);
  ASSERT_EQ(get("/plans").status, 200);
  auto wrong = request("GET", "/plans", "", Login{"alpha", "not-the-password"});
  EXPECT_EQ(wrong.status, 401) << wrong.body;
  auto none = request("GET", "/plans", "", std::nullopt);
  EXPECT_EQ(none.status, 401) << none.body;
  // A password changed through the API: the old one gets nothing kept for it.
  auto change = post("/partner/password", R"("alpha-password-new-1")");
  ASSERT_EQ(change.status, 200) << change.body;
  auto old = get("/plans");
  EXPECT_EQ(old.status, 401) << old.body;
}

}  // namespace
}  // namespace accountsd::testing
