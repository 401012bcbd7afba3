#include "api/handlers.hpp"
#include "api/representations.hpp"

namespace accountsd::api {
namespace {

// Written straight to text, as every single-object read is (issue 13).
void write_quota(http::JsonWriter& out, const domain::Quota& quota) {
  out.begin_object()
      .member("bytes_available", quota.bytes_available)
      .member("bytes_allocated", quota.bytes_allocated)
      .member("bytes_used", quota.bytes_used)
      .member("share_count", quota.share_count)
      .member("device_count", quota.device_count)
      .end_object();
}

}  // namespace

http::Response get_quota(Call& call) {
  return written_response(write_quota, call.partners().quota(call.partner));
}

}  // namespace accountsd::api
