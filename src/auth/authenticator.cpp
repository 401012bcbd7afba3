#include "auth/authenticator.hpp"

#include <sodium.h>

#include "auth/appliance_key.hpp"
#include "auth/password.hpp"
#include "error.hpp"
#include "metrics/events.hpp"

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

namespace {

Error throttled(long long wait) {
  metrics::count_throttled(metrics::Throttle::login);
  Error error(ErrorKind::too_many_requests,
              "too many failed logins; try again in " + std::to_string(wait) + " seconds");
  error.retry_after = wait;
  return error;
}

}  // namespace

PendingLogin::PendingLogin(CredentialCache& cache, Throttle::Attempt attempt,
                           BasicCredentials credentials, std::string hash, store::PartnerId partner,
                           std::chrono::milliseconds delay)
    : cache_(&cache),
      attempt_(std::move(attempt)),
      credentials_(std::move(credentials)),
      hash_(std::move(hash)),
      partner_(partner),
      delay_(delay) {}

PendingLogin::~PendingLogin() {
  sodium_memzero(credentials_.password.data(), credentials_.password.size());
}

void PendingLogin::verify() {
  const auto& [username, password] = credentials_;
  // Requests with the same credentials that arrived together each wait for a verification: once
  // the first has been made, the rest find it in the cache instead of making their own.
  // (An unknown username's dummy verification is never in the cache: it always costs the same.)
  bool verified =
      cache_->contains(username, password, partner_, hash_) || verify_password(hash_, password);
  // OpenManage's appliance key of the password (Part C), when the password is not itself right.
  if (!verified && appliance_hash_)
    verified = verify_password(*appliance_hash_, password) && appliance_real_;
  right_ = verified && partner_ != 0;
  if (right_) cache_->remember(username, password, partner_, hash_);
  if (!right_) metrics::count_failed_login();
  attempt_.settle(right_);
}

store::PartnerId PendingLogin::partner() const {
  if (!right_) throw Error(ErrorKind::unauthorized, "wrong username or password");
  return partner_;
}

Authenticator::Authenticator(store::PartnerStore& partners, ThrottleLimits limits)
    : partners_(partners), throttle_(limits), dummy_hash_(hash_password(generate_password())) {}

std::variant<store::PartnerId, PendingLogin, LoginLater> Authenticator::authenticate(
    std::string_view authorization, std::string_view address, bool speculate) {
  auto credentials = parse_basic(authorization);
  if (!credentials) {
    throw Error(ErrorKind::unauthorized, authorization.empty()
                                             ? "authentication required"
                                             : "malformed Basic authorization header");
  }
  return authenticate(std::move(*credentials), address, speculate);
}

std::variant<store::PartnerId, PendingLogin, LoginLater> Authenticator::authenticate(
    BasicCredentials credentials, std::string_view address, bool speculate) {
  const auto& username = credentials.username;
  // Before the cache: a refused (username, address) stays refused even for a right password,
  // so that guessing from there gains nothing (A.2).
  if (auto wait = throttle_.retry_after(username, address)) throw throttled(*wait);
  if (speculate) {
    if (auto verified = cache_.recall(username, credentials.password)) {
      partners_.expect_credentials(
          username, [verified = *verified](const std::optional<domain::Credentials>& now) {
            return now && CredentialCache::matches(verified, now->partner_id, now->password_hash);
          });
      return verified->partner;
    }
  }
  auto stored = partners_.credentials(username);
  if (stored &&
      cache_.contains(username, credentials.password, stored->partner_id, stored->password_hash))
    return stored->partner_id;
  auto reserved = throttle_.reserve(username, address);
  if (auto* refused = std::get_if<Throttle::Refused>(&reserved))
    throw throttled(refused->retry_after);
  // A fraction of one verification's time, so that the wait adds little to the answer.
  if (std::holds_alternative<Throttle::InFlight>(reserved))
    return LoginLater{std::chrono::milliseconds(20)};
  auto delay = throttle_.slowdown(username);
  // An unknown username is verified against a dummy hash: it costs the same as a known one.
  std::string hash = stored ? stored->password_hash : dummy_hash_;
  store::PartnerId partner = stored ? stored->partner_id : 0;
  // The appliance key's hash, read with the credentials: no known username costs a read more.
  std::optional<std::string> appliance;
  bool appliance_real = false;
  if (looks_like_appliance_key(credentials.password)) {
    appliance_real = stored && stored->appliance_key_hash;
    appliance = appliance_real ? *stored->appliance_key_hash : dummy_hash_;
  }
  PendingLogin login(cache_, std::get<Throttle::Attempt>(std::move(reserved)),
                     std::move(credentials), std::move(hash), partner, delay);
  login.appliance_hash_ = std::move(appliance);
  login.appliance_real_ = appliance_real;
  return login;
}

}  // namespace accountsd::auth
