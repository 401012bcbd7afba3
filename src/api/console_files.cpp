// GET (and HEAD) /console and /console/{file+}: the web console's files, from memory, with an
// ETag so that a browser revalidates each load cheaply (Cache-Control: no-cache) instead of
// keeping an old page after an upgrade.
#include "api/console_files.hpp"

#include <algorithm>
#include <array>
#include <boost/beast/core/string.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
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

// A console file as it is answered: its bytes and its ETag.
struct ConsoleFile {
  std::string content;
  std::string etag;
};

// An ETag (quoted) for `text`, for files that have no SHA-256 made at build time. It only has to
// change when the text does.
std::string etag_of(std::string_view text) {
  char tag[24];
  std::snprintf(tag, sizeof tag, "\"%016zx\"", std::hash<std::string_view>{}(text));
  return tag;
}

// Whether a file path from the URL names a file inside the console's folder: no empty, "." or
// ".." segment, no backslash or NUL.
bool safe_relative(std::string_view path) {
  if (path.empty() || path.find_first_of(std::string_view("\\\0", 2)) != std::string_view::npos)
    return false;
  while (!path.empty()) {
    auto slash = path.find('/');
    auto segment = path.substr(0, slash);
    if (segment.empty() || segment == "." || segment == "..") return false;
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  }
  return true;
}

std::optional<ConsoleFile> load(const AppConfig& config, std::string_view path) {
  if (!config.console_dir.empty()) {
    if (!safe_relative(path)) return std::nullopt;
    const auto name = std::filesystem::path(config.console_dir) / path;
    std::error_code error;
    if (!std::filesystem::is_regular_file(name, error)) return std::nullopt;
    std::ifstream in(name, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream bytes;
    bytes << in.rdbuf();
    ConsoleFile file{std::move(bytes).str(), {}};
    file.etag = etag_of(file.content);
    return file;
  }
  const auto* asset = find_asset(path);
  if (asset == nullptr) return std::nullopt;
  return ConsoleFile{std::string(asset->content), std::string(asset->etag)};
}

// The page names the API's root in a meta tag (console/app/index.html) written for the default
// root; a server with another --api-root tells the page its own.
void point_api_root(ConsoleFile& file, std::string_view api_root) {
  static constexpr std::string_view kMeta = R"(name="accountsd-api-root" content=")";
  static constexpr std::string_view kDefault = "/apis/accounts/v1";
  if (api_root == kDefault) return;
  auto at = file.content.find(kMeta);
  if (at == std::string::npos || file.content.compare(at + kMeta.size(), kDefault.size(), kDefault))
    return;
  std::string attribute;  // the root as an attribute value: the operator's text, escaped
  for (char c : api_root) {
    switch (c) {
      case '"':
        attribute += "&quot;";
        break;
      case '&':
        attribute += "&amp;";
        break;
      case '<':
        attribute += "&lt;";
        break;
      case '>':
        attribute += "&gt;";
        break;
      default:
        attribute += c;
    }
  }
  file.content.replace(at + kMeta.size(), kDefault.size(), attribute);
  file.etag = etag_of(file.content);
}

http::Response serve(const Call& call, std::string_view path) {
  auto file = load(call.services.config, path);
  if (!file) throw not_found("no such console file: " + std::string(path));
  if (path == kIndex) point_api_root(*file, call.services.config.api_root);
  http::Response response;
  response.headers.emplace_back("ETag", file->etag);
  response.headers.emplace_back("Cache-Control", "no-cache");
  if (none_match(call.request.header("If-None-Match"), file->etag)) {
    response.status = 304;
    return response;
  }
  response.headers.emplace_back("Content-Type", console_content_type(path));
  response.body = std::move(file->content);
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
  return serve(call, kIndex);
}

http::Response get_console_file(Call& call) {
  return serve(call, call.path.get("file"));
}

}  // namespace accountsd::api
