#include "domain/url.hpp"

#include <algorithm>
#include <charconv>

#include <boost/url/parse.hpp>
#include <boost/url/scheme.hpp>
#include <boost/url/url_view.hpp>

namespace accountsd::domain {
namespace {

constexpr std::size_t kMaxUrlLength = 2048;
constexpr unsigned long kMaxPort = 65535;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// An empty port ("http://host:/") is allowed by RFC 3986; a number past 65535 is not a port.
bool valid_port(std::string_view port) {
  if (port.empty()) return true;
  unsigned long value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  return ec == std::errc{} && end == port.data() + port.size() && value <= kMaxPort;
}

}  // namespace

bool is_valid_http_url(std::string_view url) {
  if (url.empty() || url.size() > kMaxUrlLength) return false;
  if (std::any_of(url.begin(), url.end(), is_space)) return false;
  const auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) return false;
  const boost::urls::url_view& view = *parsed;
  const auto scheme = view.scheme_id();  // Compared case-insensitively by Boost.URL.
  if (scheme != boost::urls::scheme::http && scheme != boost::urls::scheme::https) return false;
  if (!view.has_authority() || view.encoded_host().empty()) return false;
  // Boost.URL 1.81 reads "http://host:8x/" as port "8" and path "x/" (boostorg/url#680); a
  // path after an authority must start with '/', so such URLs are refused here.
  const auto path = view.encoded_path();
  if (!path.empty() && path.front() != '/') return false;
  return !view.has_port() || valid_port(view.port());
}

}  // namespace accountsd::domain
