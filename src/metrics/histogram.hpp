// Histograms of whole-number observations (microseconds, counts) kept in ThreadTally slots, and
// their reading as a Prometheus histogram.
#pragma once

#include <prometheus/client_metric.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "metrics/thread_tally.hpp"

namespace accountsd::metrics {

// Where observations fall: upper bounds in the observations' unit, ascending, and how many of
// that unit make one of the unit shown (1e6 for microseconds shown as seconds: a division, which
// shows 100 µs as 0.0001 where a product with 1e-6 would show 9.999999999999999e-05). A
// histogram takes slots() slots of a tally from its first: one per bucket, one for +Inf, one for
// the sum.
class Buckets {
 public:
  Buckets(std::vector<std::uint64_t> bounds, double per_unit_shown);
  std::size_t slots() const { return bounds_.size() + 2; }
  // Counts `value` in the histogram whose slots begin at `first`.
  void record(ThreadTally::Row& row, std::size_t first, std::uint64_t value) const noexcept;
  // The histogram whose slots begin at `first` in `sums` (ThreadTally::sum), cumulative.
  prometheus::ClientMetric::Histogram read(const std::vector<std::uint64_t>& sums,
                                           std::size_t first) const;
  // Observations counted in it.
  std::uint64_t count(const std::vector<std::uint64_t>& sums, std::size_t first) const;

 private:
  std::vector<std::uint64_t> bounds_;
  double per_unit_shown_;
};

// Durations from 100 µs to 10 s, observed in microseconds and shown in seconds.
const Buckets& latency_buckets();

// Microseconds in `elapsed`, never negative.
std::uint64_t micros(std::chrono::steady_clock::duration elapsed);

// A histogram of its own.
class Histogram {
 public:
  explicit Histogram(const Buckets& buckets) : buckets_(buckets), tally_(buckets.slots()) {}
  void observe(std::uint64_t value) { buckets_.record(tally_.row(), 0, value); }
  prometheus::ClientMetric::Histogram read() const { return buckets_.read(tally_.sum(), 0); }

 private:
  const Buckets& buckets_;
  ThreadTally tally_;
};

}  // namespace accountsd::metrics
