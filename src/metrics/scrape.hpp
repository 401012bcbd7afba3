// What GET /metrics answers: the families of every source registered, gathered and written in
// the Prometheus text format (prometheus-cpp's TextSerializer) when asked.
#pragma once

#include <prometheus/metric_family.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace accountsd::metrics {

// The Content-Type of the Prometheus text format.
inline constexpr const char* kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

class Scrape {
 public:
  // Appends its families to the list; called on every scrape, on the scraping request's thread.
  using Source = std::function<void(std::vector<prometheus::MetricFamily>& families)>;

  // With the build info and the process-wide events (metrics/events.hpp) as its first sources.
  Scrape();
  // Adds a source; call before the first scrape.
  void add(Source source) { sources_.push_back(std::move(source)); }
  // Every source's families, in the text format.
  std::string text() const;

 private:
  std::vector<Source> sources_;
};

// A gauge family of one series without labels.
prometheus::MetricFamily gauge(std::string name, std::string help, double value);
// A counter family of one series without labels.
prometheus::MetricFamily counter(std::string name, std::string help, double value);

}  // namespace accountsd::metrics
