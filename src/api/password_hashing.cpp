#include "api/password_hashing.hpp"

#include <sodium.h>

#include <memory>

#include "auth/password.hpp"

namespace accountsd::api {
namespace {

// What the two steps share: the password until it is hashed, then its hash.
struct Hashing {
  Hashing(std::string password, UniqueFunction<http::Response(std::string)> then)
      : password(std::move(password)), then(std::move(then)) {}
  Hashing(const Hashing&) = delete;
  Hashing& operator=(const Hashing&) = delete;
  ~Hashing() { wipe(); }
  void wipe() {
    sodium_memzero(password.data(), password.size());
    password.clear();
  }
  std::string password;
  std::string hash;
  UniqueFunction<http::Response(std::string)> then;
};

}  // namespace

http::Response with_password_hash(std::string password,
                                  UniqueFunction<http::Response(std::string hash)> then) {
  auto hashing = std::make_shared<Hashing>(std::move(password), std::move(then));
  http::Deferred deferred;
  deferred.work = [hashing] {
    hashing->hash = auth::hash_password(hashing->password);
    hashing->wipe();
  };
  deferred.then = [hashing] { return hashing->then(std::move(hashing->hash)); };
  return http::defer(std::move(deferred));
}

}  // namespace accountsd::api
