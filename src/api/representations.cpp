// JSON shapes of the objects Part B returns, built in the caller's memory resource.
#include "api/representations.hpp"

namespace accountsd::api {

boost::json::object user_json(const domain::User& u, boost::json::storage_ptr sp) {
  boost::json::array rooms(sp);
  rooms.reserve(u.share_rooms.size());
  for (const auto& room : u.share_rooms) rooms.emplace_back(room);
  return boost::json::object({{"avatar_id", u.avatar_id},
                              {"username", u.username},
                              {"name", u.name},
                              {"email", u.email},
                              {"group_id", u.group_id},
                              {"plan_id", u.plan_id},
                              {"storage_bytes", u.storage_bytes},
                              {"bonus_bytes", u.bonus_bytes},
                              {"bytes_stored", u.bytes_stored},
                              {"enabled", u.enabled},
                              {"purgehold_active", u.purgehold_active},
                              {"creation_time", u.creation_time},
                              {"last_login", or_null(u.last_login)},
                              {"share_id", or_null(u.share_id)},
                              {"num_devices", u.num_devices},
                              {"num_shares", u.num_shares},
                              {"promo", or_null(u.promo)},
                              // The string in the user's share links (C.6): its share_id.
                              {"share_identifier", or_null(u.share_id)},
                              {"share_rooms", std::move(rooms)}},
                             std::move(sp));
}

boost::json::object group_json(const store::Group& g, boost::json::storage_ptr sp) {
  return boost::json::object({{"group_id", g.group_id},
                              {"name", g.name},
                              {"plan_id", g.plan_id},
                              {"webapi_enable", g.webapi_enable},
                              {"check_domain", g.check_domain},
                              {"device_policy", or_null(g.device_policy)}},
                             std::move(sp));
}

boost::json::object plan_json(const store::Plan& p, boost::json::storage_ptr sp) {
  return boost::json::object(
      {{"plan_id", p.plan_id}, {"name", p.name}, {"storage_bytes", p.storage_bytes}},
      std::move(sp));
}

boost::json::object device_json(const domain::Device& d, boost::json::storage_ptr sp) {
  return boost::json::object({{"device_id", d.device_id},
                              {"name", d.name},
                              {"client_revision", d.client_revision},
                              {"creation_time", d.creation_time},
                              {"last_login", or_null(d.last_login)},
                              {"last_backup_complete", or_null(d.last_backup_complete)}},
                             std::move(sp));
}

boost::json::object share_json(const domain::Share& s, const std::optional<std::string>& share_id,
                               boost::json::storage_ptr sp) {
  return boost::json::object({{"share_id", or_null(share_id)},
                              {"room_key", s.room_key},
                              {"name", s.name},
                              {"description", s.description},
                              {"creation_time", s.creation_time},
                              {"update_time", s.update_time},
                              {"enabled", s.enabled},
                              {"password_required", s.password_required},
                              {"last_login", or_null(s.last_login)}},
                             std::move(sp));
}

}  // namespace accountsd::api
