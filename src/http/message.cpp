#include "http/message.hpp"

#include <boost/json/serialize.hpp>
#include <boost/beast/core/string.hpp>

namespace accountsd::http {

std::string_view Request::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (boost::beast::iequals(key, name)) return value;
  }
  return {};
}

Response json_response(int status, const boost::json::value& body) {
  Response response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
  response.body = boost::json::serialize(body);
  return response;
}

}  // namespace accountsd::http
