#include <algorithm>
#include <span>

#include "api/handlers.hpp"
#include "api/list_stream.hpp"
#include "api/params.hpp"
#include "api/representations.hpp"

namespace accountsd::api {

// A.9: users with shares, paged by avatar_id, each with its shares by room_key; without a limit,
// every one of them, streamed (A.1).
http::Response get_shares(Call& call) {
  QueryParams query(call.query);
  auto limit = query.integer("limit", {0});
  auto offset = query.integer("offset", {0});
  query.finish();
  auto write = [](http::JsonWriter& out, const domain::ShareOwner& user,
                  std::span<const domain::Share> shares) {
    out.begin_object()
        .member("avatar_id", user.avatar_id)
        .member("username", user.username)
        .member("name", user.name)
        .member("email", user.email)
        .key("shares")
        .begin_array();
    for (const auto& share : shares) write_share(out, share, user.share_id);
    out.end_array().end_object();
  };
  if (!limit) {
    return streamed_list_response(
        call.usage().share_cursor(call.partner, offset.value_or(0)),
        [write](http::JsonWriter& out, const domain::UserShares& user) {
          write(out, user, user.shares);
        },
        call.services.config.list_page_rows);
  }
  // ~450 bytes per user with its shares as the demo data has them.
  return written_array_response(
      2 + std::size_t(std::min<std::int64_t>(*limit, 1000)) * 512, [&](http::JsonWriter& out) {
        call.usage().visit_shares(
            call.partner, offset.value_or(0), limit,
            [&](const domain::ShareOwner& user, std::span<const domain::Share> shares) {
              write(out, user, shares);
            });
      });
}

}  // namespace accountsd::api
