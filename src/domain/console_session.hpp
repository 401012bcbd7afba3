// A signed-in session of the web console: whose it is, its CSRF token and when it ends.
#pragma once

#include <cstdint>
#include <string>

#include "domain/partner.hpp"

namespace accountsd::domain {

// What the server keeps of a session, under the hash of the cookie's token (never the token).
struct ConsoleSession {
  PartnerId partner = 0;
  // Echoed in X-CSRF-Token by every request that changes something: a cross-site form can send
  // the cookie but cannot read this.
  std::string csrf_token;
  std::int64_t created_at = 0;  // seconds since the epoch
  std::int64_t expires_at = 0;  // seconds since the epoch; from then on the session is refused

  bool expired(std::int64_t now) const { return now >= expires_at; }
};

}  // namespace accountsd::domain
