// A scrape in the Prometheus text format read back into samples, for assertions on GET /metrics.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace accountsd::testing {

struct Sample {
  std::string name;  // with its suffix: _total, _bucket, _sum, _count
  std::map<std::string, std::string> labels;
  double value = 0;
};

class MetricsText {
 public:
  // Fails the current test (ADD_FAILURE) on a line it cannot read.
  explicit MetricsText(std::string text);
  // The samples named `name` whose labels include `labels`.
  std::vector<Sample> samples(const std::string& name,
                              const std::map<std::string, std::string>& labels = {}) const;
  // Their values summed; 0 when there are none.
  double value(const std::string& name,
               const std::map<std::string, std::string>& labels = {}) const;
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::vector<Sample> samples_;
};

}  // namespace accountsd::testing
