// The API's words for the store's refusals: each outcome becomes the status, reason and fields
// that the API answered before the store spoke in outcomes, byte for byte.
#include "api/store_outcomes.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "http/error_response.hpp"

namespace accountsd::api {
namespace {

using store::Clash;
using store::Conflict;
using store::Object;

// The body of the error response that `refusal` becomes.
std::string body_of(const store::Refusal& refusal) {
  return http::error_response(to_error(refusal), "req-1").body;
}

void expect_conflict(const store::Refusal& refusal, const std::string& reason,
                     const std::vector<std::string>& fields) {
  auto error = to_error(refusal);
  EXPECT_EQ(error.kind(), ErrorKind::conflict) << reason;
  EXPECT_EQ(error.what(), reason);
  EXPECT_EQ(error.fields(), fields) << reason;
}

TEST(StoreOutcomes, NotFoundIs404NamingTheObject) {
  for (auto [object, reason] : {std::pair{Object::user, "no such user"},
                                {Object::group, "no such group"},
                                {Object::plan, "no such plan"},
                                {Object::device_policy, "no such device policy"},
                                {Object::partner, "no such partner"}}) {
    auto error = to_error(store::NotFound(object));
    EXPECT_EQ(error.kind(), ErrorKind::not_found);
    EXPECT_EQ(error.what(), std::string(reason));
  }
  EXPECT_EQ(body_of(store::NotFound(Object::group)), R"({"reason":"no such group"})");
}

TEST(StoreOutcomes, ATakenValueNamesItsField) {
  expect_conflict(Conflict::taken(Object::user, "username"), "username is already taken",
                  {"username"});
  expect_conflict(Conflict::taken(Object::user, "email"), "email is already taken", {"email"});
  expect_conflict(Conflict::taken(Object::group, "name"), "name is already taken", {"name"});
  expect_conflict(Conflict::taken(Object::device_policy, "name"),
                  "another device policy already has this name (in any letter case)", {"name"});
  EXPECT_EQ(body_of(Conflict::taken(Object::user, "email")),
            R"({"reason":"email is already taken","conflicts":["email"]})");
}

TEST(StoreOutcomes, UnknownReferencesNameTheFieldThatMadeThem) {
  expect_conflict(Conflict(Clash::unknown_plan), "no such plan", {"plan_id"});
  expect_conflict(Conflict(Clash::unknown_group), "no such group", {"group_id"});
  expect_conflict(Conflict(Clash::unknown_device_policy), "no such device policy",
                  {"device_policy"});
  expect_conflict(Conflict(Clash::no_default_group),
                  "the partner has no group yet, so there is no default group to join",
                  {"group_id"});
  expect_conflict(Conflict(Clash::unknown_move_target),
                  "move_to must name another group of the partner", {"move_to"});
}

TEST(StoreOutcomes, GroupRulesCountTheMembersAndSayWhatToSend) {
  expect_conflict(Conflict(Clash::members_over_plan, 3),
                  "3 member(s) store more than the new plan allows; send force: true to change "
                  "it anyway",
                  {"avatars_over_quota"});
  expect_conflict(Conflict(Clash::group_has_members, 2),
                  "the group still has 2 member(s); give move_to to move them first", {"group_id"});
}

TEST(StoreOutcomes, DevicePolicyRulesNameTheirField) {
  expect_conflict(Conflict(Clash::unknown_parent),
                  "inherits_from must be null or the id of another of your device policies",
                  {"inherits_from"});
  expect_conflict(
      Conflict(Clash::parent_inherits),
      "inherits_from names a policy that itself inherits; inheritance is one level only",
      {"inherits_from"});
  expect_conflict(Conflict(Clash::has_heirs),
                  "other policies inherit from this one, so it cannot inherit itself",
                  {"inherits_from"});
  expect_conflict(Conflict(Clash::used_by_group),
                  "a group uses this policy; assign the group another policy first", {"policy_id"});
  expect_conflict(Conflict(Clash::inherited_from),
                  "other policies inherit from this one; change them first", {"policy_id"});
}

TEST(StoreOutcomes, QuotaExceededIs402WithTheLimit) {
  auto error = to_error(store::QuotaExceeded(2500));
  EXPECT_EQ(error.kind(), ErrorKind::payment_required);
  EXPECT_EQ(
      error.what(),
      std::string("this would allocate more than the partner's bytes_available (2500 bytes)"));
  EXPECT_TRUE(error.fields().empty());
  EXPECT_EQ(
      body_of(store::QuotaExceeded(2500)),
      R"json({"reason":"this would allocate more than the partner's bytes_available (2500 bytes)"})json");
}

}  // namespace
}  // namespace accountsd::api
