// The fields of a user object (B.3) in one table: the API writes them in its order under their
// names, order_by takes any of them and search_by some, and the store reads and sorts by the
// column of the same name. A new field is a member of User and a line here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "domain/user.hpp"

namespace accountsd::domain {

template <typename T>
struct UserField {
  std::string_view name;
  T User::*member;
  // The user's plan holds the value (storage_bytes), not the user.
  bool of_plan = false;
  // Where search_by's help lists the field (1 first); 0: search_by does not take it.
  int search_by = 0;
};

inline constexpr std::tuple kUserFields{
    UserField<std::int64_t>{.name = "avatar_id", .member = &User::avatar_id},
    UserField<std::string>{.name = "username", .member = &User::username},
    UserField<std::string>{.name = "name", .member = &User::name},
    UserField<std::string>{.name = "email", .member = &User::email},
    UserField<std::int64_t>{.name = "group_id", .member = &User::group_id, .search_by = 3},
    UserField<std::int64_t>{.name = "plan_id", .member = &User::plan_id, .search_by = 4},
    UserField<std::int64_t>{
        .name = "storage_bytes", .member = &User::storage_bytes, .of_plan = true},
    UserField<std::int64_t>{.name = "bonus_bytes", .member = &User::bonus_bytes, .search_by = 6},
    UserField<std::int64_t>{.name = "bytes_stored", .member = &User::bytes_stored, .search_by = 5},
    UserField<bool>{.name = "enabled", .member = &User::enabled, .search_by = 1},
    UserField<bool>{.name = "purgehold_active", .member = &User::purgehold_active, .search_by = 2},
    UserField<std::int64_t>{
        .name = "creation_time", .member = &User::creation_time, .search_by = 7},
    UserField<std::optional<std::int64_t>>{
        .name = "last_login", .member = &User::last_login, .search_by = 8},
    UserField<std::optional<std::string>>{.name = "share_id", .member = &User::share_id},
    UserField<std::int64_t>{.name = "num_devices", .member = &User::num_devices},
    UserField<std::int64_t>{.name = "num_shares", .member = &User::num_shares},
    UserField<std::optional<std::string>>{.name = "promo", .member = &User::promo},
};

// Calls `visit(field)` for each row of kUserFields, in order.
template <typename Visit>
constexpr void for_each_user_field(Visit&& visit) {
  std::apply([&](const auto&... field) { (visit(field), ...); }, kUserFields);
}

// Whether `name` names a user field: what order_by takes.
bool is_user_field(std::string_view name);

// The fields search_by compares, in the order its help lists them.
const std::vector<std::string_view>& search_by_fields();

}  // namespace accountsd::domain
