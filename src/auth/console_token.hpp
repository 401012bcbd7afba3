// The secrets of a console session: the cookie's random token, what the store knows it by, and
// the CSRF token that requests changing something echo.
#pragma once

#include <string>
#include <string_view>

namespace accountsd::auth {

// 32 random bytes as unpadded base64url (43 characters): the session cookie's value, and the
// CSRF token.
std::string new_console_token();
// SHA-256 of `token` as lowercase hex: the store keeps this, never the token, so that reading the
// table (a backup, a replica) signs no one in.
std::string console_token_hash(std::string_view token);
// Whether `sent` is `expected`, in time that depends only on their lengths.
bool tokens_equal(std::string_view sent, std::string_view expected);

}  // namespace accountsd::auth
