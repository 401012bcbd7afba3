#include "api/password_hashing.hpp"

#include <sodium.h>

#include <memory>
#include <optional>

#include "auth/appliance_key.hpp"
#include "auth/password.hpp"
#include "error.hpp"

namespace accountsd::api {
namespace {

// What the two steps share: the password until it is hashed, then what it was hashed to.
template <typename Hashed>
struct Hashing {
  Hashing(std::string password, UniqueFunction<http::Response(Hashed)> then)
      : password(std::move(password)), then(std::move(then)) {}
  Hashing(const Hashing&) = delete;
  Hashing& operator=(const Hashing&) = delete;
  ~Hashing() { wipe(); }
  void wipe() {
    sodium_memzero(password.data(), password.size());
    password.clear();
  }
  std::string password;
  Hashed hashed{};
  UniqueFunction<http::Response(Hashed)> then;
  // The partner's place, given back when the last step is done with this; the places are kept
  // for as long (a task may outlive the app that queued it, at shutdown).
  std::shared_ptr<http::HolderPlaces> places;
  std::optional<http::HolderPlaces::Place> place;
};

// How long a partner refused a place is asked to wait: its own hashes end within about that.
constexpr long long kHashShareRetryAfterSeconds = 2;

template <typename Hashed>
http::Response hash_then(std::shared_ptr<http::HolderPlaces> places, domain::PartnerId partner,
                         std::string password, Hashed (*hash)(std::string_view),
                         UniqueFunction<http::Response(Hashed)> then) {
  auto hashing = std::make_shared<Hashing<Hashed>>(std::move(password), std::move(then));
  hashing->places = std::move(places);
  hashing->place.emplace(*hashing->places, std::to_string(partner));
  if (!hashing->place->held()) {
    auto share = hashing->places->per_holder();
    Error busy(ErrorKind::unavailable, "this partner already has " + std::to_string(share) +
                                           " password hash" + (share == 1 ? "" : "es") +
                                           " in progress; try again in a few seconds");
    busy.retry_after = kHashShareRetryAfterSeconds;
    throw busy;
  }
  http::Deferred deferred;
  deferred.work = [hashing, hash] {
    hashing->hashed = hash(hashing->password);
    hashing->wipe();
  };
  deferred.then = [hashing] { return hashing->then(std::move(hashing->hashed)); };
  return http::defer(std::move(deferred));
}

}  // namespace

http::Response with_password_hash(std::shared_ptr<http::HolderPlaces> places,
                                  domain::PartnerId partner, std::string password,
                                  UniqueFunction<http::Response(std::string hash)> then) {
  return hash_then<std::string>(std::move(places), partner, std::move(password),
                                auth::hash_password, std::move(then));
}

http::Response with_partner_password_hashes(
    std::shared_ptr<http::HolderPlaces> places, domain::PartnerId partner, std::string password,
    UniqueFunction<http::Response(domain::PasswordHashes hashes)> then) {
  return hash_then<domain::PasswordHashes>(std::move(places), partner, std::move(password),
                                           auth::hash_partner_password, std::move(then));
}

}  // namespace accountsd::api
