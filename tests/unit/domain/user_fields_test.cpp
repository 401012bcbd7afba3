// The user object's fields in one table (B.3): the order the API writes them, what order_by and
// search_by take, and where each value comes from.
#include "domain/user_fields.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string_view>
#include <vector>

namespace accountsd::domain {
namespace {

std::vector<std::string_view> names() {
  std::vector<std::string_view> out;
  for_each_user_field([&](const auto& field) { out.push_back(field.name); });
  return out;
}

TEST(UserFields, AreTheUserObjectsFieldsInItsOrder) {
  EXPECT_EQ(names(),
            (std::vector<std::string_view>{
                "avatar_id", "username", "name", "email", "group_id", "plan_id", "storage_bytes",
                "bonus_bytes", "bytes_stored", "enabled", "purgehold_active", "creation_time",
                "last_login", "share_id", "num_devices", "num_shares", "promo"}));
  auto all = names();
  EXPECT_EQ(std::set<std::string_view>(all.begin(), all.end()).size(), all.size());
}

TEST(UserFields, OrderByTakesEveryFieldAndNothingElse) {
  for (auto name : names()) EXPECT_TRUE(is_user_field(name)) << name;
  for (auto name : {"share_identifier", "share_rooms", "password_bcrypt", "", "Name"})
    EXPECT_FALSE(is_user_field(name)) << name;
}

TEST(UserFields, SearchByTakesTheNumericFieldsInTheOrderItsHelpNamesThem) {
  EXPECT_EQ(search_by_fields(), (std::vector<std::string_view>{
                                    "enabled", "purgehold_active", "group_id", "plan_id",
                                    "bytes_stored", "bonus_bytes", "creation_time", "last_login"}));
}

TEST(UserFields, OnlyStorageBytesIsThePlans) {
  std::vector<std::string_view> of_plan;
  for_each_user_field([&](const auto& field) {
    if (field.of_plan) of_plan.push_back(field.name);
  });
  EXPECT_EQ(of_plan, std::vector<std::string_view>{"storage_bytes"});
}

TEST(UserFields, EachReachesItsOwnMember) {
  User user;
  user.bonus_bytes = 7;
  user.promo = "spring";
  user.enabled = false;
  int found = 0;
  for_each_user_field([&](const auto& field) {
    using Value = std::decay_t<decltype(user.*field.member)>;
    if constexpr (std::is_same_v<Value, std::int64_t>) {
      if (field.name == "bonus_bytes") found += user.*field.member == 7;
    } else if constexpr (std::is_same_v<Value, std::optional<std::string>>) {
      if (field.name == "promo") found += user.*field.member == "spring";
    } else if constexpr (std::is_same_v<Value, bool>) {
      if (field.name == "enabled") found += !(user.*field.member);
    }
  });
  EXPECT_EQ(found, 3);
}

}  // namespace
}  // namespace accountsd::domain
