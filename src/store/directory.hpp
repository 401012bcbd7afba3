// The directory role of the store: a partner's plans, groups, device policies and users.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/activation_email.hpp"
#include "domain/device_policy.hpp"
#include "domain/email_clash.hpp"
#include "domain/group.hpp"
#include "domain/new_user.hpp"
#include "domain/partner.hpp"
#include "domain/plan.hpp"
#include "domain/user.hpp"
#include "domain/user_query.hpp"
#include "store/cursor.hpp"

namespace accountsd::store {

using domain::PartnerId;

// Writes that a rule refuses throw the refusals of store/outcomes.hpp: NotFound for the object
// they are about, Conflict for a clash with other data, QuotaExceeded past bytes_available.
class Directory {
 public:
  virtual ~Directory() = default;

  // Plans (B.1).
  virtual std::int64_t create_plan(PartnerId partner, const std::string& name,
                                   std::int64_t storage_bytes) = 0;
  virtual std::vector<domain::Plan> plans(PartnerId partner) = 0;

  // Groups (B.2).
  virtual std::int64_t create_group(PartnerId partner, const domain::Group& group) = 0;
  // Groups whose name contains `search` (case-insensitive), or all.
  virtual std::vector<domain::Group> groups(
      PartnerId partner, const std::optional<std::string>& search = std::nullopt) = 0;
  virtual std::optional<domain::Group> group(PartnerId partner, std::int64_t group_id) = 0;
  // A plan change moves the members to the new plan; unless `allow_over_plan`, it is refused
  // while members store more than the new plan allows.
  virtual domain::Group update_group(PartnerId partner, std::int64_t group_id,
                                     const domain::GroupPatch& patch, bool allow_over_plan) = 0;
  // Deletes the group, first moving its members to group `move_members_to` (and its plan) if
  // given; a group with members and nowhere to move them stays.
  virtual void delete_group(PartnerId partner, std::int64_t group_id,
                            std::optional<std::int64_t> move_members_to) = 0;

  // Device policies (C.5), ordered by id. A write that a rule involving other policies or groups
  // refuses throws Conflict; the catalogue's value rules are the caller's.
  virtual domain::DevicePolicy create_device_policy(PartnerId partner,
                                                    const domain::DevicePolicy& policy) = 0;
  virtual std::vector<domain::DevicePolicy> device_policies(PartnerId partner) = 0;
  virtual std::optional<domain::DevicePolicy> device_policy(PartnerId partner,
                                                            std::int64_t policy_id) = 0;
  // Runs `change` on the stored policy inside one transaction and saves the result; nullopt when
  // there is no such policy. If `change` throws, nothing is saved and the exception propagates.
  virtual std::optional<domain::DevicePolicy> update_device_policy(
      PartnerId partner, std::int64_t policy_id,
      const std::function<void(domain::DevicePolicy&)>& change) = 0;
  // false when there is no such policy.
  virtual bool delete_device_policy(PartnerId partner, std::int64_t policy_id) = 0;

  // Users (B.3).
  virtual domain::User create_user(PartnerId partner, const domain::UserCreate& user) = 0;
  // Which unique field of a new user, "username" or "email", another user of the partner holds
  // already (an empty username is not checked), or nullopt: the cheap check that goes before
  // hashing a password; create_user still enforces both.
  virtual std::optional<std::string> taken_user_field(PartnerId partner, std::string_view username,
                                                      std::string_view email) = 0;
  // The user whose username, or else email, is `key`.
  virtual std::optional<domain::User> find_user(PartnerId partner, std::string_view key) = 0;
  // The users `query` selects, in its order, handed to `visit` one at a time as they are read: a
  // page is written out without being copied into objects first. `user` is the store's, valid
  // only during the call (it reuses it for the next user).
  virtual void visit_users(PartnerId partner, const domain::UserQuery& query,
                           const std::function<void(const domain::User& user)>& visit) = 0;
  // The same users, collected.
  std::vector<domain::User> users(PartnerId partner, const domain::UserQuery& query) {
    std::vector<domain::User> out;
    visit_users(partner, query, [&](const domain::User& user) { out.push_back(user); });
    return out;
  }
  // The users `query` selects, in its order, from its offset on to the last (its limit is
  // ignored), a page at a time (Cursor).
  virtual std::unique_ptr<Cursor<domain::User>> user_cursor(PartnerId partner,
                                                            const domain::UserQuery& query) = 0;
  virtual std::int64_t count_users(PartnerId partner, const domain::UserQuery& query) = 0;
  virtual domain::User update_user(PartnerId partner, std::int64_t avatar_id,
                                   const domain::UserPatch& patch) = 0;
  // Deletes the user with its devices and shares.
  virtual void delete_user(PartnerId partner, std::int64_t avatar_id) = 0;
  virtual void queue_activation_email(PartnerId partner, std::int64_t avatar_id,
                                      const std::optional<std::string>& template_name,
                                      const std::optional<std::string>& reg_code) = 0;
  // The outbox, oldest first; every partner's when `partner` is empty.
  virtual std::vector<domain::ActivationEmail> activation_emails(
      std::optional<PartnerId> partner) = 0;
  // Emails that still clash by letter case (EmailClash), every partner's.
  virtual std::vector<domain::EmailClash> email_clashes() = 0;
  // Inserts users with their devices and shares in one transaction, keeping quota exact (demo).
  virtual void insert_users(PartnerId partner, std::span<const domain::NewUser> users) = 0;
};

}  // namespace accountsd::store
