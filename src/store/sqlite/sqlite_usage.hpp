// Usage on SQLite: devices, shares and the storage service's reports (sqlite_usage.cpp), and the
// client-revision census (census.cpp).
#pragma once

#include "store/sqlite/sqlite_backend.hpp"
#include "store/usage.hpp"

namespace accountsd::store::sqlite {

// The users of a /shares/ page, from the covering index users_with_shares alone (migration 006):
// ?1 partner, ?2 limit, ?3 users to skip from avatar id ?4. Without INDEXED BY the planner would
// pick users_by_partner and visit the users without shares too.
inline constexpr const char* kSharePageUsersSql =
    "SELECT avatar_id, username, name, email, share_id FROM users INDEXED BY users_with_shares "
    "WHERE partner_id = ?1 AND num_shares > 0 AND avatar_id >= ?4 "
    "ORDER BY avatar_id LIMIT ?2 OFFSET ?3";

class SqliteUsage final : public Usage {
 public:
  explicit SqliteUsage(SqliteBackend& backend) : backend_(backend) {}

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
  Connection& db() { return backend_.db(); }
  SqliteBackend& backend_;
};

}  // namespace accountsd::store::sqlite
