#include "metrics/request_metrics.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

namespace accountsd::metrics {
namespace {

// The statuses the server answers with, each a series of its own; any other counts as "other".
constexpr std::array<int, 18> kStatuses = {200, 201, 202, 204, 400, 401, 402, 403, 404,
                                           405, 409, 413, 415, 422, 429, 431, 500, 503};
constexpr std::size_t kStatusSlots = kStatuses.size() + 1;

std::size_t status_slot(int status) {
  auto found = std::find(kStatuses.begin(), kStatuses.end(), status);
  return static_cast<std::size_t>(found - kStatuses.begin());
}

std::string status_label(std::size_t slot) {
  return slot < kStatuses.size() ? std::to_string(kStatuses[slot]) : "other";
}

// Methods of unmatched requests: a client may send any token, and a label must not take it.
constexpr std::array<std::string_view, 7> kMethods = {"GET",   "HEAD",   "POST",   "PUT",
                                                      "PATCH", "DELETE", "OPTIONS"};
constexpr std::size_t kMethodRows = kMethods.size() + 1;

std::size_t method_slot(std::string_view method) {
  auto found = std::find(kMethods.begin(), kMethods.end(), method);
  return static_cast<std::size_t>(found - kMethods.begin());
}

constexpr std::string_view kUnmatched = "(unmatched)";

prometheus::ClientMetric::Label label(std::string name, std::string_view value) {
  return {std::move(name), std::string(value)};
}

}  // namespace

RequestMetrics::RequestMetrics(std::vector<RouteLabel> routes)
    : routes_(std::move(routes)),
      tally_(rows() * kStatusSlots + rows() * latency_buckets().slots()) {}

std::size_t RequestMetrics::rows() const {
  return routes_.size() + kMethodRows;
}

std::size_t RequestMetrics::row_of(std::size_t route, std::string_view method) const {
  return route < routes_.size() ? route : routes_.size() + method_slot(method);
}

std::size_t RequestMetrics::histogram_slot(std::size_t row) const {
  return rows() * kStatusSlots + row * latency_buckets().slots();
}

std::pair<std::string_view, std::string_view> RequestMetrics::labels(std::size_t row) const {
  if (row < routes_.size()) return {routes_[row].method, routes_[row].pattern};
  auto method = row - routes_.size();
  return {method < kMethods.size() ? kMethods[method] : "other", kUnmatched};
}

void RequestMetrics::record(std::size_t route, std::string_view method, int status,
                            std::chrono::steady_clock::duration elapsed) {
  auto row = row_of(route, method);
  auto& counts = tally_.row();
  counts.add(row * kStatusSlots + status_slot(status));
  latency_buckets().record(counts, histogram_slot(row), micros(elapsed));
}

void RequestMetrics::collect(std::vector<prometheus::MetricFamily>& families) const {
  auto sums = tally_.sum();
  prometheus::MetricFamily requests{"accountsd_http_requests_total",
                                    "Requests answered, by route template, method and status.",
                                    prometheus::MetricType::Counter,
                                    {}};
  prometheus::MetricFamily latency{
      "accountsd_http_request_duration_seconds",
      "Time from a request read whole to its answer ready to send (a streamed answer: sent), by "
      "route template and method.",
      prometheus::MetricType::Histogram,
      {}};
  for (std::size_t row = 0; row < rows(); ++row) {
    auto [method, route] = labels(row);
    for (std::size_t status = 0; status < kStatusSlots; ++status) {
      auto count = sums[row * kStatusSlots + status];
      if (count == 0) continue;
      prometheus::ClientMetric metric;
      metric.label = {label("method", method), label("route", route),
                      label("status", status_label(status))};
      metric.counter.value = static_cast<double>(count);
      requests.metric.push_back(std::move(metric));
    }
    if (latency_buckets().count(sums, histogram_slot(row)) == 0) continue;
    prometheus::ClientMetric metric;
    metric.label = {label("method", method), label("route", route)};
    metric.histogram = latency_buckets().read(sums, histogram_slot(row));
    latency.metric.push_back(std::move(metric));
  }
  families.push_back(std::move(requests));
  families.push_back(std::move(latency));
}

}  // namespace accountsd::metrics
