// JSON shapes of the objects Part B returns: written as text, or built in the caller's memory
// resource.
#include "api/representations.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <stdexcept>

#include "domain/user_fields.hpp"

namespace accountsd::api {

void write_user(http::JsonWriter& out, const domain::User& u) {
  out.begin_object();
  domain::for_each_user_field([&](const auto& field) { out.member(field.name, u.*field.member); });
  // The string in the user's share links (C.6): its share_id.
  out.member("share_identifier", u.share_id).key("share_rooms").begin_array();
  for (const auto& room : u.share_rooms) out.value(room);
  out.end_array().end_object();
}

void write_audit_entry(http::JsonWriter& out, const store::AuditEntry& entry,
                       std::optional<std::string_view> partner) {
  out.begin_object();
  if (partner) out.member("partner", *partner);
  out.member("id", entry.id)
      .member("time", entry.at)
      .member("actor", entry.actor)
      .member("address", entry.address)
      .member("request_id", entry.request_id)
      .member("action", entry.action)
      .member("object", entry.object)
      .key("changes")
      .raw(audit_changes_json(entry))
      .end_object();
}

std::string audit_changes_json(const store::AuditEntry& entry) {
  boost::system::error_code error;
  auto changes = boost::json::parse(entry.changes, error);
  if (error || !changes.is_object())
    throw std::runtime_error("audit entry " + std::to_string(entry.id) +
                             " holds changes that are not a JSON object");
  return boost::json::serialize(changes);
}

void write_share(http::JsonWriter& out, const domain::Share& s,
                 const std::optional<std::string>& share_id) {
  out.begin_object()
      .member("share_id", share_id)
      .member("room_key", s.room_key)
      .member("name", s.name)
      .member("description", s.description)
      .member("creation_time", s.creation_time)
      .member("update_time", s.update_time)
      .member("enabled", s.enabled)
      .member("password_required", s.password_required)
      .member("last_login", s.last_login)
      .end_object();
}

boost::json::object group_json(const domain::Group& g, boost::json::storage_ptr sp) {
  return boost::json::object({{"group_id", g.group_id},
                              {"name", g.name},
                              {"plan_id", g.plan_id},
                              {"webapi_enable", g.webapi_enable},
                              {"check_domain", g.check_domain},
                              {"device_policy", or_null(g.device_policy)}},
                             std::move(sp));
}

boost::json::object plan_json(const domain::Plan& p, boost::json::storage_ptr sp) {
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

}  // namespace accountsd::api
