// Whole answers of read routes, kept while the data they were read from is unchanged: a list
// page asked for again (a console's table, a script polling) is sent again without reading its
// rows and writing its JSON again.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "http/message.hpp"
#include "store/partners.hpp"

namespace accountsd::api {

class AnswerCache {
 public:
  // `max_bytes`: the most body text kept in all; 0 keeps nothing. `lifetime`: how long an
  // answer is kept at most even while nothing changes, which bounds how far behind the clock
  // an answer that depends on it (a login-age filter) can be.
  explicit AnswerCache(std::size_t max_bytes,
                       std::chrono::steady_clock::duration lifetime = std::chrono::seconds(1));

  // The answer kept for `partner`'s `target` (the raw request target) at data version
  // `version` (store::Transactions::SnapshotVersion::now), if any; its body is shared
  // (http::Response::shared_body).
  std::optional<http::Response> find(store::PartnerId partner, std::string_view target,
                                     std::uint64_t version);
  // Keeps `response`, read at data `version`, when it is a complete 200 answer no bigger than
  // a fair share of the cache.
  void keep(store::PartnerId partner, std::string_view target, std::uint64_t version,
            const http::Response& response);

  struct Counts {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;
    std::size_t bytes = 0;  // kept now, keys included
  };
  Counts counts() const;

 private:
  struct Entry {
    std::uint64_t version = 0;
    std::chrono::steady_clock::time_point expires;
    int status = 200;
    http::Headers headers;
    // Shared with the answers sent from it (http::Response::shared_body).
    std::shared_ptr<const std::string> body;
    std::size_t size = 0;  // of the body and headers
  };
  // A few locks rather than one, so that the I/O threads seldom wait for each other.
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, Entry> entries;
    std::size_t bytes = 0;
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;
  };
  static constexpr std::size_t kShards = 8;
  static std::string key(store::PartnerId partner, std::string_view target);
  Shard& shard_of(const std::string& key);

  std::size_t shard_bytes_;
  std::chrono::steady_clock::duration lifetime_;
  std::array<Shard, kShards> shards_;
};

}  // namespace accountsd::api
