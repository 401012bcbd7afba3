#include "support/metrics_text.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace accountsd::testing {
namespace {

// Reads `key="value",...}` from `line` at `at`, unescaping \\, \" and \n; false when malformed.
bool read_labels(const std::string& line, std::size_t& at,
                 std::map<std::string, std::string>& labels) {
  while (at < line.size() && line[at] != '}') {
    auto equals = line.find("=\"", at);
    if (equals == std::string::npos) return false;
    std::string key = line.substr(at, equals - at);
    std::string value;
    for (at = equals + 2; at < line.size() && line[at] != '"'; ++at) {
      if (line[at] == '\\' && at + 1 < line.size()) {
        ++at;
        value += line[at] == 'n' ? '\n' : line[at];
      } else {
        value += line[at];
      }
    }
    if (at == line.size()) return false;
    labels[key] = value;
    ++at;
    if (at < line.size() && line[at] == ',') ++at;
  }
  if (at == line.size()) return false;
  ++at;
  return true;
}

}  // namespace

MetricsText::MetricsText(std::string text) : text_(std::move(text)) {
  std::istringstream in(text_);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    Sample sample;
    auto at = line.find_first_of("{ ");
    if (at == std::string::npos) {
      ADD_FAILURE() << "unreadable metrics line: " << line;
      continue;
    }
    sample.name = line.substr(0, at);
    if (line[at] == '{' && !read_labels(line, ++at, sample.labels)) {
      ADD_FAILURE() << "unreadable labels: " << line;
      continue;
    }
    try {
      sample.value = std::stod(line.substr(at));
    } catch (const std::exception&) {
      ADD_FAILURE() << "unreadable value: " << line;
      continue;
    }
    samples_.push_back(std::move(sample));
  }
}

std::vector<Sample> MetricsText::samples(const std::string& name,
                                         const std::map<std::string, std::string>& labels) const {
  std::vector<Sample> found;
  for (const auto& sample : samples_) {
    if (sample.name != name) continue;
    bool matches = true;
    for (const auto& [key, value] : labels) {
      auto it = sample.labels.find(key);
      matches = matches && it != sample.labels.end() && it->second == value;
    }
    if (matches) found.push_back(sample);
  }
  return found;
}

double MetricsText::value(const std::string& name,
                          const std::map<std::string, std::string>& labels) const {
  double total = 0;
  for (const auto& sample : samples(name, labels)) total += sample.value;
  return total;
}

}  // namespace accountsd::testing
