#include "http/message.hpp"

#include <algorithm>
#include <boost/beast/core/string.hpp>
#include <boost/json/serializer.hpp>
#include <utility>

namespace accountsd::http {

std::string_view header_value(const Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (boost::beast::iequals(key, name)) return value;
  }
  return {};
}

namespace {

// Serializes into a per-thread buffer that keeps its size, then copies the text out once:
// boost::json::serialize grows its string step by step, zero-filling and copying each time.
template <typename Json>
Response json_text_response(int status, const Json& body) {
  thread_local std::string buffer(16 * 1024, '\0');
  boost::json::serializer serializer;
  serializer.reset(&body);
  std::size_t used = 0;
  while (!serializer.done()) {
    if (used == buffer.size()) buffer.resize(buffer.size() * 2);
    used += serializer.read(buffer.data() + used, buffer.size() - used).size();
  }
  return raw_json_response(status, std::string(buffer.data(), used));
}

}  // namespace

Response raw_json_response(int status, std::string text) {
  Response response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
  response.body = std::move(text);
  return response;
}

Response json_response(int status, const boost::json::value& body) {
  return json_text_response(status, body);
}

Response json_response(int status, const boost::json::array& body) {
  return json_text_response(status, body);
}

Response json_response(int status, const boost::json::object& body) {
  return json_text_response(status, body);
}

Response defer(Deferred deferred) {
  Response response;
  response.deferred = std::make_shared<Deferred>(std::move(deferred));
  return response;
}

Response complete_inline(Response response) {
  std::uint64_t ticket = response.durable_ticket;
  while (response.deferred) {
    auto deferred = std::move(response.deferred);
    if (deferred->work) deferred->work();
    response = deferred->then();
    ticket = std::max(ticket, response.durable_ticket);
  }
  response.durable_ticket = ticket;
  if (response.shared_body) response.body = *std::exchange(response.shared_body, nullptr);
  return response;
}

}  // namespace accountsd::http
