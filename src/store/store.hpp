// The storage interface every handler and command uses; SQLite now, PostgreSQL later.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/billing.hpp"
#include "domain/partner.hpp"
#include "domain/quota.hpp"
#include "domain/settings.hpp"
#include "domain/share.hpp"

namespace accountsd::store {

using domain::PartnerId;

struct NewPartner {
  std::string username;
  std::string name;
  std::string password_hash;
  domain::BillingMode billing_mode = domain::BillingMode::invoice;
  std::optional<std::int64_t> bytes_available;
  domain::Features features;
};

// What authentication needs: the partner and its current Argon2id hash string.
struct Credentials {
  PartnerId partner_id = 0;
  std::string password_hash;
};

struct Plan {
  std::int64_t plan_id = 0;
  std::string name;
  std::int64_t storage_bytes = 0;
};

struct Group {
  std::int64_t group_id = 0;
  std::string name;
  std::int64_t plan_id = 0;
  bool webapi_enable = true;
  bool check_domain = false;
};

struct NewDevice {
  std::string name;
  std::int64_t client_revision = 0;
  std::int64_t creation_time = 0;
  std::optional<std::int64_t> last_login;
  std::optional<std::int64_t> last_backup_complete;
};

// A user with its devices and shares, as bulk loading (demo) inserts it.
struct NewUser {
  std::string username;
  std::string name;
  std::string email;
  std::int64_t group_id = 0;
  std::int64_t plan_id = 0;
  std::int64_t bonus_bytes = 0;
  std::int64_t bytes_stored = 0;
  bool enabled = true;
  std::int64_t creation_time = 0;
  std::optional<std::int64_t> last_login;
  std::optional<std::string> share_id;
  std::vector<NewDevice> devices;
  std::vector<domain::Share> shares;
};

// Thrown when a write would break a uniqueness rule; `field` names the column.
struct UniqueViolation : std::runtime_error {
  explicit UniqueViolation(std::string field)
      : std::runtime_error("duplicate " + field), field(std::move(field)) {}
  std::string field;
};

class Store {
 public:
  virtual ~Store() = default;

  // Operator: partners. create_partner also makes the "Unlimited" plan and the default group.
  virtual PartnerId create_partner(const NewPartner& partner) = 0;
  virtual std::optional<domain::Partner> find_partner(std::string_view username) = 0;
  virtual std::optional<domain::Partner> find_partner(PartnerId partner) = 0;
  virtual std::vector<domain::Partner> list_partners() = 0;
  // Saves name, billing mode, bytes_available and features of an existing partner.
  virtual void update_partner(const domain::Partner& partner) = 0;

  // Authentication.
  virtual std::optional<Credentials> credentials(std::string_view username) = 0;
  virtual void set_password_hash(PartnerId partner, const std::string& hash) = 0;

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
  // Users with at least one share, by avatar_id, from `offset`, at most `limit` of them.
  virtual std::vector<domain::UserShares> shares(PartnerId partner, std::int64_t offset,
                                                 std::optional<std::int64_t> limit) = 0;
  virtual std::vector<domain::RevisionCount> client_revisions(
      PartnerId partner, const domain::CensusFilter& filter) = 0;

  // Plans, groups and bulk users (demo data; Part B builds on these).
  virtual std::int64_t create_plan(PartnerId partner, const std::string& name,
                                   std::int64_t storage_bytes) = 0;
  virtual std::vector<Plan> plans(PartnerId partner) = 0;
  virtual std::int64_t create_group(PartnerId partner, const Group& group) = 0;
  virtual std::vector<Group> groups(PartnerId partner) = 0;
  // Inserts users with their devices and shares in one transaction, keeping quota exact.
  virtual void insert_users(PartnerId partner, std::span<const NewUser> users) = 0;
  // Number of users the partner has.
  virtual std::int64_t count_users(PartnerId partner) = 0;
};

// Opens the store named by a --db URL: "sqlite:PATH" or a plain path; creates and migrates it.
std::unique_ptr<Store> open_store(const std::string& url);

}  // namespace accountsd::store
