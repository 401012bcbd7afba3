// What a request's method and path reached in a route table: the route, its path template and
// the captured parameters, or why none matched. Resolved once per request (Server).
#pragma once

#include <cstddef>
#include <limits>
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

struct RouteMatch {
  static constexpr std::size_t none = std::numeric_limits<std::size_t>::max();
  std::size_t index = none;  // the route's place in its table; none: no route matched
  // The matched route's path as registered ("/users/{u}"): what logs and metrics name, never
  // the path the client sent. Views the route table, which outlives every request.
  std::string_view pattern;
  PathParams params;
  bool path_known = false;  // some route has this path (so a miss is a 405, not a 404)
  // The methods registered for this path, when none is the request's (what a 405 answers
  // with); empty when a route matched.
  std::vector<std::string> allow;

  bool found() const { return index != none; }
};

// What the server learns of a request once its headers are in, before reading its body.
struct ResolvedRoute {
  RouteMatch match;
  // The most body the route takes; nullopt: the server's default (ServerLimits::body_bytes).
  std::optional<std::size_t> body_limit;
};

}  // namespace accountsd::http
