#include "api/path_ids.hpp"

#include <charconv>

#include "error.hpp"

namespace accountsd::api {

std::int64_t path_id(std::string_view segment, std::string_view what) {
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(segment.data(), segment.data() + segment.size(), id);
  if (ec != std::errc() || end != segment.data() + segment.size() || id <= 0)
    throw not_found("no such " + std::string(what));
  return id;
}

domain::User path_user(Call& call, store::PartnerId partner, std::string_view key) {
  auto user = call.directory().find_user(partner, key);
  if (!user) throw not_found("no such user");
  return *user;
}

std::pair<store::PartnerId, domain::User> internal_user(Call& call) {
  auto partner = call.partners().find_partner(call.path.get("partner"));
  if (!partner) throw not_found("no such partner");
  return {partner->id, path_user(call, partner->id, call.path.get("u"))};
}

http::Response no_content() {
  http::Response response;
  response.status = 204;
  return response;
}

}  // namespace accountsd::api
