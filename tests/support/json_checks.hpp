// Assertion helpers shared by the API tests: JSON shapes of the spec's objects, string lists.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <string>
#include <vector>

#include "support/api_fixture.hpp"

namespace accountsd::testing {

inline std::vector<std::string> sorted(std::vector<std::string> items) {
  std::sort(items.begin(), items.end());
  return items;
}

// The strings of a JSON array (e.g. an error body's `invalid` or `conflicts`).
inline std::vector<std::string> strings(const boost::json::value& list) {
  std::vector<std::string> out;
  for (const auto& item : list.as_array()) out.emplace_back(item.as_string());
  return out;
}

// Checks that `user` is a user object with exactly the B.3 fields and their JSON types.
inline void expect_user_shape(const boost::json::value& user) {
  ASSERT_TRUE(user.is_object()) << user;
  const auto& o = user.as_object();
  EXPECT_EQ(o.size(), 16u) << user;
  for (const char* key : {"avatar_id", "group_id", "plan_id", "storage_bytes", "bonus_bytes",
                          "bytes_stored", "creation_time", "num_devices", "num_shares"})
    EXPECT_TRUE(o.contains(key) && o.at(key).is_int64()) << key << " in " << user;
  for (const char* key : {"username", "name", "email"})
    EXPECT_TRUE(o.contains(key) && o.at(key).is_string()) << key << " in " << user;
  for (const char* key : {"enabled", "purgehold_active"})
    EXPECT_TRUE(o.contains(key) && o.at(key).is_bool()) << key << " in " << user;
  EXPECT_TRUE(o.contains("last_login") &&
              (o.at("last_login").is_null() || o.at("last_login").is_int64()))
      << user;
  EXPECT_TRUE(o.contains("share_id") &&
              (o.at("share_id").is_null() || o.at("share_id").is_string()))
      << user;
}

// Checks that `reply` is a 409 with a string `reason` whose `conflicts` names exactly `fields`.
inline void expect_conflict(const Reply& reply, const std::vector<std::string>& fields) {
  EXPECT_EQ(reply.status, 409) << reply.body;
  ASSERT_TRUE(reply.json.is_object()) << reply.body;
  const auto& body = reply.json.as_object();
  EXPECT_TRUE(body.contains("reason") && body.at("reason").is_string()) << reply.body;
  ASSERT_TRUE(body.contains("conflicts") && body.at("conflicts").is_array()) << reply.body;
  EXPECT_EQ(sorted(strings(body.at("conflicts"))), sorted(fields)) << reply.body;
}

// Checks that `reply` is a 400 with a string `reason` whose `invalid` names exactly `fields`.
inline void expect_invalid(const Reply& reply, const std::vector<std::string>& fields) {
  EXPECT_EQ(reply.status, 400) << reply.body;
  ASSERT_TRUE(reply.json.is_object()) << reply.body;
  const auto& body = reply.json.as_object();
  EXPECT_TRUE(body.contains("reason") && body.at("reason").is_string()) << reply.body;
  ASSERT_TRUE(body.contains("invalid") && body.at("invalid").is_array()) << reply.body;
  EXPECT_EQ(sorted(strings(body.at("invalid"))), sorted(fields)) << reply.body;
}

}  // namespace accountsd::testing
