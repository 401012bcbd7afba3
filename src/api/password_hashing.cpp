#include "api/password_hashing.hpp"

#include <sodium.h>

#include <memory>

#include "auth/appliance_key.hpp"
#include "auth/password.hpp"

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
};

template <typename Hashed>
http::Response hash_then(std::string password, Hashed (*hash)(std::string_view),
                         UniqueFunction<http::Response(Hashed)> then) {
  auto hashing = std::make_shared<Hashing<Hashed>>(std::move(password), std::move(then));
  http::Deferred deferred;
  deferred.work = [hashing, hash] {
    hashing->hashed = hash(hashing->password);
    hashing->wipe();
  };
  deferred.then = [hashing] { return hashing->then(std::move(hashing->hashed)); };
  return http::defer(std::move(deferred));
}

}  // namespace

http::Response with_password_hash(std::string password,
                                  UniqueFunction<http::Response(std::string hash)> then) {
  return hash_then<std::string>(std::move(password), auth::hash_password, std::move(then));
}

http::Response with_partner_password_hashes(
    std::string password, UniqueFunction<http::Response(domain::PasswordHashes hashes)> then) {
  return hash_then<domain::PasswordHashes>(std::move(password), auth::hash_partner_password,
                                           std::move(then));
}

}  // namespace accountsd::api
