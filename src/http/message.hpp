// Transport-neutral request and response values exchanged between the server and the API layer.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/route_match.hpp"
#include "unique_function.hpp"

namespace accountsd::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

// The first value of header `name` (case-insensitive) in `headers`, or empty.
std::string_view header_value(const Headers& headers, std::string_view name);

// One parsed HTTP request, as the API layer sees it.
struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // raw request target: path and query, still percent-encoded
  Headers headers;     // in arrival order; names as sent
  std::string body;
  boost::asio::ip::address peer;
  // `peer` as text, formatted once per connection by the server (empty when a Request is made
  // elsewhere: peer_string() formats it then).
  std::string peer_text;
  std::string request_id;
  // The route it reached, once resolved: by the server as the headers arrive
  // (Server::set_route_resolver), else by the handler.
  std::optional<RouteMatch> route;
  // Set when the server asks its body gate (Server::set_body_gate) whether to read this
  // request's large body: `body` is empty, the body not read yet.
  bool awaiting_body = false;
  // Set by the server when this request's large body is in, under one of its places
  // (ServerLimits::large_bodies): work that its handler defers is queued even past
  // ServerLimits::worker_queue, because a refusal now would lose an upload already received.
  // At most large_bodies requests are so at a time.
  bool holds_large_body = false;

  // The first value of header `name` (case-insensitive), or empty.
  std::string_view header(std::string_view name) const { return header_value(headers, name); }
  // The peer's address as text.
  std::string peer_string() const { return peer_text.empty() ? peer.to_string() : peer_text; }
};

// Writes the next piece of a streamed body into `piece` (empty, its capacity kept from the
// previous piece) and says whether more follows. The server calls it between writes, one call at
// a time, maybe each on another thread. A throw ends the connection with the answer cut short.
using BodyProducer = UniqueFunction<bool(std::string& piece)>;
struct Deferred;

// One response to write back; body is already serialized.
struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  // The first value of header `name` (case-insensitive), or empty.
  std::string_view header(std::string_view name) const { return header_value(headers, name); }
  // Set: the body is this text, shared with other answers (a kept one: api/answer_cache.hpp),
  // and `body` is empty. The server sends it without a copy.
  std::shared_ptr<const std::string> shared_body;
  // Set: the body is not `body` but what this produces, sent chunked a piece at a time as the
  // client takes it, so that an answer of any size never sits whole in memory (A.1).
  BodyProducer stream;
  // Non-zero: the response reports a change that is committed but not yet known to be on disk.
  // The server sends it only once its durability waiter confirms the ticket, else a 500.
  std::uint64_t durable_ticket = 0;
  // Set: no answer yet, but costly work to do first, off the I/O threads (see Deferred).
  std::shared_ptr<Deferred> deferred;
  // A body gate's 100 (Server::set_body_gate): whom the large body's place is taken for, so that
  // none takes more than ServerLimits::large_bodies_per_holder. An opaque key that the server
  // only compares, and never logs; empty: no one in particular (the overall limit alone).
  std::string large_body_holder;
};

// What a handler hands back instead of an answer when the request needs costly work (Argon2id):
// the work, for the server's worker pool, and the rest of the request, for the connection's
// thread afterwards. The server never runs `work` on an I/O thread nor blocks one waiting for
// it; when the pool's queue is full it answers 503 instead.
struct Deferred {
  // A wait before the work (a login throttle's slowdown), on a timer.
  std::chrono::milliseconds delay{0};
  // On a worker thread; may be empty (a delay alone).
  UniqueFunction<void()> work;
  // On the connection's thread once `work` has run; its answer may be deferred again.
  UniqueFunction<Response()> then;
};

// A response that defers to `deferred`.
Response defer(Deferred deferred);
// Runs a deferred response's steps on the calling thread, delays skipped, until it has an answer,
// with a shared body copied into `body`: for callers without a server (fuzzers, unit tests).
Response complete_inline(Response response);

// A response whose body is JSON text the caller wrote itself, with the API's content type: for
// bodies too large to build as a boost::json value first.
Response raw_json_response(int status, std::string text);
// A JSON response with the API's content type.
Response json_response(int status, const boost::json::value& body);
// The same without first copying an array or object into a value.
Response json_response(int status, const boost::json::array& body);
Response json_response(int status, const boost::json::object& body);

}  // namespace accountsd::http
