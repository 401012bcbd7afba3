#include "api/handlers.hpp"
#include "api/representations.hpp"

namespace accountsd::api {

http::Response get_quota(Call& call) {
  auto quota = call.partners().quota(call.partner);
  boost::json::object body;
  body["bytes_available"] = or_null(quota.bytes_available);
  body["bytes_allocated"] = quota.bytes_allocated;
  body["bytes_used"] = quota.bytes_used;
  body["share_count"] = quota.share_count;
  body["device_count"] = quota.device_count;
  return http::json_response(200, body);
}

}  // namespace accountsd::api
