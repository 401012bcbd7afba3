#include "auth/authenticator.hpp"

#include <sodium.h>

#include "auth/password.hpp"
#include "error.hpp"

namespace accountsd::auth {

std::optional<BasicCredentials> parse_basic(std::string_view header) {
  constexpr std::string_view scheme = "basic ";
  if (header.size() <= scheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != scheme[i]) return std::nullopt;
  }
  std::string_view encoded = header.substr(scheme.size());
  while (!encoded.empty() && encoded.front() == ' ') encoded.remove_prefix(1);
  while (!encoded.empty() && encoded.back() == ' ') encoded.remove_suffix(1);
  std::string decoded(encoded.size(), '\0');
  std::size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(decoded.data()), decoded.size(),
                        encoded.data(), encoded.size(), nullptr, &length, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    return std::nullopt;
  }
  decoded.resize(length);
  auto colon = decoded.find(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  return BasicCredentials{decoded.substr(0, colon), decoded.substr(colon + 1)};
}

Authenticator::Authenticator(store::Store& store, ThrottleLimits limits)
    : store_(store), throttle_(limits), dummy_hash_(hash_password(generate_password())) {}

store::PartnerId Authenticator::authenticate(std::string_view authorization,
                                             std::string_view address) {
  auto credentials = parse_basic(authorization);
  if (!credentials) {
    throw Error(ErrorKind::unauthorized, authorization.empty()
                                             ? "authentication required"
                                             : "malformed Basic authorization header");
  }
  if (auto wait = throttle_.retry_after(credentials->username, address)) {
    Error error(ErrorKind::too_many_requests,
                "too many failed logins; try again in " + std::to_string(*wait) + " seconds");
    error.retry_after = wait;
    throw error;
  }
  auto stored = store_.credentials(credentials->username);
  if (stored) {
    const auto& [username, password] = *credentials;
    if (cache_.contains(username, password, stored->password_hash)) return stored->partner_id;
    if (verify_password(stored->password_hash, password)) {
      cache_.remember(username, password, stored->password_hash);
      return stored->partner_id;
    }
  } else {
    verify_password(dummy_hash_, credentials->password);
  }
  throttle_.record_failure(credentials->username, address);
  throw Error(ErrorKind::unauthorized, "wrong username or password");
}

}  // namespace accountsd::auth
