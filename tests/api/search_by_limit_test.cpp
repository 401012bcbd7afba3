// B.3 search_by (issue 17, finding 5): at most 50 conditions; more is a 400 naming search_by,
// where 997 used to reach SQLite as one expression tree too large for it (500).
#include <string>

#include "support/api_fixture.hpp"
#include "support/json_checks.hpp"

namespace accountsd::testing {
namespace {

class SearchByLimitTest : public ApiTest {
 protected:
  // "enabled=1,enabled=1,..." with `n` conditions.
  static std::string conditions(int n) {
    std::string text;
    for (int i = 0; i < n; ++i) text += (i ? "," : "") + std::string("enabled=1");
    return text;
  }
};

TEST_F(SearchByLimitTest, FiftyConditionsWorkAndMoreAreRefused) {
  ASSERT_EQ(
      post("/users/", R"({"username": "joe", "name": "Joe", "email": "joe@example.com"})").status,
      200);
  auto fifty = get("/users/?search_by=" + conditions(49) + ",recently_stopped_uploading=9%7C0");
  ASSERT_EQ(fifty.status, 200) << fifty.body;
  auto listed = get("/users/?search_by=" + conditions(50));
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.json.as_array().size(), 1u);
  EXPECT_EQ(get("/users/?action=user_count&search_by=" + conditions(50)).json.at("user_count"), 1);
  for (int n : {51, 997, 1500}) {
    SCOPED_TRACE(n);
    auto reply = get("/users/?search_by=" + conditions(n));
    expect_invalid(reply, {"search_by"});
    EXPECT_NE(reply.json.at("reason").as_string().find("at most 50"), std::string::npos)
        << reply.body;
    expect_invalid(get("/users/?action=user_count&search_by=" + conditions(n)), {"search_by"});
  }
}

}  // namespace
}  // namespace accountsd::testing
