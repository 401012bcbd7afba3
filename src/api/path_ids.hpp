// Resolves path parameters to the partner's objects: numeric ids and `<u>` (username or email).
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>

#include "api/app.hpp"
#include "domain/user.hpp"

namespace accountsd::api {

// The integer in a path segment; 404 (no such object) when it is not a positive integer.
std::int64_t path_id(std::string_view segment, std::string_view what);

// The partner's user named by `<u>`, a username or an email; 404 when there is none.
domain::User path_user(Call& call, store::PartnerId partner, std::string_view key);

// The partner and user named in an /internal/v1 path ({partner}, {u}); 404 when either is unknown.
std::pair<store::PartnerId, domain::User> internal_user(Call& call);

// An empty response with `status` (204 for deletes).
http::Response no_content();

}  // namespace accountsd::api
