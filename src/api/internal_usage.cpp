#include "api/body_readers.hpp"
#include "api/handlers.hpp"
#include "api/json_body.hpp"
#include "api/params.hpp"
#include "api/path_ids.hpp"
#include "api/representations.hpp"
#include "domain/text.hpp"

namespace accountsd::api {
namespace {

constexpr Length kDeviceName{1, 200};
constexpr Length kRoomKey{1, 200};

// A device name or room key taken from the path: stored and shown in JSON, so it must be text.
void check_segment(std::string_view value, Length length, const char* what) {
  if (!domain::is_valid_utf8(value))
    throw bad_request(std::string(what) + " must be valid UTF-8", {what});
  if (!domain::fits_text_kind(value, domain::TextKind::one_line))
    throw bad_request(std::string(what) + " must not hold control characters", {what});
  auto n = domain::code_points(value);
  if (n < length.min || n > length.max)
    throw bad_request(std::string(what) + " must be " + std::to_string(length.min) + " to " +
                          std::to_string(length.max) + " characters",
                      {what});
}

}  // namespace

domain::DeviceReport read_device_report(JsonParams& params) {
  domain::DeviceReport report;
  auto revision = params.integer("client_revision", {0}, true);
  auto last_login = params.nullable_integer("last_login", {0});
  auto last_backup = params.nullable_integer("last_backup_complete", {0});
  params.finish();
  report.client_revision = *revision;
  report.last_login = last_login.value_or(std::nullopt);
  report.last_backup_complete = last_backup.value_or(std::nullopt);
  return report;
}

domain::ShareReport read_share_report(JsonParams& params) {
  auto name = params.string("name", {1, 200}, true);
  auto description = params.string("description", {0, 2000}, false, domain::TextKind::multi_line);
  auto enabled = params.boolean("enabled", false);
  auto password_required = params.boolean("password_required", false);
  auto last_login = params.nullable_integer("last_login", {0});
  params.finish();
  return {std::move(*name), description.value_or(""), enabled.value_or(true), password_required,
          last_login};
}

std::int64_t read_bytes_stored(JsonParams& params) {
  auto bytes = params.integer("bytes_stored", {0}, true);
  params.finish();
  return *bytes;
}

http::Response put_device(Call& call) {
  auto [partner, user] = internal_user(call);
  const auto& name = call.path.get("name");
  check_segment(name, kDeviceName, "name");
  auto report = read_body(call.request.body, read_device_report);
  call.usage().put_device(partner, user.avatar_id, name, report);
  for (const auto& device : call.usage().devices(partner, user.avatar_id))
    if (device.name == name) return http::json_response(200, device_json(device));
  // A concurrent DELETE (of the device or its user) removed it after it was written.
  throw not_found("no such device");
}

http::Response delete_device(Call& call) {
  auto [partner, user] = internal_user(call);
  if (!call.usage().delete_device(partner, user.avatar_id, call.path.get("name")))
    throw not_found("no such device");
  return no_content();
}

http::Response put_share(Call& call) {
  auto [partner, user] = internal_user(call);
  const auto& room_key = call.path.get("room_key");
  check_segment(room_key, kRoomKey, "room_key");
  auto report = read_body(call.request.body, read_share_report);
  call.usage().put_share(partner, user.avatar_id, room_key, report);
  auto share = call.usage().user_share(partner, user.avatar_id, room_key);
  auto owner = call.directory().find_user(partner, user.username);
  // A concurrent DELETE (of the share or its user) may have removed it after it was written.
  if (!share || !owner) throw not_found("no such share");
  return written_response(write_share, *share, owner->share_id);
}

http::Response delete_share(Call& call) {
  auto [partner, user] = internal_user(call);
  if (!call.usage().delete_share(partner, user.avatar_id, call.path.get("room_key")))
    throw not_found("no such share");
  return no_content();
}

http::Response put_usage(Call& call) {
  auto [partner, user] = internal_user(call);
  auto bytes = read_body(call.request.body, read_bytes_stored);
  call.usage().set_bytes_stored(partner, user.avatar_id, bytes);
  return http::json_response(200, boost::json::object{{"bytes_stored", bytes}});
}

}  // namespace accountsd::api
