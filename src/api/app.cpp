#include "api/app.hpp"

#include <spdlog/spdlog.h>

#include <boost/url/parse.hpp>

#include "http/error_response.hpp"

namespace accountsd::api {

App::App(Services services) : services_(std::move(services)), routes_(make_routes(services_.config)) {}

http::Response App::dispatch(const http::Request& request) {
  auto target = boost::urls::parse_origin_form(request.target);
  if (!target) throw bad_request("malformed request target");
  std::vector<std::string> segments;
  for (auto segment : target->segments()) segments.push_back(segment);
  if (!segments.empty() && segments.back().empty()) segments.pop_back();

  auto match = routes_.match(request.method, segments);
  if (!match.value) {
    if (!match.path_known) throw not_found("no such endpoint: " + std::string(target->path()));
    Error error(ErrorKind::method_not_allowed, request.method + " is not allowed here");
    error.allow = match.allow;
    throw error;
  }
  Call call{request, match.params, target->params(), services_};
  if (match.value->access == Access::partner) {
    call.partner = services_.authenticator.authenticate(request.header("Authorization"),
                                                        request.peer.to_string());
  }
  return match.value->handler(call);
}

http::Response App::handle(const http::Request& request) {
  try {
    return dispatch(request);
  } catch (const Error& error) {
    if (error.kind() == ErrorKind::internal)
      spdlog::error("request {}: {}", request.request_id, error.what());
    return http::error_response(error, request.request_id);
  } catch (const std::exception& e) {
    spdlog::error("request {} failed: {}", request.request_id, e.what());
    return http::error_response(Error(ErrorKind::internal, "internal error"), request.request_id);
  }
}

}  // namespace accountsd::api
