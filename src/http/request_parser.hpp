// Turning bytes into a Request: the Beast parser as the server configures it, and the
// conversion of its message into the transport-neutral Request (shared with tests/fuzz).
#pragma once

#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>

#include "http/limits.hpp"
#include "http/message.hpp"

namespace accountsd::http {

using BeastParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// Applies the size limits of `limits` to a fresh parser.
void apply_limits(BeastParser& parser, const ServerLimits& limits);

// Moves a parsed message into a Request from `peer`, tagged with `request_id`.
Request to_request(boost::beast::http::request<boost::beast::http::string_body>& message,
                   const boost::asio::ip::address& peer, std::string request_id);

}  // namespace accountsd::http
