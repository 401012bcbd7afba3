// Usage on PostgreSQL: devices, shares and the storage service's reports, the share listing and
// its cursor (pg_usage.cpp), and the client-revision census (pg_census.cpp); the same answers
// and refusals as SqliteUsage.
#pragma once

#include "store/postgres/backend.hpp"
#include "store/usage.hpp"

namespace accountsd::store::postgres {

class PgUsage final : public Usage {
 public:
  explicit PgUsage(Backend& backend) : backend_(backend) {}

  std::vector<domain::Device> devices(PartnerId partner, std::int64_t avatar_id) override;
  std::vector<domain::Share> user_shares(PartnerId partner, std::int64_t avatar_id) override;
  std::optional<domain::Share> user_share(PartnerId partner, std::int64_t avatar_id,
                                          std::string_view room_key) override;
  bool set_share_enabled(PartnerId partner, std::int64_t avatar_id, std::string_view room_key,
                         bool enabled) override;

  void visit_shares(PartnerId partner, std::int64_t offset, std::optional<std::int64_t> limit,
                    const ShareVisitor& visit) override;
  std::unique_ptr<Cursor<domain::UserShares>> share_cursor(PartnerId partner,
                                                           std::int64_t offset) override;
  std::vector<domain::RevisionCount> client_revisions(PartnerId partner,
                                                      const domain::CensusFilter& filter) override;

  void put_device(PartnerId partner, std::int64_t avatar_id, std::string_view name,
                  const domain::DeviceReport& report) override;
  bool delete_device(PartnerId partner, std::int64_t avatar_id, std::string_view name) override;
  void put_share(PartnerId partner, std::int64_t avatar_id, std::string_view room_key,
                 const domain::ShareReport& report) override;
  bool delete_share(PartnerId partner, std::int64_t avatar_id, std::string_view room_key) override;
  void set_bytes_stored(PartnerId partner, std::int64_t avatar_id,
                        std::int64_t bytes_stored) override;

 private:
  Backend& backend_;
};

}  // namespace accountsd::store::postgres
