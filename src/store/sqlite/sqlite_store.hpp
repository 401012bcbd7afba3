// The Store on an embedded SQLite database: WAL mode, one connection per thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/sqlite/connection.hpp"
#include "store/sqlite/wal_syncer.hpp"
#include "store/store.hpp"

namespace accountsd::store::sqlite {

// The users of a /shares/ page, from the covering index users_with_shares alone (migration 006):
// ?1 partner, ?2 limit, ?3 users to skip from avatar id ?4. Without INDEXED BY the planner would
// pick users_by_partner and visit the users without shares too.
inline constexpr const char* kSharePageUsersSql =
    "SELECT avatar_id, username, name, email, share_id FROM users INDEXED BY users_with_shares "
    "WHERE partner_id = ?1 AND num_shares > 0 AND avatar_id >= ?4 "
    "ORDER BY avatar_id LIMIT ?2 OFFSET ?3";

class SqliteStore final : public Store {
 public:
  // Opens (creating if needed) the database at `path` and applies pending migrations.
  explicit SqliteStore(std::string path, const StoreOptions& options = {});
  ~SqliteStore() override;

  PartnerId create_partner(const domain::NewPartner& partner) override;
  std::optional<domain::Partner> find_partner(std::string_view username) override;
  std::optional<domain::Partner> find_partner(PartnerId partner) override;
  std::vector<domain::Partner> list_partners() override;
  void update_partner(const domain::Partner& partner) override;

  void begin_read() override { db().begin_read(); }
  void end_read() noexcept override { db().end_read(); }
  void release_stale_snapshot() noexcept override;
  std::uint64_t take_commit_ticket() override;
  void when_durable(std::uint64_t ticket, UniqueFunction<void(bool ok)> done) override;
  std::optional<domain::Credentials> credentials(std::string_view username) override;
  void set_password_hash(PartnerId partner, const std::string& hash) override;

  domain::Billing billing(PartnerId partner) override;
  void save_billing(PartnerId partner, const domain::Billing& billing) override;
  domain::Features features(PartnerId partner) override;
  domain::Settings settings(PartnerId partner) override;
  domain::Settings update_settings(
      PartnerId partner,
      const std::function<void(domain::Settings&, const domain::Features&)>& change) override;
  domain::Quota quota(PartnerId partner) override;
  std::vector<domain::UserShares> shares(PartnerId partner, std::int64_t offset,
                                         std::optional<std::int64_t> limit) override;
  std::unique_ptr<Cursor<domain::UserShares>> share_cursor(PartnerId partner,
                                                           std::int64_t offset) override;
  std::vector<domain::RevisionCount> client_revisions(PartnerId partner,
                                                      const domain::CensusFilter& filter) override;

  void save_backup(PartnerId partner, const domain::Backup& backup) override;
  std::optional<domain::Backup> backup(PartnerId partner, domain::BackupGeneration which) override;

  std::int64_t create_plan(PartnerId partner, const std::string& name,
                           std::int64_t storage_bytes) override;
  std::vector<domain::Plan> plans(PartnerId partner) override;

  std::int64_t create_group(PartnerId partner, const domain::Group& group) override;
  std::vector<domain::Group> groups(PartnerId partner,
                                    const std::optional<std::string>& search) override;
  std::optional<domain::Group> group(PartnerId partner, std::int64_t group_id) override;
  domain::Group update_group(PartnerId partner, std::int64_t group_id,
                             const domain::GroupPatch& patch, bool force) override;
  void delete_group(PartnerId partner, std::int64_t group_id,
                    std::optional<std::int64_t> move_to) override;

  domain::DevicePolicy create_device_policy(PartnerId partner,
                                            const domain::DevicePolicy& policy) override;
  std::vector<domain::DevicePolicy> device_policies(PartnerId partner) override;
  std::optional<domain::DevicePolicy> device_policy(PartnerId partner,
                                                    std::int64_t policy_id) override;
  std::optional<domain::DevicePolicy> update_device_policy(
      PartnerId partner, std::int64_t policy_id,
      const std::function<void(domain::DevicePolicy&)>& change) override;
  bool delete_device_policy(PartnerId partner, std::int64_t policy_id) override;

  domain::User create_user(PartnerId partner, const domain::UserCreate& user) override;
  std::optional<std::string> taken_user_field(PartnerId partner, std::string_view username,
                                              std::string_view email) override;
  std::optional<domain::User> find_user(PartnerId partner, std::string_view key) override;
  std::vector<domain::User> users(PartnerId partner, const domain::UserQuery& query) override;
  std::unique_ptr<Cursor<domain::User>> user_cursor(PartnerId partner,
                                                    const domain::UserQuery& query) override;
  std::int64_t count_users(PartnerId partner, const domain::UserQuery& query) override;
  domain::User update_user(PartnerId partner, std::int64_t avatar_id,
                           const domain::UserPatch& patch) override;
  void delete_user(PartnerId partner, std::int64_t avatar_id) override;
  void queue_activation_email(PartnerId partner, std::int64_t avatar_id,
                              const std::optional<std::string>& template_name,
                              const std::optional<std::string>& reg_code) override;
  std::vector<domain::EmailClash> email_clashes() override;
  std::vector<domain::ActivationEmail> activation_emails(std::optional<PartnerId> partner) override;
  void insert_users(PartnerId partner, std::span<const domain::NewUser> users) override;

  std::vector<domain::Device> devices(PartnerId partner, std::int64_t avatar_id) override;
  std::vector<domain::Share> user_shares(PartnerId partner, std::int64_t avatar_id) override;
  std::optional<domain::Share> user_share(PartnerId partner, std::int64_t avatar_id,
                                          std::string_view room_key) override;
  bool set_share_enabled(PartnerId partner, std::int64_t avatar_id, std::string_view room_key,
                         bool enabled) override;

  void put_device(PartnerId partner, std::int64_t avatar_id, std::string_view name,
                  const domain::DeviceReport& report) override;
  bool delete_device(PartnerId partner, std::int64_t avatar_id, std::string_view name) override;
  void put_share(PartnerId partner, std::int64_t avatar_id, std::string_view room_key,
                 const domain::ShareReport& report) override;
  bool delete_share(PartnerId partner, std::int64_t avatar_id, std::string_view room_key) override;
  void set_bytes_stored(PartnerId partner, std::int64_t avatar_id,
                        std::int64_t bytes_stored) override;

 private:
  // This thread's connection to the database, opened on first use.
  Connection& db();
  // The same, or nullptr when this thread has not opened one.
  Connection* opened_db() const;
  void migrate(Connection& connection);
  // A connection of its own for a Cursor, already reading in a snapshot taken now.
  std::unique_ptr<Connection> open_snapshot() const;

  std::string path_;
  StoreOptions options_;
  std::uint64_t id_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> connections_;
  // Commits made through this store's connections (Connection::report_commits_to).
  std::atomic<std::uint64_t> commits_{0};
  // Group commit only; set in the constructor, before any other thread uses the store.
  std::unique_ptr<WalSyncer> syncer_;
};

}  // namespace accountsd::store::sqlite
