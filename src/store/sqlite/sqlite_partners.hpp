// PartnerStore on SQLite.
#pragma once

#include "store/partners.hpp"
#include "store/sqlite/sqlite_backend.hpp"

namespace accountsd::store::sqlite {

class SqlitePartners final : public PartnerStore {
 public:
  explicit SqlitePartners(SqliteBackend& backend) : backend_(backend) {}

  PartnerId create_partner(const domain::NewPartner& partner) override;
  std::optional<domain::Partner> find_partner(std::string_view username) override;
  std::optional<domain::Partner> find_partner(PartnerId partner) override;
  std::vector<domain::Partner> list_partners() override;
  void update_partner(const domain::Partner& partner) override;

  std::optional<domain::Credentials> credentials(std::string_view username) override;
  void set_password_hashes(PartnerId partner, const domain::PasswordHashes& hashes) override;

  domain::Billing billing(PartnerId partner) override;
  void save_billing(PartnerId partner, const domain::Billing& billing) override;
  domain::Features features(PartnerId partner) override;
  domain::Settings settings(PartnerId partner) override;
  domain::Settings update_settings(
      PartnerId partner,
      const std::function<void(domain::Settings&, const domain::Features&)>& change) override;
  domain::Quota quota(PartnerId partner) override;

  void save_backup(PartnerId partner, const domain::Backup& backup) override;
  std::optional<domain::Backup> backup(PartnerId partner, domain::BackupGeneration which) override;

 private:
  Connection& db() { return backend_.db(); }
  SqliteBackend& backend_;
};

}  // namespace accountsd::store::sqlite
