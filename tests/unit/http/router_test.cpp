#include "http/router.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace accountsd::http {
namespace {

using Segments = std::vector<std::string>;

// A table shaped like the API's: static paths, captures, and several methods on one path.
Router<int> make_router() {
  Router<int> router;
  router.add("GET", "/ping", 1);
  router.add("GET", "/partner/settings", 2);
  router.add("POST", "/partner/settings", 3);
  router.add("GET", "/shares/", 4);
  router.add("GET", "/users/{u}", 5);
  router.add("GET", "/users/{u}/shares/{room_key}", 6);
  router.add("POST", "/users/{u}/shares/{room_key}", 7);
  return router;
}

TEST(SplitPattern, SplitsOnSlashes) {
  EXPECT_EQ(split_pattern("/partner/settings"), (Segments{"partner", "settings"}));
  EXPECT_EQ(split_pattern("/users/{u}/shares/"), (Segments{"users", "{u}", "shares"}));
}

TEST(SplitPattern, IgnoresATrailingSlash) {
  EXPECT_EQ(split_pattern("/shares/"), split_pattern("/shares"));
  EXPECT_EQ(split_pattern("/plans/"), (Segments{"plans"}));
}

TEST(SplitPattern, RootIsNoSegments) {
  EXPECT_TRUE(split_pattern("/").empty());
  EXPECT_TRUE(split_pattern("").empty());
}

TEST(Router, MatchesStaticPaths) {
  auto router = make_router();
  auto match = router.match("GET", {"ping"});
  ASSERT_TRUE(match.found());
  EXPECT_EQ(router[match.index], 1);
  EXPECT_TRUE(match.path_known);

  match = router.match("GET", {"partner", "settings"});
  ASSERT_TRUE(match.found());
  EXPECT_EQ(router[match.index], 2);
}

TEST(Router, ChoosesTheRouteOfTheMethod) {
  auto router = make_router();
  auto match = router.match("POST", {"partner", "settings"});
  ASSERT_TRUE(match.found());
  EXPECT_EQ(router[match.index], 3);
}

TEST(Router, MatchesWithOrWithoutTrailingSlash) {
  auto router = make_router();
  // The pattern was registered with a trailing slash; the request comes without and with one.
  for (std::string_view path : {"/shares", "/shares/"}) {
    auto match = router.match("GET", split_pattern(path));
    ASSERT_TRUE(match.found()) << path;
    EXPECT_EQ(router[match.index], 4);
  }
  auto match = router.match("GET", split_pattern("/ping/"));
  ASSERT_TRUE(match.found());
  EXPECT_EQ(router[match.index], 1);
}

TEST(Router, CapturesParameters) {
  auto router = make_router();
  auto match = router.match("GET", {"users", "joe@example.com"});
  ASSERT_TRUE(match.found());
  EXPECT_EQ(router[match.index], 5);
  EXPECT_EQ(match.params.get("u"), "joe@example.com");
  EXPECT_EQ(match.params.get("room_key"), "");

  match = router.match("POST", {"users", "jsmith", "shares", "holiday pics"});
  ASSERT_TRUE(match.found());
  EXPECT_EQ(router[match.index], 7);
  EXPECT_EQ(match.params.get("u"), "jsmith");
  EXPECT_EQ(match.params.get("room_key"), "holiday pics");
}

TEST(Router, NamesTheRouteByItsTemplate) {
  auto router = make_router();
  auto match = router.match("POST", {"users", "jsmith", "shares", "holiday pics"});
  ASSERT_TRUE(match.found());
  EXPECT_EQ(match.pattern, "/users/{u}/shares/{room_key}");
  EXPECT_EQ(router.method(match.index), "POST");
  EXPECT_EQ(router.pattern(match.index), match.pattern);
  EXPECT_TRUE(router.match("GET", {"nope"}).pattern.empty());
}

TEST(Router, CapturesSegmentsThatLookLikeStaticWords) {
  auto router = make_router();
  auto match = router.match("GET", {"users", "shares"});
  ASSERT_TRUE(match.found());
  EXPECT_EQ(router[match.index], 5);
  EXPECT_EQ(match.params.get("u"), "shares");
}

TEST(Router, AnEmptySegmentDoesNotFillAParameter) {
  auto router = make_router();
  auto match = router.match("GET", {"users", ""});
  EXPECT_FALSE(match.found());
  EXPECT_FALSE(match.path_known);
}

TEST(Router, WrongMethodOnAKnownPathListsAllowedMethods) {
  auto router = make_router();
  auto match = router.match("DELETE", {"partner", "settings"});
  EXPECT_FALSE(match.found());
  EXPECT_TRUE(match.path_known);
  EXPECT_EQ(match.allow, (Segments{"GET", "POST"}));

  match = router.match("PUT", {"users", "jsmith", "shares", "room"});
  EXPECT_FALSE(match.found());
  EXPECT_TRUE(match.path_known);
  EXPECT_EQ(match.allow, (Segments{"GET", "POST"}));

  match = router.match("POST", {"ping"});
  EXPECT_FALSE(match.found());
  EXPECT_TRUE(match.path_known);
  EXPECT_EQ(match.allow, Segments{"GET"});
}

TEST(Router, MethodsAreCaseSensitive) {
  auto router = make_router();
  auto match = router.match("get", {"ping"});
  EXPECT_FALSE(match.found());
  EXPECT_TRUE(match.path_known);
}

TEST(Router, UnknownPathIsNoMatch) {
  auto router = make_router();
  for (const auto& segments : std::vector<Segments>{{"nope"},
                                                    {},
                                                    {"partner"},
                                                    {"partner", "settings", "extra"},
                                                    {"ping", "pong"},
                                                    {"users", "a", "shares"},
                                                    {"Ping"}}) {
    auto match = router.match("GET", segments);
    EXPECT_FALSE(match.found());
    EXPECT_FALSE(match.path_known);
    EXPECT_TRUE(match.allow.empty());
  }
}

TEST(Router, ListsAMethodOnceInAllow) {
  Router<int> router;
  router.add("GET", "/a/{x}", 1);
  router.add("GET", "/a/b", 2);
  auto match = router.match("POST", {"a", "b"});
  EXPECT_FALSE(match.found());
  EXPECT_TRUE(match.path_known);
  EXPECT_EQ(match.allow, Segments{"GET"});
}

TEST(Router, FirstRegisteredRouteWins) {
  Router<int> router;
  router.add("GET", "/a/b", 1);
  router.add("GET", "/a/{x}", 2);
  auto match = router.match("GET", {"a", "b"});
  ASSERT_TRUE(match.found());
  EXPECT_EQ(router[match.index], 1);
  EXPECT_EQ(match.params.get("x"), "");
}

TEST(Router, ARestSegmentTakesOneOrMoreSegmentsJoined) {
  Router<int> router;
  router.add("GET", "/console/{file+}", 1);
  auto match = router.match("GET", {"console", "assets", "app.js"});
  ASSERT_TRUE(match.found());
  EXPECT_EQ(router[match.index], 1);
  EXPECT_EQ(match.pattern, "/console/{file+}");
  EXPECT_EQ(match.params.get("file"), "assets/app.js");
  match = router.match("GET", {"console", "index.html"});
  ASSERT_TRUE(match.found());
  EXPECT_EQ(match.params.get("file"), "index.html");
  for (const auto& segments :
       std::vector<Segments>{{"console"}, {"console", ""}, {"console", "a", ""}, {"other", "a"}}) {
    EXPECT_FALSE(router.match("GET", segments).path_known);
  }
}

// Routes of every length and rest routes are tried in the order they were added, whatever the
// length of the path: the first one registered wins, and Allow lists methods in that order.
TEST(Router, RestRoutesAndFixedRoutesKeepTheirOrder) {
  Router<int> router;
  router.add("PUT", "/files/{path+}", 1);
  router.add("GET", "/files/{name}", 2);
  router.add("GET", "/files/{path+}", 3);
  router.add("DELETE", "/files/{name}/{part}", 4);
  router.add("POST", "/files/{path+}", 5);

  auto match = router.match("GET", {"files", "a"});
  ASSERT_TRUE(match.found());
  EXPECT_EQ(router[match.index], 2);
  EXPECT_EQ(match.params.get("name"), "a");
  EXPECT_EQ(match.params.get("path"), "") << "only the chosen route's parameters are captured";
  EXPECT_TRUE(match.allow.empty()) << "Allow is for a 405 only";
  match = router.match("PATCH", {"files", "a"});
  EXPECT_EQ(match.allow, (Segments{"PUT", "GET", "POST"}));

  match = router.match("GET", {"files", "a", "b"});
  ASSERT_TRUE(match.found());
  EXPECT_EQ(router[match.index], 3);
  EXPECT_EQ(match.params.get("path"), "a/b");
  match = router.match("PATCH", {"files", "a", "b"});
  EXPECT_EQ(match.allow, (Segments{"PUT", "GET", "DELETE", "POST"}));
  match = router.match("DELETE", {"files", "a", "b"});
  ASSERT_TRUE(match.found());
  EXPECT_EQ(router[match.index], 4);
  EXPECT_EQ(match.params.get("part"), "b");
}

}  // namespace
}  // namespace accountsd::http
