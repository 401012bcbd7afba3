// Maps a method and a decoded path to what was registered for it, capturing `{name}` segments.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace accountsd::http {

// Path parameters captured from `{name}` segments, already percent-decoded.
class PathParams {
 public:
  void add(std::string name, std::string value) {
    items_.emplace_back(std::move(name), std::move(value));
  }
  // The value captured for `name`; empty when the route has no such segment.
  const std::string& get(std::string_view name) const {
    static const std::string none;
    for (const auto& [key, value] : items_)
      if (key == name) return value;
    return none;
  }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

// Splits a pattern such as "/users/{u}/shares/" into segments; a trailing slash is not a segment.
std::vector<std::string> split_pattern(std::string_view pattern);

// Result of looking up a request: the value, or why there is none.
template <typename T>
struct RouteMatch {
  const T* value = nullptr;
  PathParams params;
  bool path_known = false;         // some route has this path (so a miss is a 405, not a 404)
  std::vector<std::string> allow;  // methods registered for this path
};

// A small table of (method, path pattern) -> T, matched segment by segment.
template <typename T>
class Router {
 public:
  void add(std::string method, std::string_view pattern, T value) {
    routes_.push_back({std::move(method), split_pattern(pattern), std::move(value)});
  }

  RouteMatch<T> match(std::string_view method, const std::vector<std::string>& segments) const {
    RouteMatch<T> result;
    for (const auto& route : routes_) {
      PathParams params;
      if (!matches(route.segments, segments, params)) continue;
      result.path_known = true;
      if (std::find(result.allow.begin(), result.allow.end(), route.method) == result.allow.end())
        result.allow.push_back(route.method);
      if (route.method == method && result.value == nullptr) {
        result.value = &route.value;
        result.params = std::move(params);
      }
    }
    return result;
  }

  template <typename F>
  void for_each(F&& f) const {
    for (const auto& route : routes_) f(route.method, route.segments, route.value);
  }

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    T value;
  };

  static bool matches(const std::vector<std::string>& pattern,
                      const std::vector<std::string>& segments, PathParams& params) {
    if (pattern.size() != segments.size()) return false;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
      const auto& p = pattern[i];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
        if (segments[i].empty()) return false;
        params.add(p.substr(1, p.size() - 2), segments[i]);
      } else if (p != segments[i]) {
        return false;
      }
    }
    return true;
  }

  std::vector<Route> routes_;
};

}  // namespace accountsd::http
