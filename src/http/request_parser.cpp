#include "http/request_parser.hpp"

namespace accountsd::http {

void apply_limits(BeastParser& parser, const ServerLimits& limits) {
  parser.header_limit(static_cast<std::uint32_t>(limits.header_bytes));
  parser.body_limit(limits.body_bytes);
}

Request to_request(boost::beast::http::request<boost::beast::http::string_body>& message,
                   const boost::asio::ip::address& peer, std::string request_id) {
  Request request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  for (const auto& field : message)
    request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  request.body = std::move(message.body());
  request.peer = peer;
  request.request_id = std::move(request_id);
  return request;
}

}  // namespace accountsd::http
