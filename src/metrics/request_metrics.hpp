// Requests answered, by route template, method and status, and their latency by route: tallied
// per thread as each answer goes out, summed when scraped.
#pragma once

#include <prometheus/metric_family.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/histogram.hpp"
#include "metrics/thread_tally.hpp"

namespace accountsd::metrics {

// A route as its metrics' labels name it.
struct RouteLabel {
  std::string method;
  std::string pattern;  // the path template ("/users/{u}"), never a path a client sent
};

class RequestMetrics {
 public:
  // `routes` in the order of the route table whose indexes record() is given.
  explicit RequestMetrics(std::vector<RouteLabel> routes);

  // One answered request: `route` is its index in the table, or any index past it for a request
  // that reached no route, which is then counted by its `method` under "(unmatched)".
  void record(std::size_t route, std::string_view method, int status,
              std::chrono::steady_clock::duration elapsed);
  // accountsd_http_requests_total and accountsd_http_request_duration_seconds, for the series
  // that have counted anything.
  void collect(std::vector<prometheus::MetricFamily>& families) const;

 private:
  // A row per route, then one per method of unmatched requests.
  std::size_t row_of(std::size_t route, std::string_view method) const;
  std::size_t rows() const;
  std::size_t histogram_slot(std::size_t row) const;
  // The method and route labels of a row.
  std::pair<std::string_view, std::string_view> labels(std::size_t row) const;

  std::vector<RouteLabel> routes_;
  ThreadTally tally_;
};

}  // namespace accountsd::metrics
