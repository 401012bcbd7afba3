// How a backend reads one page of a user listing (Directory::visit_users): a deep page is read
// from the nearer end of its order (domain::page_from_the_end), counted first in the same read
// snapshot so that the count and the page see the same list. Both backends read pages this way.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>

#include "domain/user.hpp"
#include "domain/user_query.hpp"

namespace accountsd::store {

// `Snapshot` has begin_read() and end_read() (sqlite::Connection, postgres::Backend); the
// snapshot, when one is opened, is held until this object goes.
template <typename Snapshot>
class UserPageRead {
 public:
  // `past`: StoreOptions::pages_from_the_end_past. `count()`: the listing's length, called only
  // for a deep page, inside the snapshot.
  template <typename Count>
  UserPageRead(Snapshot& snapshot, const domain::UserQuery& query, std::int64_t past, Count count)
      : query_(query) {
    const bool paged = query.limit && *query.limit >= 0;
    if (!paged || std::max<std::int64_t>(query.offset, 0) < past) return;
    snapshot.begin_read();
    snapshot_ = &snapshot;
    from_the_end_ = domain::page_from_the_end(query, count());
  }
  UserPageRead(const UserPageRead&) = delete;
  UserPageRead& operator=(const UserPageRead&) = delete;
  ~UserPageRead() {
    if (snapshot_) snapshot_->end_read();
  }

  // The query to read the rows with.
  const domain::UserQuery& walked() const { return from_the_end_ ? *from_the_end_ : query_; }
  // Puts rows read with walked() in the order the query asked for.
  void put_in_order(std::span<domain::User> users) const {
    if (walked().descending != query_.descending) std::reverse(users.begin(), users.end());
  }

 private:
  const domain::UserQuery& query_;
  Snapshot* snapshot_ = nullptr;
  std::optional<domain::UserQuery> from_the_end_;
};

}  // namespace accountsd::store
