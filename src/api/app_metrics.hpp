// The metrics of a server that serves an App: each answer counted by the App's routes, and the
// server's open connections, both shown by a metrics::Scrape.
#pragma once

#include "api/app.hpp"
#include "http/server.hpp"
#include "metrics/request_metrics.hpp"
#include "metrics/scrape.hpp"

namespace accountsd::api {

class AppMetrics {
 public:
  // Observes `server`'s requests (call before it listens) and adds their families and the
  // open-connections gauge to `scrape`. All three must outlive this, and this the server's run.
  AppMetrics(const App& app, http::Server& server, metrics::Scrape& scrape);
  AppMetrics(const AppMetrics&) = delete;
  AppMetrics& operator=(const AppMetrics&) = delete;

 private:
  metrics::RequestMetrics requests_;
};

}  // namespace accountsd::api
