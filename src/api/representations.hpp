// JSON shapes of the objects Part B returns: users, groups, plans, devices, shares.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>

#include "domain/share.hpp"
#include "domain/user.hpp"
#include "store/store.hpp"

namespace accountsd::api {

boost::json::object user_json(const domain::User& user);
boost::json::object group_json(const store::Group& group);
boost::json::object plan_json(const store::Plan& plan);
boost::json::object device_json(const domain::Device& device);
// The A.9 share object; `share_id` is the owning user's.
boost::json::object share_json(const domain::Share& share, const std::optional<std::string>& share_id);

// A value or JSON null.
template <typename T>
boost::json::value or_null(const std::optional<T>& value) {
  return value ? boost::json::value(*value) : boost::json::value(nullptr);
}

}  // namespace accountsd::api
