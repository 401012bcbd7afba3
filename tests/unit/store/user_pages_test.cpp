// Deep pages of a user listing (B.3) read from the nearer end of their order
// (StoreOptions::pages_from_the_end_past; PostgreSQL's): every page is the same slice of the
// whole list, whatever the order (nullable columns and ties included), search or filter.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/store_fixture.hpp"

namespace accountsd::store {
namespace {

class UserPagesFromTheEnd : public testing::StoreTest {};

TEST_F(UserPagesFromTheEnd, EveryPageIsTheSameSliceOfTheWholeList) {
  store::StoreOptions options;
  options.pages_from_the_end_past = 1;  // every page past the first is counted first
  reopen(options);
  auto alpha = make_partner("alpha");
  auto [group, plan] = defaults(alpha);
  std::vector<domain::NewUser> batch;
  for (int i = 0; i < 23; ++i) {
    batch.push_back(user("u" + std::to_string((i * 7) % 23), group, plan));
    batch.back().name = i % 3 == 0 ? "Same Name" : "Name " + std::to_string(i % 5);
    batch.back().bytes_stored = (i % 4) * 1000;
    if (i % 3 != 1) batch.back().last_login = 1'700'000'000 + (i % 6) * 60;
  }
  directory().insert_users(alpha, batch);
  auto usernames = [&](const domain::UserQuery& q) {
    std::vector<std::string> out;
    for (const auto& u : directory().users(alpha, q)) out.push_back(u.username);
    return out;
  };
  for (const std::string order : {"username", "name", "last_login", "bytes_stored"}) {
    for (bool descending : {false, true}) {
      for (const char* search : {"", "u1", "name 2"}) {
        domain::UserQuery whole;
        whole.order_by = order;
        whole.descending = descending;
        if (*search) whole.search = search;
        auto all = usernames(whole);
        ASSERT_FALSE(all.empty());
        const auto total = std::int64_t(all.size());
        for (std::int64_t limit : {1, 4, 100}) {
          for (std::int64_t offset = 0; offset <= total + 1; ++offset) {
            auto q = whole;
            q.limit = limit;
            q.offset = offset;
            auto from = std::min(offset, total);
            auto to = std::min(total, offset + limit);
            EXPECT_EQ(usernames(q), std::vector<std::string>(all.begin() + from, all.begin() + to))
                << order << (descending ? " desc" : "") << " search '" << search << "' offset "
                << offset << " limit " << limit;
          }
        }
      }
    }
  }
  // A filter: the disabled users only (none here), and a group.
  domain::UserQuery grouped;
  grouped.group_id = group;
  grouped.order_by = "name";
  grouped.limit = 2;
  grouped.offset = 21;
  domain::UserQuery whole = grouped;
  whole.limit.reset();
  whole.offset = 0;
  auto all = usernames(whole);
  EXPECT_EQ(usernames(grouped), std::vector<std::string>(all.begin() + 21, all.end()));
}

}  // namespace
}  // namespace accountsd::store
