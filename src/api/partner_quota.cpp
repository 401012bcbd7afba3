#include "api/handlers.hpp"

namespace accountsd::api {

http::Response get_quota(Call& call) {
  auto quota = call.services.store.quota(call.partner);
  boost::json::object body;
  body["bytes_available"] = quota.bytes_available ? boost::json::value(*quota.bytes_available)
                                                  : boost::json::value(nullptr);
  body["bytes_allocated"] = quota.bytes_allocated;
  body["bytes_used"] = quota.bytes_used;
  body["share_count"] = quota.share_count;
  body["device_count"] = quota.device_count;
  return http::json_response(200, body);
}

}  // namespace accountsd::api
