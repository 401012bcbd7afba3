// Turns an Authorization header into a partner id: Basic credentials, Argon2id, cache, throttle.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "auth/credential_cache.hpp"
#include "auth/throttle.hpp"
#include "store/partners.hpp"

namespace accountsd::auth {

struct BasicCredentials {
  std::string username;
  std::string password;
};

// Decodes "Basic base64(user:password)"; nullopt when the header is not well-formed Basic.
std::optional<BasicCredentials> parse_basic(std::string_view header);

// A login whose password still needs its Argon2id verification: verify() is the costly part,
// for a worker thread; partner() then says whose it was. Holds the password until destroyed,
// then wipes it.
class PendingLogin {
 public:
  PendingLogin(PendingLogin&&) noexcept = default;
  PendingLogin& operator=(PendingLogin&&) = delete;
  ~PendingLogin();

  // How long to wait before verifying: the throttle's slowdown of this username (A.2).
  std::chrono::milliseconds delay() const { return delay_; }
  // Verifies the password, remembers a right one in the cache and settles the throttle's
  // attempt. Thread-safe with respect to other logins.
  void verify();
  // The partner once verify() found the password right; throws Error(unauthorized) otherwise.
  store::PartnerId partner() const;

 private:
  friend class Authenticator;
  PendingLogin(CredentialCache& cache, Throttle::Attempt attempt, BasicCredentials credentials,
               std::string hash, store::PartnerId partner, std::chrono::milliseconds delay);

  CredentialCache* cache_;
  Throttle::Attempt attempt_;
  BasicCredentials credentials_;
  std::string hash_;
  store::PartnerId partner_;  // 0: unknown username, verified against a dummy hash all the same
  // For a password shaped like an appliance key: the hash of the partner's key, tried when the
  // password itself is wrong; a dummy (`appliance_real_` false) where there is none, so that a
  // partner without a key, or an unknown username, costs as much as one with.
  std::optional<std::string> appliance_hash_;
  bool appliance_real_ = false;
  std::chrono::milliseconds delay_;
  bool right_ = false;
};

// A login to try again after a moment: as many others from the same address are being verified
// as it has guesses left, and their outcome decides this one's (A.2: exactly 10 guesses).
struct LoginLater {
  std::chrono::milliseconds after;
};

class Authenticator {
 public:
  explicit Authenticator(store::PartnerStore& partners, ThrottleLimits limits = {});

  // The partner whose Basic credentials `authorization` carries when they are in the cache of
  // verified credentials; otherwise the login to verify off the connection's thread, or to try
  // again shortly. Throws Error(unauthorized) for missing or malformed credentials and
  // Error(too_many_requests) while throttled.
  //
  // With `speculate`, credentials in the cache are taken as still right, and the store is asked
  // to confirm that with the request's first read (PartnerStore::expect_credentials): the caller
  // answers the request only once Transactions::settle_checks() has returned, and when
  // store::CredentialsChanged is thrown, discards what it read and authenticates again without.
  std::variant<store::PartnerId, PendingLogin, LoginLater> authenticate(
      std::string_view authorization, std::string_view address, bool speculate = false);
  // The same for credentials sent otherwise (the console's sign-in form): the same cache, the
  // same throttle and the same verification, so that a password is as hard to guess either way.
  std::variant<store::PartnerId, PendingLogin, LoginLater> authenticate(
      BasicCredentials credentials, std::string_view address, bool speculate = false);

  // Counts the failed logins of every server on the database (Throttle::share_with).
  void share_failures(store::LoginFailures* shared) { throttle_.share_with(shared); }

 private:
  store::PartnerStore& partners_;
  CredentialCache cache_;
  Throttle throttle_;
  std::string dummy_hash_;  // verified against for unknown usernames, so they cost the same
};

}  // namespace accountsd::auth
