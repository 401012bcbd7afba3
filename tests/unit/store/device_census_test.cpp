// The client-revision census (A.10) read from counters that triggers keep (migration 004): after
// random writes through the store, and after the migration's backfill, the counters equal a count
// made from the devices rows, and the query reads counters instead of scanning devices.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "domain/quota.hpp"
#include "store/census_bounds.hpp"
#include "store/database.hpp"
#include "store/sqlite/census.hpp"
#include "store/sqlite/connection.hpp"
#include "support/sqlite_checks.hpp"

namespace accountsd::testing {
namespace {

using store::PartnerId;

constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kMidnight = 1764201600;  // 2025-11-27 00:00 UTC
constexpr std::int64_t kRevisions[] = {0, 7, 100, 512, 513, 1024};

std::int64_t floor_div(std::int64_t t, std::int64_t span) {
  return t / span - (t % span < 0 ? 1 : 0);
}

// (partner_id, span, bucket, client_revision) -> devices, as device_census holds it.
using CensusRows =
    std::map<std::tuple<PartnerId, std::int64_t, std::int64_t, std::int64_t>, std::int64_t>;
// (revision, count) pairs, as the census answers.
using Counts = std::vector<std::pair<std::int64_t, std::int64_t>>;

std::string describe(const domain::CensusFilter& f) {
  return "min " + std::to_string(f.min_revision) + ", max " +
         (f.max_revision ? std::to_string(*f.max_revision) : "none") + ", since " +
         (f.last_login_since ? std::to_string(*f.last_login_since) : "none");
}

// Last logins around day and hour boundaries, negative ones, the extremes, and never (null).
std::optional<std::int64_t> random_login(std::mt19937_64& rng) {
  static constexpr std::int64_t kEdges[] = {kMin, kMin + 1, kMax,  kMax - 1,  -1,   0,
                                            1,    -kHour,   -kDay, -kDay - 1, kDay, kDay - 1};
  auto below = [&](std::int64_t n) { return std::int64_t(rng() % std::uint64_t(n)); };
  switch (below(10)) {
    case 0:
      return std::nullopt;
    case 1:
      return kEdges[below(std::size(kEdges))];
    case 2:  // before 1970, spread over 40 days
      return -kMidnight + below(40 * kDay) - 20 * kDay;
    case 3:  // on an hour or day boundary, or a second either side
      return kMidnight - below(40) * kDay - below(24) * kHour + below(3) - 1;
    default:  // the last 40 days, a few in the future
      return kMidnight - below(40 * kDay) + below(2 * kDay);
  }
}

// The filters each check asks about: since on and beside day and hour boundaries, far out,
// and within the data; with and without revision bounds.
std::vector<domain::CensusFilter> filters(std::mt19937_64& rng) {
  std::vector<std::optional<std::int64_t>> since = {std::nullopt,
                                                    kMin,
                                                    kMin + 1,
                                                    kMin + 3599,
                                                    -kMidnight - 3 * kDay + 1,
                                                    -kDay - 1,
                                                    -kDay,
                                                    -kHour,
                                                    -1,
                                                    0,
                                                    1,
                                                    kMidnight - 30 * kDay,
                                                    kMidnight - 30 * kDay + 1,
                                                    kMidnight - 7 * kDay - kHour,
                                                    kMidnight - 5 * kDay - 1234,
                                                    kMidnight - 1,
                                                    kMidnight + 17,
                                                    kMidnight + 3 * kDay,
                                                    kMax - 3600,
                                                    kMax - 1,
                                                    kMax};
  for (int i = 0; i < 4; ++i) since.push_back(random_login(rng));
  const std::pair<std::int64_t, std::optional<std::int64_t>> bounds[] = {
      {0, std::nullopt}, {100, 512}, {513, 513}, {0, 0}, {1025, std::nullopt}, {8, 99}};
  std::vector<domain::CensusFilter> out;
  for (const auto& s : since)
    for (const auto& [min, max] : bounds) out.push_back({min, max, s});
  return out;
}

Counts counts(const std::vector<domain::RevisionCount>& rows) {
  Counts out;
  for (const auto& row : rows) out.emplace_back(row.revision, row.count);
  return out;
}

class DeviceCensusTest : public ::testing::Test {
 protected:
  // Opens the store (applying migrations) and a connection of the test's own to look inside.
  void open() {
    store_ = store::open_store("sqlite:" + db_.path);
    db_connection_ = std::make_unique<store::sqlite::Connection>(db_.path);
  }

