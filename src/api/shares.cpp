#include "api/handlers.hpp"
#include "api/params.hpp"
#include "api/representations.hpp"

namespace accountsd::api {

// A.9: users with shares, paged by avatar_id, each with its shares by room_key.
http::Response get_shares(Call& call) {
  QueryParams query(call.query);
  auto limit = query.integer("limit", {0});
  auto offset = query.integer("offset", {0});
  query.finish();
  auto users = call.services.store.shares(call.partner, offset.value_or(0), limit);
  return json_list_response(users, [](const auto& user, const boost::json::storage_ptr& sp) {
    boost::json::array shares(sp);
    shares.reserve(user.shares.size());
    for (const auto& share : user.shares) shares.push_back(share_json(share, user.share_id, sp));
    return boost::json::object({{"avatar_id", user.avatar_id},
                                {"username", user.username},
                                {"name", user.name},
                                {"email", user.email},
                                {"shares", std::move(shares)}},
                               sp);
  });
}

}  // namespace accountsd::api
