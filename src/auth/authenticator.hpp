// Turns an Authorization header into a partner id: Basic credentials, Argon2id, cache, throttle.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "auth/credential_cache.hpp"
#include "auth/throttle.hpp"
#include "store/store.hpp"

namespace accountsd::auth {

struct BasicCredentials {
  std::string username;
  std::string password;
};

// Decodes "Basic base64(user:password)"; nullopt when the header is not well-formed Basic.
std::optional<BasicCredentials> parse_basic(std::string_view header);

class Authenticator {
 public:
  explicit Authenticator(store::Store& store, ThrottleLimits limits = {});

  // The partner whose Basic credentials `authorization` carries. Throws Error(unauthorized)
  // for missing or wrong credentials and Error(too_many_requests) while throttled.
  store::PartnerId authenticate(std::string_view authorization, std::string_view address);

 private:
  store::Store& store_;
  CredentialCache cache_;
  Throttle throttle_;
  std::string dummy_hash_;  // verified against for unknown usernames, so they cost the same
};

}  // namespace accountsd::auth
