// GET (and HEAD) /console and /console/{file+}: the web console's files, from memory, with an
// ETag so that a browser revalidates each load cheaply (Cache-Control: no-cache) instead of
// keeping an old page after an upgrade.
#include "api/console_files.hpp"

#include <algorithm>
#include <array>
#include <boost/beast/core/string.hpp>
#include <utility>

#include "api/console_assets.hpp"
#include "api/handlers.hpp"

namespace accountsd::api {
namespace {

// What the console's pages are, and where the bare /console sends a browser.
constexpr std::string_view kIndex = "index.html";
constexpr std::string_view kConsoleRoot = "/console/";

const ConsoleAsset* find_asset(std::string_view path) {
  auto assets = console_assets();
  auto it = std::lower_bound(
      assets.begin(), assets.end(), path,
      [](const ConsoleAsset& asset, std::string_view p) { return asset.path < p; });
  return it != assets.end() && it->path == path ? &*it : nullptr;
}

// Whether If-None-Match (a list of ETags, or "*") names `etag`; weak ones count (RFC 9110 13.1.2
// compares weakly for GET).
bool none_match(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    auto comma = header.find(',');
    auto item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item == "*" || item == etag) return true;
  }
  return false;
}

http::Response serve(const http::Request& request, std::string_view path) {
  const auto* asset = find_asset(path);
  if (asset == nullptr) throw not_found("no such console file: " + std::string(path));
  http::Response response;
  response.headers.emplace_back("ETag", asset->etag);
  response.headers.emplace_back("Cache-Control", "no-cache");
  if (none_match(request.header("If-None-Match"), asset->etag)) {
    response.status = 304;
    return response;
  }
  response.headers.emplace_back("Content-Type", console_content_type(path));
  response.body.assign(asset->content);
  return response;
}

}  // namespace

std::string_view console_content_type(std::string_view path) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 11> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".json", "application/json"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"},
  }};
  for (const auto& [extension, type] : kTypes) {
    if (path.size() > extension.size() &&
        boost::beast::iequals(path.substr(path.size() - extension.size()), extension))
      return type;
  }
  return "application/octet-stream";
}

bool is_console_target(std::string_view target) {
  constexpr std::string_view kConsole = "/console";
  if (!target.starts_with(kConsole)) return false;
  return target.size() == kConsole.size() || target[kConsole.size()] == '/' ||
         target[kConsole.size()] == '?';
}

void add_console_headers(http::Response& response) {
  response.headers.emplace_back(
      "Content-Security-Policy",
      "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
}

// /console and /console/ (one route: a trailing slash adds no segment): the bare name sends the
// browser to the folder, so that the page's relative URLs resolve under /console/.
http::Response get_console_index(Call& call) {
  std::string_view target = call.request.target;
  auto path = target.substr(0, target.find('?'));
  if (!path.ends_with('/')) {
    http::Response response;
    response.status = 308;
    response.headers.emplace_back("Location", std::string(kConsoleRoot));
    return response;
  }
  return serve(call.request, kIndex);
}

http::Response get_console_file(Call& call) {
  return serve(call.request, call.path.get("file"));
}

}  // namespace accountsd::api
