// Which of a partner's users a listing (B.3) selects, and in what order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace accountsd::domain {

// One `search_by` condition: column op value, op one of '=', '<', '>'.
struct UserCondition {
  std::string column;
  char op = '=';
  std::int64_t value = 0;
};

struct UserQuery {
  std::int64_t offset = 0;
  std::optional<std::int64_t> limit;
  std::optional<std::string> search;
  std::optional<std::int64_t> group_id;
  std::string order_by = "avatar_id";  // a user object field
  bool descending = false;
  std::vector<UserCondition> conditions;
  // Latest completed backup between these many seconds ago (inclusive), oldest bound first.
  std::optional<std::pair<std::int64_t, std::int64_t>> stopped_uploading;

  // Whether a group or a condition selects among the partner's users, beside any search.
  bool filtered() const { return group_id || !conditions.empty() || stopped_uploading; }
};

}  // namespace accountsd::domain
