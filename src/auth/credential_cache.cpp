#include "auth/credential_cache.hpp"

#include <sodium.h>

#include "domain/digest.hpp"

namespace accountsd::auth {

CredentialCache::CredentialCache(std::chrono::seconds ttl, std::size_t capacity)
    : ttl_(ttl), capacity_(capacity) {
  randombytes_buf(key_.data(), key_.size());
}

std::string CredentialCache::digest(std::initializer_list<std::string_view> parts) const {
  auto digest = domain::parts_digest(parts, key_);
  return std::string(digest.begin(), digest.end());
}

std::optional<CredentialCache::Verified> CredentialCache::recall(std::string_view username,
                                                                 std::string_view password) {
  auto key = digest({username, password});
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  if (Clock::now() - it->second.at >= ttl_) {
    entries_.erase(it);
    return std::nullopt;
  }
  return it->second.verified;
}

bool CredentialCache::matches(const Verified& verified, std::int64_t partner,
                              std::string_view hash) {
  // Compared as is: a digest of it on every request cost as much as the password's.
  return verified.partner == partner && verified.hash == hash;
}

bool CredentialCache::contains(std::string_view username, std::string_view password,
                               std::int64_t partner, std::string_view hash) {
  auto verified = recall(username, password);
  return verified && matches(*verified, partner, hash);
}

void CredentialCache::remember(std::string_view username, std::string_view password,
                               std::int64_t partner, std::string_view hash) {
  auto key = digest({username, password});
  Entry entry{{partner, std::string(hash)}, Clock::now()};
  std::lock_guard lock(mutex_);
  // Refreshing an entry already held does not grow the map, so it must not evict others.
  if (entries_.size() >= capacity_ && !entries_.contains(key)) {
    std::erase_if(entries_, [&](const auto& e) { return entry.at - e.second.at >= ttl_; });
    if (entries_.size() >= capacity_) entries_.clear();
  }
  entries_[key] = std::move(entry);
}

}  // namespace accountsd::auth
