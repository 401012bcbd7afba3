// Directory on SQLite: plans, groups and users (sqlite_directory.cpp) and device policies
// (sqlite_directory_policies.cpp), with quota counters kept in each transaction.
#pragma once

#include "store/directory.hpp"
#include "store/sqlite/sqlite_backend.hpp"

namespace accountsd::store::sqlite {

class SqliteDirectory final : public Directory {
 public:
  SqliteDirectory(SqliteBackend& backend, std::int64_t pages_from_the_end_past)
      : backend_(backend), pages_from_the_end_past_(pages_from_the_end_past) {}

  std::int64_t create_plan(PartnerId partner, const std::string& name,
                           std::int64_t storage_bytes) override;
  std::vector<domain::Plan> plans(PartnerId partner) override;

  std::int64_t create_group(PartnerId partner, const domain::Group& group) override;
  std::vector<domain::Group> groups(PartnerId partner,
                                    const std::optional<std::string>& search) override;
  std::optional<domain::Group> group(PartnerId partner, std::int64_t group_id) override;
  domain::Group update_group(PartnerId partner, std::int64_t group_id,
                             const domain::GroupPatch& patch, bool allow_over_plan) override;
  void delete_group(PartnerId partner, std::int64_t group_id,
                    std::optional<std::int64_t> move_members_to) override;

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
  void visit_users(PartnerId partner, const domain::UserQuery& query,
                   const std::function<void(const domain::User& user)>& visit) override;
  std::unique_ptr<Cursor<domain::User>> user_cursor(PartnerId partner,
                                                    const domain::UserQuery& query) override;
  std::int64_t count_users(PartnerId partner, const domain::UserQuery& query) override;
  domain::User update_user(PartnerId partner, std::int64_t avatar_id,
                           const domain::UserPatch& patch) override;
  void delete_user(PartnerId partner, std::int64_t avatar_id) override;
  void queue_activation_email(PartnerId partner, std::int64_t avatar_id,
                              const std::optional<std::string>& template_name,
                              const std::optional<std::string>& reg_code) override;
  std::vector<domain::ActivationEmail> activation_emails(std::optional<PartnerId> partner) override;
  std::vector<domain::EmailClash> email_clashes() override;
  void insert_users(PartnerId partner, std::span<const domain::NewUser> users) override;

 private:
  Connection& db() { return backend_.db(); }
  SqliteBackend& backend_;
  std::int64_t pages_from_the_end_past_;  // StoreOptions::pages_from_the_end_past
};

}  // namespace accountsd::store::sqlite
