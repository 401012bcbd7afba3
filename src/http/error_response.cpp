#include "http/error_response.hpp"

#include <boost/json.hpp>

namespace accountsd::http {

int status_of(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::bad_request:
      return 400;
    case ErrorKind::unauthorized:
      return 401;
    case ErrorKind::payment_required:
      return 402;
    case ErrorKind::forbidden:
      return 403;
    case ErrorKind::not_found:
      return 404;
    case ErrorKind::method_not_allowed:
      return 405;
    case ErrorKind::conflict:
      return 409;
    case ErrorKind::payload_too_large:
      return 413;
    case ErrorKind::unprocessable:
      return 422;
    case ErrorKind::header_too_large:
      return 431;
    case ErrorKind::too_many_requests:
      return 429;
    case ErrorKind::internal:
    case ErrorKind::unconfirmed:
      return 500;
    case ErrorKind::unavailable:
      return 503;
  }
  return 500;
}

namespace {
boost::json::array to_array(const std::vector<std::string>& items) {
  boost::json::array out;
  for (const auto& item : items) out.emplace_back(item);
  return out;
}
}  // namespace

Response error_response(const Error& error, std::string_view request_id) {
  boost::json::object body;
  if (error.code) body["code"] = *error.code;
  // A 500's cause goes to the log only; the client gets the generic reason and the request id.
  body["reason"] = error.kind() == ErrorKind::internal ? "internal error" : error.what();
  switch (error.kind()) {
    case ErrorKind::bad_request:
      body["invalid"] = to_array(error.fields());
      break;
    case ErrorKind::conflict:
      if (!error.code) body["conflicts"] = to_array(error.fields());
      break;
    case ErrorKind::internal:
    case ErrorKind::unconfirmed:
      body["request_id"] = request_id;
      break;
    default:
      break;
  }
  Response response = json_response(status_of(error.kind()), body);
  if (error.kind() == ErrorKind::unauthorized && error.challenge) {
    response.headers.emplace_back("WWW-Authenticate", "Basic realm=\"accounts\"");
  }
  if (error.retry_after)
    response.headers.emplace_back("Retry-After", std::to_string(*error.retry_after));
  if (!error.allow.empty()) {
    std::string allow;
    for (const auto& method : error.allow) allow += (allow.empty() ? "" : ", ") + method;
    response.headers.emplace_back("Allow", allow);
  }
  return response;
}

}  // namespace accountsd::http
