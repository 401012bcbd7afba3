// Handlers that store a password hash it through here: Argon2id on the server's worker pool,
// never on a connection's thread (A.2).
#pragma once

#include <string>

#include "domain/credentials.hpp"
#include "http/message.hpp"
#include "unique_function.hpp"

namespace accountsd::api {

// Hashes `password` on the worker pool, then answers with `then(hash)` on the connection's
// thread. Call it after every cheap check that can refuse the request. The copy of the password
// it holds is wiped once hashed.
http::Response with_password_hash(std::string password,
                                  UniqueFunction<http::Response(std::string hash)> then);
// The same for a partner's password: both of its hashes (domain::PasswordHashes), the appliance
// key's adding about a second of the worker's time.
http::Response with_partner_password_hashes(
    std::string password, UniqueFunction<http::Response(domain::PasswordHashes hashes)> then);

}  // namespace accountsd::api
