// RequestKeys on PostgreSQL: the request_keys table (migration 014). A claim is made under the
// partner's lock (Backend::write), so the servers of the database claim a key one at a time.
#pragma once

#include "store/postgres/backend.hpp"
#include "store/request_keys.hpp"

namespace accountsd::store::postgres {

class PgRequestKeys final : public RequestKeys {
 public:
  explicit PgRequestKeys(Backend& backend) : backend_(backend) {}

  Claim claim(PartnerId partner, std::string_view key, std::string_view fingerprint,
              std::int64_t now, std::int64_t expired_before) override;
  void finish(PartnerId partner, std::string_view key, const Answer& answer) override;
  void release(PartnerId partner, std::string_view key) override;
  std::int64_t prune(std::int64_t before, int limit) override;

 private:
  Backend& backend_;
};

}  // namespace accountsd::store::postgres
