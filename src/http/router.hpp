// Maps a method and a decoded path to what was registered for it, capturing `{name}` segments.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/route_match.hpp"

namespace accountsd::http {

// Splits a pattern such as "/users/{u}/shares/" into segments; a trailing slash is not a segment.
std::vector<std::string> split_pattern(std::string_view pattern);

// A small table of (method, path pattern) -> T, matched segment by segment. A last segment
// `{name+}` takes one or more segments, joined by '/' (a file under a folder: /console/{file+}).
template <typename T>
class Router {
 public:
  void add(std::string method, std::string_view pattern, T value) {
    routes_.push_back(
        {std::move(method), std::string(pattern), split_pattern(pattern), std::move(value)});
  }

  // The first route registered for `method` and `segments`. The match views this table: add
  // nothing once requests are being matched.
  RouteMatch match(std::string_view method, const std::vector<std::string>& segments) const {
    RouteMatch result;
    for (std::size_t i = 0; i < routes_.size(); ++i) {
      const auto& route = routes_[i];
      PathParams params;
      if (!matches(route.segments, segments, params)) continue;
      result.path_known = true;
      if (std::find(result.allow.begin(), result.allow.end(), route.method) == result.allow.end())
        result.allow.push_back(route.method);
      if (route.method == method && !result.found()) {
        result.index = i;
        result.pattern = route.pattern;
        result.params = std::move(params);
      }
    }
    return result;
  }

  // The routes in the order they were added: RouteMatch::index is a place in it.
  std::size_t size() const { return routes_.size(); }
  const T& operator[](std::size_t index) const { return routes_.at(index).value; }
  const std::string& method(std::size_t index) const { return routes_.at(index).method; }
  const std::string& pattern(std::size_t index) const { return routes_.at(index).pattern; }

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    T value;
  };

  static bool is_parameter(const std::string& p) {
    return p.size() > 2 && p.front() == '{' && p.back() == '}';
  }

  static bool is_rest(const std::string& p) { return is_parameter(p) && p[p.size() - 2] == '+'; }

  static bool matches(const std::vector<std::string>& pattern,
                      const std::vector<std::string>& segments, PathParams& params) {
    if (!pattern.empty() && is_rest(pattern.back())) return matches_rest(pattern, segments, params);
    if (pattern.size() != segments.size()) return false;
    // Checked from the last segment back: every route starts with the same few segments
    // (apis/accounts/v1), so the last ones tell routes apart soonest.
    for (std::size_t i = pattern.size(); i-- > 0;) {
      const auto& p = pattern[i];
      if (is_parameter(p) ? segments[i].empty() : p != segments[i]) return false;
    }
    for (std::size_t i = 0; i < pattern.size(); ++i) {
      const auto& p = pattern[i];
      if (is_parameter(p)) params.add(p.substr(1, p.size() - 2), segments[i]);
    }
    return true;
  }

  // A pattern whose last segment is `{name+}`: the segments before it as usual, then the rest.
  static bool matches_rest(const std::vector<std::string>& pattern,
                           const std::vector<std::string>& segments, PathParams& params) {
    const std::size_t fixed = pattern.size() - 1;
    if (segments.size() <= fixed) return false;
    for (std::size_t i = 0; i < fixed; ++i) {
      if (is_parameter(pattern[i]) ? segments[i].empty() : pattern[i] != segments[i]) return false;
    }
    std::string rest;
    for (std::size_t i = fixed; i < segments.size(); ++i) {
      if (segments[i].empty()) return false;
      rest += (i == fixed ? "" : "/") + segments[i];
    }
    for (std::size_t i = 0; i < fixed; ++i) {
      const auto& p = pattern[i];
      if (is_parameter(p)) params.add(p.substr(1, p.size() - 2), segments[i]);
    }
    const auto& last = pattern.back();
    params.add(last.substr(1, last.size() - 3), std::move(rest));
    return true;
  }

  std::vector<Route> routes_;
};

}  // namespace accountsd::http
