// Turning bytes into a Request: the Beast parser as the server configures it, and the
// conversion of its message into the transport-neutral Request (shared with tests/fuzz).
#pragma once

#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <optional>
#include <string>

#include "http/limits.hpp"
#include "http/message.hpp"

namespace accountsd::http {

using BeastParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// Applies the size limits of `limits` to a fresh parser.
void apply_limits(BeastParser& parser, const ServerLimits& limits);

// What to do with the body of a request whose headers are in, before reading any of it.
struct BodyAdmission {
  std::size_t limit = 0;   // the most this request's body may hold
  bool too_large = false;  // its Content-Length is over `limit`: refuse it now (413)
  bool large = false;      // it may carry more than body_bytes: it needs a large-body place
};

// Decides the body limit of `parser`'s request from its route's `route_limit` (nullopt: the
// default) and its framing headers, and sets it on the parser (for a chunked body, which is cut
// at the limit). Beast checks a Content-Length against the limit only as the headers finish, so
// the headers must be read with no body limit and this called right after.
BodyAdmission admit_body(BeastParser& parser, const ServerLimits& limits,
                         std::optional<std::size_t> route_limit);

// Moves a parsed message into a Request from `peer`, tagged with `request_id`.
Request to_request(boost::beast::http::request<boost::beast::http::string_body>& message,
                   const boost::asio::ip::address& peer, std::string request_id);

}  // namespace accountsd::http
