// Transport-neutral request and response values exchanged between the server and the API layer.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "unique_function.hpp"

namespace accountsd::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

// One parsed HTTP request, as the API layer sees it.
struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // raw request target: path and query, still percent-encoded
  Headers headers;     // in arrival order; names as sent
  std::string body;
  boost::asio::ip::address peer;
  std::string request_id;

  // The first value of header `name` (case-insensitive), or empty.
  std::string_view header(std::string_view name) const;
};

// Writes the next piece of a streamed body into `piece` (empty, its capacity kept from the
// previous piece) and says whether more follows. The server calls it between writes, one call at
// a time, maybe each on another thread. A throw ends the connection with the answer cut short.
using BodyProducer = UniqueFunction<bool(std::string& piece)>;

// One response to write back; body is already serialized.
struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  // Set: the body is not `body` but what this produces, sent chunked a piece at a time as the
  // client takes it, so that an answer of any size never sits whole in memory (A.1).
  BodyProducer stream;
  // Non-zero: the response reports a change that is committed but not yet known to be on disk.
  // The server sends it only once its durability waiter confirms the ticket, else a 500.
  std::uint64_t durable_ticket = 0;
};

// A response whose body is JSON text the caller wrote itself, with the API's content type: for
// bodies too large to build as a boost::json value first.
Response raw_json_response(int status, std::string text);
// A JSON response with the API's content type.
Response json_response(int status, const boost::json::value& body);
// The same without first copying an array or object into a value.
Response json_response(int status, const boost::json::array& body);
Response json_response(int status, const boost::json::object& body);

}  // namespace accountsd::http
