// What this binary is: its version, the commit it was built from and the compiler, as
// accountsd_build_info shows them.
#pragma once

#include <prometheus/metric_family.h>

#include <string_view>

namespace accountsd::metrics {

struct BuildInfo {
  std::string_view version;
  std::string_view commit;  // "unknown" when built outside a git checkout
  std::string_view compiler;
};

const BuildInfo& build_info();

// accountsd_build_info{version=...,commit=...,compiler=...} 1
prometheus::MetricFamily build_info_family();

}  // namespace accountsd::metrics
