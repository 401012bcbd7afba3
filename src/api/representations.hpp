// JSON shapes of the objects Part B returns: users, groups, plans, devices, shares.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <iterator>
#include <optional>
#include <string>

#include "domain/share.hpp"
#include "domain/user.hpp"
#include "http/message.hpp"
#include "store/store.hpp"

namespace accountsd::api {

// Each builds its object in `sp`'s memory (the default heap unless given).
boost::json::object user_json(const domain::User& user, boost::json::storage_ptr sp = {});
boost::json::object group_json(const store::Group& group, boost::json::storage_ptr sp = {});
boost::json::object plan_json(const store::Plan& plan, boost::json::storage_ptr sp = {});
boost::json::object device_json(const domain::Device& device, boost::json::storage_ptr sp = {});
// The A.9 share object; `share_id` is the owning user's.
boost::json::object share_json(const domain::Share& share,
                               const std::optional<std::string>& share_id,
                               boost::json::storage_ptr sp = {});

// 200 with a JSON array of `to_json(item, storage)` for each item. The whole array lives in one
// arena that is freed at once, instead of a heap allocation per key and string.
template <typename Range, typename ToJson>
http::Response json_list_response(const Range& items, ToJson to_json) {
  boost::json::monotonic_resource arena;
  boost::json::array body(&arena);
  body.reserve(std::size(items));
  for (const auto& item : items) body.push_back(to_json(item, body.storage()));
  return http::json_response(200, body);
}

// 200 with `to_json(item, storage)`, built in an arena like json_list_response; one object fits
// in the arena's first block, on the stack.
template <typename T, typename ToJson>
http::Response json_object_response(const T& item, ToJson to_json) {
  unsigned char first_block[4096];
  boost::json::monotonic_resource arena(first_block, sizeof first_block);
  return http::json_response(200, to_json(item, boost::json::storage_ptr(&arena)));
}

// A value or JSON null.
template <typename T>
boost::json::value or_null(const std::optional<T>& value) {
  return value ? boost::json::value(*value) : boost::json::value(nullptr);
}

}  // namespace accountsd::api
