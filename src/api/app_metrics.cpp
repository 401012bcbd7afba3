#include "api/app_metrics.hpp"

#include <utility>
#include <vector>

namespace accountsd::api {
namespace {

std::vector<metrics::RouteLabel> route_labels(const http::Router<Route>& routes) {
  std::vector<metrics::RouteLabel> labels;
  for (std::size_t i = 0; i < routes.size(); ++i)
    labels.push_back({routes.method(i), routes.pattern(i)});
  return labels;
}

}  // namespace

AppMetrics::AppMetrics(const App& app, http::Server& server, metrics::Scrape& scrape)
    : requests_(route_labels(app.routes())) {
  server.set_request_observer([this](const http::Request& request, int status,
                                     std::chrono::steady_clock::duration elapsed) {
    auto route = request.route ? request.route->index : http::RouteMatch::none;
    requests_.record(route, request.method, status, elapsed);
  });
  scrape.add([this](auto& families) { requests_.collect(families); });
  scrape.add([&app](auto& families) {
    auto counts = app.answers().counts();
    families.push_back(metrics::counter("accountsd_answer_cache_hits_total",
                                        "Reads of cached routes answered from kept answers.",
                                        static_cast<double>(counts.hits)));
    families.push_back(metrics::counter("accountsd_answer_cache_misses_total",
                                        "Reads of cached routes that found no current answer "
                                        "kept (SQLite only).",
                                        static_cast<double>(counts.misses)));
    families.push_back(metrics::gauge("accountsd_answer_cache_bytes",
                                      "Bytes of answers kept, keys included.",
                                      static_cast<double>(counts.bytes)));
  });
  scrape.add([&server](auto& families) {
    families.push_back(metrics::gauge("accountsd_open_connections",
                                      "Client connections open on the API listener, idle "
                                      "keep-alive ones included.",
                                      static_cast<double>(server.open_connections())));
  });
}

}  // namespace accountsd::api
