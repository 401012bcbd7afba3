// Remembers recently verified credentials, so a request costs a keyed hash instead of an Argon2id
// verification. Holds digests of passwords, never passwords; and the stored hashes they were
// verified against, which are the database's anyway.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace accountsd::auth {

class CredentialCache {
 public:
  using Clock = std::chrono::steady_clock;
  explicit CredentialCache(std::chrono::seconds ttl = std::chrono::minutes(5),
                           std::size_t capacity = 100000);

  // A (username, password) verified within the TTL: whose it was, and the stored hash it was
  // verified against.
  struct Verified {
    std::int64_t partner = 0;
    std::string hash;
  };
  std::optional<Verified> recall(std::string_view username, std::string_view password);
  // Whether `verified` was verified against the stored hash `hash` (of its partner). A changed
  // stored hash (password change, from this process or another) never matches.
  static bool matches(const Verified& verified, std::int64_t partner, std::string_view hash);
  // recall() and matches() in one.
  bool contains(std::string_view username, std::string_view password, std::int64_t partner,
                std::string_view hash);
  void remember(std::string_view username, std::string_view password, std::int64_t partner,
                std::string_view hash);

 private:
  struct Entry {
    Verified verified;
    Clock::time_point at;
  };
  std::string digest(std::initializer_list<std::string_view> parts) const;
  std::array<unsigned char, 32> key_;
  std::chrono::seconds ttl_;
  std::size_t capacity_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;  // by digest of (username, password)
};

}  // namespace accountsd::auth
