#include <cstdint>

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

// True when `text` is well-formed UTF-8: no stray or missing continuation bytes, overlong forms,
// surrogates or values past U+10FFFF.
bool valid_utf8(std::string_view text) {
  static constexpr std::uint32_t kSmallest[] = {0, 0x80, 0x800, 0x10000};
  std::size_t i = 0;
  while (i < text.size()) {
    auto lead = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    std::uint32_t code = 0;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if ((lead & 0xE0U) == 0xC0U) {
      extra = 1, code = lead & 0x1FU;
    } else if ((lead & 0xF0U) == 0xE0U) {
      extra = 2, code = lead & 0x0FU;
    } else if ((lead & 0xF8U) == 0xF0U) {
      extra = 3, code = lead & 0x07U;
    } else {
      return false;
    }
    if (i + extra >= text.size()) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0U) != 0x80U) return false;
      code = (code << 6) | (next & 0x3FU);
    }
    if (code < kSmallest[extra] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
      return false;
    i += extra + 1;
  }
  return true;
}

// A device name or room key taken from the path: stored and shown in JSON, so it must be text.
void check_segment(std::string_view value, Length length, const char* what) {
  if (!valid_utf8(value)) throw bad_request(std::string(what) + " must be valid UTF-8", {what});
  auto n = domain::code_points(value);
  if (n < length.min || n > length.max)
    throw bad_request(std::string(what) + " must be " + std::to_string(length.min) + " to " +
                          std::to_string(length.max) + " characters",
                      {what});
}

}  // namespace

http::Response put_device(Call& call) {
  auto [partner, user] = internal_user(call);
  const auto& name = call.path.get("name");
  check_segment(name, kDeviceName, "name");
  auto body = parse_json_object(call.request.body);
  JsonParams params(body);
  store::DeviceReport report;
  auto revision = params.integer("client_revision", {0}, true);
  auto last_login = params.nullable_integer("last_login", {0});
  auto last_backup = params.nullable_integer("last_backup_complete", {0});
  params.finish();
  report.client_revision = *revision;
  report.last_login = last_login.value_or(std::nullopt);
  report.last_backup_complete = last_backup.value_or(std::nullopt);
  call.services.store.put_device(partner, user.avatar_id, name, report);
  for (const auto& device : call.services.store.devices(partner, user.avatar_id))
    if (device.name == name) return http::json_response(200, device_json(device));
  // A concurrent DELETE (of the device or its user) removed it after it was written.
  throw not_found("no such device");
}

http::Response delete_device(Call& call) {
  auto [partner, user] = internal_user(call);
  if (!call.services.store.delete_device(partner, user.avatar_id, call.path.get("name")))
    throw not_found("no such device");
  return no_content();
}

http::Response put_share(Call& call) {
  auto [partner, user] = internal_user(call);
  const auto& room_key = call.path.get("room_key");
  check_segment(room_key, kRoomKey, "room_key");
  auto body = parse_json_object(call.request.body);
  JsonParams params(body);
  auto name = params.string("name", {1, 200}, true);
  auto description = params.string("description", {0, 2000}, false);
  auto enabled = params.boolean("enabled", false);
  auto password_required = params.boolean("password_required", false);
  auto last_login = params.nullable_integer("last_login", {0});
  params.finish();
  store::ShareReport report{*name, description.value_or(""), enabled.value_or(true),
                            password_required, last_login};
  call.services.store.put_share(partner, user.avatar_id, room_key, report);
  auto share = call.services.store.user_share(partner, user.avatar_id, room_key);
  auto owner = call.services.store.find_user(partner, user.username);
  // A concurrent DELETE (of the share or its user) may have removed it after it was written.
  if (!share || !owner) throw not_found("no such share");
  return written_response(write_share, *share, owner->share_id);
}

http::Response delete_share(Call& call) {
  auto [partner, user] = internal_user(call);
  if (!call.services.store.delete_share(partner, user.avatar_id, call.path.get("room_key")))
    throw not_found("no such share");
  return no_content();
}

http::Response put_usage(Call& call) {
  auto [partner, user] = internal_user(call);
  auto body = parse_json_object(call.request.body);
  JsonParams params(body);
  auto bytes = params.integer("bytes_stored", {0}, true);
  params.finish();
  call.services.store.set_bytes_stored(partner, user.avatar_id, *bytes);
  return http::json_response(200, boost::json::object{{"bytes_stored", *bytes}});
}

}  // namespace accountsd::api
