#include "metrics/scrape.hpp"

#include <prometheus/text_serializer.h>

#include <sstream>

#include "metrics/build_info.hpp"
#include "metrics/events.hpp"

namespace accountsd::metrics {

Scrape::Scrape() {
  add([](auto& families) { families.push_back(build_info_family()); });
  add(collect_events);
}

std::string Scrape::text() const {
  std::vector<prometheus::MetricFamily> families;
  for (const auto& source : sources_) source(families);
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, families);
  return std::move(out).str();
}

prometheus::MetricFamily gauge(std::string name, std::string help, double value) {
  prometheus::ClientMetric metric;
  metric.gauge.value = value;
  return {std::move(name), std::move(help), prometheus::MetricType::Gauge, {metric}};
}

prometheus::MetricFamily counter(std::string name, std::string help, double value) {
  prometheus::ClientMetric metric;
  metric.counter.value = value;
  return {std::move(name), std::move(help), prometheus::MetricType::Counter, {metric}};
}

}  // namespace accountsd::metrics
