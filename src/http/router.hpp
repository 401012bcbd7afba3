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
    auto segments = split_pattern(pattern);
    const bool rest = !segments.empty() && is_rest(segments.back());
    const std::size_t index = routes_.size();
    if (rest) {
      rest_.push_back(index);
    } else {
      if (by_length_.size() <= segments.size()) by_length_.resize(segments.size() + 1);
      by_length_[segments.size()].push_back(index);
    }
    routes_.push_back(
        {std::move(method), std::string(pattern), std::move(segments), std::move(value), rest});
  }

  // The first route registered for `method` and `segments`; when there is none, the methods
  // registered for the path (RouteMatch::allow). The match views this table: add nothing once
  // requests are being matched.
  RouteMatch match(std::string_view method, const std::vector<std::string>& segments) const {
    RouteMatch result;
    // Only routes of as many segments, and those ending in `{name+}`, can match: both lists are
    // in the order of the table, and are walked together so that the first route still wins and
    // `allow` lists the methods in the order they were added.
    static const std::vector<std::size_t> kNone;
    const auto& fixed = segments.size() < by_length_.size() ? by_length_[segments.size()] : kNone;
    auto f = fixed.begin();
    auto r = rest_.begin();
    while (f != fixed.end() || r != rest_.end()) {
      const std::size_t i = r == rest_.end() || (f != fixed.end() && *f < *r) ? *f++ : *r++;
      const auto& route = routes_[i];
      if (!path_matches(route, segments)) continue;
      result.path_known = true;
      if (route.method == method) {
        result.index = i;
        result.pattern = route.pattern;
        capture(route, segments, result.params);
        result.allow.clear();
        return result;
      }
      if (std::find(result.allow.begin(), result.allow.end(), route.method) == result.allow.end())
        result.allow.push_back(route.method);
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
    bool rest;  // the last segment is `{name+}`
  };

  static bool is_parameter(const std::string& p) {
    return p.size() > 2 && p.front() == '{' && p.back() == '}';
  }

  static bool is_rest(const std::string& p) { return is_parameter(p) && p[p.size() - 2] == '+'; }

  // The segments before a `{name+}` one: all of them when there is none.
  static std::size_t fixed_segments(const Route& route) {
    return route.segments.size() - (route.rest ? 1 : 0);
  }

  // Whether `segments` fit `route`'s path; a `{name+}` last segment takes one or more.
  static bool path_matches(const Route& route, const std::vector<std::string>& segments) {
    const auto& pattern = route.segments;
    const std::size_t fixed = fixed_segments(route);
    if (route.rest ? segments.size() <= fixed : segments.size() != fixed) return false;
    // Checked from the last segment back: every route starts with the same few segments
    // (apis/accounts/v1), so the last ones tell routes apart soonest.
    for (std::size_t i = fixed; i-- > 0;) {
      const auto& p = pattern[i];
      if (is_parameter(p) ? segments[i].empty() : p != segments[i]) return false;
    }
    if (route.rest) {
      for (std::size_t i = fixed; i < segments.size(); ++i)
        if (segments[i].empty()) return false;
    }
    return true;
  }

  // The parameters of `segments`, which path_matches `route`: a `{name+}` takes the rest of
  // the segments joined by '/'.
  static void capture(const Route& route, const std::vector<std::string>& segments,
                      PathParams& params) {
    const auto& pattern = route.segments;
    const std::size_t fixed = fixed_segments(route);
    for (std::size_t i = 0; i < fixed; ++i) {
      const auto& p = pattern[i];
      if (is_parameter(p)) params.add(p.substr(1, p.size() - 2), segments[i]);
    }
    if (!route.rest) return;
    std::string joined;
    for (std::size_t i = fixed; i < segments.size(); ++i) {
      if (i != fixed) joined += '/';
      joined += segments[i];
    }
    const auto& last = pattern.back();
    params.add(last.substr(1, last.size() - 3), std::move(joined));
  }

  std::vector<Route> routes_;
  // The places in routes_ of the routes of each number of segments, those ending in `{name+}`
  // aside (rest_): a request is matched against only those that could fit it.
  std::vector<std::vector<std::size_t>> by_length_;
  std::vector<std::size_t> rest_;
};

}  // namespace accountsd::http
