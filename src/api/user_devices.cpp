#include "api/handlers.hpp"
#include "api/params.hpp"
#include "api/path_ids.hpp"
#include "api/representations.hpp"

namespace accountsd::api {

// B.4: a user's devices, shares, one share, and enabling or disabling it.
http::Response get_user_devices(Call& call) {
  auto user = path_user(call, call.partner, call.path.get("u"));
  return json_list_response(call.usage().devices(call.partner, user.avatar_id), device_json);
}

http::Response get_user_shares(Call& call) {
  auto user = path_user(call, call.partner, call.path.get("u"));
  return written_list_response(
      call.usage().user_shares(call.partner, user.avatar_id),
      [&](http::JsonWriter& out, const domain::Share& share) {
        write_share(out, share, user.share_id);
      },
      256);
}

http::Response get_user_share(Call& call) {
  auto user = path_user(call, call.partner, call.path.get("u"));
  auto share = call.usage().user_share(call.partner, user.avatar_id, call.path.get("room_key"));
  if (!share) throw not_found("no such share");
  return written_response(write_share, *share, user.share_id);
}

http::Response post_user_share(Call& call) {
  auto user = path_user(call, call.partner, call.path.get("u"));
  QueryParams query(call.query);
  auto action = query.string("action");
  if (!action)
    query.problem("action", "action is required: enable or disable");
  else if (*action != "enable" && *action != "disable")
    query.problem("action", "action must be enable or disable");
  query.finish();
  const auto& room_key = call.path.get("room_key");
  if (!call.usage().set_share_enabled(call.partner, user.avatar_id, room_key, *action == "enable"))
    throw not_found("no such share");
  // Read back after the write; a concurrent DELETE may have removed it in between.
  auto share = call.usage().user_share(call.partner, user.avatar_id, room_key);
  if (!share) throw not_found("no such share");
  return written_response(write_share, *share, user.share_id);
}

}  // namespace accountsd::api