  // device_census as stored.
  CensusRows stored() {
    auto& q = db_connection_->prepared(
        "SELECT partner_id, span, bucket, client_revision, devices FROM device_census");
    CensusRows out;
    while (q.step()) out[{q.integer(0), q.integer(1), q.integer(2), q.integer(3)}] = q.integer(4);
    return out;
  }

  // What device_census should hold, counted from the devices rows; no row counts 0 devices.
  CensusRows expected() {
    auto& q =
        db_connection_->prepared("SELECT partner_id, client_revision, last_login FROM devices");
    CensusRows out;
    while (q.step()) {
      auto partner = q.integer(0);
      auto revision = q.integer(1);
      ++out[{partner, 0, 0, revision}];
      if (auto login = q.optional_integer(2)) {
        for (auto span : store::kCensusSpans)
          ++out[{partner, span, floor_div(*login, span), revision}];
      }
    }
    return out;
  }

  // The census counted straight from the devices rows.
  Counts recount(PartnerId partner, const domain::CensusFilter& f) {
    auto& q = db_connection_->prepared(
        "SELECT client_revision, count(*) FROM devices WHERE partner_id = ?1 "
        "AND client_revision >= ?2 AND (?3 IS NULL OR client_revision <= ?3) "
        "AND (?4 IS NULL OR last_login >= ?4) GROUP BY client_revision ORDER BY client_revision");
    q.bind(1, partner).bind(2, f.min_revision).bind(3, f.max_revision);
    q.bind(4, f.last_login_since);
    Counts out;
    while (q.step()) out.emplace_back(q.integer(0), q.integer(1));
    return out;
  }

  void expect_exact(const std::vector<PartnerId>& partners, std::mt19937_64& rng) {
    auto rows = stored();
    EXPECT_EQ(rows, expected());
    for (const auto& [key, devices] : rows) EXPECT_GT(devices, 0);
    for (auto partner : partners) {
      for (const auto& f : filters(rng)) {
        EXPECT_EQ(counts(store_->usage().client_revisions(partner, f)), recount(partner, f))
            << "partner " << partner << ", " << describe(f);
      }
    }
  }

  PartnerId make_partner(const std::string& username) {
    domain::NewPartner partner;
    partner.username = username;
    partner.name = username;
    partner.group = username;  // users are added to it
    partner.password_hash = "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA";
    return store_->partners().create_partner(partner);
  }

  // A new user with up to three devices of random revisions and last logins.
  domain::NewUser random_user(PartnerId partner, std::mt19937_64& rng) {
    domain::NewUser u;
    u.username = "user" + std::to_string(++users_made_);
    u.name = u.username;
    u.email = u.username + "@example.com";
    auto group = store_->directory().groups(partner).front();
    u.group_id = group.group_id;
    u.plan_id = group.plan_id;
    u.creation_time = kMidnight;
    for (int d = int(rng() % 4); d > 0; --d) {
      domain::NewDevice device;
      device.name = "d" + std::to_string(d);
      device.client_revision = kRevisions[rng() % std::size(kRevisions)];
      device.creation_time = kMidnight;
      device.last_login = random_login(rng);
      u.devices.push_back(device);
    }
    return u;
  }

  // One random write to the partner's devices: through usage reports, user deletion or bulk
  // loading, including a bulk load that fails and must leave the census as it was.
  void random_write(PartnerId partner, std::mt19937_64& rng) {
    auto users = store_->directory().users(partner, domain::UserQuery{});
    auto op = rng() % 10;
    if (users.empty() || op == 0) {
      std::vector<domain::NewUser> batch{random_user(partner, rng), random_user(partner, rng)};
      store_->directory().insert_users(partner, batch);
      return;
    }
    auto avatar = users[rng() % users.size()].avatar_id;
    auto device = "d" + std::to_string(1 + rng() % 4);
    if (op == 1) {
      store_->directory().delete_user(partner, avatar);
    } else if (op == 2) {
      std::vector<domain::NewUser> batch{random_user(partner, rng), random_user(partner, rng)};
      batch.back().username = users.front().username;  // taken: the whole batch is refused
      EXPECT_ANY_THROW(store_->directory().insert_users(partner, batch));
    } else if (op <= 4) {
      store_->usage().delete_device(partner, avatar, device);
    } else {
      domain::DeviceReport report;
      report.client_revision = kRevisions[rng() % std::size(kRevisions)];
      report.last_login = random_login(rng);
      store_->usage().put_device(partner, avatar, device, report);
    }
  }

