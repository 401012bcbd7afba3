#include "metrics/events.hpp"

#include <string>

#include "metrics/histogram.hpp"
#include "metrics/scrape.hpp"
#include "metrics/thread_tally.hpp"

namespace accountsd::metrics {
namespace {

// Commits per group-commit sync, 1 to 1024.
const Buckets& batch_buckets() {
  static const Buckets buckets({1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024}, 1.0);
  return buckets;
}

// The counters' slots in Events::counters.
enum Slot : std::size_t { failed_logins, throttled_login, throttled_signup, pool_timeouts, slots };

struct Events {
  ThreadTally counters{slots};
  Histogram commits{latency_buckets()};
  Histogram syncs{latency_buckets()};
  Histogram batches{batch_buckets()};
  Histogram pool_waits{latency_buckets()};
};

// Never destroyed: threads that outlive main's return (a store's syncer still stopping) may
// still report.
Events& events() {
  static auto* const instance = new Events;
  return *instance;
}

prometheus::MetricFamily histogram(std::string name, std::string help, const Histogram& histogram) {
  prometheus::ClientMetric metric;
  metric.histogram = histogram.read();
  return {std::move(name), std::move(help), prometheus::MetricType::Histogram, {metric}};
}

}  // namespace

void count_failed_login() {
  events().counters.add(failed_logins);
}

void count_throttled(Throttle reason) {
  events().counters.add(reason == Throttle::login ? throttled_login : throttled_signup);
}

void observe_commit(std::chrono::steady_clock::duration elapsed) {
  events().commits.observe(micros(elapsed));
}

void observe_group_commit(std::chrono::steady_clock::duration elapsed, std::uint64_t commits) {
  events().syncs.observe(micros(elapsed));
  events().batches.observe(commits);
}

void observe_pool_wait(std::chrono::steady_clock::duration elapsed, bool timed_out) {
  events().pool_waits.observe(micros(elapsed));
  if (timed_out) events().counters.add(pool_timeouts);
}

void collect_events(std::vector<prometheus::MetricFamily>& families) {
  auto& all = events();
  auto counts = all.counters.sum();
  families.push_back(counter("accountsd_failed_logins_total",
                             "Password verifications that failed: wrong password or unknown user.",
                             static_cast<double>(counts[failed_logins])));
  prometheus::MetricFamily throttled{"accountsd_throttled_requests_total",
                                     "Requests refused with 429, by what refused them: the "
                                     "failed-login throttle or the self-signup limits.",
                                     prometheus::MetricType::Counter,
                                     {}};
  for (auto [reason, slot] :
       {std::pair{"login", throttled_login}, std::pair{"signup", throttled_signup}}) {
    prometheus::ClientMetric metric;
    metric.label = {{"reason", reason}};
    metric.counter.value = static_cast<double>(counts[slot]);
    throttled.metric.push_back(std::move(metric));
  }
  families.push_back(std::move(throttled));
  families.push_back(histogram("accountsd_db_commit_duration_seconds",
                               "Time a write's COMMIT took to return.", all.commits));
  families.push_back(histogram("accountsd_db_group_commit_sync_duration_seconds",
                               "Time each fdatasync of SQLite's WAL took (--synchronous group).",
                               all.syncs));
  families.push_back(histogram("accountsd_db_group_commit_batch_size",
                               "Commits that one fdatasync of SQLite's WAL made durable "
                               "(--synchronous group).",
                               all.batches));
  families.push_back(histogram("accountsd_db_pool_wait_duration_seconds",
                               "Time a request waited for a free PostgreSQL connection, for "
                               "requests that found none free.",
                               all.pool_waits));
  families.push_back(counter("accountsd_db_pool_timeouts_total",
                             "Requests refused (503) because no PostgreSQL connection came free "
                             "within --db-pool-wait.",
                             static_cast<double>(counts[pool_timeouts])));
}

}  // namespace accountsd::metrics
