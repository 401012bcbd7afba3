// RequestKeys on SQLite: the request_keys table (migration 014), written through the writer's
// transaction, so that with group commit a key's answer commits with the change it answers.
#pragma once

#include "store/request_keys.hpp"
#include "store/sqlite/sqlite_backend.hpp"

namespace accountsd::store::sqlite {

class SqliteRequestKeys final : public RequestKeys {
 public:
  explicit SqliteRequestKeys(SqliteBackend& backend) : backend_(backend) {}

  Claim claim(PartnerId partner, std::string_view key, std::string_view fingerprint,
              std::int64_t now, std::int64_t expired_before) override;
  void finish(PartnerId partner, std::string_view key, const Answer& answer) override;
  void release(PartnerId partner, std::string_view key) override;
  std::int64_t prune(std::int64_t before, int limit) override;

 private:
  SqliteBackend& backend_;
};

}  // namespace accountsd::store::sqlite
