// Handlers that store a password hash it through here: Argon2id on the server's worker pool,
// never on a connection's thread (A.2).
#pragma once

#include <string>

#include "http/message.hpp"
#include "unique_function.hpp"

namespace accountsd::api {

// Hashes `password` on the worker pool, then answers with `then(hash)` on the connection's
// thread. Call it after every cheap check that can refuse the request. The copy of the password
// it holds is wiped once hashed.
http::Response with_password_hash(std::string password,
                                  UniqueFunction<http::Response(std::string hash)> then);

}  // namespace accountsd::api