  // Devices written under the schema before `migration`, then the store opened: its
  // migrations count them, and the triggers carry on from there.
  void count_existing_devices_from(int migration) {
    std::mt19937_64 rng(4);
    migrate_before(db_.path, migration);
    {
      store::sqlite::Connection db(db_.path);
      db.exec(
          "INSERT INTO partners (partner_id, username, name, password_hash, created_at) "
          "VALUES (1, 'alpha', 'alpha', '-', 0), (2, 'beta', 'beta', '-', 0);"
          "INSERT INTO plans (plan_id, partner_id, name, storage_bytes) "
          "VALUES (1, 1, 'p', 0), (2, 2, 'p', 0);"
          "INSERT INTO groups (group_id, partner_id, name, plan_id) "
          "VALUES (1, 1, 'g', 1), (2, 2, 'g', 2);"
          "INSERT INTO users (avatar_id, partner_id, username, name, email, group_id, plan_id, "
          "creation_time) VALUES (1, 1, 'ann', 'ann', 'ann@example.com', 1, 1, 0), "
          "(2, 2, 'bob', 'bob', 'bob@example.com', 2, 2, 0);"
          "INSERT INTO partner_counters (partner_id) VALUES (1), (2)");
      for (int i = 0; i < 600; ++i) {
        auto avatar = 1 + i % 2;
        db.prepared(
              "INSERT INTO devices (partner_id, avatar_id, name, client_revision, creation_time, "
              "last_login) VALUES (?1, ?1, ?2, ?3, 0, ?4)")
            .bind(1, avatar)
            .bind(2, "d" + std::to_string(i))
            .bind(3, kRevisions[rng() % std::size(kRevisions)])
            .bind(4, random_login(rng))
            .run();
      }
    }
    open();
    expect_exact({1, 2}, rng);
    for (int i = 0; i < 50; ++i) random_write(PartnerId(1 + i % 2), rng);
    expect_exact({1, 2}, rng);
  }

