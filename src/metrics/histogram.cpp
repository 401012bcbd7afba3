#include "metrics/histogram.hpp"

#include <limits>
#include <utility>

namespace accountsd::metrics {

Buckets::Buckets(std::vector<std::uint64_t> bounds, double per_unit_shown)
    : bounds_(std::move(bounds)), per_unit_shown_(per_unit_shown) {}

void Buckets::record(ThreadTally::Row& row, std::size_t first, std::uint64_t value) const noexcept {
  // A dozen bounds or so: a linear search is as quick as any.
  std::size_t bucket = 0;
  while (bucket < bounds_.size() && value > bounds_[bucket]) ++bucket;
  row.add(first + bucket);
  row.add(first + bounds_.size() + 1, value);
}

prometheus::ClientMetric::Histogram Buckets::read(const std::vector<std::uint64_t>& sums,
                                                  std::size_t first) const {
  prometheus::ClientMetric::Histogram histogram;
  std::uint64_t cumulative = 0;
  for (std::size_t bucket = 0; bucket <= bounds_.size(); ++bucket) {
    cumulative += sums[first + bucket];
    double bound = bucket < bounds_.size() ? static_cast<double>(bounds_[bucket]) / per_unit_shown_
                                           : std::numeric_limits<double>::infinity();
    histogram.bucket.push_back({cumulative, bound});
  }
  histogram.sample_count = cumulative;
  histogram.sample_sum = static_cast<double>(sums[first + bounds_.size() + 1]) / per_unit_shown_;
  return histogram;
}

std::uint64_t Buckets::count(const std::vector<std::uint64_t>& sums, std::size_t first) const {
  std::uint64_t total = 0;
  for (std::size_t bucket = 0; bucket <= bounds_.size(); ++bucket) total += sums[first + bucket];
  return total;
}

const Buckets& latency_buckets() {
  static const Buckets buckets({100, 250, 500, 1'000, 2'500, 5'000, 10'000, 25'000, 50'000, 100'000,
                                250'000, 500'000, 1'000'000, 2'500'000, 5'000'000, 10'000'000},
                               1e6);
  return buckets;
}

std::uint64_t micros(std::chrono::steady_clock::duration elapsed) {
  auto count = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
  return count > 0 ? static_cast<std::uint64_t>(count) : 0;
}

}  // namespace accountsd::metrics
