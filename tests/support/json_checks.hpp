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

// True when `o` has `key` and it is null or passes `is` (a boost::json::value member check).
inline bool null_or(const boost::json::object& o, const char* key,
                    bool (boost::json::value::*is)() const noexcept) {
  return o.contains(key) && (o.at(key).is_null() || (o.at(key).*is)());
}

// Checks that `user` is a user object with exactly the B.3 and C.6 fields and their JSON types.
inline void expect_user_shape(const boost::json::value& user) {
  ASSERT_TRUE(user.is_object()) << user;
  const auto& o = user.as_object();
  EXPECT_EQ(o.size(), 19u) << user;
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
  EXPECT_TRUE(null_or(o, "promo", &boost::json::value::is_string)) << user;
  EXPECT_TRUE(null_or(o, "share_identifier", &boost::json::value::is_string)) << user;
  EXPECT_EQ(o.at("share_identifier"), o.at("share_id")) << user;
  ASSERT_TRUE(o.contains("share_rooms") && o.at("share_rooms").is_array()) << user;
  std::vector<std::string> rooms;
  for (const auto& room : o.at("share_rooms").as_array()) {
    ASSERT_TRUE(room.is_string()) << user;
    rooms.emplace_back(room.as_string());
  }
  EXPECT_TRUE(std::is_sorted(rooms.begin(), rooms.end())) << user;
  EXPECT_EQ(std::int64_t(rooms.size()), o.at("num_shares").as_int64()) << user;
}

// Checks that `share` is a share object with exactly the A.9 and C.6 fields and their JSON types.
inline void expect_share_shape(const boost::json::value& share) {
  ASSERT_TRUE(share.is_object()) << share;
  const auto& s = share.as_object();
  EXPECT_EQ(s.size(), 9u) << share;
  EXPECT_TRUE(null_or(s, "share_id", &boost::json::value::is_string)) << share;
  for (const char* key : {"room_key", "name", "description"})
    EXPECT_TRUE(s.contains(key) && s.at(key).is_string()) << key << " in " << share;
  for (const char* key : {"creation_time", "update_time"})
    EXPECT_TRUE(s.contains(key) && s.at(key).is_int64()) << key << " in " << share;
  for (const char* key : {"enabled", "password_required"})
    EXPECT_TRUE(s.contains(key) && s.at(key).is_bool()) << key << " in " << share;
  EXPECT_TRUE(null_or(s, "last_login", &boost::json::value::is_int64)) << share;
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
