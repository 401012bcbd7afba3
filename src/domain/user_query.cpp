// Pages of a user listing (B.3) read from the nearer end of their order.
#include "domain/user_query.hpp"

#include <algorithm>

namespace accountsd::domain {

std::optional<UserQuery> page_from_the_end(const UserQuery& query, std::int64_t total) {
  if (!query.limit || *query.limit < 0) return std::nullopt;
  const std::int64_t offset = std::max<std::int64_t>(query.offset, 0);
  UserQuery other = query;
  if (offset >= total) {
    other.offset = 0;
    other.limit = 0;
    return other;
  }
  // Written so that no sum can pass int64's range (a limit may be as large as a client sends).
  const std::int64_t end = *query.limit >= total - offset ? total : offset + *query.limit;
  if (total - end >= offset) return std::nullopt;
  other.descending = !query.descending;
  other.offset = total - end;
  other.limit = end - offset;
  return other;
}

}  // namespace accountsd::domain
