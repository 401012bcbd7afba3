// The client that a trusted proxy names in X-Forwarded-For (A.2): the last hop of every such
// header line taken together, which must be a bare IPv4 or IPv6 address.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <optional>

#include "http/message.hpp"

namespace accountsd::api {

// The last hop of all X-Forwarded-For lines of `headers`, in order; nullopt when there is none.
// Throws bad_request (400) when that hop is not a bare address ("9.9.9.9:1234", "[::1]:80",
// "garbage") or the header lists nothing: never fall back to the proxy's own address, which
// would put every client behind it in one throttle bucket and outside signup restrictions.
std::optional<boost::asio::ip::address> forwarded_client(const http::Headers& headers);

}  // namespace accountsd::api
