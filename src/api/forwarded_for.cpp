#include "api/forwarded_for.hpp"

#include <boost/beast/core/string.hpp>
#include <string_view>

#include "error.hpp"

namespace accountsd::api {
namespace {

constexpr std::string_view kHeader = "X-Forwarded-For";

std::string_view trimmed(std::string_view text) {
  auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// The last non-empty element of a comma-separated list; empty when it has none. Empty elements
// ("a, , b", a trailing comma) are skipped, as HTTP's list syntax asks of a recipient.
std::string_view last_element(std::string_view list) {
  while (!list.empty()) {
    auto comma = list.rfind(',');
    auto element = trimmed(comma == std::string_view::npos ? list : list.substr(comma + 1));
    if (!element.empty()) return element;
    list = comma == std::string_view::npos ? std::string_view() : list.substr(0, comma);
  }
  return {};
}

}  // namespace

std::optional<boost::asio::ip::address> forwarded_client(const http::Headers& headers) {
  // Every line continues the one before it, so the last hop is in the last line that has one.
  bool present = false;
  std::string_view last;
  for (const auto& [name, value] : headers) {
    if (!boost::beast::iequals(name, kHeader)) continue;
    present = true;
    if (auto hop = last_element(value); !hop.empty()) last = hop;
  }
  if (!present) return std::nullopt;
  if (last.empty())
    throw bad_request("X-Forwarded-For from a trusted proxy must name the client's address",
                      {std::string(kHeader)});
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(last, ec);
  // The value is not quoted back: it may hold any bytes, and the reason is logged and shown.
  if (ec)
    throw bad_request(
        "the last X-Forwarded-For hop from a trusted proxy must be a bare IPv4 or IPv6 address, "
        "without a port or brackets",
        {std::string(kHeader)});
  return address;
}

}  // namespace accountsd::api
