// The one file that includes the generated build_info_values.hpp (cmake/build_info.cmake), so that
// a new commit recompiles only this.
#include "metrics/build_info.hpp"

#include "build_info_values.hpp"

namespace accountsd::metrics {

const BuildInfo& build_info() {
  static const BuildInfo info{kBuildVersion, kBuildCommit, kBuildCompiler};
  return info;
}

prometheus::MetricFamily build_info_family() {
  const auto& info = build_info();
  prometheus::ClientMetric metric;
  metric.label = {{"commit", std::string(info.commit)},
                  {"compiler", std::string(info.compiler)},
                  {"version", std::string(info.version)}};
  metric.gauge.value = 1;
  return {"accountsd_build_info",
          "The running binary: version, git commit and compiler; always 1.",
          prometheus::MetricType::Gauge,
          {metric}};
}

}  // namespace accountsd::metrics
