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

// The same page read from the other end of its order, when that end is nearer: the query in the
// reversed order with the offset and limit that select the same users, which the caller reverses
// back. OFFSET walks every row it skips, so a deep page of a long list costs less this way once
// the list's length (`total`, counted in the same snapshot) is known. An empty page (limit 0)
// when the offset is at or past the end; nothing when the front is as near or there is no limit.
std::optional<UserQuery> page_from_the_end(const UserQuery& query, std::int64_t total);

}  // namespace accountsd::domain
