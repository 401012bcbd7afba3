// How the client-revision census (A.10) splits "last_login >= since" over the device_census
// counters (migrations 004 and 013): the same arithmetic for every backend.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace accountsd::store {

// The spans (in seconds) that device_census counts last logins by, finest first: an hour, 6
// hours, a day, 8 days and 64 days. Each divides the next, so a bucket of one span is a whole
// number of buckets of the span before it. (Span 0 counts every device.) The migrations' triggers
// list the same spans.
inline constexpr std::array<std::int64_t, 5> kCensusSpans{3600, 21600, 86400, 691200, 5529600};

// Where "last_login >= since" splits into counter rows and one partial hour: for each span of
// kCensusSpans, the buckets in [first, end) of that span, and the devices rows with
// since <= last_login <= partial_last. The ranges follow each other in time: a span's `end` is
// where the next span's first bucket starts, and the coarsest span's range is open (end is
// INT64_MAX). So a census reads fewer than 6, 4, 8 and 8 buckets of the four finer spans and
// the 64-day buckets from there on, per revision, however long ago `since` is.
struct CensusBounds {
  struct Range {
    std::int64_t span = 0;
    std::int64_t first = 0;  // the first bucket starting at or after `since`
    std::int64_t end = 0;    // past the last bucket this span counts
  };
  std::int64_t since = 0;
  std::int64_t partial_last = 0;  // the second before the first whole hour (at most 2^63 - 1)
  std::array<Range, kCensusSpans.size()> ranges{};
};

// Exact for every `since`, INT64_MIN and INT64_MAX included.
CensusBounds census_bounds(std::int64_t since);

// The rows "last_login >= since" adds up, for both backends' SQL: a (client_revision, n) row per
// counter of each CensusBounds range and per device of the partial hour. `mark` is the
// placeholder prefix ("?" or "$"): 1 partner, 2 and 3 the revision bounds (inclusive), 4 since,
// 5 partial_last, then each range's first and end bucket (6 and 7 for the first span, and so on).
std::string census_since_rows_sql(std::string_view mark);

}  // namespace accountsd::store
