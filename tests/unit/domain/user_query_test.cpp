// domain::page_from_the_end: the reversed query selects the same users as the page asked for.
#include "domain/user_query.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

namespace accountsd::domain {
namespace {

// The positions a query selects from a list of `total`, in the list's order, as OFFSET and
// LIMIT take them in the query's own order.
std::vector<std::int64_t> positions(const UserQuery& q, std::int64_t total, bool reversed) {
  std::vector<std::int64_t> out;
  const std::int64_t offset = std::max<std::int64_t>(q.offset, 0);
  for (std::int64_t i = offset; i < total && (!q.limit || i - offset < *q.limit); ++i)
    out.push_back(reversed ? total - 1 - i : i);
  if (reversed) std::reverse(out.begin(), out.end());
  return out;
}

TEST(PageFromTheEnd, SelectsTheSameUsersWheneverItReadsFromTheEnd) {
  for (std::int64_t total : {0, 1, 2, 7, 30}) {
    for (std::int64_t offset = -1; offset <= total + 2; ++offset) {
      for (std::int64_t limit : {0, 1, 3, 30, 100}) {
        UserQuery q;
        q.offset = offset;
        q.limit = limit;
        auto want = positions(q, total, false);
        auto other = page_from_the_end(q, total);
        if (!other) {
          // Only when the front is as near as the end.
          EXPECT_LT(offset, total);
          EXPECT_LE(offset, total - std::min(total, std::max<std::int64_t>(offset, 0) + limit));
          continue;
        }
        EXPECT_EQ(positions(*other, total, other->descending), want)
            << total << " " << offset << " " << limit;
      }
    }
  }
}

TEST(PageFromTheEnd, TheLastPageOfAMillionSkipsNothing) {
  UserQuery q;
  q.offset = 999'975;
  q.limit = 25;
  q.descending = true;
  auto other = page_from_the_end(q, 1'000'000);
  ASSERT_TRUE(other);
  EXPECT_FALSE(other->descending);
  EXPECT_EQ(other->offset, 0);
  EXPECT_EQ(other->limit, 25);
}

TEST(PageFromTheEnd, NeedsALimitAndTakesAnyLimitAClientSends) {
  UserQuery q;
  q.offset = 90;
  EXPECT_FALSE(page_from_the_end(q, 100));
  q.limit = -1;  // no limit, as SQLite takes LIMIT -1
  EXPECT_FALSE(page_from_the_end(q, 100));
  q.limit = std::numeric_limits<std::int64_t>::max();
  auto other = page_from_the_end(q, 100);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->offset, 0);
  EXPECT_EQ(other->limit, 10);
  q.offset = 100;
  other = page_from_the_end(q, 100);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->limit, 0);
}

}  // namespace
}  // namespace accountsd::domain
