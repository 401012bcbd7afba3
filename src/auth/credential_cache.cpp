#include "auth/credential_cache.hpp"

#include <sodium.h>

namespace accountsd::auth {

CredentialCache::CredentialCache(std::chrono::seconds ttl, std::size_t capacity)
    : ttl_(ttl), capacity_(capacity) {
  randombytes_buf(key_.data(), key_.size());
}

std::string CredentialCache::digest(std::string_view username, std::string_view password,
                                    std::string_view hash) const {
  crypto_generichash_state state;
  crypto_generichash_init(&state, key_.data(), key_.size(), 32);
  // Length-prefix each part so that no two different triples hash the same input.
  for (std::string_view part : {username, password, hash}) {
    std::uint64_t size = part.size();
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(&size), sizeof size);
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(part.data()),
                              part.size());
  }
  std::string out(32, '\0');
  crypto_generichash_final(&state, reinterpret_cast<unsigned char*>(out.data()), out.size());
  return out;
}

bool CredentialCache::contains(std::string_view username, std::string_view password,
                               std::string_view hash) {
  auto key = digest(username, password, hash);
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return false;
  if (Clock::now() - it->second >= ttl_) {
    entries_.erase(it);
    return false;
  }
  return true;
}

void CredentialCache::remember(std::string_view username, std::string_view password,
                               std::string_view hash) {
  auto key = digest(username, password, hash);
  auto now = Clock::now();
  std::lock_guard lock(mutex_);
  // Refreshing an entry already held does not grow the map, so it must not evict others.
  if (entries_.size() >= capacity_ && !entries_.contains(key)) {
    std::erase_if(entries_, [&](const auto& entry) { return now - entry.second >= ttl_; });
    if (entries_.size() >= capacity_) entries_.clear();
  }
  entries_[key] = now;
}

}  // namespace accountsd::auth
