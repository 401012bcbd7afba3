// The partners role of the store: accounts, credentials, billing, settings, quota and backups.
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "domain/backup.hpp"
#include "domain/billing.hpp"
#include "domain/credentials.hpp"
#include "domain/new_partner.hpp"
#include "domain/partner.hpp"
#include "domain/quota.hpp"
#include "domain/settings.hpp"

namespace accountsd::store {

using domain::PartnerId;

// The credentials a request was let in with have changed since it was: it must be authenticated
// again, and what it read so far is void.
class CredentialsChanged : public std::runtime_error {
 public:
  CredentialsChanged() : std::runtime_error("the credentials changed") {}
};

class PartnerStore {
 public:
  virtual ~PartnerStore() = default;

  // Operator: partners. create_partner also makes the "Unlimited" plan, and a group only when
  // NewPartner::group names one. A username another partner holds in any letter case is
  // Conflict::taken(Object::partner, "username").
  virtual PartnerId create_partner(const domain::NewPartner& partner) = 0;
  virtual std::optional<domain::Partner> find_partner(std::string_view username) = 0;
  virtual std::optional<domain::Partner> find_partner(PartnerId partner) = 0;
  virtual std::vector<domain::Partner> list_partners() = 0;
  // Saves name, billing mode, bytes_available and features of an existing partner.
  virtual void update_partner(const domain::Partner& partner) = 0;

  // Authentication.
  virtual std::optional<domain::Credentials> credentials(std::string_view username) = 0;
  // Asks whether `username`'s credentials are still as `still` expects (it is given what the
  // database holds) and throws CredentialsChanged when not. A backend whose reads cost a round
  // trip asks inside a read snapshot together with the snapshot's first read, which then throws;
  // Transactions::settle_checks() asks at the latest. Here: now.
  using CredentialsStill = std::function<bool(const std::optional<domain::Credentials>&)>;
  virtual void expect_credentials(std::string_view username, CredentialsStill still) {
    if (!still(credentials(username))) throw CredentialsChanged();
  }
  // Replaces both hashes at once. Also ends every console session of the partner
  // (ConsoleSessions), in the same transaction: whoever signed in with the old password is
  // signed out by the change.
  virtual void set_password_hashes(PartnerId partner, const domain::PasswordHashes& hashes) = 0;
  // A password hash alone, with no appliance key (tests, and what has no plain password).
  void set_password_hash(PartnerId partner, const std::string& hash) {
    set_password_hashes(partner, domain::PasswordHashes{hash, std::nullopt});
  }

  // Partner API, Part A.
  virtual domain::Billing billing(PartnerId partner) = 0;
  virtual void save_billing(PartnerId partner, const domain::Billing& billing) = 0;
  virtual domain::Features features(PartnerId partner) = 0;
  virtual domain::Settings settings(PartnerId partner) = 0;
  // Runs `change` on the current settings inside one transaction and saves the result;
  // if `change` throws, nothing is saved and the exception propagates.
  virtual domain::Settings update_settings(
      PartnerId partner,
      const std::function<void(domain::Settings&, const domain::Features&)>& change) = 0;
  virtual domain::Quota quota(PartnerId partner) = 0;

  // The appliance's configuration backups (C.3). Saving makes `backup` the current one and the
  // current one the previous one, in one transaction; the older previous one is dropped.
  virtual void save_backup(PartnerId partner, const domain::Backup& backup) = 0;
  virtual std::optional<domain::Backup> backup(PartnerId partner,
                                               domain::BackupGeneration which) = 0;
};

}  // namespace accountsd::store
