// The password OpenManage signs in with: not the one its administrator types, but a string
// derived from it (Part C, docs/operations.md "Part C: the appliance's first sign-in").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domain/credentials.hpp"

namespace accountsd::auth {

// What OpenManage sends as the partner's API password when its administrator types `password`
// (netkes blue_mgnt views.py, hash_password): bcrypt ($2a$, cost 14) of the password, salted
// with the first 16 bytes of its SHA-256 in standard base64 without padding, '+' made '.'; the
// 31 characters after the salt. About a second of CPU: only where a password is set, never per
// request. nullopt for a password bcrypt cannot take whole: one holding a NUL byte, or over 254
// bytes.
std::optional<std::string> appliance_key(std::string_view password);

// Whether `password` has the shape of an appliance key: 31 characters of bcrypt's alphabet.
// Only such a password is checked against a partner's stored appliance key.
bool looks_like_appliance_key(std::string_view password);

// What a partner's password is stored as: its Argon2id hash and its appliance key's. About a
// second of CPU, for a worker thread or an operator's command.
domain::PasswordHashes hash_partner_password(std::string_view password);

}  // namespace accountsd::auth
