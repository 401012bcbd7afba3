// Remembers recently verified (username, password, stored hash) triples, so a request costs a
// keyed hash instead of an Argon2id verification. Holds digests only, never passwords.
#pragma once

#include <array>
#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace accountsd::auth {

class CredentialCache {
 public:
  using Clock = std::chrono::steady_clock;
  explicit CredentialCache(std::chrono::seconds ttl = std::chrono::minutes(5),
                           std::size_t capacity = 100000);

  // True when this exact triple was verified within the TTL. A changed stored hash (password
  // change, from this process or another) yields a different digest, so it never matches.
  bool contains(std::string_view username, std::string_view password, std::string_view hash);
  void remember(std::string_view username, std::string_view password, std::string_view hash);

 private:
  std::string digest(std::string_view username, std::string_view password,
                     std::string_view hash) const;
  std::array<unsigned char, 32> key_;
  std::chrono::seconds ttl_;
  std::size_t capacity_;
  std::mutex mutex_;
  std::unordered_map<std::string, Clock::time_point> entries_;
};

}  // namespace accountsd::auth