  TempDatabase db_;
  std::unique_ptr<store::Database> store_;
  std::unique_ptr<store::sqlite::Connection> db_connection_;
  int users_made_ = 0;
};

TEST_F(DeviceCensusTest, CountersStayEqualToARecountThroughRandomWrites) {
  open();
  std::mt19937_64 rng(20251127);
  std::vector<PartnerId> partners{make_partner("alpha"), make_partner("beta")};
  expect_exact(partners, rng);
  for (int batch = 0; batch < 30; ++batch) {
    SCOPED_TRACE("batch " + std::to_string(batch));
    for (int i = 0; i < 25; ++i) random_write(partners[rng() % partners.size()], rng);
    expect_exact(partners, rng);
    if (HasFailure()) break;
  }
  // Deleting every user empties the census: no rows are left behind at 0.
  for (auto partner : partners)
    for (const auto& user : store_->directory().users(partner, domain::UserQuery{}))
      store_->directory().delete_user(partner, user.avatar_id);
  EXPECT_TRUE(stored().empty());
}

TEST_F(DeviceCensusTest, AnUnchangedReportLeavesTheCountersAsTheyWere) {
  open();
  std::mt19937_64 rng(7);
  auto partner = make_partner("alpha");
  store_->directory().insert_users(partner,
                                   std::vector<domain::NewUser>{random_user(partner, rng)});
  auto avatar = store_->directory().users(partner, domain::UserQuery{}).front().avatar_id;
  domain::DeviceReport report{512, kMidnight + 5, std::nullopt};
  store_->usage().put_device(partner, avatar, "laptop", report);
  auto before = stored();
  store_->usage().put_device(partner, avatar, "laptop", report);
  EXPECT_EQ(stored(), before);
  EXPECT_EQ(before, expected());
}

// Migration 004 counts the devices that were there before it (013 then adds up the coarser spans
// of those counts).
TEST_F(DeviceCensusTest, TheMigrationsCountExistingDevices) {
  count_existing_devices_from(4);
}

// Migration 013 adds up the coarser spans of devices counted by day and hour.
TEST_F(DeviceCensusTest, CoarserSpansAreAddedUpFromTheDayAndHourCounts) {
  count_existing_devices_from(13);
}

TEST_F(DeviceCensusTest, TheQueryReadsCountersAndOnePartialHourOfDevices) {
  open();
  auto all = query_plan(db_.path, store::sqlite::kCensusAllSql);
  EXPECT_NE(all.find("SEARCH device_census USING PRIMARY KEY"), std::string::npos) << all;
  EXPECT_EQ(all.find("devices "), std::string::npos) << all;
  EXPECT_EQ(all.find("TEMP B-TREE"), std::string::npos) << all;

  auto since = query_plan(db_.path, store::sqlite::kCensusSinceSql);
  EXPECT_EQ(since.find("SCAN device"), std::string::npos) << since;
  EXPECT_EQ(since.find("TEMP B-TREE"), std::string::npos) << since;
  EXPECT_NE(since.find("SEARCH devices USING COVERING INDEX devices_by_login (partner_id=? AND "
                       "last_login>? AND last_login<?)"),
            std::string::npos)
      << since;
  // One range of buckets per span.
  const std::string range =
      "SEARCH device_census USING PRIMARY KEY (partner_id=? AND span=? AND bucket>? AND bucket<?)";
  std::size_t ranges = 0;
  for (auto at = since.find(range); at != std::string::npos; at = since.find(range, at + 1))
    ++ranges;
  EXPECT_EQ(ranges, store::kCensusSpans.size()) << since;
}

// devices_by_login leads with partner_id, which SQLite would otherwise also pick to find one
// user's devices (listing them, deleting the user): every device of the partner read each time.
TEST_F(DeviceCensusTest, AUsersDevicesAreFoundByAvatarNotAmongThePartners) {
  open();
  // The same shapes as SqliteUsage::devices() and SqliteDirectory::delete_user() use.
  for (const char* sql :
       {"SELECT device_id, name, client_revision, creation_time, last_login, "
        "last_backup_complete FROM devices WHERE +partner_id = ?1 AND avatar_id = ?2 "
        "ORDER BY device_id",
        "DELETE FROM devices WHERE +partner_id = ?1 AND avatar_id = ?2"}) {
    auto plan = query_plan(db_.path, sql);
    EXPECT_NE(plan.find("USING INDEX sqlite_autoindex_devices_1 (avatar_id=?)"), std::string::npos)
        << sql << "\n"
        << plan;
  }
}

// The split of "last_login >= since" into ranges of buckets of each span and a partial hour.
TEST(CensusBounds, TilesEverythingFromSinceOnWithoutGapOrOverlap) {
  std::mt19937_64 rng(1);
  std::vector<std::int64_t> cases = {kMin,        kMin + 1, kMin + 3599, -kDay - 1, -kDay,
                                     -kHour - 1,  -1,       0,           1,         kHour - 1,
                                     kHour,       kDay - 1, kDay,        kMidnight, kMidnight + 1,
                                     kMax - 3600, kMax - 1, kMax};
  for (int i = 0; i < 1000; ++i) cases.push_back(std::int64_t(rng()));
  for (int i = 0; i < 1000; ++i) cases.push_back(kMidnight - std::int64_t(rng() % (400 * kDay)));
  for (auto since : cases) {
    SCOPED_TRACE(since);
    auto b = store::census_bounds(since);
    using domain::Int128;
    EXPECT_EQ(b.since, since);
    // Each range starts at the first bucket of its span that starts at or after `since`...
    for (std::size_t i = 0; i < b.ranges.size(); ++i) {
      const auto& r = b.ranges[i];
      EXPECT_EQ(r.span, store::kCensusSpans[i]);
      EXPECT_GE(Int128(r.first) * r.span, since);
      EXPECT_LT(Int128(r.first - 1) * r.span, since);
      EXPECT_LE(r.first, r.end);
      // ... and ends where the next span's range starts, so that no time is counted twice or
      // left out; the last one is open.
      if (i + 1 < b.ranges.size()) {
        const auto& next = b.ranges[i + 1];
        EXPECT_EQ(Int128(r.end) * r.span, Int128(next.first) * next.span);
        // Fewer buckets than make one of the next span.
        EXPECT_LT(r.end - r.first, next.span / r.span);
      } else {
        EXPECT_EQ(r.end, kMax);
      }
    }
    // The partial hour runs from `since` to the first whole hour.
    auto last = Int128(b.ranges[0].first) * kHour - 1;
    EXPECT_EQ(b.partial_last, last > kMax ? kMax : std::int64_t(last));
    EXPECT_GE(Int128(b.partial_last) + 1, since);  // the partial hour may be empty, never negative
  }
}

// A census of the last 30 days reads few counter rows per revision, at any time of day.
TEST(CensusBounds, ThirtyDaysReadAFewBucketsPerSpan) {
  for (std::int64_t now = kMidnight; now < kMidnight + 70 * kDay; now += 3607) {
    auto b = store::census_bounds(now - 30 * kDay);
    std::int64_t buckets = 0;
    for (const auto& r : b.ranges) {
      // Only buckets up to now hold logins (leaving out clients whose clock runs ahead).
      auto last = floor_div(now, r.span);
      buckets += std::max<std::int64_t>(0, std::min(r.end, last + 1) - r.first);
    }
    EXPECT_LE(buckets, 5 + 3 + 7 + 4 + 2) << now;
  }
}

}  // namespace
}  // namespace accountsd::testing
