// Idempotency-Key (Route::idempotent): what a key may be, and the fingerprint that its later
// uses must match. App keeps the answers through store::RequestKeys.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace accountsd::api {

// How long a key's answer is kept: a repeat within it gets the answer again.
constexpr std::int64_t kIdempotencyKeySeconds = 24 * 60 * 60;

// The Idempotency-Key the request sent; nullopt when it sent none. A key must be 1 to 255
// printable ASCII characters (a space included); anything else is a 400.
std::optional<std::string_view> idempotency_key(const http::Request& request);

// A digest of what makes two requests the same: method, target and body. The secrets in a JSON
// body (a card's number and security code, a password) never enter it as they are: only a
// card number's last four digits do, so nothing kept with the key tells them.
std::string request_fingerprint(const http::Request& request);

// What the store keeps for a key instead of the key itself: a digest of it.
std::string key_digest(std::string_view key);

// An answer's body sealed with a key derived from the Idempotency-Key (XSalsa20-Poly1305), so
// that what the store keeps (a new user's temporary password, a billing address) tells nothing
// without the key, which only the client has.
std::string seal_answer(std::string_view body, std::string_view key);
// The body seal_answer sealed with `key`; nullopt if it was not, or was altered.
std::optional<std::string> open_answer(std::string_view sealed, std::string_view key);

}  // namespace accountsd::api
