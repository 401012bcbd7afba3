// GET /metrics: the server's metrics in the Prometheus text format (docs/operations.md,
// "Metrics"). No credentials, and nothing of any partner's in it.
#include "api/handlers.hpp"
#include "metrics/scrape.hpp"

namespace accountsd::api {

http::Response get_metrics(Call& call) {
  // Registered only when there are metrics to show.
  const auto& scrape = *call.services.metrics;
  http::Response response;
  response.headers.emplace_back("Content-Type", metrics::kTextContentType);
  response.body = scrape.text();
  return response;
}

}  // namespace accountsd::api
