#include "http/request_parser.hpp"

namespace accountsd::http {

void apply_limits(BeastParser& parser, const ServerLimits& limits) {
  parser.header_limit(static_cast<std::uint32_t>(limits.header_bytes));
  parser.body_limit(limits.body_bytes);
}

BodyAdmission admit_body(BeastParser& parser, const ServerLimits& limits,
                         std::optional<std::size_t> route_limit) {
  BodyAdmission admission;
  admission.limit = route_limit.value_or(limits.body_bytes);
  auto declared = parser.content_length();
  admission.too_large = declared && *declared > admission.limit;
  admission.large = admission.limit > limits.body_bytes && !admission.too_large &&
                    (parser.chunked() || (declared && *declared > limits.body_bytes));
  parser.body_limit(admission.limit);
  return admission;
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
