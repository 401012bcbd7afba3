#include "api/answer_cache.hpp"

#include <functional>

namespace accountsd::api {
namespace {

std::size_t size_of(const http::Response& response) {
  std::size_t size = response.shared_body ? response.shared_body->size() : response.body.size();
  for (const auto& [name, value] : response.headers) size += name.size() + value.size();
  return size;
}

}  // namespace

AnswerCache::AnswerCache(std::size_t max_bytes, std::chrono::steady_clock::duration lifetime)
    : shard_bytes_(max_bytes / kShards), lifetime_(lifetime) {}

std::string AnswerCache::key(store::PartnerId partner, std::string_view target) {
  std::string key = std::to_string(partner);
  key += ' ';
  key += target;
  return key;
}

AnswerCache::Shard& AnswerCache::shard_of(const std::string& key) {
  return shards_[std::hash<std::string>{}(key) % kShards];
}

std::optional<http::Response> AnswerCache::find(store::PartnerId partner, std::string_view target,
                                                std::uint64_t version) {
  if (shard_bytes_ == 0) return std::nullopt;
  auto name = key(partner, target);
  auto& shard = shard_of(name);
  std::lock_guard lock(shard.mutex);
  auto it = shard.entries.find(name);
  if (it == shard.entries.end() || it->second.version != version ||
      std::chrono::steady_clock::now() >= it->second.expires) {
    ++shard.misses;
    return std::nullopt;
  }
  ++shard.hits;
  const auto& entry = it->second;
  http::Response found;
  found.status = entry.status;
  found.headers = entry.headers;
  found.shared_body = entry.body;
  return found;
}

void AnswerCache::keep(store::PartnerId partner, std::string_view target, std::uint64_t version,
                       const http::Response& response) {
  if (response.status != 200 || response.stream || response.deferred ||
      response.durable_ticket != 0)
    return;
  const auto size = size_of(response);
  // No one answer may take more than a quarter of its shard.
  if (size > shard_bytes_ / 4) return;
  Entry entry{version,
              std::chrono::steady_clock::time_point{},
              response.status,
              response.headers,
              response.shared_body ? response.shared_body
                                   : std::make_shared<const std::string>(response.body),
              size};
  auto name = key(partner, target);
  auto& shard = shard_of(name);
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(shard.mutex);
  if (auto it = shard.entries.find(name); it != shard.entries.end()) {
    shard.bytes -= it->second.size + it->first.size();
    shard.entries.erase(it);
  }
  const auto added = size + name.size();
  if (shard.bytes + added > shard_bytes_) {
    // Full: what can no longer be served goes first, then everything. Answers are cheap to
    // make again, and a bound that holds matters more than which of them stay.
    std::erase_if(shard.entries, [&](const auto& item) {
      const bool stale = item.second.version != version || item.second.expires <= now;
      if (stale) shard.bytes -= item.second.size + item.first.size();
      return stale;
    });
    if (shard.bytes + added > shard_bytes_) {
      shard.entries.clear();
      shard.bytes = 0;
    }
  }
  shard.bytes += added;
  entry.expires = now + lifetime_;
  shard.entries.emplace(std::move(name), std::move(entry));
}

AnswerCache::Counts AnswerCache::counts() const {
  Counts counts;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    counts.hits += shard.hits;
    counts.misses += shard.misses;
    counts.bytes += shard.bytes;
  }
  return counts;
}

}  // namespace accountsd::api
