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
  scrape.add([&server](auto& families) {
    families.push_back(metrics::gauge("accountsd_open_connections",
                                      "Client connections open on the API listener, idle "
                                      "keep-alive ones included.",
                                      static_cast<double>(server.open_connections())));
  });
}

}  // namespace accountsd::api
