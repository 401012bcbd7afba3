#include "store/postgres/backend.hpp"

#include <spdlog/spdlog.h>

#include <cassert>

#include "store/audit_context.hpp"

namespace accountsd::store::postgres {

Backend::Backend(std::string url, PoolOptions options)
    : pool_(std::move(url), std::move(options)) {}

void Backend::begin_read() {
  ++snapshot_.get().depth;
}

void Backend::end_read() noexcept {
  auto& snapshot = snapshot_.get();
  if (snapshot.depth == 0) return;
  if (--snapshot.depth > 0) return;
  // The promise of expect_one_read(): its read was one round trip (checked in tests, which run
  // a debug build; otherwise its statements saw one state each).
  assert(!snapshot.trips_before_read || !snapshot.lease ||
         (**snapshot.lease).round_trips() - *snapshot.trips_before_read <= 1);
  end_snapshot(snapshot);
  snapshot.lease.reset();
  snapshot.one_read = false;
  snapshot.trips_before_read.reset();
  snapshot.versions.reset();
}

void Backend::expect_one_read() {
  auto& snapshot = snapshot_.get();
  if (snapshot.depth > 0) snapshot.one_read = true;
}

namespace {

// A snapshot's xmax is the first transaction id not yet completed; with no transaction in
// progress below it (xmin = xmax), the snapshot has seen every transaction that had an id by
// then. A write anywhere in the cluster, through any server, takes an id and, when it ends, moves
// every later snapshot's xmax past it: two such snapshots with the same xmax see the same data.
// (One with a transaction in progress is of no use: what it sees is not the commits below its
// xmax.) Read-only transactions take no id and move nothing.
constexpr const char* kSnapshotVersion =
    "SELECT pg_snapshot_xmin(s) = pg_snapshot_xmax(s), pg_snapshot_xmax(s)::text::bigint FROM "
    "pg_current_snapshot() s";

std::optional<std::uint64_t> version_in(const Result& r) {
  if (!r.boolean(0, 0)) return std::nullopt;
  return std::uint64_t(r.integer(0, 1));
}

}  // namespace

std::optional<Transactions::SnapshotVersion> Backend::snapshot_version() {
  auto& snapshot = snapshot_.get();
  if (snapshot.depth == 0 || snapshot.one_read) return std::nullopt;
  if (!snapshot.versions) {
    snapshot.versions = std::make_shared<Snapshot::Versions>();
    if (snapshot.open) {
      // Already reading in its snapshot: that is the version of whatever is read from here on.
      auto v = version_in(snapshot_connection(snapshot).exec(kSnapshotVersion, Params()));
      snapshot.versions->before = v;
      snapshot.versions->seen = v;
    } else {
      // Before the snapshot begins, without it, in one round trip with the checks queued (a kept
      // answer then needs nothing else); the snapshot's own version goes with its BEGIN.
      snapshot.versions->before =
          version_in(snapshot_lease(snapshot).exec(kSnapshotVersion, Params()));
    }
    if (!snapshot.versions->before) return std::nullopt;
    return Transactions::SnapshotVersion{*snapshot.versions->before, *snapshot.versions->before};
  }
  // Again, after the reads: the snapshot's version, read with its first statement.
  settle_checks();
  const auto& versions = *snapshot.versions;
  if (!versions.before || !versions.seen) return std::nullopt;
  return Transactions::SnapshotVersion{*versions.before, *versions.seen};
}

Connection& Backend::snapshot_lease(Snapshot& snapshot) {
  if (!snapshot.lease) snapshot.lease.emplace(pool_.acquire());
  return **snapshot.lease;
}

Connection& Backend::snapshot_connection(Snapshot& snapshot) {
  auto& connection = snapshot_lease(snapshot);
  if (snapshot.open) return connection;
  if (snapshot.one_read && !snapshot.trips_before_read) {
    snapshot.trips_before_read = connection.round_trips();
    return connection;
  }
  // A debug build stops at a second read after expect_one_read(); a release one begins the
  // snapshot here, for the reads still to come.
  assert(!snapshot.one_read && "a scope that expected one read read again");
  // Goes with the first statement, ahead of any check queued before it, in one round trip.
  connection.begin_later("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  snapshot.open = true;
  // What snapshot_version() read before the snapshot began is compared with the snapshot's own.
  if (snapshot.versions && snapshot.versions->before) {
    connection.send_ahead(
        kSnapshotVersion, Params(),
        [versions = snapshot.versions](const Result& r) { versions->seen = version_in(r); });
  }
  return connection;
}

void Backend::end_snapshot(Snapshot& snapshot) noexcept {
  if (!snapshot.open) return;
  snapshot.open = false;
  // Read-only: nothing to keep, and nothing lost if this fails (the pool then closes it). Not
  // waited for: the connection's next statement reads its answer first.
  rollback_quietly(**snapshot.lease);
}

void Backend::check_with_next_read(std::string sql, Params params,
                                   std::function<void(const Result&)> check) {
  auto& snapshot = snapshot_.get();
  if (snapshot.depth == 0) {
    auto lease = pool_.acquire();
    check(lease->exec(sql, params));
    return;
  }
  // Queued ahead of the scope's next statement (behind its BEGIN, if it has one).
  snapshot_lease(snapshot).send_ahead(sql, std::move(params), std::move(check));
}

void Backend::settle_checks() {
  auto& snapshot = snapshot_.get();
  if (snapshot.depth > 0 && snapshot.lease) (**snapshot.lease).flush_ahead();
}

void Backend::lock_partner(Connection& connection, std::int64_t partner) {
  // Taken with the write's first statement, in its round trip (and before it).
  connection.send_ahead("SELECT 1 FROM partner_counters WHERE partner_id = $1 FOR UPDATE",
                        Params().add(partner));
}

}  // namespace accountsd::store::postgres

namespace accountsd::store::postgres {

void Backend::tell_audit_context(Connection& connection) {
  const auto& context = audit_context_json();
  // Sent with the write's first statement, in its round trip; set_config(..., true) lasts until
  // the transaction ends, so no other write on this pooled connection sees it.
  if (!context.empty())
    connection.send_ahead("SELECT set_config('accountsd.audit', $1, true)", Params().add(context));
}

}  // namespace accountsd::store::postgres
