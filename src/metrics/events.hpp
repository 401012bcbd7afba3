// Process-wide events that the layers below the server report as they happen: failed logins,
// throttled requests, database commits, SQLite's group-commit syncs and PostgreSQL pool waits.
// Each costs a thread's own tally slot (metrics::ThreadTally), never a lock.
#pragma once

#include <prometheus/metric_family.h>

#include <chrono>
#include <cstdint>
#include <vector>

namespace accountsd::metrics {

// A password verification that failed: a wrong password, or an unknown username.
void count_failed_login();

// Why a request was refused with 429.
enum class Throttle { login, signup };
void count_throttled(Throttle reason);

// One COMMIT of a write, from sending it to its return (SQLite synchronous=full: on disk).
void observe_commit(std::chrono::steady_clock::duration elapsed);
// One fdatasync of SQLite's WAL by group commit, and how many commits it made durable.
void observe_group_commit(std::chrono::steady_clock::duration elapsed, std::uint64_t commits);
// A request that found no free PostgreSQL connection: how long it waited, and whether it then
// gave up (503).
void observe_pool_wait(std::chrono::steady_clock::duration elapsed, bool timed_out);

// The families of everything above; zero for events that never happened.
void collect_events(std::vector<prometheus::MetricFamily>& families);

}  // namespace accountsd::metrics
